//! `TrainingConfig`: everything a run needs besides its data, saved as `training.json` in
//! the run directory so a run can be resumed and reproduced. Defaults are the paper's
//! (AdamW, lr 5e-5, weight decay 5e-4, eps 1e-8, margin M = 4); the presets size epochs for
//! the model preset they train. Generator and family filters narrow what a run trains on.

use std::path::PathBuf;

use burn::config::Config;
use forgelens_engine::Label;
use forgelens_engine::model::{ModelConfig, Preset};

use crate::data::Sample;

#[derive(Config, Debug, PartialEq)]
pub struct OptimizerConfig {
    #[config(default = 5e-5)]
    pub lr: f64,
    #[config(default = 5e-4)]
    pub weight_decay: f32,
    #[config(default = 1e-8)]
    pub epsilon: f32,
}

/// The localisation stage's affinity-from-attention term (`attention_affinity_loss`).
#[derive(Config, Debug, PartialEq)]
pub struct AffinityLossConfig {
    #[config(default = 1.0)]
    pub weight: f32,
    /// CAM pseudo-labels: untouched at or below `low`, manipulated at or above `high`
    /// (per-image min-max normalised CAM).
    #[config(default = 0.35)]
    pub low: f32,
    #[config(default = 0.6)]
    pub high: f32,
    /// Localisation epochs before the term starts, while the CAM it learns from is new.
    #[config(default = 1)]
    pub warmup_epochs: usize,
}

#[derive(Config, Debug, PartialEq)]
pub struct TrainingConfig {
    pub model: ModelConfig,
    /// Pretrained weights for E when it is not the bundled MobileNetV2 (a CLIP safetensors).
    #[config(default = "None")]
    pub extractor_weights: Option<PathBuf>,
    /// Stages 1-4 (teacher, students, generalizers, classifier).
    #[config(default = "OptimizerConfig::new()")]
    pub detector_optimizer: OptimizerConfig,
    /// Stage 5 (the fusion net).
    #[config(default = "OptimizerConfig::new()")]
    pub localisation_optimizer: OptimizerConfig,
    /// The margin M of eq. 2, 4, 6, 7.
    #[config(default = 4.0)]
    pub margin: f32,
    #[config(default = 16)]
    pub batch_size: usize,
    #[config(default = 8)]
    pub localisation_batch_size: usize,
    #[config(default = 10)]
    pub teacher_epochs: usize,
    #[config(default = 5)]
    pub student_epochs: usize,
    #[config(default = 5)]
    pub generalizer_epochs: usize,
    /// R: how many times stages 2 and 3 alternate.
    #[config(default = 2)]
    pub rounds: usize,
    #[config(default = 10)]
    pub classifier_epochs: usize,
    #[config(default = 10)]
    pub localisation_epochs: usize,
    /// Train only on fakes from these generators (empty = all); real images always count.
    #[config(default = "Vec::new()")]
    pub train_generators: Vec<String>,
    /// Train only on fakes of these families (`forge::Family` names; `None` or empty =
    /// all), in every stage, train and val alike; real images always count.
    /// Leave-one-family-out holds one family out this way. An `Option` so that a
    /// training.json from before it loads (Burn's `Config` reads defaults for options only).
    #[config(default = "None")]
    pub families: Option<Vec<String>>,
    /// When the data has no val split, this share of sources (by hash) becomes val.
    #[config(default = 0.15)]
    pub val_fraction: f32,
    /// At most this many optimiser steps per epoch (0 = all); for quick runs and tests.
    #[config(default = 0)]
    pub max_steps_per_epoch: usize,
    #[config(default = 0)]
    pub seed: u64,
    /// Seeds the fusion net's initialisation at the start of localisation (default: derived
    /// from `seed`). Its start is drawn on its own, so it does not shift when the detector's
    /// shapes change; another value gives another start to choose among on val.
    #[config(default = "None")]
    pub localisation_seed: Option<u64>,
    /// Teach the transformer's patch-to-patch attention the CAM's confident regions, so
    /// that the fused map (the CAM refined by that attention) can sharpen it. None: off.
    #[config(default = "None")]
    pub affinity: Option<AffinityLossConfig>,
    /// How many fixed val images the localisation stage snapshots (attention, CAM, fused
    /// map) at the end of every epoch, under `RUN/attention/`; 0: none. `None` (and a
    /// training.json from before it) means `DEFAULT_ATTENTION_SNAPSHOTS`.
    #[config(default = "None")]
    pub attention_snapshots: Option<usize>,
}

