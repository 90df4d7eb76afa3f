//! The evaluation report: plain serde data with stable keys (what `eval --json` prints and
//! `--write-card` stores). Thresholds chosen on the scored split itself are named `oracle`;
//! thresholds chosen on val are applied to a report with `apply_val_thresholds`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use forgelens_engine::Label;
use serde::{Deserialize, Serialize};

use super::metrics::{ClassScores, Confusion};
use crate::data::Split;

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
    pub fn from_confusion(confusion: &Confusion) -> Self {
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

    /// Recall of one class (0 when it does not occur).
    pub fn recall(&self, label: Label) -> f32 {
        self.per_class.get(label.name()).map_or(0.0, |c| c.recall)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapScores {
    /// Partial fakes with a mask that were scored.
    pub images: usize,
    pub f1_at_0_5: f32,
    pub iou_at_0_5: f32,
    /// The best single threshold on the scored split itself, and its mean F1 and IoU: an
    /// oracle (chosen on the data it scores), never a test result.
    pub oracle_threshold: f32,
    pub oracle_f1: f32,
    pub oracle_iou: f32,
    /// The threshold chosen on val (`eval --thresholds-from`), and the scores there.
    pub val_threshold: Option<f32>,
    pub f1_at_val_threshold: Option<f32>,
    pub iou_at_val_threshold: Option<f32>,
    /// Mean F1 and IoU at the thresholds 0.05, 0.10, ..., 0.95.
    pub f1_by_threshold: Vec<f32>,
    pub iou_by_threshold: Vec<f32>,
}

impl MapScores {
    /// Scores at the listed threshold nearest to `t` (the curves' grid is 0.05).
    fn apply_threshold(&mut self, t: f32) {
        let i = ((t / 0.05).round() as usize).saturating_sub(1);
        self.val_threshold = Some(t);
        self.f1_at_val_threshold = self.f1_by_threshold.get(i).copied();
        self.iou_at_val_threshold = self.iou_by_threshold.get(i).copied();
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PixelScores {
    /// Mean F1 of marking every pixel as manipulated: what a map must beat to mean anything.
    pub baseline_f1_all_pixels: f32,
    pub cam: MapScores,
    pub attention: MapScores,
    pub fused: MapScores,
}

impl PixelScores {
    fn maps_mut(&mut self) -> [&mut MapScores; 3] {
        [&mut self.cam, &mut self.attention, &mut self.fused]
    }
}

/// Mean pixel F1 of each map at 0.5 over a row's partial fakes with masks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapsAtHalf {
    pub images: usize,
    pub cam: f32,
    pub attention: f32,
    pub fused: f32,
}

/// The mean value of each map over real images (on the maps' fixed scales, a real image's
/// maps should stay cold), averaged over the images.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RealMapMeans {
    pub images: usize,
    pub cam: f32,
    pub attention: f32,
    pub fused: f32,
}

/// How many images of a row were given each class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PredictedClasses {
    pub real: usize,
    pub partial: usize,
    pub full: usize,
}

/// One row of the per-family or per-generator table (the paper's Table 2 shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupScores {
    /// The row's family (for a generator row, its fakes' family, or `mixed`).
    pub family: String,
    /// The true class of the row's images.
    pub label: String,
    pub images: usize,
    /// Share of the row's images given their true class.
    pub recall: f32,
    pub predicted: PredictedClasses,
    /// Partial fakes with masks only.
    pub pixel_f1_at_0_5: Option<MapsAtHalf>,
    /// Whether training saw this family (or generator); `None` for real images and when
    /// the model card does not say.
    pub in_domain: Option<bool>,
    /// Real images plus this row's fakes, scored together (only the reals for `real`).
    pub image: ImageScores,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainScores {
    /// `families` (the model card's training families) or `generators` (older cards, or
    /// `--in-domain`).
    pub decided_by: String,
    /// The scored fakes' families and generators on this side of the line.
    pub families: Vec<String>,
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

/// Real images called partial or full (the most probable class), and how many of those
/// calls were conclusive: what an analyst is told, with inconclusive verdicts set apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FalsePositiveRate {
    pub images: usize,
    pub false_positives: usize,
    pub rate: f32,
    /// Real images whose verdict was inconclusive.
    #[serde(default)]
    pub inconclusive: usize,
    /// Real images conclusively called partial or full, and their share of `images`.
    #[serde(default)]
    pub conclusive_false_positives: usize,
    #[serde(default)]
    pub conclusive_rate: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FalsePositives {
    /// Every real image scored.
    pub real: Option<FalsePositiveRate>,
    /// Real images that are whole photographs (`sample == whole`), not crops.
    pub real_whole: Option<FalsePositiveRate>,
}

/// One bin of the reliability diagram: verdicts whose confidence falls in `[from, to)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    pub from: f32,
    pub to: f32,
    pub images: usize,
    pub mean_confidence: f32,
    pub accuracy: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Expected calibration error of the verdict's confidence (10 equal bins).
    pub ece: f32,
    pub bins: Vec<ReliabilityBin>,
}

/// One condition of the robustness table (`eval --perturb`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobustnessRow {
    /// `none`, or the processing step applied to every image (`jpeg:75`, `resize:0.5`).
    pub condition: String,
    pub images: usize,
    pub skipped: usize,
    pub macro_f1: f32,
    pub partial_recall: f32,
    pub full_recall: f32,
    /// Real images called partial or full (`None` without real images).
    pub real_fpr: Option<f32>,
    /// Mean fused-map F1 at 0.5 over partial fakes with masks.
    pub fused_f1_at_0_5: Option<f32>,
}

