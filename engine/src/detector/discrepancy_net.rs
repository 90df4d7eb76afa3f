//! The teacher N_T and the students N_S1, N_S2 share one shape: E's tokens projected to the
//! network width, a class token, pre-norm transformer blocks, and the pooled output z (the
//! class token after a final linear projection). The teacher's class head gives the
//! cross-entropy logits of stage 1; the students' heads are unused.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::tensor::{Device, Tensor};

use crate::nn::{TransformerBlock, TransformerBlockConfig};

#[derive(Config, Debug, PartialEq)]
pub struct DiscrepancyNetConfig {
    /// Width of E's tokens.
    pub input_width: usize,
    #[config(default = 384)]
    pub width: usize,
    #[config(default = 4)]
    pub depth: usize,
    #[config(default = 6)]
    pub heads: usize,
    #[config(default = 4)]
    pub mlp_ratio: usize,
    /// Size of the pooled output z.
    #[config(default = 384)]
    pub z_width: usize,
    #[config(default = 3)]
    pub num_classes: usize,
}

#[derive(Module, Debug)]
pub struct DiscrepancyNet {
    pub input_proj: Linear,
    pub class_token: Param<Tensor<1>>,
    pub blocks: Vec<TransformerBlock>,
    pub norm: LayerNorm,
    pub projection: Linear,
    pub head: Linear,
}

#[derive(Debug, Clone)]
pub struct DiscrepancyOutput {
    /// `[batch, z_width]`, the pooled output compared between teacher and students.
    pub z: Tensor<2>,
    /// `[batch, num_classes]`.
    pub logits: Tensor<2>,
}

impl DiscrepancyNetConfig {
    pub fn init(&self, device: &Device) -> DiscrepancyNet {
        let block =
            TransformerBlockConfig::new(self.width, self.heads, self.width * self.mlp_ratio);
        DiscrepancyNet {
            input_proj: LinearConfig::new(self.input_width, self.width).init(device),
            class_token: Initializer::Normal {
                mean: 0.0,
                std: 0.02,
            }
            .init([self.width], device),
            blocks: (0..self.depth).map(|_| block.init(device)).collect(),
            norm: LayerNormConfig::new(self.width).init(device),
            projection: LinearConfig::new(self.width, self.z_width).init(device),
            head: LinearConfig::new(self.z_width, self.num_classes).init(device),
        }
    }
}

impl DiscrepancyNet {
    pub fn forward(&self, tokens: Tensor<3>) -> DiscrepancyOutput {
        // tokens: [batch, tokens, input_width]
        let x = self.input_proj.forward(tokens); // [batch, tokens, width]
        let [batch, _, width] = x.dims();
        let class = self
            .class_token
            .val()
            .reshape([1, 1, width])
            .expand([batch, 1, width]);
        let mut x = Tensor::cat(vec![class, x], 1); // [batch, 1 + tokens, width]
        for block in &self.blocks {
            x = block.forward(x).0;
        }
        let class = self.norm.forward(x.narrow(1, 0, 1).reshape([batch, width])); // [batch, width]
        let z = self.projection.forward(class); // [batch, z_width]
        DiscrepancyOutput {
            logits: self.head.forward(z.clone()),
            z,
        }
    }
}
