//! The model card shipped with every model directory: what the model is, what it was
//! trained on, how well it did, and what it cannot tell. Shown by `forgelens info` and
//! summarised in reports.

use serde::{Deserialize, Serialize};

use crate::calibration::Calibration;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    pub name: String,
    pub description: String,
    /// False for freshly initialised networks: their verdicts and maps mean nothing.
    pub trained: bool,
    /// The extractor's id (`ExtractorConfig::id`), and where its weights came from.
    pub extractor: String,
    pub extractor_weights: String,
    #[serde(default)]
    pub training_data: Option<String>,
    #[serde(default)]
    pub training_time: Option<String>,
    /// Generators whose fakes the model was trained on (in-domain for evaluation).
    #[serde(default)]
    pub training_generators: Vec<String>,
    /// Families whose fakes the model was trained on (in-domain for evaluation; empty in
    /// cards from before families, where the generators decide).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub training_families: Vec<String>,
    /// The photographs (`source` values) of the images training fitted on, and of those
    /// it validated on (chose epochs by): evaluation refuses to score the first anywhere
    /// and the second outside the val split. Empty in older cards (then unknown); left out
    /// of the JSON when empty, so untrained cards read as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub training_sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validation_sources: Vec<String>,
    /// Temperature and inconclusive threshold fitted on val (`forgelens calibrate`); `None`
    /// in older cards: probabilities as the model gives them, every verdict conclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    /// Measured test metrics, as `forgelens eval --json` prints them.
    #[serde(default)]
    pub metrics: Option<serde_json::Value>,
    #[serde(default)]
    pub limitations: Vec<String>,
    pub licence: String,
}

impl ModelCard {
    pub fn untrained(name: &str, extractor: &str, extractor_weights: &str) -> Self {
        Self {
            name: name.to_string(),
            description: format!(
                "Freshly initialised `{name}` networks: a starting point for training, not a detector."
            ),
            trained: false,
            extractor: extractor.to_string(),
            extractor_weights: extractor_weights.to_string(),
            training_data: None,
            training_time: None,
            training_generators: Vec::new(),
            training_families: Vec::new(),
            training_sources: Vec::new(),
            validation_sources: Vec::new(),
            calibration: None,
            metrics: None,
            limitations: vec![
                "Untrained: probabilities and maps are not evidence of anything.".to_string(),
            ],
            licence: "MIT OR Apache-2.0 (networks); see the extractor's own licence".to_string(),
        }
    }

    /// Human-readable summary for the terminal.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} ({})\n  {}\n  extractor: {} [{}]\n",
            self.name,
            if self.trained { "trained" } else { "UNTRAINED" },
            self.description,
            self.extractor,
            self.extractor_weights
        );
        if let Some(data) = &self.training_data {
            s += &format!("  training data: {data}\n");
        }
        if !self.training_families.is_empty() {
            s += &format!(
                "  training families: {}\n",
                self.training_families.join(", ")
            );
        }
        if let Some(time) = &self.training_time {
            s += &format!("  training time: {time}\n");
        }
        if let Some(c) = &self.calibration {
            s += &format!(
                "  calibration: temperature {:.3}, inconclusive below {} (fitted on {} images of {}; ECE {:.3} -> {:.3})\n",
                c.temperature,
                crate::verdict::percent(c.inconclusive_below),
                c.images,
                c.split,
                c.ece_before,
                c.ece_after
            );
        }
        for limit in &self.limitations {
            s += &format!("  limitation: {limit}\n");
        }
        s += &format!("  licence: {}\n", self.licence);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_from_before_families_and_sources_loads_and_untrained_cards_read_as_before() {
        let card = ModelCard::untrained("tiny", "mobilenet-v2", "bundled");
        let json = serde_json::to_value(&card).expect("serialises");
        for newer in [
            "training_families",
            "training_sources",
            "validation_sources",
            "calibration",
        ] {
            assert!(json.get(newer).is_none(), "{newer} written while empty");
        }
        let loaded: ModelCard = serde_json::from_value(json).expect("an older card");
        assert_eq!(loaded, card);
    }

    #[test]
    fn a_card_without_calibration_loads_as_uncalibrated_and_one_with_it_round_trips() {
        let old = r#"{"name": "old", "description": "before calibration", "trained": true,
            "extractor": "mobilenet-v2", "extractor_weights": "bundled", "licence": "MIT"}"#;
        let card: ModelCard = serde_json::from_str(old).expect("an older card loads");
        assert_eq!(card.calibration, None);
        let calibrated = ModelCard {
            calibration: Some(Calibration {
                temperature: 1.5,
                inconclusive_below: 0.7,
                max_conclusive_error: 0.1,
                min_conclusive: 20,
                split: "val".into(),
                images: 40,
                ece_before: 0.2,
                ece_after: 0.04,
                conclusive_error: 0.08,
                inconclusive_share: 0.3,
                evidence: Default::default(),
            }),
            ..card
        };
        let json = serde_json::to_string(&calibrated).expect("serialises");
        assert_eq!(
            serde_json::from_str::<ModelCard>(&json).expect("reads"),
            calibrated
        );
        assert!(calibrated.summary().contains("inconclusive below 70.0%"));
    }
}
