//! Conformer's bottleneck `ConvBlock`: 1x1 down, 3x3 (where the transformer's feature map
//! is added in), 1x1 up, residual. Returns the 3x3 stage's activations too, which the
//! down-coupling reads.
//! Reference: Conformer `conformer.py`, `ConvBlock` (pengzhiliang/Conformer).

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, PaddingConfig2d};
use burn::tensor::{Device, Tensor};

use crate::nn::cpu_fast::{fold_batch_norm, relu};

/// Conformer's bottleneck expansion: the 3x3 runs at `channels_out / 4`.
pub const EXPANSION: usize = 4;

#[derive(Config, Debug)]
pub struct ConvBlockConfig {
    pub channels_in: usize,
    pub channels_out: usize,
    #[config(default = 1)]
    pub stride: usize,
    /// A projected shortcut (needed when channels or stride change).
    #[config(default = false)]
    pub res_conv: bool,
}

#[derive(Module, Debug)]
pub struct ConvBlock {
    pub conv1: Conv2d,
    pub bn1: BatchNorm,
    pub conv2: Conv2d,
    pub bn2: BatchNorm,
    pub conv3: Conv2d,
    pub bn3: BatchNorm,
    pub residual_conv: Option<Conv2d>,
    pub residual_bn: Option<BatchNorm>,
    /// The batch norms are folded into their convolutions (inference only) and skipped.
    #[module(skip)]
    pub folded: bool,
}

impl ConvBlockConfig {
    pub fn init(&self, device: &Device) -> ConvBlock {
        let med = self.channels_out / EXPANSION;
        let conv = |cin, cout, k: usize, s: usize| {
            let p = (k - 1) / 2;
            Conv2dConfig::new([cin, cout], [k, k])
                .with_stride([s, s])
                .with_padding(PaddingConfig2d::Explicit(p, p, p, p))
                .with_bias(false)
                .init(device)
        };
        let bn = |c| BatchNormConfig::new(c).with_epsilon(1e-6).init(device);
        ConvBlock {
            conv1: conv(self.channels_in, med, 1, 1),
            bn1: bn(med),
            conv2: conv(med, med, 3, self.stride),
            bn2: bn(med),
            conv3: conv(med, self.channels_out, 1, 1),
            bn3: bn(self.channels_out),
            residual_conv: self
                .res_conv
                .then(|| conv(self.channels_in, self.channels_out, 1, self.stride)),
            residual_bn: self.res_conv.then(|| bn(self.channels_out)),
            folded: false,
        }
    }
}

impl ConvBlock {
    /// For inference: every batch norm folded into the convolution before it.
    pub fn fold_batch_norm(mut self) -> Self {
        if self.folded {
            return self;
        }
        self.conv1 = fold_batch_norm(self.conv1, &self.bn1);
        self.conv2 = fold_batch_norm(self.conv2, &self.bn2);
        self.conv3 = fold_batch_norm(self.conv3, &self.bn3);
        self.residual_conv = match (self.residual_conv, &self.residual_bn) {
            (Some(conv), Some(bn)) => Some(fold_batch_norm(conv, bn)),
            (conv, _) => conv,
        };
        self.folded = true;
        self
    }

    /// `from_transformer`, when given, is added to the input of the 3x3 convolution.
    /// Returns the block output and the 3x3 stage's activations.
    pub fn forward(
        &self,
        x: Tensor<4>,
        from_transformer: Option<Tensor<4>>,
    ) -> (Tensor<4>, Tensor<4>) {
        // x: [batch, c_in, h, w]
        let norm = |bn: &BatchNorm, y: Tensor<4>| if self.folded { y } else { bn.forward(y) };
        let residual = x.clone();
        let mut y = relu(norm(&self.bn1, self.conv1.forward(x))); // [batch, c_out / 4, h, w]
        if let Some(t) = from_transformer {
            y = y + t;
        }
        let mid = relu(norm(&self.bn2, self.conv2.forward(y))); // [batch, c_out / 4, h / s, w / s]
        let y = norm(&self.bn3, self.conv3.forward(mid.clone())); // [batch, c_out, h / s, w / s]
        let residual = match (&self.residual_conv, &self.residual_bn) {
            (Some(conv), Some(bn)) => norm(bn, conv.forward(residual)),
            _ => residual,
        };
        (relu(y + residual), mid)
    }
}