/// The number of attention snapshot images when `attention_snapshots` is not set.
pub const DEFAULT_ATTENTION_SNAPSHOTS: usize = 4;

impl TrainingConfig {
    /// Epoch counts sized for each model preset (see README for the measured times).
    pub fn for_preset(preset: Preset) -> Self {
        let base = Self::new(preset.config());
        match preset {
            Preset::Tiny => base
                .with_teacher_epochs(2)
                .with_student_epochs(1)
                .with_generalizer_epochs(1)
                .with_rounds(1)
                .with_classifier_epochs(2)
                .with_localisation_epochs(2)
                .with_batch_size(4)
                .with_localisation_batch_size(4),
            Preset::Small => base
                .with_teacher_epochs(20)
                .with_student_epochs(4)
                .with_generalizer_epochs(3)
                .with_classifier_epochs(20)
                .with_localisation_epochs(6)
                .with_detector_optimizer(OptimizerConfig::new().with_lr(2e-4))
                .with_localisation_optimizer(OptimizerConfig::new().with_lr(1.5e-4))
                .with_affinity(Some(AffinityLossConfig::new())),
            Preset::Paper => base,
        }
    }

    /// The families training is limited to (empty = all).
    pub fn family_filter(&self) -> &[String] {
        self.families.as_deref().unwrap_or_default()
    }

    /// Whether training sees `sample` under the family filter.
    pub fn trains_on_family(&self, sample: &Sample) -> bool {
        let families = self.family_filter();
        sample.label == Label::Real || families.is_empty() || families.contains(&sample.family)
    }

    /// The seed the fusion net starts from (see `localisation_seed`).
    pub fn fusion_init_seed(&self) -> u64 {
        self.localisation_seed
            .unwrap_or(self.seed ^ 0x5f75_5e0f_c0de_0005)
    }

    /// How many val images each localisation epoch snapshots (see `attention_snapshots`).
    pub fn attention_snapshot_count(&self) -> usize {
        self.attention_snapshots
            .unwrap_or(DEFAULT_ATTENTION_SNAPSHOTS)
    }

    /// `tiny`, `small`, `paper`, or a path to a `training.json`.
    pub fn from_name_or_file(name: &str) -> Result<Self, String> {
        match name.parse::<Preset>() {
            Ok(p) => Ok(Self::for_preset(p)),
            Err(_) => {
                let path = std::path::Path::new(name);
                if !path.is_file() {
                    return Err(format!(
                        "`{name}` is neither a preset (tiny, small, paper) nor a training config file"
                    ));
                }
                Self::read(path).map_err(|e| format!("{name}: {e}"))
            }
        }
    }

    /// A `training.json`, read and checked. (Burn's `Config::load` calls a file that is not
    /// UTF-8 "not found"; this says what is wrong.)
    pub fn read(path: &std::path::Path) -> Result<Self, String> {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let config = Self::load_binary(&bytes).map_err(|e| e.to_string())?;
        config.check()?;
        Ok(config)
    }

