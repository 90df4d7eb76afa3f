//! Command-line flags, as clap derives them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use forgelens_engine::image_input::ImageLimits;
use forgelens_engine::model::Preset;
use forgelens_engine::verdict_evidence::VerdictEvidence;
use forgelens_engine::{AnalyzerOptions, DeviceChoice, MapKind};
use forgelens_report::ReportFormat;

#[derive(Debug, Parser)]
#[command(
    name = "forgelens",
    version,
    about = "Is this image real, partially manipulated or fully generated, and where?",
    long_about = "Is this image real, partially manipulated or fully generated, and where? \
                  Without a subcommand, opens the desktop app (on IMAGE, if given).",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Image to open in the app.
    pub image: Option<PathBuf>,
    /// Open the app on the batch table of every image in this folder.
    #[arg(long, value_name = "DIR")]
    pub batch: Option<PathBuf>,
    /// Model directory for the app (default: the last one used, else the bundled model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Device for the app (default: the last one used, else auto).
    #[arg(long, value_parser = parse_device)]
    pub device: Option<DeviceChoice>,
}

#[derive(Debug, Args)]
pub struct DeviceArgs {
    /// Compute device: auto (CUDA if built, else a hardware GPU, else CPU), cpu, wgpu or cuda.
    #[arg(long, default_value = "auto", value_parser = parse_device)]
    pub device: DeviceChoice,
}

/// How images are read and tiled, shared by `analyze` and `report`.
#[derive(Debug, Args)]
pub struct TilingArgs {
    /// Largest number of tiles per image, for memory (larger images are analysed at a reduced
    /// size, and the output says so); the default keeps up to about 36 megapixels native.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_tiles: u32,
    /// Overlap between neighbouring tiles (0 to 0.9).
    #[arg(long, default_value_t = 0.25, value_parser = parse_overlap)]
    pub overlap: f32,
    /// Largest accepted image, in megapixels (above 0, at most 1000).
    #[arg(long, default_value_t = 50.0, value_parser = parse_megapixels)]
    pub max_megapixels: f64,
    #[command(flatten)]
    pub verdict: VerdictArgs,
}

/// Where the verdict's evidence comes from, shared by `analyze`, `report`, `eval` and
/// `calibrate`.
#[derive(Debug, Args)]
pub struct VerdictArgs {
    /// The verdict's evidence: global (the whole image resized), tiles-mean or tiles-max
    /// (with the detector on native-resolution tiles); default: the model card's.
    #[arg(long)]
    pub verdict_evidence: Option<VerdictEvidence>,
}

impl VerdictArgs {
    pub fn analyzer_options(&self) -> AnalyzerOptions {
        AnalyzerOptions {
            verdict_evidence: self.verdict_evidence,
            ..AnalyzerOptions::default()
        }
    }
}

impl TilingArgs {
    pub fn analyzer_options(&self) -> AnalyzerOptions {
        AnalyzerOptions {
            limits: ImageLimits {
                max_pixels: (self.max_megapixels * 1e6) as u64,
                ..ImageLimits::default()
            },
            tile_overlap: self.overlap,
            max_tiles: self.max_tiles as usize,
            ..self.verdict.analyzer_options()
        }
    }
}

/// Tile overlap: a number from 0 to 0.9, refused (not clamped) outside.
fn parse_overlap(s: &str) -> Result<f32, String> {
    let v: f32 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=0.9).contains(&v) {
        Ok(v)
    } else {
        Err(format!("the overlap must be from 0 to 0.9, not {v}"))
    }
}

/// Image size limit in megapixels: above 0, at most 1000.
fn parse_megapixels(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if v > 0.0 && v <= 1000.0 {
        Ok(v)
    } else {
        Err(format!(
            "the megapixel limit must be above 0 and at most 1000, not {v}"
        ))
    }
}

fn parse_device(s: &str) -> Result<DeviceChoice, String> {
    s.parse()
}

