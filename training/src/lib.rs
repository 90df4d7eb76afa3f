//! ForgeLens training library: the forge (labelled fakes from real photographs), datasets
//! and the feature cache, the staged training pipeline, and evaluation.

pub mod data;
pub mod eval;
pub mod forge;
pub mod train;