    /// Every value that would panic or train nothing, named with its field.
    pub fn check(&self) -> Result<(), String> {
        self.model.check()?;
        for (field, value, most) in [
            ("batch_size", self.batch_size, 4096),
            (
                "localisation_batch_size",
                self.localisation_batch_size,
                4096,
            ),
            ("rounds", self.rounds, 100),
        ] {
            if value == 0 || value > most {
                return Err(format!("{field} must be 1 to {most}, not {value}"));
            }
        }
        for (field, value) in [
            ("teacher_epochs", self.teacher_epochs),
            ("student_epochs", self.student_epochs),
            ("generalizer_epochs", self.generalizer_epochs),
            ("classifier_epochs", self.classifier_epochs),
            ("localisation_epochs", self.localisation_epochs),
        ] {
            if value > 100_000 {
                return Err(format!("{field} must be at most 100000, not {value}"));
            }
        }
        for (name, o) in [
            ("detector_optimizer", &self.detector_optimizer),
            ("localisation_optimizer", &self.localisation_optimizer),
        ] {
            if !(o.lr.is_finite() && o.lr > 0.0 && o.lr < 10.0) {
                return Err(format!(
                    "{name}.lr must be above 0 and below 10, not {}",
                    o.lr
                ));
            }
            if !(o.weight_decay.is_finite() && o.weight_decay >= 0.0) {
                return Err(format!(
                    "{name}.weight_decay must be 0 or more, not {}",
                    o.weight_decay
                ));
            }
            if !(o.epsilon.is_finite() && o.epsilon > 0.0) {
                return Err(format!("{name}.epsilon must be above 0, not {}", o.epsilon));
            }
        }
        if !(self.margin.is_finite() && self.margin > 0.0) {
            return Err(format!("margin must be above 0, not {}", self.margin));
        }
        if !(0.0..1.0).contains(&self.val_fraction) {
            return Err(format!(
                "val_fraction must be 0 or more and below 1, not {}",
                self.val_fraction
            ));
        }
        if let Some(n) = self.attention_snapshots
            && n > 64
        {
            return Err(format!("attention_snapshots must be 0 to 64, not {n}"));
        }
        if let Some(a) = &self.affinity
            && !(a.weight.is_finite()
                && a.weight >= 0.0
                && 0.0 <= a.low
                && a.low <= a.high
                && a.high <= 1.0)
        {
            return Err(format!(
                "affinity: weight must be 0 or more and 0 <= low <= high <= 1, not weight {}, low {}, high {}",
                a.weight, a.low, a.high
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use forgelens_engine::extractor::ExtractorConfig;

    use super::*;

    #[test]
    fn a_training_json_from_before_localisation_seed_affinity_and_families_still_loads() {
        let config = TrainingConfig::for_preset(Preset::Tiny);
        let mut json: serde_json::Value = serde_json::to_value(&config).expect("serialises");
        for newer in [
            "localisation_seed",
            "affinity",
            "families",
            "attention_snapshots",
        ] {
            json.as_object_mut()
                .expect("an object")
                .remove(newer)
                .expect("the field is written");
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("training.json");
        std::fs::write(&path, json.to_string()).expect("written");
        let loaded = TrainingConfig::load(&path).expect("an older training.json");
        assert_eq!(loaded, config);
        assert_ne!(
            loaded
                .clone()
                .with_localisation_seed(Some(1))
                .fusion_init_seed(),
            loaded.fusion_init_seed()
        );
    }

    #[test]
    fn values_that_would_panic_or_train_nothing_are_refused_by_name() {
        let good = TrainingConfig::for_preset(Preset::Small);
        assert_eq!(good.check(), Ok(()));
        let cases: [(TrainingConfig, &str); 6] = [
            (good.clone().with_batch_size(0), "batch_size"),
            (good.clone().with_rounds(0), "rounds"),
            (
                good.clone()
                    .with_detector_optimizer(OptimizerConfig::new().with_lr(f64::NAN)),
                "detector_optimizer.lr",
            ),
            (good.clone().with_val_fraction(1.0), "val_fraction"),
            (good.clone().with_margin(-1.0), "margin"),
            (
                good.clone().with_attention_snapshots(Some(65)),
                "attention_snapshots",
            ),
        ];
        for (config, field) in cases {
            assert!(
                config.check().is_err_and(|e| e.starts_with(field)),
                "{field}: {:?}",
                config.check()
            );
        }
    }

    #[test]
    fn a_file_that_is_not_text_is_called_what_it_is() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("training.json");
        std::fs::write(&path, [0xff, 0xfe, b'{']).expect("written");
        let e = TrainingConfig::read(&path).expect_err("not UTF-8");
        assert!(e.contains("utf-8") && !e.contains("not found"), "{e}");
    }

    #[test]
    fn a_config_file_that_cannot_be_built_is_refused_with_the_reason() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("training.json");
        let mut config = TrainingConfig::for_preset(Preset::Tiny);
        config.model.extractor = ExtractorConfig::MobileNetV2 {
            image_size: 64,
            layers: Some(5),
        };
        config.save(&path).expect("saved");
        let err = TrainingConfig::from_name_or_file(path.to_str().expect("utf-8"))
            .expect_err("layers 5 is stride 8");
        assert!(err.contains("layers must be 8 to 18"), "{err}");

        config.model.extractor = ExtractorConfig::MobileNetV2 {
            image_size: 64,
            layers: Some(14),
        };
        config.save(&path).expect("saved");
        let loaded =
            TrainingConfig::from_name_or_file(path.to_str().expect("utf-8")).expect("a valid cut");
        assert_eq!(loaded.model.extractor, config.model.extractor);
    }
}
