//! Flags of the commands that make data and models: forge, train, eval, calibrate,
//! init-model.

use std::path::PathBuf;

use super::parse::{parse_preset, parse_share};
use super::{DeviceArgs, TilingArgs};
use clap::Args;
use forgelens_engine::model::Preset;

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
