//! A stem for the fusion net cut from ImageNet MobileNetV2: torchvision's `features[..layers]`,
//! upsampled to a quarter of the input when the cut is at 1/8, then a 1x1 adapter to the
//! stem width. It stands in for Conformer's ImageNet-pretrained 7x7 stem, whose weights
//! cannot be fetched here: trained from scratch on a few hundred images, the fusion net did
//! not learn a generator's local traces, while MobileNetV2's early layers carry them.
//! Training copies the bundled ImageNet weights in and keeps them frozen.

use burn::module::Module;
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::extractor::mobilenet_v2::{INVERTED_RESIDUAL_SETTING, InvertedResidual};
use crate::extractor::{MobileNetV2, MobileNetV2Config};
use crate::nn::upsampled::upsample_nearest;
use crate::nn::{ConvBnAct, ConvBnActConfig, Nonlinearity};

/// Which stem the fusion net starts with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FusionStem {
    /// Conformer's 7x7/2 conv, batch norm, ReLU and 3x3/2 max-pool, trained from scratch.
    #[default]
    Conformer,
    /// MobileNetV2's `features[..layers]` (ImageNet weights, frozen); `layers` is 4 (a
    /// quarter of the input, 24 channels) to 7 (an eighth, 32 channels).
    MobileNetV2 { layers: usize },
}

impl FusionStem {
    /// Output stride and channels of MobileNetV2's `features[..layers]`.
    pub fn mobilenet_cut(layers: usize) -> (usize, usize) {
        let mut stride = 2; // features[0], the 3x3/2 conv
        let mut channels = 32;
        let mut taken = 1;
        for [_, c, n, s] in INVERTED_RESIDUAL_SETTING {
            for i in 0..n {
                if taken == layers {
                    return (stride, channels);
                }
                if i == 0 {
                    stride *= s;
                }
                channels = c;
                taken += 1;
            }
        }
        (stride, channels)
    }
}

#[derive(Module, Debug)]
pub struct MobileNetStem {
    /// torchvision `features.0`.
    pub stem: ConvBnAct,
    /// torchvision `features.1..layers`.
    pub blocks: Vec<InvertedResidual>,
    /// 1x1 conv + batch norm + ReLU to the fusion net's stem width (trained).
    pub adapter: ConvBnAct,
    /// Nearest-neighbour factor that brings the cut to a quarter of the input.
    pub upsample: usize,
}

impl MobileNetStem {
    /// A stem of the right shapes with untrained weights: a model's record, or
    /// `with_imagenet` in training, fills them in.
    pub fn init(layers: usize, stem_channels: usize, device: &Device) -> Self {
        let (stride, channels) = FusionStem::mobilenet_cut(layers);
        assert!(
            (4..=7).contains(&layers) && (stride == 4 || stride == 8),
            "a MobileNetV2 stem takes 4 to 7 layers (1/4 or 1/8 of the input), not {layers}"
        );
        let (stem, blocks) = MobileNetV2Config::init_features(layers, device);
        Self {
            stem,
            blocks,
            adapter: ConvBnActConfig::new(channels, stem_channels, 1)
                .with_nonlinearity(Nonlinearity::Relu)
                .init(device),
            upsample: stride / 4,
        }
    }

    /// Replaces the MobileNetV2 layers with `mobilenet`'s (the bundled ImageNet weights).
    pub fn with_imagenet(mut self, mobilenet: MobileNetV2) -> Self {
        let taken = self.blocks.len();
        self.stem = mobilenet.stem;
        self.blocks = mobilenet.blocks.into_iter().take(taken).collect();
        self
    }

    /// Stops training the ImageNet part (weights and batch-norm statistics); the adapter
    /// keeps whatever state it has.
    pub fn freeze_pretrained(mut self) -> Self {
        self.stem = self.stem.freeze();
        self.blocks = self.blocks.into_iter().map(Module::freeze).collect();
        self
    }

    /// For inference: every batch norm folded into its convolution.
    pub fn fold_batch_norm(mut self) -> Self {
        self.stem = self.stem.fold_batch_norm();
        self.blocks = self
            .blocks
            .into_iter()
            .map(|mut block| {
                block.expand = block.expand.map(ConvBnAct::fold_batch_norm);
                block.depthwise = block.depthwise.fold_batch_norm();
                block.project = block.project.fold_batch_norm();
                block
            })
            .collect();
        self.adapter = self.adapter.fold_batch_norm();
        self
    }

    pub fn forward(&self, pixels: Tensor<4>) -> Tensor<4> {
        // pixels: [batch, 3, size, size] (ImageNet-normalised)
        upsample_nearest(self.forward_before_upsampling(pixels), self.upsample) // [batch, stem, size / 4, size / 4]
    }

    /// `forward` before its nearest upsampling by `self.upsample`: the 1x1 adapter works
    /// pixel by pixel, so it runs on the smaller map (the same values).
    pub fn forward_before_upsampling(&self, pixels: Tensor<4>) -> Tensor<4> {
        // pixels: [batch, 3, size, size] (ImageNet-normalised)
        let mut x = self.stem.forward(pixels); // [batch, 32, size / 2, size / 2]
        for block in &self.blocks {
            x = block.forward(x);
        } // [batch, c, size / stride, size / stride]
        self.adapter.forward(x) // [batch, stem, size / stride, size / stride]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_follow_torchvision_features() {
        assert_eq!(FusionStem::mobilenet_cut(2), (2, 16));
        assert_eq!(FusionStem::mobilenet_cut(4), (4, 24));
        assert_eq!(FusionStem::mobilenet_cut(7), (8, 32));
        assert_eq!(FusionStem::mobilenet_cut(8), (16, 64));
    }

    #[test]
    fn the_pretrained_stem_computes_imagenet_features_up_to_layer_7() {
        let device = Device::flex();
        let mobilenet =
            crate::model::bundled_mobilenet_v2(&device).expect("bundled MobileNetV2 weights");
        let pixels = Tensor::random(
            [1, 3, 64, 64],
            burn::tensor::Distribution::Normal(0.0, 1.0),
            &device,
        );
        let mut expected = mobilenet.stem.forward(pixels.clone());
        for block in &mobilenet.blocks[..6] {
            expected = block.forward(expected);
        }
        let stem = MobileNetStem::init(7, 8, &device).with_imagenet(mobilenet);
        let mut got = stem.stem.forward(pixels);
        for block in &stem.blocks {
            got = block.forward(got);
        }
        assert_eq!(got.dims(), [1, 32, 8, 8]);
        got.into_data()
            .assert_approx_eq::<f32>(&expected.into_data(), burn::tensor::Tolerance::default());
    }

    #[test]
    fn both_cuts_give_a_quarter_resolution_map() {
        let device = Device::flex();
        for layers in [4, 7] {
            let stem = MobileNetStem::init(layers, 8, &device);
            let out = stem.forward(Tensor::zeros([2, 3, 64, 64], &device));
            assert_eq!(out.dims(), [2, 8, 16, 16], "layers {layers}");
        }
    }
}
