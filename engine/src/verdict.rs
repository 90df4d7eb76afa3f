//! The verdict: the most probable class, or inconclusive when its (calibrated) probability
//! is below the threshold the model card (or the analyst) sets; and how probabilities are
//! written for people, never as a certainty ("100%").

use serde::{Deserialize, Serialize};

use crate::analysis::{Label, Probabilities};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The most probable class, also when the verdict is inconclusive.
    pub label: Label,
    /// Probability of `label`.
    pub confidence: f32,
    /// `confidence` is below `inconclusive_below`: the model does not decide.
    #[serde(default)]
    pub inconclusive: bool,
    /// The threshold applied (the model card's, or the analyst's); `None`: every verdict is
    /// conclusive (a model without calibration, and no threshold given).
    #[serde(default)]
    pub inconclusive_below: Option<f32>,
    /// Whether the localisation maps are meant to be read: a trained model that says,
    /// conclusively, that the image is partially manipulated.
    pub maps_meaningful: bool,
    /// One sentence for people.
    pub summary: String,
}

impl Verdict {
    /// `inconclusive` or the label's name: what tables and indexes show.
    pub fn call(&self) -> &'static str {
        if self.inconclusive {
            "inconclusive"
        } else {
            self.label.name()
        }
    }
}

/// The verdict for a set of probabilities at an inconclusive threshold.
pub fn verdict(
    probabilities: &Probabilities,
    trained: bool,
    inconclusive_below: Option<f32>,
) -> Verdict {
    let (label, confidence) = probabilities.most_likely();
    let inconclusive = inconclusive_below.is_some_and(|t| confidence < t);
    let summary = match (trained, inconclusive_below) {
        (false, _) => format!(
            "the model is untrained: its output ({}, {}) is not evidence",
            label.name(),
            percent(confidence)
        ),
        (true, Some(t)) if inconclusive => format!(
            "inconclusive: most likely {} ({}), below the {} the model needs to decide",
            label.describe(),
            percent(confidence),
            percent(t)
        ),
        (true, _) => format!("{} ({} probability)", label.describe(), percent(confidence)),
    };
    Verdict {
        label,
        confidence,
        inconclusive,
        inconclusive_below,
        maps_meaningful: trained && label == Label::Partial && !inconclusive,
        summary,
    }
}

/// A probability as a percentage with one decimal, never claiming certainty: above 99.9%
/// reads `>99.9%`, below 0.1% reads `<0.1%`.
pub fn percent(p: f32) -> String {
    let v = p * 100.0;
    if v > 99.9 {
        ">99.9%".to_string()
    } else if v < 0.1 {
        "<0.1%".to_string()
    } else {
        format!("{v:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(real: f32, partial: f32, full: f32) -> Probabilities {
        Probabilities {
            real,
            partial,
            full,
        }
    }

    #[test]
    fn below_the_threshold_the_verdict_is_inconclusive_and_keeps_its_class() {
        let probabilities = p(0.2, 0.55, 0.25);
        let v = verdict(&probabilities, true, Some(0.6));
        assert!(v.inconclusive);
        assert_eq!(v.label, Label::Partial);
        assert_eq!(v.call(), "inconclusive");
        assert!(!v.maps_meaningful);
        assert!(v.summary.starts_with("inconclusive"), "{}", v.summary);
        assert!(v.summary.contains("55.0%") && v.summary.contains("60.0%"));
        let v = verdict(&probabilities, true, Some(0.55));
        assert!(!v.inconclusive, "at the threshold it decides");
        assert_eq!(v.call(), "partial");
        assert!(v.maps_meaningful);
        assert!(!verdict(&probabilities, true, None).inconclusive);
    }

    #[test]
    fn percentages_never_claim_certainty() {
        assert_eq!(percent(1.0), ">99.9%");
        assert_eq!(percent(0.99951), ">99.9%");
        assert_eq!(percent(0.9994), ">99.9%");
        assert_eq!(percent(0.998), "99.8%");
        assert_eq!(percent(0.5), "50.0%");
        assert_eq!(percent(0.0), "<0.1%");
        let v = verdict(&p(0.0, 0.0, 1.0), true, None);
        assert!(!v.summary.contains("100"), "{}", v.summary);
    }
}
