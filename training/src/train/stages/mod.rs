//! The five stages of the paper's pipeline (DESIGN section 4), one module each. A stage
//! gives the loss terms of one batch (the first term is what is minimised) and its
//! validation metrics; `run` owns the loop, the optimiser and the checkpoints.

pub mod classifier;
pub mod generalizers;
pub mod localisation;
pub mod students;
pub mod teacher;

use std::fmt;

use burn::tensor::Tensor;

use super::networks::Trainable;

/// Named loss terms of one batch; `terms[0]` is the total that is minimised.
pub type Losses = Vec<(&'static str, Tensor<1>)>;

/// A tensor's values as `T`: converted first, so reading them back cannot fail.
pub fn values<T: burn::tensor::Element>(data: burn::tensor::TensorData) -> Vec<T> {
    data.convert::<T>()
        .try_into_vec::<T>()
        .expect("the data was converted to this element type just above")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Teacher,
    Students,
    Generalizers,
    Classifier,
    Localisation,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Teacher => "teacher",
            Stage::Students => "students",
            Stage::Generalizers => "generalizers",
            Stage::Classifier => "classifier",
            Stage::Localisation => "localisation",
        }
    }

    pub fn trains(self) -> Trainable {
        match self {
            Stage::Teacher => Trainable::Teacher,
            Stage::Students => Trainable::Students,
            Stage::Generalizers => Trainable::Generalizers,
            Stage::Classifier => Trainable::Classifier,
            Stage::Localisation => Trainable::Fusion,
        }
    }

    /// The validation metric that picks the epoch kept, for stages that choose on val.
    pub fn selection_metric(self) -> Option<&'static str> {
        match self {
            Stage::Teacher | Stage::Classifier | Stage::Localisation => Some("macro_f1"),
            Stage::Students | Stage::Generalizers => None,
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
