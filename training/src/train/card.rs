//! The model card of a trained model: what it was trained on (images, classes, generators,
//! families, the photographs training and validation used), how long, and its limits.

use forgelens_engine::Label;
use forgelens_engine::model::ModelCard;

use super::run_data::RunData;
use crate::data::Dataset;

/// The card `train` writes beside the model; eval later adds its measured metrics.
pub fn trained_card(run: &RunData, provenance: &str, dataset: &Dataset, seconds: f64) -> ModelCard {
    let config = &run.config;
    let mut card =
        ModelCard::untrained(&config.model.name, &config.model.extractor.id(), provenance);
    card.trained = true;
    card.description = format!(
        "`{}` networks trained with ForgeLens's staged pipeline (teacher, {} round(s) of students and generalizers, classifier, localisation).",
        config.model.name,
        config.rounds.max(1)
    );
    let families = config.family_filter();
    let generators = match (config.train_generators.is_empty(), families.is_empty()) {
        (true, true) => "all generators".to_string(),
        (false, true) => config.train_generators.join(", "),
        (true, false) => format!("the families {}", families.join(", ")),
        (false, false) => format!(
            "{} in the families {}",
            config.train_generators.join(", "),
            families.join(", ")
        ),
    };
    let [r, p, f] = run.train.counts();
    card.training_data = Some(format!(
        "{} ({:?} layout): {} train images ({r} real, {p} partial, {f} full; fakes from {generators}), {} val images",
        dataset.root.display(),
        dataset.layout,
        run.train.len(),
        run.val.len()
    ));
    let mut seen: Vec<String> = run
        .train
        .features
        .kept
        .iter()
        .map(|&i| &run.train.samples[i])
        .filter(|s| s.label != Label::Real)
        .map(|s| s.generator.clone())
        .collect();
    seen.sort();
    seen.dedup();
    card.training_generators = seen;
    let sorted = |items: Vec<String>| -> Vec<String> {
        let mut items = items;
        items.sort();
        items.dedup();
        items
    };
    card.training_families = sorted(
        run.train
            .features
            .kept
            .iter()
            .map(|&i| &run.train.samples[i])
            .filter(|s| s.label != Label::Real)
            .map(|s| s.family.clone())
            .collect(),
    );
    // Every listed image's photograph, read or not: eval refuses to score them.
    card.training_sources = sorted(run.train.samples.iter().map(|s| s.source.clone()).collect());
    card.validation_sources = sorted(run.val.samples.iter().map(|s| s.source.clone()).collect());
    card.training_time = Some(format!("{:.1} min", seconds / 60.0));
    card.limitations = vec![
        format!("Trained only on fakes from {generators}; other generators are out of domain."),
        "The maps are weakly supervised (trained from image-level labels): they point at evidence to inspect, not proof.".into(),
    ];
    card
}
