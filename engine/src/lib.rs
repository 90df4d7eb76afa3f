//! ForgeLens engine: the paper's networks in Burn (extractor, teacher, students,
//! generalizers, classifier, fusion net), weight import, model directories, device
//! selection, image decoding, tiled inference and the `Analysis` it returns.
//! Knows nothing of egui or of training loops.

pub mod analysis;
pub mod analyzer;
pub mod attention_explorer;
pub mod calibration;
pub mod data_dir;
pub mod detector;
pub mod device;
pub mod export;
pub mod extractor;
pub mod files;
pub mod fonts;
pub mod fusion;
pub mod image_files;
pub mod image_input;
pub mod map_kind;
pub mod model;
pub mod nn;
pub mod preprocess;
pub mod progress;
pub mod regions;
pub mod render;
pub mod tiling;
pub mod verdict;
pub mod verdict_evidence;
mod verdict_view;

pub use analysis::{Analysis, AnalysisSummary, Heatmap, Label};
pub use analyzer::{AnalyzeError, Analyzer, AnalyzerOptions};
pub use device::{DeviceChoice, SelectedDevice, select_device};
pub use map_kind::MapKind;
