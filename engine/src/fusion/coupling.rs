//! Conformer's feature coupling units: `FcuDown` turns a CNN feature map into tokens for the
//! transformer branch, `FcuUp` turns tokens back into a feature map for the CNN branch.
//! Reference: Conformer `conformer.py`, `FCUDown` and `FCUUp`.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, LayerNorm, LayerNormConfig};
use burn::tensor::module::{avg_pool2d, interpolate};
use burn::tensor::ops::{AvgPoolOptions, InterpolateMode, InterpolateOptions};
use burn::tensor::{Device, Tensor};

use crate::nn::cpu_fast::{fold_batch_norm, gelu, relu};

#[derive(Config, Debug)]
pub struct CouplingConfig {
    /// Channels of the CNN side (the bottleneck's 3x3 width).
    pub cnn_channels: usize,
    /// Width of the transformer side.
    pub embed_dim: usize,
    /// Ratio between the CNN map's size and the token grid.
    pub stride: usize,
}

#[derive(Module, Debug)]
pub struct FcuDown {
    pub conv_project: Conv2d,
    pub ln: LayerNorm,
    pub stride: usize,
}

#[derive(Module, Debug)]
pub struct FcuUp {
    pub conv_project: Conv2d,
    pub bn: BatchNorm,
    pub stride: usize,
    /// `bn` is folded into `conv_project` (inference only) and skipped.
    #[module(skip)]
    pub folded: bool,
}

impl CouplingConfig {
    pub fn init_down(&self, device: &Device) -> FcuDown {
        FcuDown {
            conv_project: Conv2dConfig::new([self.cnn_channels, self.embed_dim], [1, 1])
                .init(device),
            ln: LayerNormConfig::new(self.embed_dim)
                .with_epsilon(1e-6)
                .init(device),
            stride: self.stride,
        }
    }

    pub fn init_up(&self, device: &Device) -> FcuUp {
        FcuUp {
            conv_project: Conv2dConfig::new([self.embed_dim, self.cnn_channels], [1, 1])
                .init(device),
            bn: BatchNormConfig::new(self.cnn_channels)
                .with_epsilon(1e-6)
                .init(device),
            stride: self.stride,
            folded: false,
        }
    }
}

impl FcuDown {
    /// CNN features to tokens, with the transformer's class token re-attached.
    pub fn forward(&self, x: Tensor<4>, tokens: Tensor<3>) -> Tensor<3> {
        // x: [batch, c, h, w]; tokens: [batch, 1 + grid², embed]
        // Average pooling and the 1x1 projection commute (both linear, the pool sums to
        // one); pooling first projects `stride²` times fewer pixels.
        let x = if self.stride > 1 {
            avg_pool2d(x, AvgPoolOptions::new([self.stride, self.stride]))
        } else {
            x
        }; // [batch, c, grid, grid]
        let x = self.conv_project.forward(x); // [batch, embed, grid, grid]
        let [batch, embed, gh, gw] = x.dims();
        let x = x.reshape([batch, embed, gh * gw]).swap_dims(1, 2); // [batch, grid², embed]
        let x = gelu(self.ln.forward(x));
        let class = tokens.narrow(1, 0, 1); // [batch, 1, embed]
        Tensor::cat(vec![class, x], 1) // [batch, 1 + grid², embed]
    }
}

impl FcuUp {
    /// For inference: the batch norm folded into the projection.
    pub fn fold_batch_norm(mut self) -> Self {
        if !self.folded {
            self.conv_project = fold_batch_norm(self.conv_project, &self.bn);
            self.folded = true;
        }
        self
    }

    /// Tokens (class token dropped) to a CNN feature map of `grid * stride` pixels a side.
    pub fn forward(&self, tokens: Tensor<3>, grid: [usize; 2]) -> Tensor<4> {
        // tokens: [batch, 1 + grid², embed]
        let [batch, n, embed] = tokens.dims();
        let x = tokens
            .narrow(1, 1, n - 1)
            .swap_dims(1, 2)
            .reshape([batch, embed, grid[0], grid[1]]); // [batch, embed, gh, gw]
        let x = self.conv_project.forward(x);
        let x = relu(if self.folded { x } else { self.bn.forward(x) }); // [batch, c, gh, gw]
        if self.stride > 1 {
            interpolate(
                x,
                InterpolateOptions::new(InterpolateMode::Nearest)
                    .with_output_size([grid[0] * self.stride, grid[1] * self.stride]),
            )
        } else {
            x
        } // [batch, c, gh * stride, gw * stride]
    }
}
