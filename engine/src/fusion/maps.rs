//! The three localisation maps from one fusion-net pass (paper sec. 3.5, TransCAM sec. 3):
//! the CAM, the transformer's class-token attention, and the fused map (the CAM refined by
//! the patch-to-patch attention, or multiplied with the class-token attention). All on the
//! token grid, each on a fixed scale in [0, 1] that means the same on every image (never
//! normalised per image): the CAM is `not-real` evidence (1 - the local probability of
//! real) or `tanh` of the clipped class logit; the attention is the class token's share
//! per patch as a multiple u of an even share, mapped to `(u - 1) / 3` clipped to [0, 1]
//! (0 at or below an even share, 1 at four times it); the walked fused map stays on the
//! CAM's scale (each step averages it), the product modes multiply the two scaled maps.

use burn::tensor::Tensor;
use burn::tensor::activation::{relu, softmax, tanh};
use serde::{Deserialize, Serialize};

use super::FusionOutput;

/// How the fused map combines attention with the CAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum AttentionMapMode {
    /// TransCAM: `A @ CAM`, with A the summed head-averaged patch-to-patch attention, its
    /// rows normalised to sum to one (a random walk's transition matrix, as in AFA), applied
    /// `MapOptions::propagation_steps` times.
    #[default]
    Affinity,
    /// The class token's attention to each patch, multiplied with the CAM.
    ClsAttention,
    /// The square root of `ClsAttention`'s product: the same ranking of locations, but on
    /// the scale of its two factors, so that after normalisation a threshold means what it
    /// means on the CAM and attention maps (the product squares small values towards 0).
    ClsAttentionGeometricMean,
}

/// What the CAM shows at each location of the token grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum CamEvidence {
    /// The class head's logit for `MapOptions::class`, clipped at zero (CAM as in TransCAM).
    #[default]
    ClassLogit,
    /// One minus the probability of "real" from a softmax over the class head at each
    /// location: how manipulated the location looks, whichever fake class it resembles.
    NotReal,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MapOptions {
    /// Class whose evidence is mapped (1 = partially fake) with `CamEvidence::ClassLogit`.
    pub class: usize,
    #[serde(default)]
    pub evidence: CamEvidence,
    /// How many of the last transformer blocks' attention to use (0 = all).
    pub attention_layers: usize,
    pub mode: AttentionMapMode,
    /// Random-walk steps of `AttentionMapMode::Affinity` (at least 1; `ModelConfig::check`
    /// refuses 0).
    #[serde(default = "one_step")]
    pub propagation_steps: usize,
}

fn one_step() -> usize {
    1
}

/// Class-token attention of `ATTENTION_FULL_SCALE` times an even share maps to 1.
pub const ATTENTION_FULL_SCALE: f32 = 4.0;

impl MapOptions {
    /// The fixed scale of each map, in words (for analyses and reports).
    pub fn describe_scale(&self) -> String {
        let cam = match self.evidence {
            CamEvidence::NotReal => "CAM: 1 - the local probability of real (0.5 = even odds)",
            CamEvidence::ClassLogit => {
                "CAM: tanh of the class logit clipped at 0 (0.5 = logit 0.55)"
            }
        };
        let fused = match self.mode {
            AttentionMapMode::Affinity => "fused: on the CAM's scale (the walk averages it)",
            AttentionMapMode::ClsAttention => "fused: CAM x attention, both as scaled here",
            AttentionMapMode::ClsAttentionGeometricMean => {
                "fused: the square root of CAM x attention, both as scaled here"
            }
        };
        format!(
            "{cam}; attention: the class token's share per patch as a multiple u of an even \
             share, (u - 1) / {:.0} clipped to [0, 1] (0 = an even share or less, 0.5 = {:.1} \
             times it, 1 = {:.0} times it or more); {fused}. Fixed scales, not normalised per \
             image: a value means the same on every image.",
            ATTENTION_FULL_SCALE - 1.0,
            1.0 + (ATTENTION_FULL_SCALE - 1.0) / 2.0,
            ATTENTION_FULL_SCALE
        )
    }

