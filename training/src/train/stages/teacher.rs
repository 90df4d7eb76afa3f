//! Stage 1: the teacher N_T learns the three classes from E's features (cross-entropy).

use std::collections::BTreeMap;

use burn::tensor::Device;

use super::{Batch, Losses, Stage, TrainStage};
use crate::train::data::{DetectorBatch, Part};
use crate::train::losses::weighted_cross_entropy;
use crate::train::networks::{Networks, Trainable};
use crate::train::run_data::RunData;

pub struct Teacher;

impl TrainStage for Teacher {
    fn stage(&self) -> Stage {
        Stage::Teacher
    }

    fn trains(&self) -> Trainable {
        Trainable::Teacher
    }

    fn selection_metric(&self) -> Option<&'static str> {
        Some("macro_f1")
    }

    fn loss(&self, data: &RunData, nets: &Networks, batch: &mut Batch<'_>) -> Losses {
        let batch_data = DetectorBatch::new(&data.train, batch.rows, batch.device);
        loss(nets, &batch_data, batch.class_weights)
    }

    fn validate(&self, data: &RunData, nets: &Networks, device: &Device) -> BTreeMap<String, f32> {
        validate(nets, &data.val, device)
    }
}

pub fn loss(nets: &Networks, batch: &DetectorBatch, class_weights: &[f32; 3]) -> Losses {
    let logits = nets.teacher.forward(batch.tokens.clone()).logits; // [batch, 3]
    Losses::single(
        "cross_entropy",
        weighted_cross_entropy(logits, batch.labels.clone(), class_weights),
    )
}

pub fn validate(nets: &Networks, val: &Part, device: &Device) -> BTreeMap<String, f32> {
    super::classifier::score_predictions(val, device, |batch| {
        nets.teacher.forward(batch.tokens.clone()).logits
    })
}
