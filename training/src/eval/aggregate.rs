//! Scores of a set of analysed images: confusion, pixel scores per map (at 0.5, at every
//! threshold, and the oracle), false positives on real images, calibration, and one row of
//! the robustness table.

use forgelens_engine::Label;

use super::metrics::{Confusion, calibration, false_positive_rate};
use super::report::{
    Calibration, FalsePositiveRate, FalsePositives, MapScores, MapsAtHalf, PixelScores,
    RealMapMeans, ReliabilityBin, RobustnessRow,
};
use super::scoring::{HALF, Scored, THRESHOLDS, threshold};
use crate::data::dataset::SampleKind;

pub fn confusion_of<'a>(items: impl Iterator<Item = &'a Scored>) -> Confusion {
    Confusion::from_pairs(3, items.map(|s| (s.sample.label.index(), s.predicted)))
}

type PerImage<'a> = &'a [Vec<(f32, f32)>; 3];

fn map_scores(per_image: &[PerImage<'_>], map: usize) -> MapScores {
    let n = per_image.len().max(1) as f32;
    let mean = |t: usize| {
        let (f, i) = per_image
            .iter()
            .map(|s| s[map][t])
            .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        (f / n, i / n)
    };
    let curve: Vec<(f32, f32)> = (0..THRESHOLDS).map(mean).collect();
    // The first threshold with the best F1 (ties go to the lower threshold).
    let oracle = (0..THRESHOLDS).fold(
        0,
        |best, t| {
            if curve[t].0 > curve[best].0 { t } else { best }
        },
    );
    let best = curve[oracle];
    MapScores {
        images: per_image.len(),
        f1_at_0_5: curve[HALF].0,
        iou_at_0_5: curve[HALF].1,
        oracle_threshold: threshold(oracle),
        oracle_f1: best.0,
        oracle_iou: best.1,
        val_threshold: None,
        f1_at_val_threshold: None,
        iou_at_val_threshold: None,
        f1_by_threshold: curve.iter().map(|c| c.0).collect(),
        iou_by_threshold: curve.iter().map(|c| c.1).collect(),
    }
}

/// Pixel scores of the partial fakes with masks among `items`.
pub fn pixel_of<'a>(items: impl Iterator<Item = &'a Scored>) -> Option<PixelScores> {
    let items: Vec<&Scored> = items.filter(|s| s.pixel.is_some()).collect();
    let per_image: Vec<PerImage<'_>> = items.iter().filter_map(|s| s.pixel.as_ref()).collect();
    let baseline: f32 =
        items.iter().filter_map(|s| s.baseline_f1).sum::<f32>() / items.len().max(1) as f32;
    (!per_image.is_empty()).then(|| PixelScores {
        baseline_f1_all_pixels: baseline,
        cam: map_scores(&per_image, 0),
        attention: map_scores(&per_image, 1),
        fused: map_scores(&per_image, 2),
    })
}

/// Mean F1 of each map at 0.5 over the partial fakes with masks among `items`.
pub fn maps_at_half<'a>(items: impl Iterator<Item = &'a Scored>) -> Option<MapsAtHalf> {
    let per_image: Vec<PerImage<'_>> = items.filter_map(|s| s.pixel.as_ref()).collect();
    let n = per_image.len();
    let mean = |map: usize| per_image.iter().map(|p| p[map][HALF].0).sum::<f32>() / n as f32;
    (n > 0).then(|| MapsAtHalf {
        images: n,
        cam: mean(0),
        attention: mean(1),
        fused: mean(2),
    })
}

fn rate<'a>(reals: impl Iterator<Item = &'a Scored> + Clone) -> Option<FalsePositiveRate> {
    let conclusive = reals.clone().filter(|s| !s.inconclusive);
    let conclusive_false_positives = conclusive.filter(|s| s.predicted != 0).count();
    let inconclusive = reals.clone().filter(|s| s.inconclusive).count();
    false_positive_rate(reals.map(|s| s.predicted)).map(|(images, false_positives, rate)| {
        FalsePositiveRate {
            images,
            false_positives,
            rate,
            inconclusive,
            conclusive_false_positives,
            conclusive_rate: conclusive_false_positives as f32 / images as f32,
        }
    })
}

/// Real images called partial or full: all of them, and the whole photographs alone.
/// The mean map values over the real images, `None` without any.
pub fn real_map_means(scored: &[Scored]) -> Option<RealMapMeans> {
    let reals: Vec<&Scored> = scored
        .iter()
        .filter(|s| s.sample.label.index() == 0)
        .collect();
    let n = reals.len();
    (n > 0).then(|| {
        let mean = |i: usize| reals.iter().map(|s| s.map_means[i]).sum::<f32>() / n as f32;
        RealMapMeans {
            images: n,
            cam: mean(0),
            attention: mean(1),
            fused: mean(2),
        }
    })
}

pub fn false_positives(scored: &[Scored]) -> FalsePositives {
    let reals = || scored.iter().filter(|s| s.sample.label == Label::Real);
    FalsePositives {
        real: rate(reals()),
        real_whole: rate(reals().filter(|s| s.sample.sample == SampleKind::Whole)),
    }
}

