//! Stage 4: the classifier N_C on the squared discrepancies of the frozen teacher and
//! students (eq. 8), cross-entropy over the three classes.

use std::collections::BTreeMap;

use burn::tensor::{Device, Tensor};
use forgelens_engine::detector::discrepancy_features;

use super::{Batch, Losses, Stage, TrainStage};
use crate::eval::metrics::Confusion;
use crate::train::data::{DetectorBatch, Part};
use crate::train::losses::weighted_cross_entropy;
use crate::train::networks::{Networks, Trainable};
use crate::train::run_data::RunData;

pub struct Classifier;

impl TrainStage for Classifier {
    fn stage(&self) -> Stage {
        Stage::Classifier
    }

    fn trains(&self) -> Trainable {
        Trainable::Classifier
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

/// Eq. 8's input for a batch, `[batch, 2 * z]`.
pub fn features(nets: &Networks, batch: &DetectorBatch) -> Tensor<2> {
    let f = batch.tokens.clone();
    discrepancy_features(
        nets.teacher.forward(f.clone()).z,
        nets.student1.forward(f.clone()).z,
        nets.student2.forward(f).z,
    )
}

pub fn loss(nets: &Networks, batch: &DetectorBatch, class_weights: &[f32; 3]) -> Losses {
    let logits = nets.classifier.forward(features(nets, batch).detach());
    Losses::single(
        "cross_entropy",
        weighted_cross_entropy(logits, batch.labels.clone(), class_weights),
    )
}

pub fn validate(nets: &Networks, val: &Part, device: &Device) -> BTreeMap<String, f32> {
    score_predictions(val, device, |batch| {
        nets.classifier.forward(features(nets, batch))
    })
}

/// Accuracy, macro-F1 and per-class F1 of `logits_of` over a whole part.
pub fn score_predictions(
    part: &Part,
    device: &Device,
    logits_of: impl Fn(&DetectorBatch) -> Tensor<2>,
) -> BTreeMap<String, f32> {
    let rows: Vec<usize> = (0..part.len()).collect();
    let mut confusion = Confusion::new(3);
    for chunk in rows.chunks(64) {
        let batch = DetectorBatch::new(part, chunk, device);
        let predicted: Vec<i64> = super::values(logits_of(&batch).argmax(1).into_data());
        for (&r, p) in chunk.iter().zip(predicted) {
            confusion.add(part.label(r).index(), p as usize);
        }
    }
    let mut out = BTreeMap::new();
    out.insert("accuracy".to_string(), confusion.accuracy());
    out.insert("macro_f1".to_string(), confusion.macro_f1());
    for (k, name) in ["real", "partial", "full"].iter().enumerate() {
        out.insert(format!("f1_{name}"), confusion.class(k).f1);
    }
    out
}
