//! Evaluation (DESIGN section 6): image-level and pixel-level metrics of a model on a
//! dataset, in-domain and per generator.

pub mod evaluate;
pub mod metrics;

pub use evaluate::{EvalError, EvalOptions, EvalReport, evaluate};
