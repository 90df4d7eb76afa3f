//! Detection and localisation metrics: confusion matrix, per-class precision / recall /
//! F1, macro-F1, the false-positive rate on real images, expected calibration error, and
//! pixel F1 / IoU of a map against a ground-truth mask.

use serde::{Deserialize, Serialize};

/// `counts[truth][predicted]` over `classes` classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Confusion {
    pub counts: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassScores {
    pub precision: f32,
    pub recall: f32,
    pub f1: f32,
    /// Images of this class.
    pub support: usize,
}

/// F1 from counts; 0 when undefined (no predictions and no positives count as 0, the
/// conservative choice, except both empty which is perfect agreement on nothing).
fn f1(tp: usize, fp: usize, fn_: usize) -> f32 {
    if tp + fp + fn_ == 0 {
        return 1.0;
    }
    2.0 * tp as f32 / (2 * tp + fp + fn_) as f32
}

impl Confusion {
    pub fn new(classes: usize) -> Self {
        Self {
            counts: vec![vec![0; classes]; classes],
        }
    }

    pub fn from_pairs(classes: usize, pairs: impl IntoIterator<Item = (usize, usize)>) -> Self {
        let mut c = Self::new(classes);
        for (t, p) in pairs {
            c.add(t, p);
        }
        c
    }

    pub fn add(&mut self, truth: usize, predicted: usize) {
        self.counts[truth][predicted] += 1;
    }

    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    pub fn accuracy(&self) -> f32 {
        let correct: usize = (0..self.counts.len()).map(|i| self.counts[i][i]).sum();
        correct as f32 / self.total().max(1) as f32
    }

    pub fn class(&self, k: usize) -> ClassScores {
        let tp = self.counts[k][k];
        let support: usize = self.counts[k].iter().sum();
        let predicted: usize = self.counts.iter().map(|row| row[k]).sum();
        ClassScores {
            precision: if predicted == 0 {
                0.0
            } else {
                tp as f32 / predicted as f32
            },
            recall: if support == 0 {
                0.0
            } else {
                tp as f32 / support as f32
            },
            f1: f1(tp, predicted - tp, support - tp),
            support,
        }
    }

    /// Mean F1 over the classes that occur in the truth.
    pub fn macro_f1(&self) -> f32 {
        let present: Vec<f32> = (0..self.counts.len())
            .map(|k| self.class(k))
            .filter(|s| s.support > 0)
            .map(|s| s.f1)
            .collect();
        if present.is_empty() {
            0.0
        } else {
            present.iter().sum::<f32>() / present.len() as f32
        }
    }
}

/// Pixel F1 and IoU of `map >= threshold` against `truth`.
pub fn pixel_scores(map: &[f32], truth: &[bool], threshold: f32) -> (f32, f32) {
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (&v, &t) in map.iter().zip(truth) {
        match (v >= threshold, t) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => {}
        }
    }
    let iou = if tp + fp + fn_ == 0 {
        1.0
    } else {
        tp as f32 / (tp + fp + fn_) as f32
    };
    (f1(tp, fp, fn_), iou)
}

/// Real images given another class: `(images, false positives, rate)` from the classes
/// predicted for real images (0 = real); `None` without real images.
pub fn false_positive_rate(
    predicted_for_real: impl IntoIterator<Item = usize>,
) -> Option<(usize, usize, f32)> {
    let (mut images, mut wrong) = (0, 0);
    for p in predicted_for_real {
        images += 1;
        wrong += usize::from(p != 0);
    }
    (images > 0).then(|| (images, wrong, wrong as f32 / images as f32))
}

/// One bin of a reliability diagram: images, mean confidence, accuracy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    pub images: usize,
    pub mean_confidence: f32,
    pub accuracy: f32,
}

