//! The epoch loop, the same for every stage (`TrainStage`): AdamW on what the stage trains,
//! a shuffled pass over its samples per epoch with events, ETA and cancel per step, its
//! validation, the epoch kept on val, `metrics.jsonl` and a checkpoint after every epoch.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamWConfig, GradientsParams, ModuleOptimizer};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;

use super::checkpoint::{self, CheckpointError, CheckpointState};
use super::config::OptimizerConfig;
use super::data::class_weights;
use super::events::{EpochRecord, TrainEvent};
use super::networks::Networks;
use super::plan::Phase;
use super::run::{Run, TrainError};
use super::stages::{Batch, Stage, TrainStage};

/// A phase's start when resuming inside it: the checkpoint's state, its best networks so
/// far and the optimiser state's path.
pub type ResumePoint = (CheckpointState, Option<Networks>, Option<PathBuf>);

fn optimizer(config: &OptimizerConfig) -> ModuleOptimizer {
    AdamWConfig::new()
        .with_weight_decay(config.weight_decay)
        .with_epsilon(config.epsilon)
        .init()
}

impl Run<'_> {
    fn steps_per_epoch(&self, stage: &dyn TrainStage) -> usize {
        let batch = stage.batch_size(&self.data.config).max(1);
        let steps = stage.samples(&self.data).div_ceil(batch);
        match self.data.config.max_steps_per_epoch {
            0 => steps,
            m => steps.min(m),
        }
    }

    /// Trains phase `index` from its start or from `resume`; returns the networks it keeps.
    pub(super) fn run_phase(
        &self,
        index: usize,
        phase: &Phase,
        networks: Networks,
        resume: Option<ResumePoint>,
    ) -> Result<Networks, TrainError> {
        let name = phase.name();
        let stage = phase.stage.runner();
        let config = &self.data.config;
        let optim_config = stage.optimizer(config);
        let lr = optim_config.lr;
        let mut optim = optimizer(optim_config);
        let networks = if draws_fusion_afresh(phase.stage, resume.as_ref().map(|r| &r.0)) {
            Networks {
                fusion: Networks::fresh_fusion(
                    &config.model,
                    config.fusion_init_seed(),
                    &self.device,
                )?,
                ..networks
            }
        } else {
            networks
        };
        let mut networks = networks.train_only(stage.trains());
        let (mut epochs_done, mut best_score, mut best) = (0, None, None);
        if let Some((state, saved_best, optim_path)) = resume {
            epochs_done = state.epochs_done;
            best_score = state.best_score;
            best = saved_best.map(|b| b.train_only(stage.trains()));
            if let Some(path) = optim_path {
                optim = optim.load(&path).map_err(|e| {
                    TrainError::Checkpoint(CheckpointError::Invalid {
                        path: path.clone(),
                        message: e.to_string(),
                    })
                })?;
            }
        }
        let steps = self.steps_per_epoch(stage);
        self.events.emit(TrainEvent::PhaseStarted {
            phase: index,
            name: name.clone(),
            epochs: phase.epochs,
            steps_per_epoch: steps,
        });
        let weights = class_weights(stage.class_counts(&self.data));
        let batch_size = stage.batch_size(&self.data.config).max(1);
        for epoch in epochs_done + 1..=phase.epochs {
            let epoch_start = Instant::now();
            let mut rng = ChaCha8Rng::seed_from_u64(
                self.data.config.seed ^ ((index as u64) << 32) ^ epoch as u64,
            );
            let mut order: Vec<usize> = (0..stage.samples(&self.data)).collect();
            order.shuffle(&mut rng);
            let mut sums: BTreeMap<String, f64> = BTreeMap::new();
            for (step, rows) in order.chunks(batch_size).take(steps).enumerate() {
                if self.cancel.is_cancelled() {
                    return Err(TrainError::Cancelled);
                }
                let mut batch = Batch {
                    rows,
                    epoch,
                    class_weights: &weights,
                    rng: &mut rng,
                    device: &self.device,
                };
                let losses = stage.loss(&self.data, &networks, &mut batch);
                let grads = GradientsParams::from_grads(losses.total.backward(), &networks);
                networks = optim.step(lr, networks, grads);
                let values: Vec<(String, f32)> = losses
                    .named()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.into_scalar()))
                    .collect();
                for (k, v) in &values {
                    *sums.entry(k.clone()).or_insert(0.0) += f64::from(*v);
                }
                let per_step = epoch_start.elapsed().as_secs_f64() / (step + 1) as f64;
                let left = (steps - step - 1) + steps * (phase.epochs - epoch);
                self.events.emit(TrainEvent::Step {
                    phase: index,
                    name: name.clone(),
                    epoch,
                    epochs: phase.epochs,
                    step: step + 1,
                    steps,
                    losses: values,
                    eta_seconds: per_step * left as f64,
                });
            }
            let losses: BTreeMap<String, f32> = sums
                .into_iter()
                .map(|(k, v)| (k, (v / steps.max(1) as f64) as f32))
                .collect();
            let plain = self.device.clone().without_autodiff();
            let valid = networks.valid();
            let val = stage.validate(&self.data, &valid, &plain);
            stage.after_epoch(&self.data, &valid, &plain, epoch, &self.options.out)?;
            let mut is_best = false;
            if let Some(metric) = stage.selection_metric() {
                let score = *val.get(metric).ok_or(TrainError::MissingMetric {
                    stage: phase.stage.to_string(),
                    metric,
                })?;
                if best_score.is_none_or(|b| score > b) {
                    best_score = Some(score);
                    best = Some(networks.clone());
                    is_best = true;
                }
            }
            let record = EpochRecord {
                phase: index,
                name: name.clone(),
                stage: phase.stage.to_string(),
                epoch,
                epochs: phase.epochs,
                losses,
                val,
                seconds: epoch_start.elapsed().as_secs_f64(),
                best: is_best,
            };
            self.append_metrics(&record)?;
            self.events.emit(TrainEvent::Epoch(record));
            if epoch != phase.epochs {
                checkpoint::save(
                    &self.options.out,
                    CheckpointState {
                        phase: index,
                        epochs_done: epoch,
                        best_score,
                        elapsed_seconds: self.elapsed(),
                        folder: String::new(),
                    },
                    &networks,
                    best.as_ref(),
                    Some(&optim),
                )?;
            }
        }
        // The stage keeps its best epoch on val where it chooses, its last otherwise.
        let networks = best.unwrap_or(networks);
        checkpoint::save(
            &self.options.out,
            CheckpointState {
                phase: index + 1,
                epochs_done: 0,
                best_score: None,
                elapsed_seconds: self.elapsed(),
                folder: String::new(),
            },
            &networks,
            None,
            None,
        )?;
        self.events
            .emit(TrainEvent::PhaseFinished { phase: index, name });
        Ok(networks)
    }
}

/// Whether the fusion net is drawn afresh as `stage` begins: at the start of a stage that
/// asks for it (localisation), including a resume from the checkpoint written just before
/// it, but never in its middle, where the checkpoint holds the net being trained.
fn draws_fusion_afresh(stage: Stage, resume: Option<&CheckpointState>) -> bool {
    stage.runner().draws_fusion_afresh() && resume.is_none_or(|state| state.epochs_done == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fusion_net_is_drawn_afresh_only_where_localisation_begins() {
        let at = |epochs_done| CheckpointState {
            phase: 6,
            epochs_done,
            best_score: None,
            elapsed_seconds: 0.0,
            folder: String::new(),
        };
        assert!(draws_fusion_afresh(Stage::Localisation, None));
        assert!(draws_fusion_afresh(Stage::Localisation, Some(&at(0))));
        assert!(!draws_fusion_afresh(Stage::Localisation, Some(&at(1))));
        assert!(!draws_fusion_afresh(Stage::Classifier, None));
        assert!(!draws_fusion_afresh(Stage::Teacher, Some(&at(0))));
    }
}
