//! The fusion net: Conformer-S as TransCAM uses it. A CNN stem, a patch embedding, then
//! `3 * blocks_per_stage` Conv-Trans blocks (CNN bottlenecks and transformer blocks joined by
//! the coupling units), a 3x3 class head on the last CNN map (the CAM) and a class head on
//! the transformer's class token. No positional embedding; the token grid follows the input.
//! Reference: Conformer `conformer.py` (`Conformer`, `ConvTransBlock`) and TransCAM
//! `conformer_CAM.py` (class head and attention capture).

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{
    BatchNorm, BatchNormConfig, Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig,
    PaddingConfig2d,
};
use burn::tensor::activation::relu;
use burn::tensor::module::max_pool2d;
use burn::tensor::ops::MaxPoolOptions;
use burn::tensor::{Device, Tensor};

use super::conv_block::{ConvBlock, ConvBlockConfig, EXPANSION};
use super::coupling::{CouplingConfig, FcuDown, FcuUp};
use super::pretrained_stem::{FusionStem, MobileNetStem};
use super::stem_cam::{StemCamHead, StemCamHeadConfig};
use crate::extractor::MobileNetV2;
use crate::nn::upsampled::{is_patch_4x4, patch4_on_upsampled, upsample_nearest};
use crate::nn::{TransformerBlock, TransformerBlockConfig};

#[derive(Config, Debug, PartialEq)]
pub struct FusionNetConfig {
    /// Side of the square input in pixels; a multiple of 16 (the token grid is `image_size / 16`).
    #[config(default = 224)]
    pub image_size: usize,
    /// Stem output channels (Conformer: 64).
    #[config(default = 64)]
    pub stem_channels: usize,
    /// Stage 1 runs at `stem_channels * channel_ratio` channels (Conformer-S: 4, Ti: 1).
    #[config(default = 4)]
    pub channel_ratio: usize,
    #[config(default = 384)]
    pub embed_dim: usize,
    #[config(default = 6)]
    pub heads: usize,
    #[config(default = 4)]
    pub mlp_ratio: usize,
    /// Blocks in each of the three stages (Conformer: 4, so 12 in all).
    #[config(default = 4)]
    pub blocks_per_stage: usize,
    #[config(default = 3)]
    pub num_classes: usize,
    /// Conformer's stem (`None`, as in configs written before the choice existed), or the
    /// first layers of ImageNet MobileNetV2.
    pub stem: Option<FusionStem>,
    /// Map with a class head on the stem (`StemCamHead`, local evidence) instead of the
    /// last stage's CAM (`None` or false, as in Conformer and TransCAM).
    pub stem_cam: Option<bool>,
}

/// One Conformer stage-block: a CNN bottleneck, the coupled transformer block, and the
/// fusion bottleneck that takes the transformer's map back in.
#[derive(Module, Debug)]
pub struct ConvTransBlock {
    pub cnn_block: ConvBlock,
    pub fusion_block: ConvBlock,
    pub squeeze_block: FcuDown,
    pub expand_block: FcuUp,
    pub trans_block: TransformerBlock,
    pub dw_stride: usize,
}

#[derive(Module, Debug)]
pub struct FusionNet {
    /// Conformer's stem (absent with a MobileNetV2 stem).
    pub conv1: Option<Conv2d>,
    pub bn1: Option<BatchNorm>,
    /// The MobileNetV2 stem (absent with Conformer's).
    pub mobilenet_stem: Option<MobileNetStem>,
    pub conv_1: ConvBlock,
    pub trans_patch_conv: Conv2d,
    pub cls_token: Param<Tensor<1>>,
    pub trans_1: TransformerBlock,
    pub blocks: Vec<ConvTransBlock>,
    pub conv_cls_head: Conv2d,
    pub trans_norm: LayerNorm,
    pub trans_cls_head: Linear,
    pub stem_cam_head: Option<StemCamHead>,
    /// `bn1` is folded into `conv1` (`fold_batch_norm`, inference only) and skipped.
    #[module(skip)]
    pub folded: bool,
}

/// Everything the fusion net produces for a batch.
#[derive(Debug, Clone)]
pub struct FusionOutput {
    /// `[batch, classes, grid, grid]`, the CNN class head before pooling.
    pub cam: Tensor<4>,
    /// `[batch, classes]`, global average pool of the CAM.
    pub cnn_logits: Tensor<2>,
    /// `[batch, classes]`, from the transformer's class token.
    pub transformer_logits: Tensor<2>,
    /// One `[batch, heads, 1 + grid², 1 + grid²]` per transformer block, first to last.
    pub attention: Vec<Tensor<4>>,
    /// `[batch, classes, grid, grid]` from the stem's class head, when the net has one; the
    /// maps use it instead of `cam`.
    pub stem_cam: Option<Tensor<4>>,
}

