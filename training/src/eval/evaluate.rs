//! `forgelens eval`: runs a model directory over one split exactly as analysis does (the
//! `Analyzer`), refusing images training used, then scores the verdicts overall, in-domain,
//! cross-domain, per family and per generator, each map against the masks of partial fakes,
//! and, on request, the same split again under each processing step (robustness).

use std::path::PathBuf;
use std::time::Instant;

use forgelens_engine::progress::CancelToken;
use forgelens_engine::{Analyzer, Label};

use super::aggregate::{
    calibration_of, confusion_of, false_positives, pixel_of, real_map_means, robustness_row,
};
use super::groups::{Domain, domain_side, per_family, per_generator};
use super::report::{EvalReport, FusionNetImageScores, ImageScores, ScopeInfo};
use super::scope::{Scope, ScopeError, select};
use super::scoring::{Scored, score};
use crate::data::{DataError, Dataset, Split};
use crate::forge::laundering::Step;

/// The images scored, and those skipped with the reason.
type ScoredImages = (Vec<Scored>, Vec<(PathBuf, String)>);

#[derive(Debug, Clone, Default)]
pub struct EvalOptions {
    /// Which split to score (`Unassigned` = every image); `None` = test, else val, else
    /// every image of data without splits (the report says which).
    pub split: Option<Split>,
    /// Generators the model was trained on; empty = the model card's families, else its
    /// generators.
    pub in_domain: Vec<String>,
}

/// The protocol beyond the split: which families, and which perturbations.
#[derive(Debug, Clone, Default)]
pub struct Protocol {
    /// Score only real images and fakes of these families (empty = every family).
    pub families: Vec<String>,
    /// Score the split again under each processing step, for the robustness table.
    pub perturbations: Vec<Step>,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Scope(#[from] ScopeError),
    #[error("cancelled")]
    Cancelled,
}

/// The split scored as `evaluate_protocol` would, with the default protocol.
pub fn evaluate(
    analyzer: &Analyzer,
    dataset: &Dataset,
    options: &EvalOptions,
    progress: &dyn Fn(usize, usize),
    cancel: &CancelToken,
) -> Result<EvalReport, EvalError> {
    evaluate_protocol(
        analyzer,
        dataset,
        options,
        &Protocol::default(),
        progress,
        cancel,
    )
}

/// Analyses every image of the scope, optionally perturbed (`round` counts conditions for
/// progress); images that cannot be analysed are returned with the reason.
fn analyse_scope(
    analyzer: &Analyzer,
    scope: &Scope<'_>,
    perturbation: Option<&Step>,
    (round, rounds): (usize, usize),
    progress: &dyn Fn(usize, usize),
    cancel: &CancelToken,
) -> Result<ScoredImages, EvalError> {
    let n = scope.samples.len();
    let mut scored = Vec::with_capacity(n);
    let mut skipped = Vec::new();
    for (i, sample) in scope.samples.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(EvalError::Cancelled);
        }
        progress(round * n + i, rounds * n);
        // The image's index seeds the noise steps: the same perturbation on every run.
        match score(
            analyzer,
            sample,
            perturbation.map(|s| (s, i as u64)),
            cancel,
        ) {
            Ok(s) => scored.push(s),
            Err(why) => skipped.push((sample.path.clone(), why)),
        }
    }
    Ok((scored, skipped))
}

fn fusion_net_scores(
    scored: &[Scored],
    in_domain: Option<&[&Scored]>,
    cross_domain: Option<&[&Scored]>,
) -> Option<FusionNetImageScores> {
    let confusion = |items: &[&Scored]| -> Option<ImageScores> {
        let pairs: Option<Vec<(usize, usize)>> = items
            .iter()
            .map(|s| s.fusion_predicted.map(|p| (s.sample.label.index(), p)))
            .collect();
        Some(ImageScores::from_confusion(
            &super::metrics::Confusion::from_pairs(3, pairs?),
        ))
    };
    Some(FusionNetImageScores {
        image: confusion(&scored.iter().collect::<Vec<_>>())?,
        in_domain: in_domain.and_then(confusion),
        cross_domain: cross_domain.and_then(confusion),
    })
}

/// Scores one split of `dataset` (see `EvalOptions`) under `protocol`.
pub fn evaluate_protocol(
    analyzer: &Analyzer,
    dataset: &Dataset,
    options: &EvalOptions,
    protocol: &Protocol,
    progress: &dyn Fn(usize, usize),
    cancel: &CancelToken,
) -> Result<EvalReport, EvalError> {
    let start = Instant::now();
    let model = analyzer.model();
    let scope = select(dataset, options.split, &protocol.families, &model.card)?;
    let rounds = 1 + protocol.perturbations.len();
    let (scored, failed) = analyse_scope(analyzer, &scope, None, (0, rounds), progress, cancel)?;

    let mut robustness = Vec::new();
    if !protocol.perturbations.is_empty() {
        robustness.push(robustness_row("none", &scored, failed.len()));
        for (k, step) in protocol.perturbations.iter().enumerate() {
            let round = (k + 1, rounds);
            let (perturbed, lost) =
                analyse_scope(analyzer, &scope, Some(step), round, progress, cancel)?;
            robustness.push(robustness_row(&step.to_string(), &perturbed, lost.len()));
        }
    }
    progress(rounds * scope.samples.len(), rounds * scope.samples.len());

    let mut skipped = dataset.skipped.clone();
    skipped.extend(failed);
    skipped.extend(scored.iter().filter_map(|s| s.mask_problem.clone()));
    let partial_without_mask = scored
        .iter()
        .filter(|s| s.sample.label == Label::Partial && s.pixel.is_none())
        .count();

    let domain = Domain::of(&model.card, &options.in_domain);
    let inside = domain_side(&scored, domain.as_ref(), true);
    let outside = domain_side(&scored, domain.as_ref(), false);
    let fusion_net = fusion_net_scores(
        &scored,
        inside.as_ref().map(|(_, images)| images.as_slice()),
        outside.as_ref().map(|(_, images)| images.as_slice()),
    );
    let pixel = match &inside {
        Some((d, _)) => d.pixel.clone(),
        None => pixel_of(scored.iter()),
    };
    Ok(EvalReport {
        model_id: model.id(),
        model_name: model.config.name.clone(),
        data: dataset.root.clone(),
        split: scope.split,
        scope: ScopeInfo {
            families: protocol.families.clone(),
            note: scope.note.clone(),
        },
        image: ImageScores::from_confusion(&confusion_of(scored.iter())),
        false_positives: false_positives(&scored),
        real_maps: real_map_means(&scored),
        calibration: calibration_of(&scored),
        pixel,
        per_family: per_family(&scored, domain.as_ref()),
        per_generator: per_generator(&scored, domain.as_ref()),
        in_domain: inside.map(|(d, _)| d),
        cross_domain: outside.map(|(d, _)| d),
        fusion_net,
        robustness,
        skipped,
        partial_without_mask,
        seconds: start.elapsed().as_secs_f64(),
    })
}
