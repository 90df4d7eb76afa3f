//! The training panel's form: a preset and its main hyper-parameters, persisted with the
//! app's state and turned into a `TrainingConfig` (or a message naming the bad field).

use std::path::PathBuf;

use forgelens_engine::model::Preset;
use forgelens_training::train::TrainingConfig;
use serde::{Deserialize, Serialize};

/// The panel's form, persisted with the rest of the app's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainingSettings {
    pub data: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub preset: String,
    pub teacher_epochs: usize,
    pub student_epochs: usize,
    pub generalizer_epochs: usize,
    pub rounds: usize,
    pub classifier_epochs: usize,
    pub localisation_epochs: usize,
    pub batch_size: usize,
    pub detector_lr: f64,
    pub localisation_lr: f64,
    pub margin: f32,
    /// Comma-separated; empty = every generator.
    pub train_generators: String,
    /// 0 = whole epochs.
    pub max_steps_per_epoch: usize,
}

impl Default for TrainingSettings {
    fn default() -> Self {
        Self::from_config("small", &TrainingConfig::for_preset(Preset::Small))
    }
}

impl TrainingSettings {
    pub fn from_config(preset: &str, c: &TrainingConfig) -> Self {
        Self {
            data: None,
            out: None,
            preset: preset.to_string(),
            teacher_epochs: c.teacher_epochs,
            student_epochs: c.student_epochs,
            generalizer_epochs: c.generalizer_epochs,
            rounds: c.rounds,
            classifier_epochs: c.classifier_epochs,
            localisation_epochs: c.localisation_epochs,
            batch_size: c.batch_size,
            detector_lr: c.detector_optimizer.lr,
            localisation_lr: c.localisation_optimizer.lr,
            margin: c.margin,
            train_generators: c.train_generators.join(","),
            max_steps_per_epoch: c.max_steps_per_epoch,
        }
    }

    /// The preset's config with the form's values.
    pub fn config(&self) -> Result<TrainingConfig, String> {
        let preset: Preset = self.preset.parse()?;
        let mut c = TrainingConfig::for_preset(preset);
        c.teacher_epochs = self.teacher_epochs;
        c.student_epochs = self.student_epochs;
        c.generalizer_epochs = self.generalizer_epochs;
        c.rounds = self.rounds.max(1);
        c.classifier_epochs = self.classifier_epochs;
        c.localisation_epochs = self.localisation_epochs;
        c.batch_size = self.batch_size.max(1);
        c.detector_optimizer.lr = self.detector_lr;
        c.localisation_optimizer.lr = self.localisation_lr;
        c.margin = self.margin;
        c.max_steps_per_epoch = self.max_steps_per_epoch;
        c.train_generators = self
            .train_generators
            .split(',')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(String::from)
            .collect();
        Ok(c)
    }
}
