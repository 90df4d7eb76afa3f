//! The frozen feature extractor E of the paper: CLIP's vision tower (user-provided weights)
//! or the bundled ImageNet MobileNetV2. Both return a token sequence for the detector.

pub mod clip;
pub mod import;
pub mod mobilenet_v2;

use burn::module::Module;
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

pub use clip::{ClipVisionConfig, ClipVisionOutput, ClipVisionTransformer};
pub use import::{
    ImportError, WeightSource, load_clip_vision, load_mobilenet_v2, load_safetensors,
};
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
    MobileNetV2 { image_size: usize },
    /// CLIP's vision tower; `name` identifies the weights (e.g. `clip-b32`).
    Clip {
        name: String,
        vision: ClipVisionConfig,
    },
}

impl ExtractorConfig {
    pub fn mobilenet_v2() -> Self {
        Self::MobileNetV2 { image_size: 224 }
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
            Self::MobileNetV2 { image_size } => format!("mobilenet-v2@{image_size}"),
            Self::Clip { name, vision } => format!(
                "{name}@{}:{}x{}x{}",
                vision.image_size, vision.hidden_size, vision.num_hidden_layers, vision.patch_size
            ),
        }
    }

    pub fn image_size(&self) -> usize {
        match self {
            Self::MobileNetV2 { image_size } => *image_size,
            Self::Clip { vision, .. } => vision.image_size,
        }
    }

    /// Width of each token the extractor returns.
    pub fn token_width(&self) -> usize {
        match self {
            Self::MobileNetV2 { .. } => 1280,
            Self::Clip { vision, .. } => vision.hidden_size,
        }
    }

    /// Number of tokens the extractor returns for one image.
    pub fn token_count(&self) -> usize {
        match self {
            Self::MobileNetV2 { image_size } => (image_size / 32).pow(2),
            Self::Clip { vision, .. } => vision.grid().pow(2) + 1,
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
            Self::MobileNetV2 { .. } => {
                Extractor::MobileNetV2(MobileNetV2Config::new().init(device))
            }
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
                let features = net.features(pixels); // [batch, 1280, size / 32, size / 32]
                let [batch, channels, h, w] = features.dims();
                features.reshape([batch, channels, h * w]).swap_dims(1, 2) // [batch, tokens, 1280]
            }
            Extractor::Clip(net) => net.forward(pixels).last_hidden_state, // [batch, 1 + grid², hidden]
        }
    }
}
