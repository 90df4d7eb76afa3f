//! Multi-head self-attention that returns its attention weights, which the localisation
//! maps need. Field names follow Hugging Face's `CLIPAttention` (`q_proj`, `k_proj`,
//! `v_proj`, `out_proj`) so CLIP checkpoints load without renaming.
//! Reference: transformers `models/clip/modeling_clip.py`, `CLIPAttention`.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::{Device, Tensor};

use super::cpu_fast::softmax_last;

#[derive(Config, Debug)]
pub struct SelfAttentionConfig {
    pub width: usize,
    pub heads: usize,
}

#[derive(Module, Debug)]
pub struct SelfAttention {
    pub q_proj: Linear,
    pub k_proj: Linear,
    pub v_proj: Linear,
    pub out_proj: Linear,
    pub heads: usize,
}

impl SelfAttentionConfig {
    pub fn init(&self, device: &Device) -> SelfAttention {
        assert!(
            self.width.is_multiple_of(self.heads),
            "attention width {} is not divisible by {} heads",
            self.width,
            self.heads
        );
        let linear = || LinearConfig::new(self.width, self.width).init(device);
        SelfAttention {
            q_proj: linear(),
            k_proj: linear(),
            v_proj: linear(),
            out_proj: linear(),
            heads: self.heads,
        }
    }
}

impl SelfAttention {
    /// Returns the attended tokens and the attention weights.
    pub fn forward(&self, x: Tensor<3>) -> (Tensor<3>, Tensor<4>) {
        // x: [batch, tokens, width]
        let [batch, tokens, width] = x.dims();
        let head_dim = width / self.heads;
        let split = |t: Tensor<3>| {
            t.reshape([batch, tokens, self.heads, head_dim])
                .swap_dims(1, 2) // [batch, heads, tokens, head_dim]
        };
        let scale = (head_dim as f64).powf(-0.5);
        let q = split(self.q_proj.forward(x.clone()).mul_scalar(scale));
        let k = split(self.k_proj.forward(x.clone()));
        let v = split(self.v_proj.forward(x));

        let weights = softmax_last(q.matmul(k.swap_dims(2, 3))); // [batch, heads, tokens, tokens]
        let out = weights
            .clone()
            .matmul(v) // [batch, heads, tokens, head_dim]
            .swap_dims(1, 2)
            .reshape([batch, tokens, width]);
        (self.out_proj.forward(out), weights)
    }
}
