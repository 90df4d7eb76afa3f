//! CLIP's vision tower exactly as Hugging Face's `CLIPVisionModel`: patch embedding, class
//! token, learned positions, `pre_layrnorm`, the encoder, and `post_layernorm` on the class
//! token for the pooled output. Field names equal the checkpoint's keys without their
//! `vision_model.` prefix.
//! Reference: transformers `models/clip/modeling_clip.py` (`CLIPVisionTransformer`) and
//! candle `candle-transformers/src/models/clip/vision_model.rs`.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Embedding, EmbeddingConfig, Initializer, LayerNorm, LayerNormConfig};
use burn::tensor::{Device, Int, Tensor};

use crate::nn::{Activation, TransformerBlock, TransformerBlockConfig};

/// `CLIPVisionConfig`'s fields, with the names Hugging Face uses in `config.json`.
#[derive(Config, Debug, PartialEq)]
pub struct ClipVisionConfig {
    pub hidden_size: usize,
    pub intermediate_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub image_size: usize,
    pub patch_size: usize,
    #[config(default = 1e-5)]
    pub layer_norm_eps: f64,
    #[config(default = "Activation::QuickGelu")]
    pub hidden_act: Activation,
}

impl ClipVisionConfig {
    /// `openai/clip-vit-base-patch32`.
    pub fn vit_b32() -> Self {
        Self::new(768, 3072, 12, 12, 224, 32)
    }
    /// `openai/clip-vit-base-patch16`.
    pub fn vit_b16() -> Self {
        Self::new(768, 3072, 12, 12, 224, 16)
    }
    /// `openai/clip-vit-large-patch14`.
    pub fn vit_l14() -> Self {
        Self::new(1024, 4096, 24, 16, 224, 14)
    }

    pub fn grid(&self) -> usize {
        self.image_size / self.patch_size
    }

    pub fn init(&self, device: &Device) -> ClipVisionTransformer {
        let positions = self.grid() * self.grid() + 1;
        let block = TransformerBlockConfig::new(
            self.hidden_size,
            self.num_attention_heads,
            self.intermediate_size,
        )
        .with_activation(self.hidden_act)
        .with_layer_norm_eps(self.layer_norm_eps);
        let norm = || {
            LayerNormConfig::new(self.hidden_size)
                .with_epsilon(self.layer_norm_eps)
                .init(device)
        };
        ClipVisionTransformer {
            embeddings: ClipVisionEmbeddings {
                class_embedding: Initializer::Normal {
                    mean: 0.0,
                    std: 0.02,
                }
                .init([self.hidden_size], device),
                patch_embedding: Conv2dConfig::new(
                    [3, self.hidden_size],
                    [self.patch_size, self.patch_size],
                )
                .with_stride([self.patch_size, self.patch_size])
                .with_bias(false)
                .init(device),
                position_embedding: EmbeddingConfig::new(positions, self.hidden_size).init(device),
            },
            pre_layrnorm: norm(),
            encoder: ClipEncoder {
                layers: (0..self.num_hidden_layers)
                    .map(|_| block.init(device))
                    .collect(),
            },
            post_layernorm: norm(),
        }
    }
}

#[derive(Module, Debug)]
pub struct ClipVisionEmbeddings {
    pub class_embedding: Param<Tensor<1>>,
    pub patch_embedding: Conv2d,
    pub position_embedding: Embedding,
}

#[derive(Module, Debug)]
pub struct ClipEncoder {
    pub layers: Vec<TransformerBlock>,
}

#[derive(Module, Debug)]
pub struct ClipVisionTransformer {
    pub embeddings: ClipVisionEmbeddings,
    pub pre_layrnorm: LayerNorm,
    pub encoder: ClipEncoder,
    pub post_layernorm: LayerNorm,
}

/// What the vision tower returns, as `CLIPVisionModel` does.
#[derive(Debug, Clone)]
pub struct ClipVisionOutput {
    /// `[batch, 1 + patches, hidden]`, the encoder's output before `post_layernorm`.
    pub last_hidden_state: Tensor<3>,
    /// `[batch, hidden]`, `post_layernorm` of the class token.
    pub pooler_output: Tensor<2>,
}

impl ClipVisionEmbeddings {
    pub fn forward(&self, pixels: Tensor<4>) -> Tensor<3> {
        // pixels: [batch, 3, image, image]
        let [batch, _, _, _] = pixels.dims();
        let patches = self.patch_embedding.forward(pixels); // [batch, hidden, grid, grid]
        let [_, hidden, gh, gw] = patches.dims();
        let patches = patches.reshape([batch, hidden, gh * gw]).swap_dims(1, 2); // [batch, grid², hidden]
        let class = self
            .class_embedding
            .val()
            .reshape([1, 1, hidden])
            .expand([batch, 1, hidden]);
        let tokens = Tensor::cat(vec![class, patches], 1); // [batch, 1 + grid², hidden]
        let ids = Tensor::<1, Int>::arange(0..(gh * gw + 1) as i64, &tokens.device())
            .reshape([1, gh * gw + 1]);
        tokens + self.position_embedding.forward(ids) // [1, 1 + grid², hidden] broadcast
    }
}

impl ClipVisionTransformer {
    pub fn forward(&self, pixels: Tensor<4>) -> ClipVisionOutput {
        // pixels: [batch, 3, image, image]
        let mut x = self.pre_layrnorm.forward(self.embeddings.forward(pixels)); // [batch, tokens, hidden]
        for layer in &self.encoder.layers {
            x = layer.forward(x).0;
        }
        let [batch, _, hidden] = x.dims();
        let class = x.clone().narrow(1, 0, 1).reshape([batch, hidden]);
        ClipVisionOutput {
            pooler_output: self.post_layernorm.forward(class),
            last_hidden_state: x,
        }
    }

    pub fn hidden_size(&self) -> usize {
        self.post_layernorm.gamma.dims()[0]
    }
}