impl FusionOutput {
    /// The class head the maps read: the stem's when the net has one, else the CAM's.
    pub fn map_logits(&self) -> &Tensor<4> {
        self.stem_cam.as_ref().unwrap_or(&self.cam)
    }
}

impl FusionNetConfig {
    /// The paper's size: Conformer-S (37.7M parameters at 3 classes).
    pub fn conformer_s() -> Self {
        Self::new()
    }

    pub fn stem_kind(&self) -> FusionStem {
        self.stem.unwrap_or_default()
    }

    pub fn grid(&self) -> usize {
        self.image_size / 16
    }

    pub fn depth(&self) -> usize {
        3 * self.blocks_per_stage
    }

    pub fn init(&self, device: &Device) -> FusionNet {
        assert!(
            self.image_size.is_multiple_of(16) && self.image_size >= 16,
            "fusion net input size {} is not a positive multiple of 16",
            self.image_size
        );
        let stage1 = self.stem_channels * self.channel_ratio;
        let block = TransformerBlockConfig::new(
            self.embed_dim,
            self.heads,
            self.embed_dim * self.mlp_ratio,
        )
        .with_layer_norm_eps(1e-6);
        let mut blocks = Vec::new();
        // Stage 1 is at 1/4 of the input, stage 2 at 1/8, stage 3 at 1/16 (the token grid).
        let stages = [(stage1, 4), (stage1 * 2, 2), (stage1 * 4, 1)];
        let mut channels_in = stage1;
        for (stage, &(channels, dw_stride)) in stages.iter().enumerate() {
            for i in 0..self.blocks_per_stage {
                // Conformer's `conv_1` + `trans_1` stand in for the first block of stage 1.
                if stage == 0 && i == 0 {
                    continue;
                }
                let first = i == 0;
                let coupling = CouplingConfig::new(channels / EXPANSION, self.embed_dim, dw_stride);
                blocks.push(ConvTransBlock {
                    cnn_block: ConvBlockConfig::new(channels_in, channels)
                        .with_stride(if first { 2 } else { 1 })
                        .with_res_conv(first)
                        .init(device),
                    fusion_block: ConvBlockConfig::new(channels, channels).init(device),
                    squeeze_block: coupling.init_down(device),
                    expand_block: coupling.init_up(device),
                    trans_block: block.init(device),
                    dw_stride,
                });
                channels_in = channels;
            }
        }
        let conformer = self.stem_kind() == FusionStem::Conformer;
        FusionNet {
            conv1: conformer.then(|| {
                Conv2dConfig::new([3, self.stem_channels], [7, 7])
                    .with_stride([2, 2])
                    .with_padding(PaddingConfig2d::Explicit(3, 3, 3, 3))
                    .with_bias(false)
                    .init(device)
            }),
            bn1: conformer.then(|| BatchNormConfig::new(self.stem_channels).init(device)),
            mobilenet_stem: match self.stem_kind() {
                FusionStem::Conformer => None,
                FusionStem::MobileNetV2 { layers } => {
                    Some(MobileNetStem::init(layers, self.stem_channels, device))
                }
            },
            conv_1: ConvBlockConfig::new(self.stem_channels, stage1)
                .with_res_conv(true)
                .init(device),
            trans_patch_conv: Conv2dConfig::new([self.stem_channels, self.embed_dim], [4, 4])
                .with_stride([4, 4])
                .init(device),
            cls_token: Initializer::Normal {
                mean: 0.0,
                std: 0.02,
            }
            .init([self.embed_dim], device),
            trans_1: block.init(device),
            blocks,
            conv_cls_head: Conv2dConfig::new([stage1 * 4, self.num_classes], [3, 3])
                .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                .init(device),
            trans_norm: LayerNormConfig::new(self.embed_dim)
                .with_epsilon(1e-6)
                .init(device),
            trans_cls_head: LinearConfig::new(self.embed_dim, self.num_classes).init(device),
            stem_cam_head: self
                .stem_cam
                .unwrap_or(false)
                .then(|| StemCamHeadConfig::new(self.stem_channels, self.num_classes).init(device)),
            folded: false,
        }
    }
}

impl ConvTransBlock {
    pub fn forward(&self, x: Tensor<4>, tokens: Tensor<3>) -> (Tensor<4>, Tensor<3>, Tensor<4>) {
        // x: [batch, c_in, h, w]; tokens: [batch, 1 + grid², embed]
        let (x, mid) = self.cnn_block.forward(x, None); // [batch, c, h', w'], [batch, c / 4, h', w']
        let [_, _, h, w] = mid.dims();
        let down = self.squeeze_block.forward(mid, tokens.clone()); // [batch, 1 + grid², embed]
        let (tokens, attention) = self.trans_block.forward(down + tokens);
        let up = self
            .expand_block
            .forward(tokens.clone(), [h / self.dw_stride, w / self.dw_stride]); // [batch, c / 4, h', w']
        let (x, _) = self.fusion_block.forward(x, Some(up));
        (x, tokens, attention)
    }
}

