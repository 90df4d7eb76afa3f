//! `forgelens eval`: runs a model directory over a dataset exactly as analysis does (the
//! `Analyzer`), then scores image-level verdicts overall, in-domain, cross-domain and per
//! generator (the paper's Table 2 shape), and each map (CAM, attention, fused) against the
//! ground-truth masks of partial fakes.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use forgelens_engine::image_input::{ImageLimits, read_image_file};
use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_engine::{Analyzer, Label};
use serde::{Deserialize, Serialize};

use super::metrics::{ClassScores, Confusion, pixel_scores};
use crate::data::mask::load_mask;
use crate::data::{DataError, Dataset, Sample, Split};

#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Which split to score; `None` = the test split when the data has one, else all.
    pub split: Option<Split>,
    /// Generators the model was trained on; empty = read from the model card.
    pub in_domain: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("no images in split `{0}`")]
    EmptySplit(Split),
    #[error("cancelled")]
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageScores {
    pub images: usize,
    pub accuracy: f32,
    pub macro_f1: f32,
    pub per_class: BTreeMap<String, ClassScores>,
    /// `confusion[truth][predicted]`, classes real, partial, full.
    pub confusion: Vec<Vec<usize>>,
}

impl ImageScores {
    fn from(confusion: &Confusion) -> Self {
        Self {
            images: confusion.total(),
            accuracy: confusion.accuracy(),
            macro_f1: confusion.macro_f1(),
            per_class: Label::ALL
                .iter()
                .map(|l| (l.name().to_string(), confusion.class(l.index())))
                .collect(),
            confusion: confusion.counts.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapScores {
    /// Partial fakes with a mask that were scored.
    pub images: usize,
    pub f1_at_0_5: f32,
    pub iou_at_0_5: f32,
    /// The best single threshold for all images, and its mean F1 and IoU.
    pub best_threshold: f32,
    pub best_f1: f32,
    pub best_iou: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PixelScores {
    /// Mean F1 of marking every pixel as manipulated: what a map must beat to mean anything.
    pub baseline_f1_all_pixels: f32,
    pub cam: MapScores,
    pub attention: MapScores,
    pub fused: MapScores,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratorScores {
    pub label: String,
    /// Fakes from this generator.
    pub fakes: usize,
    /// Share of them given their true class.
    pub recall: f32,
    /// Image scores on real images plus this generator's fakes.
    pub image: ImageScores,
    pub pixel: Option<PixelScores>,
    pub in_domain: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainScores {
    pub generators: Vec<String>,
    pub image: ImageScores,
    pub pixel: Option<PixelScores>,
}

/// The fusion net's own image-level classification scored like the verdict, to show what
/// the paper's choice of N_C as the decider gains or loses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FusionNetImageScores {
    pub image: ImageScores,
    pub in_domain: Option<ImageScores>,
    pub cross_domain: Option<ImageScores>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub model_id: String,
    pub model_name: String,
    pub data: PathBuf,
    pub split: Split,
    /// Every scored image.
    pub image: ImageScores,
    /// In-domain partial fakes (all partial fakes when the domain is unknown).
    pub pixel: Option<PixelScores>,
    pub in_domain: Option<DomainScores>,
    pub cross_domain: Option<DomainScores>,
    pub per_generator: BTreeMap<String, GeneratorScores>,
    /// Not the verdict: the fusion net's classification of the same images.
    #[serde(default)]
    pub fusion_net: Option<FusionNetImageScores>,
    /// Images that could not be analysed, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// Partial fakes without a usable mask (left out of pixel scores).
    pub partial_without_mask: usize,
    pub seconds: f64,
}

/// One analysed image: truth, prediction, and per-map pixel F1 / IoU at each threshold.
struct Scored {
    sample: Sample,
    predicted: usize,
    /// The fusion net's most probable class.
    fusion_predicted: Option<usize>,
    /// F1 of an all-ones map, for partial fakes with masks.
    baseline_f1: Option<f32>,
    /// `[map][threshold] -> (f1, iou)`, for partial fakes with masks.
    pixel: Option<[Vec<(f32, f32)>; 3]>,
}

const THRESHOLDS: usize = 19; // 0.05, 0.10, ..., 0.95

fn threshold(i: usize) -> f32 {
    (i + 1) as f32 * 0.05
}

fn map_scores(per_image: &[&[Vec<(f32, f32)>; 3]], map: usize) -> MapScores {
    let n = per_image.len().max(1) as f32;
    let mean = |t: usize| {
        let (f, i) = per_image
            .iter()
            .map(|s| s[map][t])
            .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        (f / n, i / n)
    };
    let at_half = mean(9);
    let (best_t, best) = (0..THRESHOLDS)
        .map(|t| (t, mean(t)))
        .max_by(|a, b| a.1.0.total_cmp(&b.1.0))
        .expect("thresholds are not empty");
    MapScores {
        images: per_image.len(),
        f1_at_0_5: at_half.0,
        iou_at_0_5: at_half.1,
        best_threshold: threshold(best_t),
        best_f1: best.0,
        best_iou: best.1,
    }
}

fn pixel_of<'a>(items: impl Iterator<Item = &'a Scored>) -> Option<PixelScores> {
    let items: Vec<&Scored> = items.filter(|s| s.pixel.is_some()).collect();
    let per_image: Vec<&[Vec<(f32, f32)>; 3]> =
        items.iter().filter_map(|s| s.pixel.as_ref()).collect();
    let baseline: f32 =
        items.iter().filter_map(|s| s.baseline_f1).sum::<f32>() / items.len().max(1) as f32;
    (!per_image.is_empty()).then(|| PixelScores {
        baseline_f1_all_pixels: baseline,
        cam: map_scores(&per_image, 0),
        attention: map_scores(&per_image, 1),
        fused: map_scores(&per_image, 2),
    })
}

fn confusion_of<'a>(items: impl Iterator<Item = &'a Scored>) -> Confusion {
    Confusion::from_pairs(3, items.map(|s| (s.sample.label.index(), s.predicted)))
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
        Some(ImageScores::from(&Confusion::from_pairs(3, pairs?)))
    };
    Some(FusionNetImageScores {
        image: confusion(&scored.iter().collect::<Vec<_>>())?,
        in_domain: in_domain.and_then(confusion),
        cross_domain: cross_domain.and_then(confusion),
    })
}

pub fn evaluate(
    analyzer: &Analyzer,
    dataset: &Dataset,
    options: &EvalOptions,
    progress: &dyn Fn(usize, usize),
    cancel: &CancelToken,
) -> Result<EvalReport, EvalError> {
    let start = Instant::now();
    let split = options.split.unwrap_or_else(|| {
        if dataset.samples.iter().any(|s| s.split == Split::Test) {
            Split::Test
        } else {
            Split::Unassigned
        }
    });
    let samples: Vec<&Sample> = dataset
        .samples
        .iter()
        .filter(|s| split == Split::Unassigned || s.split == split)
        .collect();
    if samples.is_empty() {
        return Err(EvalError::EmptySplit(split));
    }
    let in_domain: Vec<String> = if options.in_domain.is_empty() {
        analyzer.model().card.training_generators.clone()
    } else {
        options.in_domain.clone()
    };

    let mut scored = Vec::new();
    let mut skipped = dataset.skipped.clone();
    let mut partial_without_mask = 0;
    for (i, sample) in samples.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(EvalError::Cancelled);
        }
        progress(i, samples.len());
        let analysis = read_image_file(&sample.path, &ImageLimits::default())
            .map_err(|e| e.to_string())
            .and_then(|decoded| {
                analyzer
                    .analyze_image(&decoded, &no_progress(), cancel)
                    .map_err(|e| e.to_string())
            });
        let analysis = match analysis {
            Ok(a) => a,
            Err(why) => {
                skipped.push((sample.path.clone(), why));
                continue;
            }
        };
        let predicted = analysis.verdict.label.index();
        let fusion_predicted = analysis
            .fusion_probabilities
            .map(|p| p.most_likely().0.index());
        let mut baseline_f1 = None;
        let pixel = match (&sample.mask, sample.label) {
            (Some(mask), Label::Partial) => {
                match load_mask(mask, analysis.input.width, analysis.input.height) {
                    Ok(truth) => {
                        baseline_f1 = Some(pixel_scores(&vec![1.0; truth.len()], &truth, 0.5).0);
                        let maps = analysis.maps.iter();
                        Some(maps.map(|(_, map)| {
                            (0..THRESHOLDS)
                                .map(|t| pixel_scores(&map.values, &truth, threshold(t)))
                                .collect()
                        }))
                    }
                    Err(e) => {
                        skipped.push((mask.path.clone(), e.to_string()));
                        partial_without_mask += 1;
                        None
                    }
                }
            }
            (None, Label::Partial) => {
                partial_without_mask += 1;
                None
            }
            _ => None,
        };
        scored.push(Scored {
            sample: (*sample).clone(),
            predicted,
            fusion_predicted,
            baseline_f1,
            pixel,
        });
    }
    progress(samples.len(), samples.len());

