//! The five stages of the paper's pipeline (DESIGN section 4), one module each. Each is one
//! implementation of `TrainStage`: what it trains, its optimiser and batch size, the named
//! loss terms of a batch and its validation metrics; `run` owns the loop, which is the same
//! for every stage, the optimiser and the checkpoints.

pub mod classifier;
pub mod generalizers;
pub mod localisation;
pub mod students;
pub mod teacher;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use burn::tensor::{Device, Tensor};
use rand::rngs::ChaCha8Rng;

use super::config::{OptimizerConfig, TrainingConfig};
use super::networks::{Networks, Trainable};
use super::run::TrainError;
use super::run_data::RunData;

/// The loss terms of one batch: the `total` that is minimised, recorded under
/// `total_name`, and the named terms recorded beside it.
pub struct Losses {
    pub total_name: &'static str,
    pub total: Tensor<1>,
    pub terms: Vec<(&'static str, Tensor<1>)>,
}

impl Losses {
    /// One loss, minimised and recorded under `name`.
    pub fn single(name: &'static str, loss: Tensor<1>) -> Self {
        Self {
            total_name: name,
            total: loss,
            terms: Vec::new(),
        }
    }

    /// The terms' sum as the `total`, in their order.
    pub fn sum_of(terms: Vec<(&'static str, Tensor<1>)>) -> Self {
        let total = terms
            .iter()
            .map(|(_, t)| t.clone())
            .reduce(|a, b| a + b)
            .expect("a sum of at least one term");
        Self::weighted(total, terms)
    }

    /// A `total` the stage put together itself (weights, optional terms) and its terms.
    pub fn weighted(total: Tensor<1>, terms: Vec<(&'static str, Tensor<1>)>) -> Self {
        Self {
            total_name: "total",
            total,
            terms,
        }
    }

    /// The total or a term by its name.
    pub fn get(&self, name: &str) -> Option<&Tensor<1>> {
        if name == self.total_name {
            return Some(&self.total);
        }
        self.terms.iter().find(|(n, _)| *n == name).map(|(_, t)| t)
    }

    /// Every value by name, the total first: what `metrics.jsonl` and the events record.
    pub fn named(self) -> Vec<(&'static str, Tensor<1>)> {
        std::iter::once((self.total_name, self.total))
            .chain(self.terms)
            .collect()
    }
}

/// One step's input: which training rows, and what a stage may need beside them.
pub struct Batch<'a> {
    pub rows: &'a [usize],
    /// 1-based epoch of the stage.
    pub epoch: usize,
    /// Inverse-frequency weights of the stage's training classes.
    pub class_weights: &'a [f32; 3],
    /// The epoch's random generator (crops and flips).
    pub rng: &'a mut ChaCha8Rng,
    /// The training (autodiff) device.
    pub device: &'a Device,
}

/// One stage of the pipeline, as the training loop drives it.
pub trait TrainStage: Sync {
    fn stage(&self) -> Stage;

    /// The networks it trains; the others stay frozen.
    fn trains(&self) -> Trainable;

    /// The validation metric that picks the epoch kept; `None` keeps the last epoch.
    fn selection_metric(&self) -> Option<&'static str> {
        None
    }

    fn optimizer<'c>(&self, config: &'c TrainingConfig) -> &'c OptimizerConfig {
        &config.detector_optimizer
    }

    fn batch_size(&self, config: &TrainingConfig) -> usize {
        config.batch_size
    }

    /// How many training samples an epoch walks through.
    fn samples(&self, data: &RunData) -> usize {
        data.train.len()
    }

    /// The training samples per class (for the class weights).
    fn class_counts(&self, data: &RunData) -> [usize; 3] {
        data.train.counts()
    }

    /// Whether the stage starts from a fusion net drawn afresh (`Networks::fresh_fusion`).
    fn draws_fusion_afresh(&self) -> bool {
        false
    }

    fn loss(&self, data: &RunData, nets: &Networks, batch: &mut Batch<'_>) -> Losses;

    /// Metrics on the val split; `nets` and `device` are the plain (non-autodiff) ones.
    fn validate(&self, data: &RunData, nets: &Networks, device: &Device) -> BTreeMap<String, f32>;

    /// Runs after each epoch's validation, with the plain networks and device.
    fn after_epoch(
        &self,
        _data: &RunData,
        _nets: &Networks,
        _device: &Device,
        _epoch: usize,
        _run_dir: &Path,
    ) -> Result<(), TrainError> {
        Ok(())
    }
}

/// A tensor's values as `T`: converted first, so reading them back cannot fail.
pub fn values<T: burn::tensor::Element>(data: burn::tensor::TensorData) -> Vec<T> {
    data.convert::<T>()
        .try_into_vec::<T>()
        .expect("the data was converted to this element type just above")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Teacher,
    Students,
    Generalizers,
    Classifier,
    Localisation,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Teacher => "teacher",
            Stage::Students => "students",
            Stage::Generalizers => "generalizers",
            Stage::Classifier => "classifier",
            Stage::Localisation => "localisation",
        }
    }

    /// The stage's implementation.
    pub fn runner(self) -> &'static dyn TrainStage {
        match self {
            Stage::Teacher => &teacher::Teacher,
            Stage::Students => &students::Students,
            Stage::Generalizers => &generalizers::Generalizers,
            Stage::Classifier => &classifier::Classifier,
            Stage::Localisation => &localisation::Localisation,
        }
    }

    pub fn trains(self) -> Trainable {
        self.runner().trains()
    }

    pub fn selection_metric(self) -> Option<&'static str> {
        self.runner().selection_metric()
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::TensorData;

    use super::*;

    fn scalar(v: f32) -> Tensor<1> {
        Tensor::from_data(TensorData::new(vec![v], [1]), &Device::flex())
    }

    #[test]
    fn losses_keep_their_names_and_the_total_comes_first() {
        let losses = Losses::sum_of(vec![("a", scalar(1.0)), ("b", scalar(2.5))]);
        assert_eq!(losses.total.clone().into_scalar::<f32>(), 3.5);
        assert!(losses.get("b").is_some() && losses.get("c").is_none());
        let named: Vec<(&str, f32)> = losses
            .named()
            .into_iter()
            .map(|(n, t)| (n, t.into_scalar::<f32>()))
            .collect();
        assert_eq!(named, [("total", 3.5), ("a", 1.0), ("b", 2.5)]);

        let single = Losses::single("cross_entropy", scalar(0.5));
        assert_eq!(single.named().len(), 1);
    }

    #[test]
    fn every_stage_names_itself_and_what_it_trains() {
        for (stage, trains) in [
            (Stage::Teacher, Trainable::Teacher),
            (Stage::Students, Trainable::Students),
            (Stage::Generalizers, Trainable::Generalizers),
            (Stage::Classifier, Trainable::Classifier),
            (Stage::Localisation, Trainable::Fusion),
        ] {
            assert_eq!(stage.runner().stage(), stage);
            assert_eq!(stage.trains(), trains);
        }
        assert!(Stage::Students.selection_metric().is_none());
        assert_eq!(Stage::Localisation.selection_metric(), Some("macro_f1"));
    }
}