/// The verdict's confidence against its correctness, in 10 bins.
pub fn calibration_of(scored: &[Scored]) -> Calibration {
    const BINS: usize = 10;
    let items: Vec<(f32, bool)> = scored
        .iter()
        .map(|s| (s.confidence, s.predicted == s.sample.label.index()))
        .collect();
    let (ece, bins) = calibration(&items, BINS);
    Calibration {
        ece,
        bins: bins
            .into_iter()
            .enumerate()
            .map(|(i, b)| ReliabilityBin {
                from: i as f32 / BINS as f32,
                to: (i + 1) as f32 / BINS as f32,
                images: b.images,
                mean_confidence: b.mean_confidence,
                accuracy: b.accuracy,
            })
            .collect(),
    }
}

/// One condition's row of the robustness table.
pub fn robustness_row(condition: &str, scored: &[Scored], skipped: usize) -> RobustnessRow {
    let confusion = confusion_of(scored.iter());
    RobustnessRow {
        condition: condition.to_string(),
        images: scored.len(),
        skipped,
        macro_f1: confusion.macro_f1(),
        partial_recall: confusion.class(Label::Partial.index()).recall,
        full_recall: confusion.class(Label::Full.index()).recall,
        real_fpr: false_positives(scored).real.map(|r| r.rate),
        fused_f1_at_0_5: maps_at_half(scored.iter()).map(|m| m.fused),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::scoring::five_scored;

    #[test]
    fn real_map_means_average_the_real_images_only() {
        let mut scored = five_scored();
        for (i, s) in scored.iter_mut().enumerate() {
            // Real images get 0.1 and 0.3 (cam), fakes 0.9, which must not count.
            s.map_means = if s.sample.label == Label::Real {
                [0.1 + 0.2 * (i % 2) as f32, 0.05, 0.2]
            } else {
                [0.9; 3]
            };
        }
        let reals = scored
            .iter()
            .filter(|s| s.sample.label == Label::Real)
            .count();
        let means = real_map_means(&scored).expect("reals");
        assert_eq!(means.images, reals);
        let expected_cam = scored
            .iter()
            .filter(|s| s.sample.label == Label::Real)
            .map(|s| s.map_means[0])
            .sum::<f32>()
            / reals as f32;
        assert!((means.cam - expected_cam).abs() < 1e-6);
        assert!(means.cam < 0.5 && (means.attention - 0.05).abs() < 1e-6);
        assert!((means.fused - 0.2).abs() < 1e-6);
        let fakes: Vec<Scored> = scored
            .into_iter()
            .filter(|s| s.sample.label != Label::Real)
            .collect();
        assert_eq!(real_map_means(&fakes), None);
    }

    #[test]
    fn false_positives_and_a_robustness_row_match_hand_computation() {
        let scored = five_scored();
        let fp = false_positives(&scored);
        let real = fp.real.expect("reals");
        assert_eq!((real.images, real.false_positives, real.rate), (2, 1, 0.5));
        let whole = fp.real_whole.expect("a whole photograph");
        assert_eq!(
            (whole.images, whole.false_positives, whole.rate),
            (1, 1, 1.0)
        );
        // The real image called partial was inconclusive: no conclusive false positive.
        let mut abstained = scored.clone();
        for s in abstained
            .iter_mut()
            .filter(|s| s.sample.label == Label::Real && s.predicted != 0)
        {
            s.inconclusive = true;
        }
        let real = false_positives(&abstained).real.expect("reals");
        assert_eq!(
            (
                real.false_positives,
                real.inconclusive,
                real.conclusive_false_positives
            ),
            (1, 1, 0)
        );
        assert_eq!(real.conclusive_rate, 0.0);
        let all = false_positives(&scored).real.expect("reals");
        assert_eq!((all.conclusive_false_positives, all.inconclusive), (1, 0));

        let row = robustness_row("jpeg:75", &scored, 1);
        // Confusion: real [1, 1, 0], partial [0, 1, 1], full [0, 0, 1]: F1 real 2/3,
        // partial 1/2 (tp 1, fp 1, fn 1), full 2/3 (tp 1, fp 1).
        let macro_f1 = (2.0 / 3.0 + 0.5 + 2.0 / 3.0) / 3.0;
        assert!((row.macro_f1 - macro_f1).abs() < 1e-6);
        assert_eq!((row.partial_recall, row.full_recall), (0.5, 1.0));
        assert_eq!((row.real_fpr, row.images, row.skipped), (Some(0.5), 5, 1));
        assert!((row.fused_f1_at_0_5.expect("masks") - 0.7).abs() < 1e-6);

        let pixel = pixel_of(scored.iter()).expect("masks");
        assert_eq!(pixel.fused.images, 2);
        assert!((pixel.cam.f1_at_0_5 - 0.4).abs() < 1e-6);
        assert!((pixel.cam.iou_at_0_5 - 0.2).abs() < 1e-6);
        assert!((pixel.baseline_f1_all_pixels - 0.2).abs() < 1e-6);
        // A flat curve: the oracle is the first threshold with the best F1.
        assert_eq!(pixel.cam.oracle_threshold, 0.05);
    }
}
