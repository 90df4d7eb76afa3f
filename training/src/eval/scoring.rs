//! One image through the `Analyzer`, exactly as analysis runs it, optionally after a
//! processing step applied in memory (its mask moved with it): the predicted class, the
//! verdict's confidence, and each map's pixel F1 / IoU at every threshold.

use std::path::PathBuf;

use forgelens_engine::analysis::InputInfo;
use forgelens_engine::image_input::{DecodedImage, ImageLimits, read_image_file};
use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_engine::{Analyzer, Label};
use image::GrayImage;

use super::metrics::pixel_scores;
use crate::data::Sample;
use crate::data::mask::load_mask;
use crate::forge::laundering::{Step, apply_step};

/// Pixel thresholds 0.05, 0.10, ..., 0.95.
pub const THRESHOLDS: usize = 19;
/// The index of 0.5 among them.
pub const HALF: usize = 9;

pub fn threshold(i: usize) -> f32 {
    (i + 1) as f32 * 0.05
}

/// One analysed image.
#[derive(Debug, Clone)]
pub struct Scored {
    pub sample: Sample,
    pub predicted: usize,
    /// The verdict's probability.
    pub confidence: f32,
    /// The verdict was inconclusive (its top probability under the card's threshold).
    pub inconclusive: bool,
    /// The verdict's probabilities (real, partial, full), calibrated as the card says.
    pub probabilities: [f32; 3],
    /// The fusion net's most probable class.
    pub fusion_predicted: Option<usize>,
    /// F1 of an all-ones map, for partial fakes with masks.
    pub baseline_f1: Option<f32>,
    /// `[map][threshold] -> (f1, iou)`, maps cam, attention, fused; partial fakes with masks.
    pub pixel: Option<[Vec<(f32, f32)>; 3]>,
    /// A mask that could not be used, and why.
    pub mask_problem: Option<(PathBuf, String)>,
    /// The mean value of each map (cam, attention, fused) over the image.
    pub map_means: [f32; 3],
}

/// Reads, optionally perturbs (`step` with its noise seed) and analyses one sample; an
/// error is the reason it could not be analysed.
pub fn score(
    analyzer: &Analyzer,
    sample: &Sample,
    step: Option<(&Step, u64)>,
    cancel: &CancelToken,
) -> Result<Scored, String> {
    let decoded =
        read_image_file(&sample.path, &ImageLimits::default()).map_err(|e| e.to_string())?;
    let (width, height) = decoded.rgb.dimensions();
    let mut mask_problem = None;
    let truth = match (&sample.mask, sample.label) {
        (Some(mask), Label::Partial) => match load_mask(mask, width, height) {
            Ok(truth) => Some(truth),
            Err(e) => {
                mask_problem = Some((mask.path.clone(), e.to_string()));
                None
            }
        },
        _ => None,
    };
    let (image, truth) = match step {
        None => (decoded, truth),
        Some((step, seed)) => perturb(decoded, truth, step, seed)?,
    };
    let analysis = analyzer
        .analyze_image(&image, &no_progress(), cancel)
        .map_err(|e| e.to_string())?;
    let mut baseline_f1 = None;
    let mut pixel = None;
    if let Some(truth) = truth {
        let maps = analysis.maps.iter();
        if maps.iter().all(|(_, m)| m.values.len() == truth.len()) {
            baseline_f1 = Some(pixel_scores(&vec![1.0; truth.len()], &truth, 0.5).0);
            pixel = Some(maps.map(|(_, map)| {
                (0..THRESHOLDS)
                    .map(|t| pixel_scores(&map.values, &truth, threshold(t)))
                    .collect()
            }));
        } else if let Some(mask) = &sample.mask {
            mask_problem = Some((
                mask.path.clone(),
                "the maps and the mask differ in size".into(),
            ));
        }
    }
    Ok(Scored {
        sample: sample.clone(),
        predicted: analysis.verdict.label.index(),
        confidence: analysis.verdict.confidence,
        inconclusive: analysis.verdict.inconclusive,
        probabilities: analysis.probabilities.as_array(),
        fusion_predicted: analysis
            .fusion_probabilities
            .map(|p| p.most_likely().0.index()),
        baseline_f1,
        pixel,
        mask_problem,
        map_means: analysis.maps.iter().map(|(_, map)| {
            map.values.iter().map(|&v| f64::from(v)).sum::<f64>() as f32
                / map.values.len().max(1) as f32
        }),
    })
}

