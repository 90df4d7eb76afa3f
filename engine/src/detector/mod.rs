//! The paper's detector (sec. 3.2-3.4): teacher N_T, students N_S1 / N_S2, generalizers
//! G_PF / G_FF (training only) and the classifier N_C on squared discrepancies (eq. 8).

pub mod classifier;
pub mod discrepancy_net;
pub mod generalizer;

pub use classifier::{Classifier, ClassifierConfig, discrepancy_features};
pub use discrepancy_net::{DiscrepancyNet, DiscrepancyNetConfig, DiscrepancyOutput, TokenPooling};
pub use generalizer::{Generalizer, GeneralizerConfig};
