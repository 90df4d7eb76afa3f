//! The staged training pipeline (paper sec. 3.2-3.5, DESIGN section 4): configuration,
//! losses, the networks being trained, the five stages, checkpoints, events, figures, the
//! localisation stage's per-epoch attention snapshots and the run that ties them together.

pub mod attention_snapshots;
pub mod card;
pub mod checkpoint;
pub mod config;
pub mod data;
pub mod events;
pub mod figures;
pub mod losses;
pub mod networks;
pub mod plan;
pub mod run;
pub mod run_data;
mod stage_loop;
pub mod stages;

pub use attention_snapshots::{
    EpochSnapshot, SnapshotImage, SnapshotMaps, list_snapshots, save_snapshot,
};
pub use config::{OptimizerConfig, TrainingConfig};
pub use events::{EpochRecord, EventSink, TrainEvent};
pub use run::{Phase, TrainError, TrainOptions, TrainSummary, default_cache_dir, plan, train};