fn parse_preset(s: &str) -> Result<Preset, String> {
    s.parse()
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse images: verdict, probabilities, and CAM / attention / fused maps as PNG.
    Analyze(AnalyzeArgs),
    /// The classic toolbox: error level, noise, JPEG, ghosts, copy-move, metadata, file
    /// structure, Content Credentials, gradient, PCA, histogram; maps as PNG, findings as JSON.
    Inspect(InspectArgs),
    /// The fusion net's attention for one tile of an image: a block and head's class-token
    /// or query-patch attention, rollout, the CAM's walk step by step, as captioned PNGs.
    Attention(crate::commands::attention::AttentionArgs),
    /// Analyse one image and write a report to hand on (PDF, HTML or JSON).
    Report(ReportArgs),
    /// Check that a report describes an image exactly, was made with the installed model,
    /// and carries a valid signature.
    VerifyReport(VerifyReportArgs),
    /// Make an Ed25519 key pair for signing reports (PREFIX.key, PREFIX.pub).
    Keygen(KeygenArgs),
    /// The public keys whose report signatures you trust: add, list, remove.
    Keys(KeysArgs),
    /// List devices and backends, and show the model card.
    Info(InfoArgs),
    /// Write a model directory with freshly initialised networks (pretrained extractor).
    InitModel(InitModelArgs),
    /// Make a labelled dataset (real / partial / full + masks + manifest.csv) from photographs.
    Forge(ForgeArgs),
    /// Train the staged pipeline on a dataset (resumable), writing RUN_DIR/model.
    Train(TrainArgs),
    /// Score a model on a dataset: image-level and pixel-level metrics, per generator.
    Eval(EvalArgs),
    /// Fit the model's probability calibration (temperature) and inconclusive threshold on
    /// the val split of a dataset, and store them in its model card.
    Calibrate(CalibrateArgs),
    /// Cases: evidence taken in with hashes, analyses, bookmarks, a hash-chained audit log
    /// and a case report, all in one folder (init, add, analyze, bookmark, verify, report).
    Case(CaseCommandArgs),
    /// Merge the index parts of `analyze --shard K/N` runs into one index.csv and index.html.
    ReportIndex(ReportIndexArgs),
    /// Write the man pages and shell completions (used when packaging).
    #[command(hide = true)]
    PackageFiles(PackageFilesArgs),
}

