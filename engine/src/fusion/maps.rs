//! The three localisation maps from one fusion-net pass (paper sec. 3.5, TransCAM sec. 3):
//! the CAM, the transformer's attention, and the fused map — the CAM refined by the
//! patch-to-patch attention. All on the token grid, non-negative, not yet normalised.

use burn::tensor::Tensor;
use burn::tensor::activation::relu;
use serde::{Deserialize, Serialize};

use super::FusionOutput;

/// How the fused map combines attention with the CAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum AttentionMapMode {
    /// TransCAM: `A @ CAM`, with A the summed head-averaged patch-to-patch attention.
    #[default]
    Affinity,
    /// The class token's attention to each patch, multiplied with the CAM.
    ClsAttention,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MapOptions {
    /// Class whose evidence is mapped (1 = partially fake).
    pub class: usize,
    /// How many of the last transformer blocks' attention to use (0 = all).
    pub attention_layers: usize,
    pub mode: AttentionMapMode,
}

impl Default for MapOptions {
    fn default() -> Self {
        Self {
            class: 1,
            attention_layers: 0,
            mode: AttentionMapMode::Affinity,
        }
    }
}

/// Raw maps, each `[batch, grid_h, grid_w]`, non-negative.
#[derive(Debug, Clone)]
pub struct FusionMaps {
    pub cam: Tensor<3>,
    pub attention: Tensor<3>,
    pub fused: Tensor<3>,
}

pub fn compute_maps(output: &FusionOutput, options: &MapOptions) -> FusionMaps {
    let [batch, classes, gh, gw] = output.cam.dims();
    let class = options.class.min(classes - 1);
    let n = gh * gw;
    let cam = relu(output.cam.clone().narrow(1, class, 1).reshape([batch, n])); // [batch, grid²]

    let layers = output.attention.len();
    let take = match options.attention_layers {
        0 => layers,
        l => l.min(layers),
    };
    // Head-averaged attention summed over the chosen blocks.
    let summed = output.attention[layers - take..]
        .iter()
        .map(|a| a.clone().mean_dim(1)) // [batch, 1, tokens, tokens]
        .reduce(|a, b| a + b)
        .expect("the fusion net has at least one transformer block")
        .reshape([batch, n + 1, n + 1]);
    let cls_attention = summed
        .clone()
        .narrow(1, 0, 1)
        .narrow(2, 1, n)
        .reshape([batch, n]); // [batch, grid²]
    let fused = match options.mode {
        AttentionMapMode::Affinity => {
            let affinity = summed.narrow(1, 1, n).narrow(2, 1, n); // [batch, grid², grid²]
            affinity
                .matmul(cam.clone().reshape([batch, n, 1]))
                .reshape([batch, n])
        }
        AttentionMapMode::ClsAttention => cls_attention.clone() * cam.clone(),
    };
    FusionMaps {
        cam: cam.reshape([batch, gh, gw]),
        attention: cls_attention.reshape([batch, gh, gw]),
        fused: relu(fused).reshape([batch, gh, gw]),
    }
}
