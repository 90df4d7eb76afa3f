//! The forge run's settings, its error and its summary.

use std::path::PathBuf;

use crate::forge::family::Family;
use crate::forge::generators::GeneratorPreset;
use crate::forge::laundering::LaunderingConfig;
use crate::forge::manifest::ManifestRow;
use crate::forge::masks::MaskConfig;

#[derive(Debug, Clone, PartialEq)]
pub struct ForgeConfig {
    /// Side of the square crops, in pixels.
    pub crop_size: u32,
    /// Crops taken from each photograph.
    pub crops_per_photo: usize,
    /// Share of photographs that also give one whole-photograph sample.
    pub whole_share: f32,
    /// The whole photograph is downscaled so its long side lies in this range (never
    /// upscaled); slow generators keep it at most `SLOW_GENERATOR_MAX_SIDE`.
    pub whole_long_side: (u32, u32),
    pub seed: u64,
    /// Shares of photographs for train and val; the rest is test.
    pub train_share: f32,
    pub val_share: f32,
    pub mask: MaskConfig,
    /// Families to make (real is always made); empty = all.
    pub families: Vec<Family>,
    /// Neural generators to use, by manifest name; empty = all shipped.
    pub generators: Vec<String>,
    pub laundering: LaunderingConfig,
    /// Folder of the generator weights.
    pub generators_dir: PathBuf,
    /// Photographs forged at once.
    pub threads: usize,
}

impl Default for ForgeConfig {
    fn default() -> Self {
        Self {
            crop_size: 256,
            crops_per_photo: 6,
            whole_share: 0.5,
            whole_long_side: (512, 2048),
            seed: 0,
            train_share: 0.7,
            val_share: 0.15,
            mask: MaskConfig::default(),
            families: Vec::new(),
            generators: Vec::new(),
            laundering: LaunderingConfig::default(),
            generators_dir: crate::forge::generators::shipped_dir(),
            threads: 2,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    #[error("unknown generator `{0}` (expected one of: {names})", names = GeneratorPreset::ALL.map(GeneratorPreset::name).join(", "))]
    UnknownGenerator(String),
    #[error("family {family} has no generator among those chosen")]
    NoGenerator { family: Family },
    #[error("loading the generator {name}: {source}")]
    Generator {
        name: &'static str,
        #[source]
        source: Box<forgelens_engine::extractor::ImportError>,
    },
    #[error("cannot read the photo folder {path}: {source}")]
    Photos {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Fake { path: PathBuf, message: String },
    #[error("{0}")]
    Manipulation(String),
    #[error("the manifest {path} cannot be read: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("the forge run was cancelled; run it again to resume")]
    Cancelled,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForgeSummary {
    pub rows: Vec<ManifestRow>,
    /// Photographs skipped, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// Images that already existed (an earlier, interrupted run).
    pub resumed: usize,
}
