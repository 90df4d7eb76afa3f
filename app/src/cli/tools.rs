//! Flags of `inspect` and the classic tools' parameters, which `report --tools` takes too.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use forgelens_forensics::{Params, Tool};

use super::parse::{
    parse_min_offset, parse_noise_block, parse_positive, parse_positive_f64, parse_quality_range,
    parse_tool,
};

/// `forgelens inspect`: which tools, their key parameters, where the results go.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Image files (folders are expanded to the images directly inside); only read.
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
    /// Tools to run, comma-separated (default all): ela, noise, jpeg, ghosts, copy-move,
    /// metadata, structure, c2pa, gradient, pca, histogram.
    #[arg(long = "tool", value_delimiter = ',', value_parser = parse_tool)]
    pub tools: Vec<Tool>,
    #[command(flatten)]
    pub tool_params: ToolParamArgs,
    /// Largest accepted image, in megapixels.
    #[arg(long, default_value_t = 50.0, value_parser = parse_positive_f64)]
    pub max_megapixels: f64,
    /// Print the findings as JSON on standard output.
    #[arg(long)]
    pub json: bool,
    /// Where to write the map PNGs and `<stem>.inspect.json` (default: ./forgelens-out).
    #[arg(long, default_value = "forgelens-out")]
    pub out: PathBuf,
}

/// The classic tools' parameters, as `inspect` and `report --tools` take them.
#[derive(Debug, Args)]
pub struct ToolParamArgs {
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
    pub trust_anchors: Option<PathBuf>,
}

impl ToolParamArgs {
    /// The tools' parameters from the flags (reads the trust anchors file).
    pub fn params(&self) -> anyhow::Result<Params> {
        let mut p = Params::default();
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
