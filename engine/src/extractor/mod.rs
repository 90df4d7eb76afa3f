//! The frozen feature extractor E of the paper: CLIP's vision tower (user-provided weights)
//! or the bundled ImageNet MobileNetV2. Both return a token sequence for the detector.

pub mod clip;
pub mod import;
pub mod input;
pub mod mobilenet_v2;

use burn::module::Module;
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

pub use clip::{ClipVisionConfig, ClipVisionOutput, ClipVisionTransformer};
pub use import::{
    ImportError, WeightSource, load_clip_vision, load_mobilenet_v2, load_safetensors,
};
pub use input::DetectorInput;
pub use mobilenet_v2::{MobileNetV2, MobileNetV2Config};

/// ImageNet statistics, which torchvision's MobileNetV2 was trained with.
pub const IMAGENET_MEAN: [f32; 3] = [0.485, 0.456, 0.406];
pub const IMAGENET_STD: [f32; 3] = [0.229, 0.224, 0.225];
/// OpenAI CLIP's preprocessing statistics.
pub const CLIP_MEAN: [f32; 3] = [0.481_454_66, 0.457_827_5, 0.408_210_73];
pub const CLIP_STD: [f32; 3] = [0.268_629_54, 0.261_302_6, 0.275_777];

/// Which extractor a model was trained with. Every checkpoint records it, and loading a
/// checkpoint with another extractor is an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ExtractorConfig {
    /// torchvision's ImageNet MobileNetV2 at `image_size` pixels (a multiple of 32).
    /// `layers` cuts it after `features[..layers]` (8 to 18); stride-16 features are
    /// patch-merged (each 2x2 neighbourhood concatenated, as in Swin) so that the token
    /// grid stays at 1/32 of the input. `None` takes the whole of `features`, 1280 wide.
    MobileNetV2 {
        image_size: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        layers: Option<usize>,
    },
    /// CLIP's vision tower; `name` identifies the weights (e.g. `clip-b32`).
    Clip {
        name: String,
        vision: ClipVisionConfig,
    },
}

impl ExtractorConfig {
    pub fn mobilenet_v2() -> Self {
        Self::MobileNetV2 {
            image_size: 224,
            layers: None,
        }
    }

    /// Parses the command line's extractor names.
    pub fn from_name(name: &str) -> Option<Self> {
        let clip = |vision| Self::Clip {
            name: name.to_string(),
            vision,
        };
        match name {
            "mobilenet-v2" => Some(Self::mobilenet_v2()),
            "clip-b32" => Some(clip(ClipVisionConfig::vit_b32())),
            "clip-b16" => Some(clip(ClipVisionConfig::vit_b16())),
            "clip-l14" => Some(clip(ClipVisionConfig::vit_l14())),
            _ => None,
        }
    }

    pub const NAMES: [&'static str; 4] = ["mobilenet-v2", "clip-b32", "clip-b16", "clip-l14"];

    /// A stable identifier, recorded in checkpoints and feature caches.
    pub fn id(&self) -> String {
        match self {
            Self::MobileNetV2 {
                image_size,
                layers: None,
            } => format!("mobilenet-v2@{image_size}"),
            Self::MobileNetV2 {
                image_size,
                layers: Some(layers),
            } => format!("mobilenet-v2@{image_size}:features{layers}"),
            Self::Clip { name, vision } => format!(
                "{name}@{}:{}x{}x{}",
                vision.image_size, vision.hidden_size, vision.num_hidden_layers, vision.patch_size
            ),
        }
    }

    pub fn image_size(&self) -> usize {
        match self {
            Self::MobileNetV2 { image_size, .. } => *image_size,
            Self::Clip { vision, .. } => vision.image_size,
        }
    }

    /// Width of each token the extractor returns.
    pub fn token_width(&self) -> usize {
        match self {
            Self::MobileNetV2 { layers: None, .. } => 1280,
            Self::MobileNetV2 {
                layers: Some(layers),
                ..
            } => {
                let (channels, stride) = mobilenet_v2::features_shape(*layers);
                channels * (32 / stride).pow(2)
            }
            Self::Clip { vision, .. } => vision.hidden_size,
        }
    }

    /// Number of tokens the extractor returns for one image.
    pub fn token_count(&self) -> usize {
        match self {
            Self::MobileNetV2 { image_size, .. } => (image_size / 32).pow(2),
            Self::Clip { vision, .. } => vision.grid().pow(2) + 1,
        }
    }

    /// Why this configuration cannot be built, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Self::MobileNetV2 { image_size, layers } => {
                if *image_size == 0 || image_size % 32 != 0 || *image_size > 1024 {
                    return Err(format!(
                        "MobileNetV2's image_size must be a multiple of 32 from 32 to 1024, not {image_size}"
                    ));
                }
                match layers {
                    Some(l) if !(8..=18).contains(l) => Err(format!(
                        "MobileNetV2's layers must be 8 to 18 (stride 16 or 32), not {l}"
                    )),
                    _ => Ok(()),
                }
            }
            Self::Clip { vision, .. } => {
                let sizes = [
                    ("hidden_size", vision.hidden_size, 4096),
                    ("intermediate_size", vision.intermediate_size, 16384),
                    ("num_hidden_layers", vision.num_hidden_layers, 48),
                    ("num_attention_heads", vision.num_attention_heads, 64),
                    ("image_size", vision.image_size, 1024),
                    ("patch_size", vision.patch_size, 64),
                ];
                for (field, value, most) in sizes {
                    if value == 0 || value > most {
                        return Err(format!(
                            "extractor.vision.{field} must be 1 to {most}, not {value}"
                        ));
                    }
                }
                if vision.hidden_size % vision.num_attention_heads != 0
                    || vision.image_size % vision.patch_size != 0
                {
                    return Err(format!(
                        "extractor.vision: hidden_size ({}) must be a multiple of num_attention_heads ({}) and image_size ({}) of patch_size ({})",
                        vision.hidden_size,
                        vision.num_attention_heads,
                        vision.image_size,
                        vision.patch_size
                    ));
                }
                Ok(())
            }
        }
    }

    pub fn normalization(&self) -> ([f32; 3], [f32; 3]) {
        match self {
            Self::MobileNetV2 { .. } => (IMAGENET_MEAN, IMAGENET_STD),
            Self::Clip { .. } => (CLIP_MEAN, CLIP_STD),
        }
    }

    /// Freshly initialised weights (for tests and shapes); real use loads pretrained ones.
    pub fn init(&self, device: &Device) -> Extractor {
        match self {
            Self::MobileNetV2 { layers: None, .. } => {
                Extractor::MobileNetV2(MobileNetV2Config::new().init(device))
            }
            Self::MobileNetV2 {
                layers: Some(layers),
                ..
            } => Extractor::MobileNetV2(MobileNetV2Config::init_cut(*layers, device)),
            Self::Clip { vision, .. } => Extractor::Clip(vision.init(device)),
        }
    }
}