    let mut generators: Vec<String> = scored
        .iter()
        .filter(|s| s.sample.label != Label::Real)
        .map(|s| s.sample.generator.clone())
        .collect();
    generators.sort();
    generators.dedup();
    // A generator can make both partial and full fakes: one row per (generator, class).
    let mut kinds: Vec<(String, Label)> = scored
        .iter()
        .filter(|s| s.sample.label != Label::Real)
        .map(|s| (s.sample.generator.clone(), s.sample.label))
        .collect();
    kinds.sort_by_key(|(g, l)| (g.clone(), l.index()));
    kinds.dedup();
    let reals = || scored.iter().filter(|s| s.sample.label == Label::Real);
    let mut per_generator = BTreeMap::new();
    for (g, class) in &kinds {
        let fakes: Vec<&Scored> = scored
            .iter()
            .filter(|s| s.sample.label == *class && s.sample.generator == *g)
            .collect();
        let right = fakes
            .iter()
            .filter(|s| s.predicted == s.sample.label.index())
            .count();
        let label = class.name().to_string();
        per_generator.insert(
            format!("{g}:{label}"),
            GeneratorScores {
                label,
                fakes: fakes.len(),
                recall: right as f32 / fakes.len().max(1) as f32,
                image: ImageScores::from(&confusion_of(reals().chain(fakes.iter().copied()))),
                pixel: pixel_of(fakes.iter().copied()),
                in_domain: in_domain.contains(g),
            },
        );
    }
    // Real images plus the fakes of the generators inside (or outside) the training domain.
    let domain_images = |inside: bool| -> Option<(Vec<String>, Vec<&Scored>)> {
        if in_domain.is_empty() {
            return None;
        }
        let names: Vec<String> = generators
            .iter()
            .filter(|g| in_domain.contains(g) == inside)
            .cloned()
            .collect();
        if names.is_empty() {
            return None;
        }
        let images = scored
            .iter()
            .filter(|s| s.sample.label == Label::Real || names.contains(&s.sample.generator))
            .collect();
        Some((names, images))
    };
    let inside = domain_images(true);
    let outside = domain_images(false);
    let domain = |d: &Option<(Vec<String>, Vec<&Scored>)>| {
        d.as_ref().map(|(names, images)| DomainScores {
            image: ImageScores::from(&confusion_of(images.iter().copied())),
            pixel: pixel_of(
                images
                    .iter()
                    .copied()
                    .filter(|s| s.sample.label != Label::Real),
            ),
            generators: names.clone(),
        })
    };
    let in_domain_scores = domain(&inside);
    let cross_domain_scores = domain(&outside);
    let fusion_net = fusion_net_scores(
        &scored,
        inside.as_ref().map(|(_, images)| images.as_slice()),
        outside.as_ref().map(|(_, images)| images.as_slice()),
    );
    let pixel = match &in_domain_scores {
        Some(d) => d.pixel.clone(),
        None => pixel_of(scored.iter()),
    };
    let model = analyzer.model();
    Ok(EvalReport {
        model_id: model.id(),
        model_name: model.config.name.clone(),
        data: dataset.root.clone(),
        split,
        image: ImageScores::from(&confusion_of(scored.iter())),
        pixel,
        in_domain: in_domain_scores,
        cross_domain: cross_domain_scores,
        per_generator,
        fusion_net,
        skipped,
        partial_without_mask,
        seconds: start.elapsed().as_secs_f64(),
    })
}
