//! A model directory: `model.json` (the `ModelConfig`), `model.bpk` (all inference weights,
//! burnpack, with the extractor id in its metadata) and `model-card.json`. Written into a
//! sibling temporary directory and renamed into place, so it exists complete or not at all.

use std::fs;
use std::path::{Path, PathBuf};

use burn::config::Config;
use burn::tensor::Device;
use burn_store::burn_pack::Reader;
use burn_store::{ApplyError, BurnpackStore, ModuleSnapshot};
use sha2::{Digest, Sha256};

use super::{ForgeLensModel, ModelCard, ModelConfig};
use crate::extractor::{
    Extractor, ExtractorConfig, ImportError, MobileNetV2, WeightSource, load_clip_vision,
    load_mobilenet_v2,
};

pub const CONFIG_FILE: &str = "model.json";
pub const WEIGHTS_FILE: &str = "model.bpk";
pub const CARD_FILE: &str = "model-card.json";
const EXTRACTOR_METADATA_KEY: &str = "forgelens.extractor";

/// torchvision's ImageNet MobileNetV2 weights, converted by `scripts/convert_mobilenet_v2.py`
/// (provenance and licence in `assets/extractors/README.md`).
pub static MOBILENET_V2_WEIGHTS: &[u8] =
    include_bytes!("../../../assets/extractors/mobilenet_v2.safetensors");