#[derive(Module, Debug)]
#[allow(clippy::large_enum_variant)] // one extractor per model; boxing buys nothing
pub enum Extractor {
    MobileNetV2(MobileNetV2),
    Clip(ClipVisionTransformer),
}

impl Extractor {
    /// Feature tokens f = E(x).
    pub fn tokens(&self, pixels: Tensor<4>) -> Tensor<3> {
        // pixels: [batch, 3, size, size], normalised per `ExtractorConfig::normalization`
        match self {
            Extractor::MobileNetV2(net) => {
                let [_, _, size, _] = pixels.dims();
                let features = net.features(pixels); // [batch, c, size / stride, size / stride]
                let factor = features.dims()[2] / (size / 32);
                let features = patch_merge(features, factor);
                let [batch, channels, h, w] = features.dims(); // [batch, width, size / 32, size / 32]
                features.reshape([batch, channels, h * w]).swap_dims(1, 2) // [batch, tokens, width]
            }
            Extractor::Clip(net) => net.forward(pixels).last_hidden_state, // [batch, 1 + grid², hidden]
        }
    }
}

/// Patch merging as in Swin: each `factor x factor` neighbourhood of `x` becomes one
/// position with the neighbourhood's values concatenated, channel by channel (channel `c`
/// of offset `(dy, dx)` lands at `c * factor² + dy * factor + dx`; the shipped weights
/// depend on this order).
fn patch_merge(x: Tensor<4>, factor: usize) -> Tensor<4> {
    if factor <= 1 {
        return x;
    }
    let [batch, channels, h, w] = x.dims();
    let (gh, gw) = (h / factor, w / factor);
    x.reshape([batch, channels, gh, factor, gw, factor])
        .permute([0, 1, 3, 5, 2, 4]) // [batch, channels, factor, factor, gh, gw]
        .reshape([batch, channels * factor * factor, gh, gw])
}

#[cfg(test)]
mod tests {
    use burn::tensor::TensorData;

    use super::*;

    #[test]
    fn patch_merge_concatenates_each_neighbourhood_channel_by_channel() {
        let device = Device::flex();
        // One channel, 2 x 4: values 0..8 row by row.
        let x = Tensor::<4>::from_data(
            TensorData::new((0..8).map(|v| v as f32).collect::<Vec<_>>(), [1, 1, 2, 4]),
            &device,
        );
        let merged = patch_merge(x, 2);
        assert_eq!(merged.dims(), [1, 4, 1, 2]);
        let v = merged.into_data().try_to_vec::<f32>().expect("f32");
        // Channel (dy, dx) holds x[dy][2 * column + dx].
        assert_eq!(v, vec![0.0, 2.0, 1.0, 3.0, 4.0, 6.0, 5.0, 7.0]);
    }

    #[test]
    fn a_cut_mobilenet_gives_merged_stride_16_tokens() {
        let device = Device::flex();
        let config = ExtractorConfig::MobileNetV2 {
            image_size: 64,
            layers: Some(14),
        };
        assert_eq!(config.token_width(), 96 * 4);
        assert_eq!(config.id(), "mobilenet-v2@64:features14");
        let tokens = config
            .init(&device)
            .tokens(Tensor::zeros([2, 3, 64, 64], &device));
        assert_eq!(
            tokens.dims(),
            [2, config.token_count(), config.token_width()]
        );
        let whole = ExtractorConfig::mobilenet_v2();
        assert_eq!(whole.token_width(), 1280);
        assert!(whole.check().is_ok());
        let bad = ExtractorConfig::MobileNetV2 {
            image_size: 224,
            layers: Some(5),
        };
        assert!(bad.check().is_err_and(|e| e.contains("8 to 18")));
    }
}
