//! Evaluation (DESIGN section 6): image-level and pixel-level metrics of a model on one
//! split of a dataset, per family and per generator, in-domain and cross-domain, under
//! perturbations, and never on images training used.

pub mod aggregate;
pub mod calibrate;
pub mod evaluate;
pub mod groups;
pub mod metrics;
pub mod reliability;
pub mod report;
pub mod scope;
pub mod scoring;

pub use evaluate::{EvalError, EvalOptions, Protocol, evaluate, evaluate_protocol};
pub use report::{EvalReport, ThresholdError};
pub use scope::{ScopeError, resolve_split};
