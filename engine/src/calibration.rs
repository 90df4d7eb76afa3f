//! Temperature scaling (Guo et al., "On calibration of modern neural networks", 2017): the
//! verdict's probabilities are the model's with their logarithms divided by a temperature T
//! fitted on the val split (`forgelens calibrate`); T > 1 softens an over-confident model and
//! T = 1 changes nothing. The model card stores T beside the inconclusive threshold chosen on
//! the same split. Cards without a calibration read as T = 1 and no threshold.

use serde::{Deserialize, Serialize};

use crate::analysis::Probabilities;
use crate::verdict_evidence::VerdictEvidence;

/// What `forgelens calibrate` fitted, as stored in the model card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Divides the log-probabilities before they are normalised again.
    pub temperature: f32,
    /// A verdict whose top calibrated probability is below this is inconclusive.
    pub inconclusive_below: f32,
    /// The rule that chose `inconclusive_below`: the lowest threshold at which at most this
    /// share of the conclusive verdicts on `split` are wrong.
    pub max_conclusive_error: f32,
    /// ... among thresholds that leave at least this many conclusive images.
    pub min_conclusive: usize,
    /// The split both were fitted on (`val`) and its images.
    pub split: String,
    pub images: usize,
    /// Expected calibration error (10 bins) of the verdict's confidence on `split`, before
    /// and after temperature scaling.
    pub ece_before: f32,
    pub ece_after: f32,
    /// On `split` at `inconclusive_below`: the wrong share of the conclusive verdicts, and
    /// the share of verdicts that are inconclusive.
    pub conclusive_error: f32,
    pub inconclusive_share: f32,
    /// The verdict's evidence the temperature was fitted on, and that analysis uses with
    /// this card unless told otherwise (`global` in cards calibrated before it was stored).
    #[serde(default)]
    pub evidence: VerdictEvidence,
}

/// `softmax(ln p / T)`, i.e. `p^(1/T)` normalised; `T = 1` returns `p` unchanged.
pub fn apply_temperature(p: &Probabilities, temperature: f32) -> Probabilities {
    if temperature == 1.0 || !temperature.is_finite() || temperature <= 0.0 {
        return *p;
    }
    let [real, partial, full] = scale_log_probabilities(p.as_array(), 1.0 / f64::from(temperature));
    Probabilities {
        real,
        partial,
        full,
    }
}

/// `softmax(beta * ln p)` in f64, with zero probabilities kept at zero.
pub fn scale_log_probabilities(p: [f32; 3], beta: f64) -> [f32; 3] {
    let logs = p.map(|v| {
        if v > 0.0 {
            beta * f64::from(v).ln()
        } else {
            f64::NEG_INFINITY
        }
    });
    let max = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return p;
    }
    let exps = logs.map(|l| (l - max).exp());
    let sum: f64 = exps.iter().sum();
    exps.map(|e| (e / sum) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperature_matches_hand_computation_and_one_is_the_identity() {
        let p = Probabilities {
            real: 0.9,
            partial: 0.05,
            full: 0.05,
        };
        assert_eq!(apply_temperature(&p, 1.0), p);
        // T = 2: sqrt(0.9) = 0.948683, sqrt(0.05) = 0.223607; 0.948683 / 1.395897 = 0.679623.
        let q = apply_temperature(&p, 2.0);
        assert!((q.real - 0.679_623).abs() < 1e-5, "{q:?}");
        assert!((q.partial - 0.160_188).abs() < 1e-5, "{q:?}");
        assert!((q.real + q.partial + q.full - 1.0).abs() < 1e-6);
        // A zero stays zero, and the order of the classes never changes.
        let z = apply_temperature(
            &Probabilities {
                real: 0.0,
                partial: 0.3,
                full: 0.7,
            },
            0.5,
        );
        assert_eq!(z.real, 0.0);
        assert!(z.full > 0.7 && z.full > z.partial);
    }
}