    /// What the three maps are, in words (for reports).
    pub fn describe(&self) -> String {
        let cam = match self.evidence {
            CamEvidence::ClassLogit => "the class-activation map (CAM)",
            CamEvidence::NotReal => {
                "the class-activation map (CAM: one minus the local probability of real)"
            }
        };
        let blocks = match self.attention_layers {
            0 => String::new(),
            1 => " of the last block".to_string(),
            n => format!(" of the last {n} blocks"),
        };
        let fused = match self.mode {
            AttentionMapMode::Affinity => match self.propagation_steps {
                1 => format!("CAM refined by the summed patch-to-patch attention{blocks}"),
                steps => format!(
                    "CAM refined by {steps} random-walk steps along the summed patch-to-patch \
                     attention{blocks}"
                ),
            },
            AttentionMapMode::ClsAttention => "CAM x the class token's attention".to_string(),
            AttentionMapMode::ClsAttentionGeometricMean => {
                "square root of CAM x the class token's attention".to_string()
            }
        };
        format!("{cam}, the class token's attention{blocks}, and the fused map ({fused})")
    }
}

impl Default for MapOptions {
    fn default() -> Self {
        Self {
            class: 1,
            evidence: CamEvidence::ClassLogit,
            attention_layers: 0,
            mode: AttentionMapMode::Affinity,
            propagation_steps: 1,
        }
    }
}

/// The maps on their fixed scales, each `[batch, grid_h, grid_w]`, in [0, 1].
#[derive(Debug, Clone)]
pub struct FusionMaps {
    pub cam: Tensor<3>,
    pub attention: Tensor<3>,
    pub fused: Tensor<3>,
}

/// The CAM alone (the stem's class head when the net has one): `[batch, grid²]`.
pub fn cam_evidence(output: &FusionOutput, options: &MapOptions) -> Tensor<2> {
    let logits = output.map_logits();
    let [batch, classes, gh, gw] = logits.dims();
    let class = options.class.min(classes - 1);
    match options.evidence {
        CamEvidence::ClassLogit => relu(logits.clone().narrow(1, class, 1)),
        CamEvidence::NotReal => softmax(logits.clone(), 1).narrow(1, 0, 1).neg() + 1.0,
    }
    .reshape([batch, gh * gw])
}

pub fn compute_maps(output: &FusionOutput, options: &MapOptions) -> FusionMaps {
    let [batch, _, gh, gw] = output.map_logits().dims();
    let n = gh * gw;
    let cam = match options.evidence {
        CamEvidence::NotReal => cam_evidence(output, options),
        CamEvidence::ClassLogit => tanh(cam_evidence(output, options)),
    }; // [batch, grid²], in [0, 1]
    let layers = match options.attention_layers {
        0 => output.attention.len(),
        l => l.min(output.attention.len()),
    }
    .max(1);

    // [batch, 1 + grid², 1 + grid²]
    let summed = summed_attention(&output.attention, options.attention_layers);
    let cls_attention = summed
        .clone()
        .narrow(1, 0, 1)
        .narrow(2, 1, n)
        .reshape([batch, n]); // [batch, grid²]
    // Each block's class-token row sums to 1 over the class token and n patches.
    let even_share = layers as f32 / (n + 1) as f32;
    let attention =
        ((cls_attention / even_share - 1.0) / (ATTENTION_FULL_SCALE - 1.0)).clamp(0.0, 1.0); // [batch, grid²]
    let fused = match options.mode {
        AttentionMapMode::Affinity => {
            let affinity = patch_affinity(summed); // [batch, grid², grid²]
            let transition = affinity.clone() / affinity.sum_dim(2).clamp_min(1e-12);
            let mut walked = cam.clone().reshape([batch, n, 1]);
            for _ in 0..options.propagation_steps {
                walked = transition.clone().matmul(walked);
            }
            walked.reshape([batch, n])
        }
        AttentionMapMode::ClsAttention => attention.clone() * cam.clone(),
        AttentionMapMode::ClsAttentionGeometricMean => {
            (attention.clone() * cam.clone()).clamp_min(0.0).sqrt()
        }
    };
    FusionMaps {
        cam: cam.reshape([batch, gh, gw]),
        attention: attention.reshape([batch, gh, gw]),
        fused: relu(fused).clamp_max(1.0).reshape([batch, gh, gw]),
    }
}

