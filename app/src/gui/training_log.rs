//! What a training run has reported, gathered from its `TrainEvent`s for the training
//! panel: phases and their progress, loss curves per term, validation records, the paper's
//! figures once made, warnings, and how the run ended.

use std::collections::BTreeMap;
use std::path::PathBuf;

use forgelens_training::train::figures::{DensityFigure, EmbeddingFigure};
use forgelens_training::train::{EpochRecord, TrainEvent};

/// What the current (or last) run has reported.
#[derive(Default)]
pub struct TrainingLog {
    pub phases: Vec<String>,
    /// Per phase, 0..1.
    pub phase_progress: Vec<f32>,
    pub status: String,
    /// Per phase name, per loss term: `(global step, value)`.
    pub losses: BTreeMap<String, BTreeMap<String, Vec<[f64; 2]>>>,
    pub epochs: Vec<EpochRecord>,
    pub densities: Vec<DensityFigure>,
    pub embedding: Option<EmbeddingFigure>,
    pub warnings: Vec<String>,
    pub finished_model: Option<PathBuf>,
    pub error: Option<String>,
    pub current_phase: Option<String>,
    steps_seen: BTreeMap<String, usize>,
}

impl TrainingLog {
    /// The log of a run that has just been started.
    pub(super) fn starting() -> Self {
        Self {
            status: "starting…".into(),
            ..Self::default()
        }
    }

    pub(super) fn take(&mut self, event: TrainEvent) {
        match event {
            TrainEvent::Started {
                phases,
                resumed,
                train_images,
                val_images,
                ..
            } => {
                self.phase_progress = vec![0.0; phases.len()];
                self.phases = phases;
                self.status = format!(
                    "{train_images} train / {val_images} val images{}",
                    resumed
                        .map(|r| format!(", resumed at {r}"))
                        .unwrap_or_default()
                );
            }
            TrainEvent::Preparing { what, done, total } => {
                self.status = format!("preparing {what}: {done}/{total}");
            }
            TrainEvent::PhaseStarted { phase, name, .. } => {
                for p in self.phase_progress.iter_mut().take(phase) {
                    *p = 1.0;
                }
                self.current_phase = Some(name);
            }
            TrainEvent::Step {
                phase,
                name,
                epoch,
                epochs,
                step,
                steps,
                losses,
                eta_seconds,
            } => {
                if let Some(p) = self.phase_progress.get_mut(phase) {
                    *p = ((epoch - 1) * steps + step) as f32 / (epochs * steps).max(1) as f32;
                }
                let n = self.steps_seen.entry(name.clone()).or_insert(0);
                *n += 1;
                let x = *n as f64;
                let curves = self.losses.entry(name.clone()).or_default();
                for (term, value) in losses {
                    curves.entry(term).or_default().push([x, f64::from(value)]);
                }
                self.status = format!(
                    "{name}: epoch {epoch}/{epochs}, step {step}/{steps}, about {:.0} s left in this stage",
                    eta_seconds
                );
            }
            TrainEvent::Epoch(record) => self.epochs.push(record),
            TrainEvent::PhaseFinished { phase, .. } => {
                if let Some(p) = self.phase_progress.get_mut(phase) {
                    *p = 1.0;
                }
            }
            TrainEvent::Figure { json, .. } => {
                if let Ok(text) = std::fs::read_to_string(&json) {
                    if let Ok(d) = serde_json::from_str::<DensityFigure>(&text) {
                        self.densities.retain(|f| f.when != d.when);
                        self.densities.push(d);
                    } else if let Ok(e) = serde_json::from_str::<EmbeddingFigure>(&text) {
                        self.embedding = Some(e);
                    }
                }
            }
            TrainEvent::Warning(w) => self.warnings.push(w),
            TrainEvent::Finished { model_dir, seconds } => {
                self.status = format!("finished in {:.1} min", seconds / 60.0);
                self.finished_model = Some(model_dir);
            }
        }
    }
}
