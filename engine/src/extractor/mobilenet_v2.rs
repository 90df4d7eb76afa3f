//! MobileNetV2 in torchvision's layout, the extractor the bundled model uses (its ImageNet
//! weights ship in `assets/extractors/`). Our field names are readable (`stem`, `blocks`,
//! `head`); `import.rs` holds the table that maps torchvision's `features.N...` keys onto them.
//! Reference: torchvision `models/mobilenetv2.py`.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::{Device, Tensor};

use crate::nn::{ConvBnAct, ConvBnActConfig, Nonlinearity};

/// torchvision's `inverted_residual_setting`: expansion t, channels c, repeats n, stride s.
pub const INVERTED_RESIDUAL_SETTING: [[usize; 4]; 7] = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
];

#[derive(Config, Debug, PartialEq)]
pub struct MobileNetV2Config {
    #[config(default = 1000)]
    pub num_classes: usize,
    #[config(default = 1280)]
    pub last_channels: usize,
}

#[derive(Module, Debug)]
pub struct InvertedResidual {
    /// 1x1 expansion; absent when the expansion factor is 1.
    pub expand: Option<ConvBnAct>,
    pub depthwise: ConvBnAct,
    /// 1x1 linear projection (conv + batch norm, no activation).
    pub project: ConvBnAct,
    pub use_residual: bool,
}

impl InvertedResidual {
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        // x: [batch, c_in, h, w] -> [batch, c_out, h / stride, w / stride]
        let mut y = x.clone();
        if let Some(expand) = &self.expand {
            y = expand.forward(y);
        }
        let y = self.project.forward(self.depthwise.forward(y));
        if self.use_residual { x + y } else { y }
    }
}

#[derive(Module, Debug)]
pub struct MobileNetV2 {
    pub stem: ConvBnAct,
    pub blocks: Vec<InvertedResidual>,
    /// The final 1x1 conv and the ImageNet classifier; absent in a network cut short
    /// (`MobileNetV2Config::init_cut`, `MobileNetV2::cut`).
    pub head: Option<ConvBnAct>,
    pub classifier: Option<Linear>,
}

/// Channels and stride (relative to the input) of torchvision's `features[..layers]`, for
/// 1 to 18 layers (`features[18]` is the 1280-wide head).
pub fn features_shape(layers: usize) -> (usize, usize) {
    let (mut channels, mut stride) = (32, 2);
    let settings = INVERTED_RESIDUAL_SETTING
        .iter()
        .flat_map(|&[_, c, n, s]| (0..n).map(move |i| (c, if i == 0 { s } else { 1 })));
    for (c, s) in settings.take(layers.saturating_sub(1)) {
        channels = c;
        stride *= s;
    }
    (channels, stride)
}

impl MobileNetV2Config {
    pub fn init(&self, device: &Device) -> MobileNetV2 {
        let (stem, blocks) = Self::init_features(usize::MAX, device);
        let channels = INVERTED_RESIDUAL_SETTING[INVERTED_RESIDUAL_SETTING.len() - 1][1];
        MobileNetV2 {
            stem,
            blocks,
            head: Some(
                ConvBnActConfig::new(channels, self.last_channels, 1)
                    .with_nonlinearity(Nonlinearity::Relu6)
                    .init(device),
            ),
            classifier: Some(LinearConfig::new(self.last_channels, self.num_classes).init(device)),
        }
    }

    /// `features[..layers]` only (no head, no classifier), as `MobileNetV2::cut` leaves it.
    pub fn init_cut(layers: usize, device: &Device) -> MobileNetV2 {
        let (stem, blocks) = Self::init_features(layers, device);
        MobileNetV2 {
            stem,
            blocks,
            head: None,
            classifier: None,
        }
    }

    /// torchvision's `features[..layers]` without the final 1x1 head: the stem conv and the
    /// first `layers - 1` inverted residual blocks (all of them for a large `layers`).
    pub fn init_features(layers: usize, device: &Device) -> (ConvBnAct, Vec<InvertedResidual>) {
        let cba = |cin, cout, kernel, stride, groups, nl| {
            ConvBnActConfig::new(cin, cout, kernel)
                .with_stride(stride)
                .with_groups(groups)
                .with_nonlinearity(nl)
                .init(device)
        };
        let mut blocks = Vec::new();
        let mut channels = 32;
        let settings = INVERTED_RESIDUAL_SETTING
            .iter()
            .flat_map(|&[t, c, n, s]| (0..n).map(move |i| (t, c, if i == 0 { s } else { 1 })));
        for (t, c, stride) in settings.take(layers.saturating_sub(1)) {
            let hidden = channels * t;
            blocks.push(InvertedResidual {
                expand: (t != 1).then(|| cba(channels, hidden, 1, 1, 1, Nonlinearity::Relu6)),
                depthwise: cba(hidden, hidden, 3, stride, hidden, Nonlinearity::Relu6),
                project: cba(hidden, c, 1, 1, 1, Nonlinearity::Identity),
                use_residual: stride == 1 && channels == c,
            });
            channels = c;
        }
        (cba(3, 32, 3, 2, 1, Nonlinearity::Relu6), blocks)
    }
}

impl MobileNetV2 {
    /// torchvision's `model.features(x)`, or `features[..layers]` of a cut network.
    pub fn features(&self, x: Tensor<4>) -> Tensor<4> {
        // x: [batch, 3, h, w] -> [batch, 1280, h / 32, w / 32] (whole network)
        let mut x = self.stem.forward(x);
        for block in &self.blocks {
            x = block.forward(x);
        }
        match &self.head {
            Some(head) => head.forward(x),
            None => x,
        }
    }

    /// ImageNet logits, as torchvision's `forward` in eval mode (dropout is identity);
    /// `None` for a network cut short.
    pub fn forward(&self, x: Tensor<4>) -> Option<Tensor<2>> {
        // x: [batch, 3, h, w] -> [batch, classes]
        let classifier = self.classifier.as_ref()?;
        let features = self.features(x);
        let [batch, channels, _, _] = features.dims();
        let pooled = features.mean_dim(3).mean_dim(2).reshape([batch, channels]);
        Some(classifier.forward(pooled))
    }

    /// Keeps `features[..layers]` (the stem and the first `layers - 1` blocks) and drops the
    /// head and classifier.
    pub fn cut(self, layers: usize) -> Self {
        Self {
            stem: self.stem,
            blocks: self
                .blocks
                .into_iter()
                .take(layers.saturating_sub(1))
                .collect(),
            head: None,
            classifier: None,
        }
    }
}