/// Expected calibration error of `(confidence, correct)` pairs over `bins` equal bins of
/// [0, 1] (confidence 1 falls in the last): the bins' `|accuracy - mean confidence|`
/// weighted by their share of the images; and the bins themselves.
pub fn calibration(items: &[(f32, bool)], bins: usize) -> (f32, Vec<Bin>) {
    let bins = bins.max(1);
    let mut sums = vec![(0usize, 0.0f32, 0usize); bins];
    for &(confidence, correct) in items {
        let b = ((confidence.clamp(0.0, 1.0) * bins as f32) as usize).min(bins - 1);
        sums[b].0 += 1;
        sums[b].1 += confidence;
        sums[b].2 += usize::from(correct);
    }
    let n = items.len().max(1) as f32;
    let mut ece = 0.0;
    let bins = sums
        .into_iter()
        .map(|(images, confidence, right)| {
            let d = images.max(1) as f32;
            let bin = Bin {
                images,
                mean_confidence: confidence / d,
                accuracy: right as f32 / d,
            };
            ece += images as f32 / n * (bin.accuracy - bin.mean_confidence).abs();
            bin
        })
        .collect();
    (ece, bins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_scores_match_hand_computation() {
        // truth/pred: real 3 (2 right, 1 -> partial), partial 2 (1 right, 1 -> full),
        // full 1 (right).
        let c = Confusion::from_pairs(3, [(0, 0), (0, 0), (0, 1), (1, 1), (1, 2), (2, 2)]);
        assert_eq!(c.total(), 6);
        assert!((c.accuracy() - 4.0 / 6.0).abs() < 1e-6);
        // real: tp 2, fp 0, fn 1 -> P 1, R 2/3, F1 0.8.
        let real = c.class(0);
        assert_eq!((real.precision, real.support), (1.0, 3));
        assert!((real.recall - 2.0 / 3.0).abs() < 1e-6);
        assert!((real.f1 - 0.8).abs() < 1e-6);
        // partial: tp 1, fp 1, fn 1 -> 0.5; full: tp 1, fp 1, fn 0 -> 2/3.
        assert!((c.class(1).f1 - 0.5).abs() < 1e-6);
        assert!((c.class(2).f1 - 2.0 / 3.0).abs() < 1e-6);
        assert!((c.macro_f1() - (0.8 + 0.5 + 2.0 / 3.0) / 3.0).abs() < 1e-6);
    }

    #[test]
    fn macro_f1_ignores_absent_classes() {
        let c = Confusion::from_pairs(3, [(1, 1), (1, 0)]);
        // Only "partial" occurs: tp 1, fn 1, fp 0 -> 2/3.
        assert!((c.macro_f1() - 2.0 / 3.0).abs() < 1e-6);
    }

    #[test]
    fn pixel_scores_match_hand_computation() {
        let map = [0.9, 0.6, 0.4, 0.1];
        let truth = [true, false, true, false];
        // threshold 0.5: tp 1, fp 1, fn 1 -> F1 0.5, IoU 1/3.
        let (f, iou) = pixel_scores(&map, &truth, 0.5);
        assert!((f - 0.5).abs() < 1e-6 && (iou - 1.0 / 3.0).abs() < 1e-6);
        // threshold 0.3: tp 2, fp 1 -> F1 0.8, IoU 2/3.
        let (f, iou) = pixel_scores(&map, &truth, 0.3);
        assert!((f - 0.8).abs() < 1e-6 && (iou - 2.0 / 3.0).abs() < 1e-6);
        // Nothing predicted, nothing true: perfect.
        assert_eq!(pixel_scores(&[0.0], &[false], 0.5), (1.0, 1.0));
    }

    #[test]
    fn false_positive_rate_counts_reals_called_fake() {
        // Four reals: real, partial, real, full -> 2 of 4.
        assert_eq!(false_positive_rate([0, 1, 0, 2]), Some((4, 2, 0.5)));
        assert_eq!(false_positive_rate(std::iter::empty()), None);
    }

    #[test]
    fn calibration_matches_hand_computation() {
        // Two bins. [0, 0.5): (0.2 wrong), (0.4 right) -> conf 0.3, acc 0.5, gap 0.2.
        // [0.5, 1]: (0.9 right), (1.0 right), (0.8 wrong) -> conf 0.9, acc 2/3, gap 0.2333.
        let items = [
            (0.2, false),
            (0.4, true),
            (0.9, true),
            (1.0, true),
            (0.8, false),
        ];
        let (ece, bins) = calibration(&items, 2);
        assert_eq!((bins[0].images, bins[1].images), (2, 3));
        assert!((bins[0].mean_confidence - 0.3).abs() < 1e-6);
        assert!((bins[1].accuracy - 2.0 / 3.0).abs() < 1e-6);
        let expected = 2.0 / 5.0 * 0.2 + 3.0 / 5.0 * (0.9 - 2.0 / 3.0);
        assert!((ece - expected).abs() < 1e-6, "{ece} vs {expected}");
        // Perfectly calibrated: every 1.0-confident verdict right.
        assert_eq!(calibration(&[(1.0, true), (1.0, true)], 10).0, 0.0);
    }
}