#[derive(Debug, Args)]
pub struct ReportIndexArgs {
    /// Report folders of the shards (or their index.shard-K-of-N.json files).
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Folder for the merged index.csv and index.html; reports found elsewhere are copied in.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct PackageFilesArgs {
    /// Writes OUT/man/*.1 and OUT/completions/ (bash, zsh, fish).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Model directory (default: the bundled model); its model card is updated.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Dataset folder with a val split (images training used are refused, as by eval).
    #[arg(long)]
    pub data: PathBuf,
    /// The split to fit on: val (the only one accepted; never test).
    #[arg(long, default_value = "val")]
    pub split: forgelens_training::data::Split,
    #[command(flatten)]
    pub device: DeviceArgs,
    /// Print the calibration as JSON on standard output.
    #[arg(long)]
    pub json: bool,
    /// How images are read and tiled (the maps do not enter the calibration: `--max-tiles 1`
    /// makes it fast).
    #[command(flatten)]
    pub tiling: TilingArgs,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Dataset folder (forge layout, folders real/ partial/ full/, or Dolos-style).
    #[arg(long)]
    pub data: PathBuf,
    /// tiny, small, paper, or a training.json file (not needed with --resume).
    #[arg(long, required_unless_present = "resume")]
    pub config: Option<String>,
    /// Run directory: checkpoints, metrics.jsonl, figures/, and the final model/.
    #[arg(long)]
    pub out: PathBuf,
    /// Continue the run in --out from its last checkpoint.
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub device: DeviceArgs,
    /// Train only on fakes from these generators (comma-separated; real images always).
    #[arg(long, value_delimiter = ',')]
    pub train_generators: Vec<String>,
    /// Train only on fakes of these families, in every stage (comma-separated, e.g.
    /// neural-regeneration,inpainting; real images always). The model card records them.
    #[arg(long, value_delimiter = ',')]
    pub train_families: Vec<forgelens_training::forge::Family>,
    /// Epochs of every stage (teacher, students, generalizers, classifier, localisation),
    /// in place of the config's own counts (for quick and held-out runs).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub epochs: Option<u32>,
    /// Cap on optimiser steps per epoch (for quick trial runs).
    #[arg(long)]
    pub max_steps_per_epoch: Option<usize>,
    #[arg(long)]
    pub seed: Option<u64>,
    /// Feature cache folder (default: ~/.cache/forgelens/features).
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Model directory (default: the bundled model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Dataset folder in any supported layout.
    #[arg(long)]
    pub data: PathBuf,
    /// train, val, test or all (default: test; else val, said so; else every image of data
    /// without splits). Images training used are refused.
    #[arg(long, value_parser = |s: &str| -> Result<forgelens_training::data::Split, String> {
        if s.trim() == "all" { Ok(forgelens_training::data::Split::Unassigned) } else { s.parse() }
    })]
    pub split: Option<forgelens_training::data::Split>,
    /// How images are read and tiled, as `analyze` does them (a small `--max-tiles` makes
    /// an image-level evaluation fast).
    #[command(flatten)]
    pub tiling: TilingArgs,
    /// Score only real images and fakes of these families (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub families: Vec<forgelens_training::forge::Family>,
    /// In-domain generators (comma-separated; default: the model card's training families,
    /// else its generators).
    #[arg(long, value_delimiter = ',')]
    pub in_domain: Vec<String>,
    /// Score the split again under each processing step, for a robustness table
    /// (comma-separated: jpeg:Q, webp:Q, resize:F, blur:SIGMA, noise:SIGMA).
    #[arg(long, value_delimiter = ',', value_name = "STEPS")]
    pub perturb: Vec<forgelens_training::forge::laundering::Step>,
    /// An `eval --json` report of the val split: each map is also scored at the threshold
    /// that was best there (`f1_at_val_threshold`).
    #[arg(long, value_name = "VAL_JSON")]
    pub thresholds_from: Option<PathBuf>,
    #[command(flatten)]
    pub device: DeviceArgs,
    /// Print the report as JSON on standard output.
    #[arg(long)]
    pub json: bool,
    /// Also store the results as the model card's test metrics (test split only).
    #[arg(long)]
    pub write_card: bool,
    /// Also draw the reliability diagram (verdict confidence against share right) as a PNG.
    #[arg(long, value_name = "PATH")]
    pub reliability_png: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ForgeArgs {
    /// Folder of photographs.
    #[arg(long)]
    pub photos: PathBuf,
    /// Output dataset folder; an interrupted run resumes there.
    #[arg(long)]
    pub out: PathBuf,
    /// Crop side in pixels.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(16..=4096))]
    pub crop: u32,
    /// Crops per photograph (labels cycle real, partial, full).
    #[arg(long, default_value_t = 6)]
    pub crops_per_photo: usize,
    /// Share of photographs that also give one whole-photograph sample (long side 512-2048 px).
    #[arg(long, default_value_t = 0.5, value_parser = parse_share)]
    pub whole_share: f32,
    /// Families to make (comma-separated; real is always made; default all): neural-regeneration,
    /// gan-regeneration, inpainting, splicing, copy-move, resampling, retouching,
    /// full-regeneration, full-gan.
    #[arg(long, value_delimiter = ',')]
    pub families: Vec<forgelens_training::forge::Family>,
    /// Neural generators to use (comma-separated manifest names, e.g. rdn-slim-x4; default all).
    #[arg(long, value_delimiter = ',')]
    pub generators: Vec<String>,
    /// Store every image as PNG, untouched (no JPEG, WebP, resizing, blur or noise).
    #[arg(long)]
    pub no_laundering: bool,
    /// Probability of a resize step in a sample's laundering chain.
    #[arg(long, default_value_t = 0.3, value_parser = parse_share)]
    pub p_resize: f32,
    /// Probability of a slight blur.
    #[arg(long, default_value_t = 0.1, value_parser = parse_share)]
    pub p_blur: f32,
    /// Probability of slight noise.
    #[arg(long, default_value_t = 0.1, value_parser = parse_share)]
    pub p_noise: f32,
    /// Probability of a final JPEG (quality 50-100).
    #[arg(long, default_value_t = 0.6, value_parser = parse_share)]
    pub p_jpeg: f32,
    /// Given a JPEG, probability that an earlier JPEG on a shifted 8x8 grid came first.
    #[arg(long, default_value_t = 0.3, value_parser = parse_share)]
    pub p_double_jpeg: f32,
    /// Probability of a final WebP instead (when no JPEG was drawn).
    #[arg(long, default_value_t = 0.15, value_parser = parse_share)]
    pub p_webp: f32,
    /// Photographs forged at once.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub threads: u32,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// A probability or share in 0..=1.
fn parse_share(text: &str) -> Result<f32, String> {
    let v: f32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 1"))
    }
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Image files to analyse.
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
    /// Model directory (default: the bundled model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub device: DeviceArgs,
    /// Print the analyses as JSON on standard output.
    #[arg(long)]
    pub json: bool,
    /// Where to write each image's analysis JSON and map PNGs (default: ./forgelens-out).
    #[arg(long, default_value = "forgelens-out")]
    pub out: PathBuf,
    #[command(flatten)]
    pub tiling: TilingArgs,
    /// Also write one report per image into this folder, with index.csv and index.html.
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Format of the reports written with --report-dir.
    #[arg(long, default_value = "pdf", value_parser = parse_report_format)]
    pub report_format: ReportFormat,
    /// Call a verdict inconclusive when its top probability is below P (0 to 1), in place
    /// of the model card's calibrated threshold.
    #[arg(long, value_name = "P", value_parser = parse_share)]
    pub inconclusive_below: Option<f32>,
    #[command(flatten)]
    pub case: CaseArgs,
    /// Analyse only shard K of N (numbered from 0): the images whose SHA-256 is K modulo N.
    /// Writes the shard's part of the index; `forgelens report-index` merges the parts.
    #[arg(long, value_name = "K/N", requires = "report_dir")]
    pub shard: Option<crate::shard::Shard>,
}