#[derive(Debug, thiserror::Error)]
pub enum ModelDirError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a ForgeLens model directory: {what} is missing")]
    NotAModel { path: PathBuf, what: &'static str },
    #[error("{path}: invalid {what}: {message}")]
    Invalid {
        path: PathBuf,
        what: &'static str,
        message: String,
    },
    #[error(
        "{path}: the weights were trained with extractor `{found}`, but the config names `{expected}`"
    )]
    WrongExtractor {
        path: PathBuf,
        expected: String,
        found: String,
    },
    #[error("{path}: the weights do not fit the architecture in {CONFIG_FILE}: {message}")]
    WrongShape { path: PathBuf, message: String },
    #[error("{path} already exists and is not empty; choose another output directory")]
    Exists { path: PathBuf },
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(
        "extractor `{0}` needs its pretrained weights: pass a Hugging Face .safetensors file with --extractor-weights (nothing is downloaded)"
    )]
    ExtractorWeightsNeeded(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ModelDirError + '_ {
    move |source| ModelDirError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A model ready to run, with what identifies it.
#[derive(Debug)]
pub struct LoadedModel {
    pub dir: PathBuf,
    pub config: ModelConfig,
    pub card: ModelCard,
    pub model: ForgeLensModel,
    /// SHA-256 of the `model.bpk` file, for checking that exact file.
    pub weights_sha256: String,
    /// SHA-256 over the tensors' names and values only (the file also holds random
    /// parameter ids, so equal weights can make different files).
    pub content_sha256: String,
}

impl LoadedModel {
    /// `name-<first 12 hex digits of the content hash>`: equal weights, equal id.
    pub fn id(&self) -> String {
        format!("{}-{}", self.config.name, &self.content_sha256[..12])
    }
}

/// SHA-256 over every tensor's name, shape, dtype and bytes, in name order.
fn content_sha256(reader: &Reader) -> Result<String, burn_store::burn_pack::Error> {
    let mut names: Vec<&str> = reader.tensor_names();
    names.sort_unstable();
    let mut hasher = Sha256::new();
    for name in names {
        let data = reader.tensor_data(name)?;
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((data.len() as u64).to_le_bytes());
        hasher.update(&data);
    }
    Ok(hex::encode(hasher.finalize()))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn load_model_dir(dir: &Path, device: &Device) -> Result<LoadedModel, ModelDirError> {
    let need = |file: &'static str| {
        let p = dir.join(file);
        if p.is_file() {
            Ok(p)
        } else {
            Err(ModelDirError::NotAModel {
                path: dir.to_path_buf(),
                what: file,
            })
        }
    };
    let config_path = need(CONFIG_FILE)?;
    let weights_path = need(WEIGHTS_FILE)?;
    let card_path = need(CARD_FILE)?;
    // Read here: Burn's `Config::load` calls a file that is not UTF-8 "not found".
    let config = fs::read(&config_path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| ModelConfig::load_binary(&bytes).map_err(|e| e.to_string()))
        .and_then(|c| c.check().map(|()| c))
        .map_err(|message| ModelDirError::Invalid {
            path: config_path.clone(),
            what: "model config",
            message,
        })?;
    let card_text = fs::read_to_string(&card_path).map_err(io(&card_path))?;
    let card: ModelCard = serde_json::from_str(&card_text).map_err(|e| ModelDirError::Invalid {
        path: card_path.clone(),
        what: "model card",
        message: e.to_string(),
    })?;

    let bytes = fs::read(&weights_path).map_err(io(&weights_path))?;
    let weights_sha256 = sha256_hex(&bytes);
    let bytes = burn_store::burn_pack::Bytes::from_bytes_vec(bytes);
    let reader = Reader::from_bytes(bytes.clone()).map_err(|e| ModelDirError::Invalid {
        path: weights_path.clone(),
        what: "burnpack file",
        message: e.to_string(),
    })?;
    let content_sha256 = content_sha256(&reader).map_err(|e| ModelDirError::Invalid {
        path: weights_path.clone(),
        what: "burnpack file",
        message: e.to_string(),
    })?;
    let expected = config.extractor.id();
    match reader.metadata().get(EXTRACTOR_METADATA_KEY) {
        Some(found) if *found != expected => {
            return Err(ModelDirError::WrongExtractor {
                path: weights_path,
                expected,
                found: found.clone(),
            });
        }
        Some(_) => {}
        None => {
            return Err(ModelDirError::Invalid {
                path: weights_path,
                what: "burnpack file",
                message: format!("no `{EXTRACTOR_METADATA_KEY}` entry: not written by ForgeLens"),
            });
        }
    }

    let mut model = config.init(device);
    let mut store = BurnpackStore::from_bytes(Some(bytes))
        .allow_partial(true)
        .validate(false);
    let result = model
        .load_from(&mut store)
        .map_err(|e| ModelDirError::Invalid {
            path: weights_path.clone(),
            what: "burnpack file",
            message: e.to_string(),
        })?;
    if let Some(error) = result.errors.first() {
        let message = match error {
            ApplyError::ShapeMismatch {
                path,
                expected,
                found,
            } => format!("`{path}` is {found:?} in the file, {expected:?} in the architecture"),
            other => other.to_string(),
        };
        return Err(ModelDirError::WrongShape {
            path: weights_path,
            message,
        });
    }
    if let Some((key, _)) = result.missing.first() {
        return Err(ModelDirError::WrongShape {
            path: weights_path,
            message: format!(
                "`{key}` is missing ({} tensors missing in all)",
                result.missing.len()
            ),
        });
    }
    Ok(LoadedModel {
        dir: dir.to_path_buf(),
        config,
        card,
        model,
        weights_sha256,
        content_sha256,
    })
}

/// Writes a complete model directory at `dir`, which must not exist or be empty.
pub fn save_model_dir(
    dir: &Path,
    config: &ModelConfig,
    card: &ModelCard,
    model: &ForgeLensModel,
) -> Result<(), ModelDirError> {
    if dir.exists() {
        let empty = fs::read_dir(dir).map_err(io(dir))?.next().is_none();
        if !empty {
            return Err(ModelDirError::Exists {
                path: dir.to_path_buf(),
            });
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io(&parent))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".into());
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let result = write_files(&staging, config, card, model).and_then(|()| {
        if dir.exists() {
            fs::remove_dir(dir).map_err(io(dir))?;
        }
        fs::rename(&staging, dir).map_err(io(dir))
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_files(
    staging: &Path,
    config: &ModelConfig,
    card: &ModelCard,
    model: &ForgeLensModel,
) -> Result<(), ModelDirError> {
    let _ = fs::remove_dir_all(staging);
    fs::create_dir_all(staging).map_err(io(staging))?;
    let config_path = staging.join(CONFIG_FILE);
    config.save(&config_path).map_err(io(&config_path))?;
    let card_path = staging.join(CARD_FILE);
    let card_json = serde_json::to_string_pretty(card).expect("a model card always serialises");
    fs::write(&card_path, card_json).map_err(io(&card_path))?;
    let weights_path = staging.join(WEIGHTS_FILE);
    let mut store = BurnpackStore::from_file(&weights_path)
        .metadata(EXTRACTOR_METADATA_KEY, config.extractor.id())
        .metadata("forgelens.model", config.name.clone());
    model
        .save_into(&mut store)
        .map_err(|e| ModelDirError::Invalid {
            path: weights_path,
            what: "burnpack file",
            message: e.to_string(),
        })
}

/// Fresh networks with pretrained extractor weights: the bundled MobileNetV2, or a
/// user-provided CLIP `.safetensors` file. Writes the directory and loads it back.
/// The same `seed` gives the same weights, as long as no other thread draws random
/// numbers on the backend meanwhile (Burn's generator is per backend, not per call).
/// E with its pretrained weights: the bundled MobileNetV2 unless `weights` names a file.
/// Returns the extractor and where its weights came from.
/// The bundled ImageNet MobileNetV2.
pub fn bundled_mobilenet_v2(device: &Device) -> Result<MobileNetV2, ImportError> {
    load_mobilenet_v2(
        WeightSource::Bytes {
            name: "bundled mobilenet_v2.safetensors",
            bytes: MOBILENET_V2_WEIGHTS.to_vec(),
        },
        device,
    )
}

pub fn load_extractor(
    config: &ExtractorConfig,
    weights: Option<&Path>,
    device: &Device,
) -> Result<(Extractor, String), ModelDirError> {
    Ok(match (config, weights) {
        (ExtractorConfig::MobileNetV2 { layers, .. }, weights) => {
            let (net, source) = match weights {
                None => (
                    bundled_mobilenet_v2(device)?,
                    "torchvision ImageNet MobileNetV2 (bundled, BSD-3-Clause)".to_string(),
                ),
                Some(path) => (
                    load_mobilenet_v2(WeightSource::File(path), device)?,
                    path.display().to_string(),
                ),
            };
            let net = match layers {
                Some(layers) => net.cut(*layers),
                None => net,
            };
            (Extractor::MobileNetV2(net), source)
        }
        (ExtractorConfig::Clip { vision, .. }, Some(path)) => (
            Extractor::Clip(load_clip_vision(WeightSource::File(path), vision, device)?),
            path.display().to_string(),
        ),
        (ExtractorConfig::Clip { name, .. }, None) => {
            return Err(ModelDirError::ExtractorWeightsNeeded(name.clone()));
        }
    })
}

pub fn init_model_dir(
    config: &ModelConfig,
    extractor_weights: Option<&Path>,
    out: &Path,
    device: &Device,
    seed: u64,
) -> Result<LoadedModel, ModelDirError> {
    if let (ExtractorConfig::Clip { name, .. }, None) = (&config.extractor, extractor_weights) {
        return Err(ModelDirError::ExtractorWeightsNeeded(name.clone()));
    }
    config.check().map_err(|message| ModelDirError::Invalid {
        path: out.join(CONFIG_FILE),
        what: "model config",
        message,
    })?;
    device.seed(seed);
    let mut model = config.init(device);
    let (extractor, provenance) = load_extractor(&config.extractor, extractor_weights, device)?;
    model.extractor = extractor;
    let card = ModelCard::untrained(&config.name, &config.extractor.id(), &provenance);
    save_model_dir(out, config, &card, &model)?;
    load_model_dir(out, device)
}
