//! A run's data in memory: which images train and which validate, the cached extractor
//! features for stages 1-4, and decoded pixels for the fusion net (stage 5).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use burn::tensor::{Device, Int, Tensor, TensorData};
use forgelens_engine::Label;
use image::{RgbImage, imageops};

use super::config::TrainingConfig;
use crate::data::{CachedFeatures, Dataset, Sample, Split};

/// Images of one role (train or val) with their labels and cached features.
pub struct Part {
    pub samples: Vec<Sample>,
    pub features: CachedFeatures,
}

impl Part {
    pub fn len(&self) -> usize {
        self.features.kept.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Label of feature row `r`.
    pub fn label(&self, r: usize) -> Label {
        self.samples[self.features.kept[r]].label
    }

    pub fn counts(&self) -> [usize; 3] {
        let mut c = [0; 3];
        for r in 0..self.len() {
            c[self.label(r).index()] += 1;
        }
        c
    }
}

/// Inverse-frequency class weights, normalised to mean 1 (absent classes get 0).
pub fn class_weights(counts: [usize; 3]) -> [f32; 3] {
    let present = counts.iter().filter(|&&c| c > 0).count().max(1) as f32;
    let total: usize = counts.iter().sum();
    let mut w = [0.0; 3];
    for k in 0..3 {
        if counts[k] > 0 {
            w[k] = total as f32 / (present * counts[k] as f32);
        }
    }
    w
}

/// One batch for stages 1-4.
pub struct DetectorBatch {
    /// `[batch, tokens, width]`.
    pub tokens: Tensor<3>,
    /// `[batch]`.
    pub labels: Tensor<1, Int>,
    /// `[batch]` 0/1 per class.
    pub is_class: [Tensor<1>; 3],
    pub size: usize,
}

impl DetectorBatch {
    pub fn new(part: &Part, rows: &[usize], device: &Device) -> Self {
        let labels: Vec<usize> = rows.iter().map(|&r| part.label(r).index()).collect();
        let mask = |k: usize| {
            let v: Vec<f32> = labels.iter().map(|&l| f32::from(l == k)).collect();
            Tensor::<1>::from_floats(v.as_slice(), device)
        };
        Self {
            tokens: part.features.batch(rows, device),
            labels: Tensor::from_data(
                TensorData::new(
                    labels.iter().map(|&l| l as i64).collect::<Vec<_>>(),
                    [rows.len()],
                ),
                device,
            ),
            is_class: [mask(0), mask(1), mask(2)],
            size: rows.len(),
        }
    }
}

/// Which split a sample trains in: the data's own, or by hash of its source.
pub fn role(sample: &Sample, config: &TrainingConfig) -> Split {
    match sample.split {
        Split::Unassigned => {
            let mut h = DefaultHasher::new();
            (config.seed, &sample.source).hash(&mut h);
            let u = (h.finish() % 10_000) as f32 / 10_000.0;
            if u < config.val_fraction {
                Split::Val
            } else {
                Split::Train
            }
        }
        s => s,
    }
}

/// Whether a sample belongs in training under the generator filter.
pub fn in_domain(sample: &Sample, config: &TrainingConfig) -> bool {
    sample.label == Label::Real
        || config.train_generators.is_empty()
        || config.train_generators.contains(&sample.generator)
}

/// `(train, val)` samples.
pub fn split_samples(dataset: &Dataset, config: &TrainingConfig) -> (Vec<Sample>, Vec<Sample>) {
    let mut train = Vec::new();
    let mut val = Vec::new();
    for s in dataset.samples.iter().filter(|s| in_domain(s, config)) {
        match role(s, config) {
            Split::Train => train.push(s.clone()),
            Split::Val => val.push(s.clone()),
            _ => {}
        }
    }
    (train, val)
}

pub fn paths(samples: &[Sample]) -> Vec<PathBuf> {
    samples.iter().map(|s| s.path.clone()).collect()
}

/// The fusion net's training view of an image: scaled up if smaller than a tile (as
/// analysis does), kept at native resolution otherwise.
pub fn fusion_view(image: &RgbImage, tile: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let short = w.min(h);
    if short >= tile {
        return image.clone();
    }
    let s = f64::from(tile) / f64::from(short);
    let nw = ((f64::from(w) * s).round() as u32).max(tile);
    let nh = ((f64::from(h) * s).round() as u32).max(tile);
    imageops::resize(image, nw, nh, imageops::FilterType::CatmullRom)
}