/// Head-averaged attention summed over the last `layers` blocks (0 = all):
/// `[batch, 1 + grid², 1 + grid²]`.
pub fn summed_attention(attention: &[Tensor<4>], layers: usize) -> Tensor<3> {
    let count = attention.len();
    let take = match layers {
        0 => count,
        l => l.min(count),
    };
    let summed = attention[count - take..]
        .iter()
        .map(|a| a.clone().mean_dim(1)) // [batch, 1, tokens, tokens]
        .reduce(|a, b| a + b)
        .expect("the fusion net has at least one transformer block");
    let [batch, _, tokens, _] = summed.dims();
    summed.reshape([batch, tokens, tokens])
}

/// The patch-to-patch part of `summed_attention` (the class token's row and column
/// dropped): how much each location draws on each other one, `[batch, grid², grid²]`.
pub fn patch_affinity(summed: Tensor<3>) -> Tensor<3> {
    let [_, tokens, _] = summed.dims();
    summed.narrow(1, 1, tokens - 1).narrow(2, 1, tokens - 1)
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, TensorData};

    use super::*;

    /// One image of two grid cells: `cam` is the class head `[3 classes, 1, 2]`, `attention`
    /// one block's single head over the class token and the two cells `[3, 3]`.
    fn two_cells(cam: Vec<f32>, attention: Vec<f32>) -> FusionOutput {
        let device = Device::flex();
        FusionOutput {
            cam: Tensor::from_data(TensorData::new(cam, [1, 3, 1, 2]), &device),
            cnn_logits: Tensor::zeros([1, 3], &device),
            transformer_logits: Tensor::zeros([1, 3], &device),
            attention: vec![Tensor::from_data(
                TensorData::new(attention, [1, 1, 3, 3]),
                &device,
            )],
            stem_cam: None,
        }
    }

    fn fused(output: &FusionOutput, options: MapOptions) -> Vec<f32> {
        compute_maps(output, &options)
            .fused
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32")
    }

    #[test]
    fn not_real_evidence_is_one_minus_the_local_real_probability() {
        // Two grid cells: logits (real, partial, full) = (0, 0, 0) and (ln 2, 0, ln 2).
        let ln2 = 2f32.ln();
        let output = two_cells(vec![0.0, ln2, 0.0, 0.0, 0.0, ln2], vec![1.0; 9]);
        let options = MapOptions {
            evidence: CamEvidence::NotReal,
            ..MapOptions::default()
        };
        let maps = compute_maps(&output, &options);
        let cam = maps.cam.into_data().try_to_vec::<f32>().expect("f32");
        assert!((cam[0] - 2.0 / 3.0).abs() < 1e-6, "{cam:?}");
        assert!((cam[1] - 0.6).abs() < 1e-6, "{cam:?}");
        // All-ones affinity: one step of the walk averages the two cells into each.
        let fused = maps.fused.into_data().try_to_vec::<f32>().expect("f32");
        assert!(
            fused
                .iter()
                .all(|v| (v - (2.0 / 3.0 + 0.6) / 2.0).abs() < 1e-5)
        );

        let logit = compute_maps(&output, &MapOptions::default());
        let cam = logit.cam.into_data().try_to_vec::<f32>().expect("f32");
        assert_eq!(cam, vec![0.0, 0.0], "partial logits are 0 in both cells");
    }

    #[test]
    fn geometric_mean_fusion_is_the_root_of_the_product() {
        // Partial-class logits 4 and 1 in two cells: CAM tanh(4) = 0.999329, tanh(1) =
        // 0.761594. The class token attends 0.25 and 0.64, an even share being 1/3: u = 0.75
        // and 1.92, attention (u - 1) / 3 clipped = 0 and 0.306667.
        let output = two_cells(
            vec![0.0, 0.0, 4.0, 1.0, 0.0, 0.0],
            vec![0.11, 0.25, 0.64, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
        );
        let with_mode = |mode| MapOptions {
            mode,
            ..MapOptions::default()
        };
        let product = fused(&output, with_mode(AttentionMapMode::ClsAttention));
        let geometric = fused(
            &output,
            with_mode(AttentionMapMode::ClsAttentionGeometricMean),
        );
        for (got, want) in product.iter().zip([0.0, 0.233_556]) {
            assert!((got - want).abs() < 1e-5, "{product:?}");
        }
        for (got, want) in geometric.iter().zip([0.0, 0.483_276]) {
            assert!((got - want).abs() < 1e-5, "{geometric:?}");
        }
        let maps = compute_maps(&output, &with_mode(AttentionMapMode::Affinity));
        let attention = maps.attention.into_data().try_to_vec::<f32>().expect("f32");
        for (got, want) in attention.iter().zip([0.0, 0.306_667]) {
            assert!((got - want).abs() < 1e-5, "{attention:?}");
        }
        let cam = maps.cam.into_data().try_to_vec::<f32>().expect("f32");
        for (got, want) in cam.iter().zip([0.999_329, 0.761_594]) {
            assert!((got - want).abs() < 1e-5, "{cam:?}");
        }
    }

    #[test]
    fn map_options_saved_before_the_walk_take_one_step() {
        let old = r#"{"class": 1, "evidence": "not-real", "attention_layers": 3,
                      "mode": "cls-attention-geometric-mean"}"#;
        let options: MapOptions = serde_json::from_str(old).expect("an older model.json's maps");
        assert_eq!(options.propagation_steps, 1);
    }

    #[test]
    fn descriptions_name_the_fusion_used() {
        let default = MapOptions::default().describe();
        assert_eq!(
            default,
            "the class-activation map (CAM), the class token's attention, and the fused map \
             (CAM refined by the summed patch-to-patch attention)"
        );
        let geometric = MapOptions {
            evidence: CamEvidence::NotReal,
            attention_layers: 3,
            mode: AttentionMapMode::ClsAttentionGeometricMean,
            ..MapOptions::default()
        }
        .describe();
        assert!(geometric.contains("of the last 3 blocks"), "{geometric}");
        assert!(geometric.contains("square root of CAM x"), "{geometric}");
        assert!(geometric.contains("probability of real"), "{geometric}");
    }

    #[test]
    fn affinity_fusion_walks_the_row_normalised_attention() {
        // Partial-class logits 4 and 0; cell 0 attends only to itself, cell 1 to both
        // equally (rows [1, 0] and [1, 1] before normalisation; the class token's row and
        // column do not count). The CAM is tanh(4) = 0.999329 and 0: one step gives
        // [0.999329, 0.499665]; two: [0.999329, 0.749497], on the CAM's scale.
        let output = two_cells(
            vec![0.0, 0.0, 4.0, 0.0, 0.0, 0.0],
            vec![1.0, 0.0, 0.0, 5.0, 1.0, 0.0, 5.0, 1.0, 1.0],
        );
        for (steps, want) in [(1, [0.999_329, 0.499_665]), (2, [0.999_329, 0.749_497])] {
            let options = MapOptions {
                propagation_steps: steps,
                ..MapOptions::default()
            };
            let fused = fused(&output, options);
            for (got, want) in fused.iter().zip(want) {
                assert!((got - want).abs() < 1e-5, "{steps} steps: {fused:?}");
            }
        }
    }
}