/// What was scored and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopeInfo {
    /// Only real images and fakes of these families were scored (empty = every family).
    pub families: Vec<String>,
    /// Said when the split was not asked for and is not a test split.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub model_id: String,
    pub model_name: String,
    pub data: PathBuf,
    /// The scored split (`unassigned`: data without splits, every image).
    pub split: Split,
    pub scope: ScopeInfo,
    /// Every scored image.
    pub image: ImageScores,
    pub false_positives: FalsePositives,
    /// `None` without real images, and in reports written before it was measured.
    #[serde(default)]
    pub real_maps: Option<RealMapMeans>,
    pub calibration: Calibration,
    /// In-domain partial fakes (all partial fakes when the domain is unknown).
    pub pixel: Option<PixelScores>,
    pub in_domain: Option<DomainScores>,
    pub cross_domain: Option<DomainScores>,
    /// Keyed by family name.
    pub per_family: BTreeMap<String, GroupScores>,
    /// Keyed by `generator:label` (a generator can make partial and full fakes).
    pub per_generator: BTreeMap<String, GroupScores>,
    /// Not the verdict: the fusion net's classification of the same images.
    pub fusion_net: Option<FusionNetImageScores>,
    /// `none` first, then each `--perturb` condition; empty without `--perturb`.
    pub robustness: Vec<RobustnessRow>,
    /// Images that could not be analysed, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// Partial fakes without a usable mask (left out of pixel scores).
    pub partial_without_mask: usize,
    pub seconds: f64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ThresholdError {
    #[error("the thresholds must come from an evaluation of the val split, not `{0}`")]
    NotVal(Split),
    #[error("the val report is of model {val}, this one of {this}")]
    OtherModel { val: String, this: String },
    #[error("the val report has no pixel scores to take thresholds from")]
    NoPixelScores,
}

impl EvalReport {
    /// Scores every pixel aggregate at the thresholds `val` found best for each map (its
    /// own oracle, which is a fair choice for any other split).
    pub fn apply_val_thresholds(&mut self, val: &EvalReport) -> Result<(), ThresholdError> {
        if val.split != Split::Val {
            return Err(ThresholdError::NotVal(val.split));
        }
        if val.model_id != self.model_id {
            return Err(ThresholdError::OtherModel {
                val: val.model_id.clone(),
                this: self.model_id.clone(),
            });
        }
        let chosen = val.pixel.as_ref().ok_or(ThresholdError::NoPixelScores)?;
        let thresholds = [
            chosen.cam.oracle_threshold,
            chosen.attention.oracle_threshold,
            chosen.fused.oracle_threshold,
        ];
        let aggregates = [
            self.pixel.as_mut(),
            self.in_domain.as_mut().and_then(|d| d.pixel.as_mut()),
            self.cross_domain.as_mut().and_then(|d| d.pixel.as_mut()),
        ];
        for pixel in aggregates.into_iter().flatten() {
            for (map, t) in pixel.maps_mut().into_iter().zip(thresholds) {
                map.apply_threshold(t);
            }
        }
        Ok(())
    }
}
