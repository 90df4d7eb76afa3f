//! Loads pretrained extractor weights from `.safetensors` files through burn-store, with a
//! key-remap table per architecture, and turns burn-store's load report into clear errors:
//! a missing or mis-shaped key is named as it appears in the checkpoint.
//! Reference: burn `examples/import-model-weights/`, tracel-ai/models `bert-burn/src/loader.rs`.

use std::path::{Path, PathBuf};

use burn::tensor::Device;
use burn_store::{ApplyError, KeyRemapper, ModuleSnapshot, PyTorchToBurnAdapter, SafetensorsStore};

use super::clip::{ClipVisionConfig, ClipVisionTransformer};
use super::mobilenet_v2::{INVERTED_RESIDUAL_SETTING, MobileNetV2, MobileNetV2Config};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read weights from {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{path}: the checkpoint has no tensor `{key}`, which {architecture} needs")]
    MissingKey {
        path: PathBuf,
        architecture: &'static str,
        key: String,
    },
    #[error(
        "{path}: tensor `{key}` has shape {found:?}, but {architecture} expects {expected:?} \
         (shapes in Burn's layout: linear weights are transposed from PyTorch's)"
    )]
    ShapeMismatch {
        path: PathBuf,
        architecture: &'static str,
        key: String,
        expected: Vec<usize>,
        found: Vec<usize>,
    },
    #[error("{path}: tensor `{key}`: {message}")]
    Tensor {
        path: PathBuf,
        key: String,
        message: String,
    },
}

/// A table of (checkpoint prefix, our prefix) pairs. Renaming by prefix keeps the inverse
/// trivial, so errors can name the key the user's file actually lacks.
struct PrefixTable(Vec<(String, String)>);

impl PrefixTable {
    fn remapper(&self) -> KeyRemapper {
        KeyRemapper::from_patterns(
            self.0
                .iter()
                .map(|(from, to)| (format!("^{}", regex::escape(from)), to.clone()))
                .collect(),
        )
        .expect("prefix patterns are escaped literals")
    }

    /// Our module path back to the checkpoint's key (undoing the adapter's renaming of
    /// normalisation parameters too: Burn's `gamma` / `beta` are PyTorch's `weight` / `bias`).
    fn checkpoint_key(&self, ours: &str) -> String {
        let ours = match ours.rsplit_once('.') {
            Some((module, "gamma")) => format!("{module}.weight"),
            Some((module, "beta")) => format!("{module}.bias"),
            _ => ours.to_string(),
        };
        self.0
            .iter()
            .filter(|(_, to)| ours.starts_with(to.as_str()))
            .max_by_key(|(_, to)| to.len())
            .map(|(from, to)| format!("{from}{}", &ours[to.len()..]))
            .unwrap_or(ours)
    }
}

/// Hugging Face `CLIPModel` / `CLIPVisionModel` keys: everything of the vision tower sits
/// under `vision_model.`; our module is that tower, so the prefix is dropped. Text-tower
/// keys (`text_model.*`, `text_projection`, `logit_scale`), `visual_projection` and the
/// `position_ids` buffer stay unused and are ignored.
fn clip_table() -> PrefixTable {
    PrefixTable(vec![("vision_model.".into(), String::new())])
}

/// torchvision `mobilenet_v2` keys to ours:
///
/// | torchvision                       | ForgeLens                      |
/// |-----------------------------------|--------------------------------|
/// | `features.0.0` / `features.0.1`   | `stem.conv` / `stem.bn`        |
/// | `features.N.conv.0.0` / `.0.1`    | `blocks.N-1.expand.conv` / `.bn` (t = 6), else `depthwise` |
/// | `features.N.conv.1.0` / `.1.1`    | `blocks.N-1.depthwise.conv` / `.bn` (t = 6)  |
/// | `features.N.conv.2` / `.3`        | `blocks.N-1.project.conv` / `.bn` (t = 6; `.1`/`.2` when t = 1) |
/// | `features.18.0` / `features.18.1` | `head.conv` / `head.bn`        |
/// | `classifier.1`                    | `classifier`                   |
fn mobilenet_v2_table() -> PrefixTable {
    let mut pairs: Vec<(String, String)> = vec![
        ("features.0.0.".into(), "stem.conv.".into()),
        ("features.0.1.".into(), "stem.bn.".into()),
        ("classifier.1.".into(), "classifier.".into()),
    ];
    let mut n = 1;
    for [t, _, repeats, _] in INVERTED_RESIDUAL_SETTING {
        for _ in 0..repeats {
            let f = format!("features.{n}.conv.");
            let b = format!("blocks.{}.", n - 1);
            let parts: &[(&str, &str)] = if t == 1 {
                &[
                    ("0.0.", "depthwise.conv."),
                    ("0.1.", "depthwise.bn."),
                    ("1.", "project.conv."),
                    ("2.", "project.bn."),
                ]
            } else {
                &[
                    ("0.0.", "expand.conv."),
                    ("0.1.", "expand.bn."),
                    ("1.0.", "depthwise.conv."),
                    ("1.1.", "depthwise.bn."),
                    ("2.", "project.conv."),
                    ("3.", "project.bn."),
                ]
            };
            for (from, to) in parts {
                pairs.push((format!("{f}{from}"), format!("{b}{to}")));
            }
            n += 1;
        }
    }
    pairs.push((format!("features.{n}.0."), "head.conv.".into()));
    pairs.push((format!("features.{n}.1."), "head.bn.".into()));
    PrefixTable(pairs)
}