fn parse_report_format(s: &str) -> Result<ReportFormat, String> {
    s.parse()
}

/// Who the report is for, and the signing key.
#[derive(Debug, Args)]
pub struct CaseArgs {
    /// Analyst's name, shown in reports.
    #[arg(long)]
    pub analyst: Option<String>,
    /// Case number or identifier, shown in reports.
    #[arg(long = "case", value_name = "ID")]
    pub case_id: Option<String>,
    /// Free-text notes for reports.
    #[arg(long)]
    pub notes: Option<String>,
    /// Sign reports with this Ed25519 secret key (from `forgelens keygen`).
    #[arg(long, value_name = "KEY")]
    pub sign: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The image (the evidence; it is only read).
    pub image: PathBuf,
    /// pdf, html or json.
    #[arg(long, default_value = "pdf", value_parser = parse_report_format)]
    pub format: ReportFormat,
    /// Report file (default: <image stem>.report.<format> in the current folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub case: CaseArgs,
    /// Model directory (default: the bundled model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub device: DeviceArgs,
    /// Threshold for the map areas and the region list (0 to 1).
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f32,
    /// The map whose regions are listed and boxed: cam, attention or fused.
    #[arg(long, default_value = "fused")]
    pub regions_map: MapKind,
    /// Call a verdict inconclusive when its top probability is below P (0 to 1), in place
    /// of the model card's calibrated threshold.
    #[arg(long, value_name = "P", value_parser = parse_share)]
    pub inconclusive_below: Option<f32>,
    /// Classic tools to run and include, each in a section with its parameters (defaults),
    /// findings and maps: names as `inspect --tool` takes (ela,noise,jpeg,ghosts,...).
    #[arg(long, value_delimiter = ',', value_parser = parse_tool)]
    pub tools: Vec<forgelens_forensics::Tool>,
    /// Add an appendix with every model-card metric and the model configuration (the
    /// report JSON always holds them).
    #[arg(long)]
    pub appendix: bool,
    #[command(flatten)]
    pub tiling: TilingArgs,
}

