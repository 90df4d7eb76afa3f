//! The teacher N_T and the students N_S1, N_S2 share one shape: E's tokens projected to the
//! network width, a class token, pre-norm transformer blocks, and the pooled output z (the
//! class token, or the tokens' channel-wise maximum, after a final linear projection). The
//! teacher's class head gives the cross-entropy logits of stage 1; the students' heads are
//! unused.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::nn::{TransformerBlock, TransformerBlockConfig};

/// What the final projection to z reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum TokenPooling {
    /// The class token (DESIGN.md; ViT's and the paper's reading of "pooled output").
    #[default]
    Cls,
    /// The channel-wise maximum over E's tokens after the blocks: evidence that sits in a few
    /// tokens (a partial fake's region) reaches z without being averaged away by attention.
    Max,
}

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
    #[config(default = "TokenPooling::Cls")]
    pub pooling: TokenPooling,
}

#[derive(Module, Debug)]
pub struct DiscrepancyNet {
    pub input_proj: Linear,
    pub class_token: Param<Tensor<1>>,
    pub blocks: Vec<TransformerBlock>,
    pub norm: LayerNorm,
    pub projection: Linear,
    pub head: Linear,
    #[module(skip)]
    pub pooling: TokenPooling,
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
            pooling: self.pooling,
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
        let pooled = match self.pooling {
            TokenPooling::Cls => self.norm.forward(x.narrow(1, 0, 1)),
            TokenPooling::Max => {
                let tokens = x.dims()[1] - 1;
                self.norm.forward(x.narrow(1, 1, tokens)).max_dim(1)
            }
        }
        .reshape([batch, width]); // [batch, width]
        let z = self.projection.forward(pooled); // [batch, z_width]
        DiscrepancyOutput {
            logits: self.head.forward(z.clone()),
            z,
        }
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Distribution, Tolerance};

    use super::*;

    fn net(pooling: TokenPooling, device: &Device) -> DiscrepancyNet {
        DiscrepancyNetConfig::new(6)
            .with_width(8)
            .with_depth(0)
            .with_heads(2)
            .with_z_width(4)
            .with_pooling(pooling)
            .init(device)
    }

    #[test]
    fn max_pooling_reads_the_normalised_tokens_channel_by_channel() {
        let device = Device::flex();
        let net = net(TokenPooling::Max, &device);
        let tokens = Tensor::<3>::random([2, 5, 6], Distribution::Normal(0.0, 1.0), &device);
        let z = net.forward(tokens.clone()).z;

        // With no blocks, the tokens reach the pooling as projected.
        let normed = net.norm.forward(net.input_proj.forward(tokens)); // [2, 5, 8]
        let expected = net.projection.forward(normed.max_dim(1).reshape([2, 8]));
        z.into_data()
            .assert_approx_eq::<f32>(&expected.into_data(), Tolerance::default());
    }

    #[test]
    fn only_class_token_pooling_depends_on_the_class_token() {
        let device = Device::flex();
        let tokens = Tensor::<3>::random([1, 5, 6], Distribution::Normal(0.0, 1.0), &device);
        for pooling in [TokenPooling::Cls, TokenPooling::Max] {
            let mut a = net(pooling, &device);
            let before = a.forward(tokens.clone()).z;
            a.class_token = Param::from_tensor(Tensor::ones([8], &device));
            let after = a.forward(tokens.clone()).z;
            let moved = (before - after).abs().max().into_scalar::<f32>() > 1e-4;
            assert_eq!(moved, pooling == TokenPooling::Cls, "{pooling:?}");
        }
    }
}
