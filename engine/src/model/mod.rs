//! The whole detector as one Burn module, its configuration presets, and the model
//! directory it is saved in (config JSON + `.bpk` weights + model card).

pub mod card;
pub mod config;
pub mod directory;
pub mod forgelens_model;

pub use card::ModelCard;
pub use config::{DetectorConfig, ModelConfig, Preset};
pub use directory::{
    LoadedModel, ModelDirError, bundled_mobilenet_v2, init_model_dir, load_extractor,
    load_model_dir, save_model_dir,
};
pub use forgelens_model::{CLASS_NAMES, DetectorOutput, ForgeLensModel};
