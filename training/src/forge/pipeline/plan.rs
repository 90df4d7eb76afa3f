//! The plan: what a run makes (labels, families, generators), fixed before the first
//! photograph.

use forgelens_engine::Label;

use super::config::{ForgeConfig, ForgeError};
use crate::forge::family::{Family, NeuralKind};
use crate::forge::generators::GeneratorPreset;

/// What a run makes, fixed before the first photograph.
pub(super) struct Plan {
    pub(super) labels: Vec<Label>,
    pub(super) partial: Vec<Family>,
    pub(super) full: Vec<Family>,
    pub(super) generators: Vec<GeneratorPreset>,
}

impl Plan {
    pub(super) fn new(config: &ForgeConfig) -> Result<Plan, ForgeError> {
        let mut generators = Vec::new();
        for name in &config.generators {
            generators.push(
                GeneratorPreset::from_name(name)
                    .ok_or_else(|| ForgeError::UnknownGenerator(name.clone()))?,
            );
        }
        if generators.is_empty() {
            generators = GeneratorPreset::ALL.to_vec();
        }
        let explicit = !config.families.is_empty();
        let mut chosen: Vec<Family> = Family::ALL
            .into_iter()
            .filter(|f| !explicit || config.families.contains(f))
            .filter(|f| *f != Family::Real)
            .collect();
        // A neural family without a generator of its kind: an error when asked for by
        // name, left out of the defaults.
        let has_kind = |f: &Family| {
            f.neural().is_none_or(|kind| {
                generators
                    .iter()
                    .any(|g| g.gan_trained() == (kind == NeuralKind::Gan))
            })
        };
        if let Some(family) = chosen.iter().find(|f| !has_kind(f))
            && explicit
        {
            return Err(ForgeError::NoGenerator { family: *family });
        }
        chosen.retain(has_kind);
        let partial: Vec<Family> = chosen
            .iter()
            .copied()
            .filter(|f| f.label() == Label::Partial)
            .collect();
        let full: Vec<Family> = chosen
            .iter()
            .copied()
            .filter(|f| f.label() == Label::Full)
            .collect();
        let mut labels = vec![Label::Real];
        if !partial.is_empty() {
            labels.push(Label::Partial);
        }
        if !full.is_empty() {
            labels.push(Label::Full);
        }
        Ok(Plan {
            labels,
            partial,
            full,
            generators,
        })
    }
}