#[derive(Debug, Args)]
pub struct VerifyReportArgs {
    /// The report (PDF, HTML or JSON).
    pub report: PathBuf,
    /// The image it should describe.
    pub image: PathBuf,
    /// Model directory to compare with (default: the bundled model, if installed).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Require a signature by this Ed25519 public key (from `forgelens keygen`); without it,
    /// a signature passes only by a key in your keyring (`forgelens keys`).
    #[arg(long, value_name = "FILE")]
    pub public_key: Option<PathBuf>,
    /// Print the checks as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub action: KeysAction,
}

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Trust the signatures of the public key in FILE (from `forgelens keygen`).
    Add {
        file: PathBuf,
        /// What to call the key (default: the file's name without `.pub`).
        #[arg(long)]
        name: Option<String>,
    },
    /// The trusted keys, with their fingerprints.
    List,
    /// Stop trusting a key, by name or fingerprint.
    Remove { key: String },
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Writes PREFIX.key (secret, owner-only) and PREFIX.pub; neither may exist.
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Model directory (default: the bundled model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitModelArgs {
    /// Size preset: tiny (tests), small (the bundled model's size) or paper.
    #[arg(long, value_parser = parse_preset)]
    pub config: Preset,
    /// Feature extractor: mobilenet-v2 (bundled weights), clip-b32, clip-b16 or clip-l14.
    #[arg(long)]
    pub extractor: Option<String>,
    /// The extractor's weights (.safetensors); required for CLIP, nothing is downloaded.
    #[arg(long)]
    pub extractor_weights: Option<PathBuf>,
    /// Output directory (must not exist or be empty).
    #[arg(long)]
    pub out: PathBuf,
    /// Seed for the fresh networks' weights (same seed, same weights).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// `forgelens inspect`: which tools, their key parameters, where the results go.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Image files (folders are expanded to the images directly inside); only read.
    #[arg(required = true)]
    pub images: Vec<std::path::PathBuf>,
    /// Tools to run, comma-separated (default all): ela, noise, jpeg, ghosts, copy-move,
    /// metadata, structure, c2pa, gradient, pca, histogram.
    #[arg(long = "tool", value_delimiter = ',', value_parser = parse_tool)]
    pub tools: Vec<forgelens_forensics::Tool>,
    /// Error level analysis: JPEG quality of the re-compression.
    #[arg(long, default_value_t = 75, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub ela_quality: u8,
    /// Error level analysis: difference multiplier (map value 1 = 255 / gain levels).
    #[arg(long, default_value_t = 20.0, value_parser = parse_positive)]
    pub ela_gain: f32,
    /// Error level analysis: also a per-block mean map on blocks of this many pixels (0: none).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=512))]
    pub ela_block: u32,
    /// Noise: block side for the local noise level, pixels (even, 8 to 512).
    #[arg(long, default_value_t = 32, value_parser = parse_noise_block)]
    pub noise_block: u32,
    /// JPEG ghosts: qualities searched, LOW-HIGH (qualities at or above the file's own are
    /// left out).
    #[arg(long, default_value = "30-95", value_parser = parse_quality_range)]
    pub ghost_qualities: (u8, u8),
    /// JPEG ghosts: step between the qualities searched.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=50))]
    pub ghost_step: u8,
    /// JPEG ghosts: also write the difference map at this quality.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub ghost_show: Option<u8>,
    /// Copy-move: longest side analysed (larger images are reduced to it).
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(64..=8192))]
    pub copy_move_max_side: u32,
    /// Copy-move: shortest distance between a region and its copy, pixels at the analysed size.
    #[arg(long, default_value_t = 20.0, value_parser = parse_min_offset)]
    pub copy_move_min_offset: f32,
    /// Content Credentials: PEM file of the trust anchors (root certificates) you trust.
    /// Without it every signer is untrusted.
    #[arg(long, value_name = "FILE")]
    pub trust_anchors: Option<std::path::PathBuf>,
    /// Largest accepted image, in megapixels.
    #[arg(long, default_value_t = 50.0, value_parser = parse_positive_f64)]
    pub max_megapixels: f64,
    /// Print the findings as JSON on standard output.
    #[arg(long)]
    pub json: bool,
    /// Where to write the map PNGs and `<stem>.inspect.json` (default: ./forgelens-out).
    #[arg(long, default_value = "forgelens-out")]
    pub out: std::path::PathBuf,
}

impl InspectArgs {
    /// The tools' parameters from the flags (reads the trust anchors file).
    pub fn params(&self) -> anyhow::Result<forgelens_forensics::Params> {
        use anyhow::Context;
        let mut p = forgelens_forensics::Params::default();
        p.ela.quality = self.ela_quality;
        p.ela.gain = self.ela_gain;
        p.ela.block = self.ela_block;
        p.noise.block = self.noise_block;
        (p.ghosts.lowest_quality, p.ghosts.highest_quality) = self.ghost_qualities;
        p.ghosts.step = self.ghost_step;
        p.ghosts.show_quality = self.ghost_show;
        p.copy_move.max_side = self.copy_move_max_side;
        p.copy_move.min_offset = self.copy_move_min_offset;
        if let Some(file) = &self.trust_anchors {
            let pem = std::fs::read_to_string(file)
                .with_context(|| format!("reading the trust anchors {}", file.display()))?;
            p.c2pa.trust_anchors_pem = Some(pem);
        }
        Ok(p)
    }
}

fn parse_tool(s: &str) -> Result<forgelens_forensics::Tool, String> {
    s.parse()
}

