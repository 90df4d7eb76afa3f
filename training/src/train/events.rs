//! What a run reports while it works: a stream of events for the command line's progress
//! bars and the app's training panel. Epoch records are also the lines of `metrics.jsonl`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One finished epoch: mean loss terms over its steps and validation metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// Position of the phase in the run's plan.
    pub phase: usize,
    /// e.g. `teacher`, `students-r1`, `localisation`.
    pub name: String,
    pub stage: String,
    /// 1-based.
    pub epoch: usize,
    pub epochs: usize,
    pub losses: BTreeMap<String, f32>,
    pub val: BTreeMap<String, f32>,
    pub seconds: f64,
    /// Whether this epoch is the best on validation so far (the one kept).
    pub best: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TrainEvent {
    Started {
        run_dir: PathBuf,
        phases: Vec<String>,
        /// `Some(description)` when continuing an earlier run.
        resumed: Option<String>,
        train_images: usize,
        val_images: usize,
    },
    /// Work before training, e.g. computing extractor features.
    Preparing {
        what: String,
        done: usize,
        total: usize,
    },
    PhaseStarted {
        phase: usize,
        name: String,
        epochs: usize,
        steps_per_epoch: usize,
    },
    Step {
        phase: usize,
        name: String,
        epoch: usize,
        epochs: usize,
        step: usize,
        steps: usize,
        losses: Vec<(String, f32)>,
        /// Estimated seconds left in the whole run.
        eta_seconds: f64,
    },
    Epoch(EpochRecord),
    PhaseFinished {
        phase: usize,
        name: String,
    },
    Figure {
        name: String,
        json: PathBuf,
        png: PathBuf,
    },
    Warning(String),
    Finished {
        model_dir: PathBuf,
        seconds: f64,
    },
}

pub trait EventSink: Send + Sync {
    fn emit(&self, event: TrainEvent);
}

impl<F: Fn(TrainEvent) + Send + Sync> EventSink for F {
    fn emit(&self, event: TrainEvent) {
        self(event)
    }
}
