//! The pre-norm transformer block used by every transformer in ForgeLens: CLIP's encoder
//! layer, the teacher, the students, the generalizers and the fusion net's transformer
//! branch. Field names follow Hugging Face's `CLIPEncoderLayer` (`layer_norm1`,
//! `self_attn`, `layer_norm2`, `mlp.fc1`, `mlp.fc2`).

use burn::config::Config;
use burn::module::Module;
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::tensor::activation::sigmoid;
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::cpu_fast::gelu;
use super::{SelfAttention, SelfAttentionConfig};

/// The MLP's non-linearity. CLIP uses QuickGELU; the paper's own networks use GELU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Activation {
    #[default]
    Gelu,
    /// `x * sigmoid(1.702 x)`, as in OpenAI's CLIP.
    QuickGelu,
}

impl Activation {
    pub fn apply<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        match self {
            Activation::Gelu => gelu(x),
            Activation::QuickGelu => x.clone() * sigmoid(x.mul_scalar(1.702)),
        }
    }
}

#[derive(Config, Debug)]
pub struct TransformerBlockConfig {
    pub width: usize,
    pub heads: usize,
    pub mlp_width: usize,
    #[config(default = "Activation::Gelu")]
    pub activation: Activation,
    #[config(default = 1e-5)]
    pub layer_norm_eps: f64,
}

#[derive(Module, Debug)]
pub struct Mlp {
    pub fc1: Linear,
    pub fc2: Linear,
    #[module(skip)]
    pub activation: Activation,
}

impl Mlp {
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        // x: [batch, tokens, width] -> [batch, tokens, mlp_width] -> [batch, tokens, width]
        self.fc2.forward(self.activation.apply(self.fc1.forward(x)))
    }
}

#[derive(Module, Debug)]
pub struct TransformerBlock {
    pub layer_norm1: LayerNorm,
    pub self_attn: SelfAttention,
    pub layer_norm2: LayerNorm,
    pub mlp: Mlp,
}

impl TransformerBlockConfig {
    pub fn init(&self, device: &Device) -> TransformerBlock {
        let norm = || {
            LayerNormConfig::new(self.width)
                .with_epsilon(self.layer_norm_eps)
                .init(device)
        };
        TransformerBlock {
            layer_norm1: norm(),
            self_attn: SelfAttentionConfig::new(self.width, self.heads).init(device),
            layer_norm2: norm(),
            mlp: Mlp {
                fc1: LinearConfig::new(self.width, self.mlp_width).init(device),
                fc2: LinearConfig::new(self.mlp_width, self.width).init(device),
                activation: self.activation,
            },
        }
    }
}

impl TransformerBlock {
    /// Returns the block's output and its attention weights `[batch, heads, tokens, tokens]`.
    pub fn forward(&self, x: Tensor<3>) -> (Tensor<3>, Tensor<4>) {
        // x: [batch, tokens, width]
        let (attended, weights) = self.self_attn.forward(self.layer_norm1.forward(x.clone()));
        let x = x + attended;
        let x = x.clone() + self.mlp.forward(self.layer_norm2.forward(x));
        (x, weights)
    }
}
