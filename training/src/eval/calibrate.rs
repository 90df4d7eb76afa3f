//! Calibration on the val split (`forgelens calibrate`). Temperature scaling: the T that
//! minimises the mean negative log-likelihood of the true class; the NLL is convex in 1/T, so
//! a golden-section search over 1/T in [0.02, 20] finds it. The inconclusive threshold: the
//! lowest top-probability threshold (among the calibrated val confidences) at which at most
//! `MAX_CONCLUSIVE_ERROR` (10%) of the conclusive verdicts are wrong, counting only
//! thresholds that leave at least `MIN_CONCLUSIVE` (20) conclusive images (fewer say nothing
//! about an error rate); 1.0 (every verdict inconclusive) when none reaches it. The images are chosen as `eval` chooses them: val only,
//! never an image training fitted on.

use forgelens_engine::Analyzer;
use forgelens_engine::calibration::{Calibration, scale_log_probabilities};
use forgelens_engine::progress::CancelToken;
use forgelens_engine::verdict_evidence::VerdictEvidence;

use super::evaluate::EvalError;
use super::metrics::calibration;
use super::scope::{ScopeError, select};
use super::scoring::score;
use crate::data::{Dataset, Split};

/// The largest share of wrong verdicts allowed among the conclusive ones on val.
pub const MAX_CONCLUSIVE_ERROR: f32 = 0.10;
/// The fewest conclusive val images a threshold may leave.
pub const MIN_CONCLUSIVE: usize = 20;
const BINS: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    #[error(
        "calibration is fitted on the val split only, and split `{0}` was asked for: the test \
         split stays untouched by every choice"
    )]
    NotVal(Split),
    #[error("none of the {0} val images could be analysed")]
    NothingScored(usize),
    #[error(transparent)]
    Scope(#[from] ScopeError),
    #[error(transparent)]
    Eval(#[from] EvalError),
}

/// Mean negative log-likelihood of the true classes of `(probabilities, class)` pairs after
/// `softmax(beta * ln p)`.
pub fn mean_nll(samples: &[([f32; 3], usize)], beta: f64) -> f64 {
    let total: f64 = samples
        .iter()
        .map(|(p, class)| {
            let q = scale_log_probabilities(*p, beta)[*class];
            -f64::from(q).max(1e-12).ln()
        })
        .sum();
    total / samples.len().max(1) as f64
}

/// The temperature that minimises `mean_nll` (1 for no samples).
pub fn fit_temperature(samples: &[([f32; 3], usize)]) -> f32 {
    if samples.is_empty() {
        return 1.0;
    }
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    let (mut lo, mut hi) = (0.02f64, 20.0f64);
    let mut a = hi - phi * (hi - lo);
    let mut b = lo + phi * (hi - lo);
    let (mut fa, mut fb) = (mean_nll(samples, a), mean_nll(samples, b));
    for _ in 0..100 {
        if fa <= fb {
            hi = b;
            b = a;
            fb = fa;
            a = hi - phi * (hi - lo);
            fa = mean_nll(samples, a);
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + phi * (hi - lo);
            fb = mean_nll(samples, b);
        }
    }
    (2.0 / (lo + hi)) as f32
}

/// The chosen threshold on `(confidence, correct)` pairs, with the wrong share of the
/// conclusive verdicts and the inconclusive share there.
pub fn inconclusive_threshold(
    items: &[(f32, bool)],
    max_error: f32,
    min_conclusive: usize,
) -> (f32, f32, f32) {
    let mut candidates: Vec<f32> = items.iter().map(|&(c, _)| c).collect();
    candidates.sort_by(f32::total_cmp);
    candidates.dedup();
    let n = items.len().max(1) as f32;
    for t in candidates {
        let conclusive: Vec<bool> = items
            .iter()
            .filter(|&&(c, _)| c >= t)
            .map(|&(_, ok)| ok)
            .collect();
        if conclusive.len() < min_conclusive.max(1) {
            break;
        }
        let wrong = conclusive.iter().filter(|ok| !**ok).count() as f32 / conclusive.len() as f32;
        if wrong <= max_error {
            return (t, wrong, (items.len() - conclusive.len()) as f32 / n);
        }
    }
    (1.0, 0.0, 1.0)
}

/// `(confidence, correct)` of the most probable class of each sample.
fn top(samples: &[([f32; 3], usize)]) -> Vec<(f32, bool)> {
    samples
        .iter()
        .map(|(p, class)| {
            let best = (0..3).fold(0, |b, i| if p[i] > p[b] { i } else { b });
            (p[best], best == *class)
        })
        .collect()
}

/// Fits the temperature and chooses the threshold on `(probabilities, class)` pairs of the
/// model without calibration.
pub fn fit(samples: &[([f32; 3], usize)], split: Split) -> Calibration {
    let temperature = fit_temperature(samples);
    let calibrated: Vec<([f32; 3], usize)> = samples
        .iter()
        .map(|(p, c)| {
            (
                scale_log_probabilities(*p, 1.0 / f64::from(temperature)),
                *c,
            )
        })
        .collect();
    let after = top(&calibrated);
    let (inconclusive_below, conclusive_error, inconclusive_share) =
        inconclusive_threshold(&after, MAX_CONCLUSIVE_ERROR, MIN_CONCLUSIVE);
    Calibration {
        temperature,
        inconclusive_below,
        max_conclusive_error: MAX_CONCLUSIVE_ERROR,
        min_conclusive: MIN_CONCLUSIVE,
        split: split.to_string(),
        images: samples.len(),
        ece_before: calibration(&top(samples), BINS).0,
        ece_after: calibration(&after, BINS).0,
        conclusive_error,
        inconclusive_share,
        evidence: VerdictEvidence::default(),
    }
}

/// Analyses the val images of `dataset` (refusing what training used, as `eval` does) and
/// fits the calibration. Probabilities already calibrated by the card are taken back to the
/// model's own (`p^T`, normalised), so calibrating again starts from the same numbers.
pub fn calibrate(
    analyzer: &Analyzer,
    dataset: &Dataset,
    split: Split,
    progress: &dyn Fn(usize, usize),
    cancel: &CancelToken,
) -> Result<(Calibration, Vec<(std::path::PathBuf, String)>), CalibrateError> {
    if split != Split::Val {
        return Err(CalibrateError::NotVal(split));
    }
    let card = &analyzer.model().card;
    let scope = select(dataset, Some(split), &[], card)?;
    let card_temperature = card.calibration.as_ref().map_or(1.0, |c| c.temperature);
    let n = scope.samples.len();
    let mut samples = Vec::with_capacity(n);
    let mut skipped = Vec::new();
    for (i, sample) in scope.samples.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(EvalError::Cancelled.into());
        }
        progress(i, n);
        match score(analyzer, sample, None, cancel) {
            Ok(s) => samples.push((
                scale_log_probabilities(s.probabilities, f64::from(card_temperature)),
                s.sample.label.index(),
            )),
            Err(why) => skipped.push((sample.path.clone(), why)),
        }
    }
    progress(n, n);
    if samples.is_empty() {
        return Err(CalibrateError::NothingScored(n));
    }
    let calibration = Calibration {
        evidence: analyzer.verdict_evidence(),
        ..fit(&samples, split)
    };
    Ok((calibration, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fitted_temperature_matches_the_closed_form() {
        // Five images all scored (0.9, 0.05, 0.05); three are real, one partial, one full.
        // The NLL is least where the calibrated p(real) equals 3/5:
        // 1 / (1 + 2 (0.05/0.9)^b) = 0.6  =>  b = ln 3 / ln 18 = 0.380094, T = 2.630930.
        let p = [0.9, 0.05, 0.05];
        let samples = [(p, 0), (p, 0), (p, 0), (p, 1), (p, 2)];
        let t = fit_temperature(&samples);
        assert!((t - 2.630_93).abs() < 1e-3, "{t}");
        let fitted = fit(&samples, Split::Val);
        // Before: one bin at confidence 0.9, accuracy 0.6; after: confidence 0.6, accuracy 0.6.
        assert!((fitted.ece_before - 0.3).abs() < 1e-5, "{fitted:?}");
        assert!(fitted.ece_after < 1e-3, "{fitted:?}");
        assert_eq!((fitted.images, fitted.split.as_str()), (5, "val"));
        // A model that is right every time grows sharper, never softer.
        let sure = [([0.6, 0.3, 0.1], 0), ([0.2, 0.7, 0.1], 1)];
        assert!(fit_temperature(&sure) < 1.0);
    }

    #[test]
    fn the_threshold_is_the_lowest_with_few_enough_conclusive_errors() {
        let items = [
            (0.95, true),
            (0.9, true),
            (0.8, false),
            (0.7, true),
            (0.6, false),
            (0.5, false),
        ];
        // At 0.5: 3 of 6 wrong; 0.6: 2 of 5; 0.7: 1 of 4; 0.8: 1 of 3; 0.9: 0 of 2.
        assert_eq!(
            inconclusive_threshold(&items, 0.10, 1),
            (0.9, 0.0, 4.0 / 6.0)
        );
        assert_eq!(
            inconclusive_threshold(&items, 0.25, 1),
            (0.7, 0.25, 2.0 / 6.0)
        );
        assert_eq!(inconclusive_threshold(&items, 0.5, 1), (0.5, 0.5, 0.0));
        // Two conclusive images are too few to vouch for 10%: the next try would leave one.
        assert_eq!(inconclusive_threshold(&items, 0.10, 3), (1.0, 0.0, 1.0));
        assert_eq!(
            inconclusive_threshold(&items, 0.25, 4),
            (0.7, 0.25, 2.0 / 6.0)
        );
        // Never reached: every verdict inconclusive.
        assert_eq!(
            inconclusive_threshold(&[(0.9, false), (0.4, true)], 0.1, 1),
            (1.0, 0.0, 1.0)
        );
    }
}
