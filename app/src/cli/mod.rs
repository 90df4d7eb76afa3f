//! Command-line flags, as clap derives them: the command, the flags several commands share
//! (device, tiling, verdict evidence), and each group of commands' own in the files below.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use forgelens_engine::image_input::ImageLimits;
use forgelens_engine::verdict_evidence::VerdictEvidence;
use forgelens_engine::{AnalyzerOptions, DeviceChoice};

mod evidence;
mod parse;
mod tools;
mod training;

pub use evidence::*;
use parse::{parse_device, parse_megapixels, parse_overlap};
pub use tools::*;
pub use training::*;

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