impl FusionNet {
    fn stem(&self, pixels: Tensor<4>) -> Tensor<4> {
        // pixels: [batch, 3, size, size] -> [batch, stem, size / 4, size / 4]
        if let Some(stem) = &self.mobilenet_stem {
            return stem.forward(pixels);
        }
        let (Some(conv1), Some(bn1)) = (&self.conv1, &self.bn1) else {
            unreachable!("a fusion net is built with one of its two stems")
        };
        let x = conv1.forward(pixels);
        let x = relu(if self.folded { x } else { bn1.forward(x) }); // [batch, stem, size / 2, size / 2]
        max_pool2d(
            x,
            MaxPoolOptions::new([3, 3])
                .with_stride([2, 2])
                .with_padding([1, 1]),
        )
    }

    /// Copies ImageNet MobileNetV2's first layers into a MobileNetV2 stem; a no-op for
    /// Conformer's stem.
    pub fn with_pretrained_stem(mut self, mobilenet: MobileNetV2) -> Self {
        self.mobilenet_stem = self
            .mobilenet_stem
            .map(|stem| stem.with_imagenet(mobilenet));
        self
    }

    /// For inference: every batch norm folded into the convolution before it (the same
    /// function up to rounding, without a pass over each activation). Not for training.
    pub fn fold_batch_norm(mut self) -> Self {
        if self.folded {
            return self;
        }
        self.conv1 = match (self.conv1, &self.bn1) {
            (Some(conv1), Some(bn1)) => Some(crate::nn::cpu_fast::fold_batch_norm(conv1, bn1)),
            (conv1, _) => conv1,
        };
        self.folded = true;
        self.mobilenet_stem = self.mobilenet_stem.map(MobileNetStem::fold_batch_norm);
        self.conv_1 = self.conv_1.fold_batch_norm();
        self.blocks = self
            .blocks
            .into_iter()
            .map(|mut block| {
                block.cnn_block = block.cnn_block.fold_batch_norm();
                block.fusion_block = block.fusion_block.fold_batch_norm();
                block.expand_block = block.expand_block.fold_batch_norm();
                block
            })
            .collect();
        self
    }

    /// Freezes the pretrained part of a MobileNetV2 stem (see `MobileNetStem`).
    pub fn freeze_pretrained_stem(mut self) -> Self {
        self.mobilenet_stem = self.mobilenet_stem.map(MobileNetStem::freeze_pretrained);
        self
    }

    pub fn forward(&self, pixels: Tensor<4>) -> FusionOutput {
        // pixels: [batch, 3, size, size]
        let (base, stem_cam, patches) = match &self.mobilenet_stem {
            // A MobileNetV2 stem cut at 1/8 ends in a nearest 2x upsampling: the stem CAM
            // head and the patch embedding read the map before it (see `nn::upsampled`).
            Some(stem) if stem.upsample == 2 && is_patch_4x4(&self.trans_patch_conv) => {
                let low = stem.forward_before_upsampling(pixels); // [batch, stem, size / 8, size / 8]
                let stem_cam = self
                    .stem_cam_head
                    .as_ref()
                    .map(|head| head.forward_upsampled(low.clone(), 2));
                let patches = patch4_on_upsampled(&self.trans_patch_conv, low.clone());
                (upsample_nearest(low, 2), stem_cam, patches)
            }
            _ => {
                let base = self.stem(pixels);
                let stem_cam = self
                    .stem_cam_head
                    .as_ref()
                    .map(|head| head.forward(base.clone()));
                let patches = self.trans_patch_conv.forward(base.clone());
                (base, stem_cam, patches)
            }
        }; // [batch, stem, size / 4, size / 4], [batch, classes, grid, grid], [batch, embed, grid, grid]
        let (mut x, _) = self.conv_1.forward(base, None); // [batch, stage1, size / 4, size / 4]
        let [batch, embed, gh, gw] = patches.dims();
        let patches = patches.reshape([batch, embed, gh * gw]).swap_dims(1, 2);
        let class = self
            .cls_token
            .val()
            .reshape([1, 1, embed])
            .expand([batch, 1, embed]);
        let (mut tokens, first) = self.trans_1.forward(Tensor::cat(vec![class, patches], 1));
        let mut attention = vec![first];
        for block in &self.blocks {
            let (nx, nt, att) = block.forward(x, tokens);
            x = nx;
            tokens = nt;
            attention.push(att);
        }
        let cam = self.conv_cls_head.forward(x); // [batch, classes, grid, grid]
        let [_, classes, _, _] = cam.dims();
        let cnn_logits = cam
            .clone()
            .mean_dim(3)
            .mean_dim(2)
            .reshape([batch, classes]);
        let class = self
            .trans_norm
            .forward(tokens.narrow(1, 0, 1).reshape([batch, embed]));
        FusionOutput {
            cam,
            cnn_logits,
            transformer_logits: self.trans_cls_head.forward(class),
            attention,
            stem_cam,
        }
    }
}