/// The image after `step`, with its mask (as booleans) moved the same way.
fn perturb(
    decoded: DecodedImage,
    truth: Option<Vec<bool>>,
    step: &Step,
    seed: u64,
) -> Result<(DecodedImage, Option<Vec<bool>>), String> {
    let (width, height) = decoded.rgb.dimensions();
    let mask = truth.map(|t| {
        GrayImage::from_vec(
            width,
            height,
            t.into_iter().map(|m| if m { 255 } else { 0 }).collect(),
        )
    });
    let mask = match mask {
        Some(None) => return Err("mask size does not match the image".into()),
        Some(Some(m)) => Some(m),
        None => None,
    };
    let (rgb, mask) =
        apply_step(step, &decoded.rgb, mask.as_ref(), seed).map_err(|e| format!("{step}: {e}"))?;
    let info = InputInfo {
        width: rgb.width(),
        height: rgb.height(),
        ..decoded.info
    };
    let truth = mask.map(|m| m.pixels().map(|p| p.0[0] >= 128).collect());
    Ok((
        DecodedImage {
            rgb,
            info,
            decode_ms: decoded.decode_ms,
        },
        truth,
    ))
}

/// A hand-made analysed image: `family` and `whole` describe the sample, `maps` are the
/// F1 of cam, attention and fused at every threshold (IoU half of it), for partial fakes.
/// The five hand-scored images the aggregate and group tests compute by hand: two real
/// (one whole, called partial), two inpainted (one called full), one full fake.
#[cfg(test)]
pub(crate) fn five_scored() -> [Scored; 5] {
    [
        hand_scored(Label::Real, "real", false, Label::Real, None),
        hand_scored(Label::Real, "real", true, Label::Partial, None),
        hand_scored(
            Label::Partial,
            "inpainting",
            false,
            Label::Partial,
            Some([0.5, 0.2, 0.8]),
        ),
        hand_scored(
            Label::Partial,
            "inpainting",
            false,
            Label::Full,
            Some([0.3, 0.4, 0.6]),
        ),
        hand_scored(Label::Full, "full-regeneration", false, Label::Full, None),
    ]
}

#[cfg(test)]
pub(crate) fn hand_scored(
    label: Label,
    family: &str,
    whole: bool,
    predicted: Label,
    maps: Option<[f32; 3]>,
) -> Scored {
    use crate::data::dataset::SampleKind;
    use crate::data::{Sample, Split};
    Scored {
        sample: Sample {
            path: PathBuf::from(format!("{family}.png")),
            label,
            mask: None,
            generator: if label == Label::Real {
                String::new()
            } else {
                format!("{family}-generator")
            },
            source: "photo".into(),
            split: Split::Test,
            family: family.into(),
            processing: "none".into(),
            sample: if whole {
                SampleKind::Whole
            } else {
                SampleKind::Crop
            },
        },
        predicted: predicted.index(),
        confidence: 0.9,
        inconclusive: false,
        probabilities: Label::ALL.map(|l| if l == predicted { 0.9 } else { 0.05 }),
        fusion_predicted: None,
        baseline_f1: maps.map(|_| 0.2),
        pixel: maps.map(|m| m.map(|f| vec![(f, f / 2.0); THRESHOLDS])),
        mask_problem: None,
        map_means: [0.0; 3],
    }
}