fn parse_positive(text: &str) -> Result<f32, String> {
    let v: f32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(format!("{v} is not a positive number"))
    }
}

fn parse_positive_f64(text: &str) -> Result<f64, String> {
    parse_positive(text).map(f64::from)
}

fn parse_min_offset(text: &str) -> Result<f32, String> {
    let v = parse_positive(text)?;
    if v >= 1.0 {
        Ok(v)
    } else {
        Err(format!("{v} is below 1 pixel"))
    }
}

fn parse_noise_block(text: &str) -> Result<u32, String> {
    let v: u32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    if (8..=512).contains(&v) && v % 2 == 0 {
        Ok(v)
    } else {
        Err(format!("{v} is not an even number from 8 to 512"))
    }
}

/// `LOW-HIGH`, two JPEG qualities with 1 <= LOW <= HIGH <= 100.
fn parse_quality_range(text: &str) -> Result<(u8, u8), String> {
    let (low, high) = text
        .split_once('-')
        .ok_or_else(|| format!("`{text}` is not LOW-HIGH (e.g. 30-95)"))?;
    let parse = |t: &str| -> Result<u8, String> {
        t.trim()
            .parse::<u8>()
            .ok()
            .filter(|q| (1..=100).contains(q))
            .ok_or_else(|| format!("`{t}` is not a JPEG quality from 1 to 100"))
    };
    let (low, high) = (parse(low)?, parse(high)?);
    if low > high {
        return Err(format!("{low} is above {high}"));
    }
    Ok((low, high))
}

/// `forgelens case ...` (named apart from `CaseArgs`, the report's case fields).
#[derive(Debug, Args)]
pub struct CaseCommandArgs {
    #[command(subcommand)]
    pub action: CaseAction,
}

#[derive(Debug, Subcommand)]
pub enum CaseAction {
    /// Make a new case in DIR (a new or empty folder).
    Init {
        dir: PathBuf,
        /// The case's name or number.
        #[arg(long)]
        name: String,
        #[arg(long)]
        analyst: Option<String>,
    },
    /// Take in evidence: SHA-256 and MD5, size, time, original path; copied read-only into
    /// the case (default) or referenced where it is.
    Add {
        dir: PathBuf,
        #[arg(required = true)]
        images: Vec<PathBuf>,
        /// Copy each file read-only into DIR/evidence (the default).
        #[arg(long, conflicts_with = "reference")]
        copy: bool,
        /// Leave each file where it is and record its path.
        #[arg(long)]
        reference: bool,
    },
    /// Analyse every item (or the ITEMs named), recording the model and every parameter.
    Analyze {
        dir: PathBuf,
        /// Items by id (E001) or file name (default: all).
        items: Vec<String>,
        /// Model directory (default: the bundled model).
        #[arg(long)]
        model: Option<PathBuf>,
        #[command(flatten)]
        device: DeviceArgs,
        #[command(flatten)]
        tiling: TilingArgs,
        /// Threshold for the map areas and region lists (0 to 1).
        #[arg(long, default_value_t = 0.5, value_parser = parse_share)]
        threshold: f32,
    },
    /// Save a view of an item: a map (cam, attention, fused), a tool (ela, noise, ...) or
    /// the image, with its threshold, an optional region, a comment and a status.
    Bookmark {
        dir: PathBuf,
        /// The item, by id (E001) or file name.
        item: String,
        #[arg(long)]
        view: String,
        #[arg(long, value_parser = parse_share)]
        threshold: Option<f32>,
        /// x,y,w,h in image pixels.
        #[arg(long)]
        region: Option<forgelens_report::case::BookmarkRegion>,
        #[arg(long, default_value = "")]
        comment: String,
        /// ok, to-check or warning.
        #[arg(long, default_value = "to-check")]
        status: forgelens_report::case::BookmarkStatus,
    },
    /// Hash every item again and check the audit log; exit code 1 naming each problem.
    Verify {
        dir: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the case report: evidence table, verdicts, findings, bookmarks, audit summary.
    Report {
        dir: PathBuf,
        /// pdf, html or json.
        #[arg(long, default_value = "pdf", value_parser = parse_report_format)]
        format: ReportFormat,
        /// Report file (default: DIR/case-report.FORMAT).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Sign the report with this Ed25519 secret key (from `forgelens keygen`).
        #[arg(long, value_name = "KEY")]
        sign: Option<PathBuf>,
    },
}