/// Where the weights come from: a file on disk or bytes shipped in the binary.
pub enum WeightSource<'a> {
    File(&'a Path),
    Bytes { name: &'a str, bytes: Vec<u8> },
}

impl WeightSource<'_> {
    fn path(&self) -> PathBuf {
        match self {
            WeightSource::File(p) => p.to_path_buf(),
            WeightSource::Bytes { name, .. } => PathBuf::from(name),
        }
    }
}

fn load_into<M: ModuleSnapshot>(
    module: &mut M,
    source: WeightSource<'_>,
    table: &PrefixTable,
    architecture: &'static str,
) -> Result<(), ImportError> {
    let path = source.path();
    if let WeightSource::File(p) = &source
        && !p.is_file()
    {
        return Err(ImportError::Read {
            path,
            message: "no such file".into(),
        });
    }
    let store = match source {
        WeightSource::File(p) => SafetensorsStore::from_file(p),
        WeightSource::Bytes { bytes, .. } => SafetensorsStore::from_bytes(Some(bytes)),
    };
    let mut store = store
        .remap(table.remapper())
        .with_from_adapter(PyTorchToBurnAdapter)
        .allow_partial(true)
        .validate(false);
    let result = module
        .load_from(&mut store)
        .map_err(|e| ImportError::Read {
            path: path.clone(),
            message: e.to_string(),
        })?;
    if let Some(error) = result.errors.first() {
        return Err(match error {
            ApplyError::ShapeMismatch {
                path: key,
                expected,
                found,
            } => ImportError::ShapeMismatch {
                path,
                architecture,
                key: table.checkpoint_key(key),
                expected: expected.to_vec(),
                found: found.to_vec(),
            },
            ApplyError::DTypeMismatch { path: key, .. }
            | ApplyError::AdapterError { path: key, .. }
            | ApplyError::LoadError { path: key, .. } => ImportError::Tensor {
                path,
                key: table.checkpoint_key(key),
                message: error.to_string(),
            },
        });
    }
    if let Some((key, _)) = result.missing.first() {
        return Err(ImportError::MissingKey {
            path,
            architecture,
            key: table.checkpoint_key(key),
        });
    }
    Ok(())
}

/// Loads a module whose field paths equal the checkpoint's keys (no renaming), with the
/// same error reporting as the extractor loaders.
pub fn load_safetensors<M: ModuleSnapshot>(
    module: &mut M,
    source: WeightSource<'_>,
    architecture: &'static str,
) -> Result<(), ImportError> {
    load_into(module, source, &PrefixTable(Vec::new()), architecture)
}

/// CLIP's vision tower from a Hugging Face `.safetensors` file (`CLIPModel` or
/// `CLIPVisionModel`).
pub fn load_clip_vision(
    source: WeightSource<'_>,
    config: &ClipVisionConfig,
    device: &Device,
) -> Result<ClipVisionTransformer, ImportError> {
    let mut model = config.init(device);
    load_into(&mut model, source, &clip_table(), "CLIP's vision tower")?;
    Ok(model)
}

/// MobileNetV2 from torchvision's state dict saved as `.safetensors`.
pub fn load_mobilenet_v2(
    source: WeightSource<'_>,
    device: &Device,
) -> Result<MobileNetV2, ImportError> {
    let mut model = MobileNetV2Config::new().init(device);
    load_into(&mut model, source, &mobilenet_v2_table(), "MobileNetV2")?;
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobilenet_table_covers_all_blocks_and_inverts() {
        let table = mobilenet_v2_table();
        // 2 stem + 1 classifier + 4 (t = 1 block) + 16 * 6 + 2 head.
        assert_eq!(table.0.len(), 3 + 4 + 16 * 6 + 2);
        assert_eq!(
            table.checkpoint_key("blocks.16.project.bn.running_var"),
            "features.17.conv.3.running_var"
        );
        assert_eq!(
            table.checkpoint_key("head.conv.weight"),
            "features.18.0.weight"
        );
        assert_eq!(table.checkpoint_key("stem.bn.gamma"), "features.0.1.weight");
        assert_eq!(
            table.checkpoint_key("blocks.0.project.conv.weight"),
            "features.1.conv.1.weight"
        );
    }

    #[test]
    fn clip_table_restores_prefix() {
        assert_eq!(
            clip_table().checkpoint_key("encoder.layers.0.mlp.fc1.weight"),
            "vision_model.encoder.layers.0.mlp.fc1.weight"
        );
    }
}
