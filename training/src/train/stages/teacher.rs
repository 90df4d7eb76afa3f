//! Stage 1: the teacher N_T learns the three classes from E's features (cross-entropy).

use std::collections::BTreeMap;

use burn::tensor::Device;

use super::Losses;
use crate::train::data::{DetectorBatch, Part};
use crate::train::losses::weighted_cross_entropy;
use crate::train::networks::Networks;

pub fn loss(nets: &Networks, batch: &DetectorBatch, class_weights: &[f32; 3]) -> Losses {
    let logits = nets.teacher.forward(batch.tokens.clone()).logits; // [batch, 3]
    vec![(
        "cross_entropy",
        weighted_cross_entropy(logits, batch.labels.clone(), class_weights),
    )]
}

pub fn validate(nets: &Networks, val: &Part, device: &Device) -> BTreeMap<String, f32> {
    super::classifier::score_predictions(val, device, |batch| {
        nets.teacher.forward(batch.tokens.clone()).logits
    })
}
