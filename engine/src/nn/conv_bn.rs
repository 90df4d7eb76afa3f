//! Convolution followed by batch normalisation and an optional activation, the unit that
//! MobileNetV2 (torchvision's `Conv2dNormActivation`) and the fusion net's CNN branch share.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, PaddingConfig2d};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::cpu_fast::{fold_batch_norm, relu, relu6};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Nonlinearity {
    Identity,
    Relu,
    Relu6,
}

impl Nonlinearity {
    pub fn apply<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        match self {
            Nonlinearity::Identity => x,
            Nonlinearity::Relu => relu(x),
            Nonlinearity::Relu6 => relu6(x),
        }
    }
}

#[derive(Config, Debug)]
pub struct ConvBnActConfig {
    pub channels_in: usize,
    pub channels_out: usize,
    pub kernel: usize,
    #[config(default = 1)]
    pub stride: usize,
    #[config(default = 1)]
    pub groups: usize,
    #[config(default = "Nonlinearity::Relu")]
    pub nonlinearity: Nonlinearity,
    #[config(default = 1e-5)]
    pub bn_eps: f64,
}

#[derive(Module, Debug)]
pub struct ConvBnAct {
    pub conv: Conv2d,
    pub bn: BatchNorm,
    #[module(skip)]
    pub nonlinearity: Nonlinearity,
    /// `bn` is folded into `conv` (`fold_batch_norm`, inference only) and skipped.
    #[module(skip)]
    pub folded: bool,
}

impl ConvBnActConfig {
    pub fn init(&self, device: &Device) -> ConvBnAct {
        let pad = (self.kernel - 1) / 2;
        ConvBnAct {
            conv: Conv2dConfig::new(
                [self.channels_in, self.channels_out],
                [self.kernel, self.kernel],
            )
            .with_stride([self.stride, self.stride])
            .with_groups(self.groups)
            .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
            .with_bias(false)
            .init(device),
            bn: BatchNormConfig::new(self.channels_out)
                .with_epsilon(self.bn_eps)
                .init(device),
            nonlinearity: self.nonlinearity,
            folded: false,
        }
    }
}

impl ConvBnAct {
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        // x: [batch, channels_in, height, width] -> [batch, channels_out, height / stride, width / stride]
        let y = self.conv.forward(x);
        let y = if self.folded { y } else { self.bn.forward(y) };
        self.nonlinearity.apply(y)
    }

    /// For inference: the batch norm folded into the convolution (see `cpu_fast`).
    pub fn fold_batch_norm(mut self) -> Self {
        if !self.folded {
            self.conv = fold_batch_norm(self.conv, &self.bn);
            self.folded = true;
        }
        self
    }
}
