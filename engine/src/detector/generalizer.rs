//! The generalizers G_PF and G_FF (sec. 3.3): adversarial feature augmenters used only in
//! training, residual on E's tokens, `G(f) = f + delta(f)`. The output projection starts at
//! zero, so a fresh generalizer is the identity.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::tensor::{Device, Tensor};

use crate::nn::{TransformerBlock, TransformerBlockConfig};

#[derive(Config, Debug, PartialEq)]
pub struct GeneralizerConfig {
    pub input_width: usize,
    #[config(default = 384)]
    pub width: usize,
    #[config(default = 4)]
    pub depth: usize,
    #[config(default = 6)]
    pub heads: usize,
    #[config(default = 4)]
    pub mlp_ratio: usize,
}

#[derive(Module, Debug)]
pub struct Generalizer {
    pub input_proj: Linear,
    pub blocks: Vec<TransformerBlock>,
    pub output_proj: Linear,
}

impl GeneralizerConfig {
    pub fn init(&self, device: &Device) -> Generalizer {
        let block =
            TransformerBlockConfig::new(self.width, self.heads, self.width * self.mlp_ratio);
        Generalizer {
            input_proj: LinearConfig::new(self.input_width, self.width).init(device),
            blocks: (0..self.depth).map(|_| block.init(device)).collect(),
            output_proj: LinearConfig::new(self.width, self.input_width)
                .with_initializer(Initializer::Zeros)
                .init(device),
        }
    }
}

impl Generalizer {
    pub fn forward(&self, features: Tensor<3>) -> Tensor<3> {
        // features: [batch, tokens, input_width]
        let mut x = self.input_proj.forward(features.clone()); // [batch, tokens, width]
        for block in &self.blocks {
            x = block.forward(x).0;
        }
        features + self.output_proj.forward(x) // [batch, tokens, input_width]
    }
}
