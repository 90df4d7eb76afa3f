//! What a run trains and validates on, prepared once before the first stage: the split
//! samples with their cached extractor features (stages 1-4), the decoded images for the
//! fusion net (stage 5), and the val images the attention snapshots follow.

use std::path::Path;

use forgelens_engine::Label;
use forgelens_engine::extractor::Extractor;
use forgelens_engine::image_input::{ImageLimits, read_image_file};
use forgelens_engine::model::load_extractor;
use forgelens_engine::progress::CancelToken;

use super::attention_snapshots::choose_images;
use super::config::TrainingConfig;
use super::data::{self, Part, fusion_view};
use super::events::{EventSink, TrainEvent};
use super::run::{TrainError, TrainOptions};
use super::stages::localisation::ImagePart;
use crate::data::{Dataset, FeatureCache, Sample};

/// A run's data in memory, with the config it was prepared under.
pub struct RunData {
    pub config: TrainingConfig,
    pub train: Part,
    pub val: Part,
    pub train_images: ImagePart,
    pub val_images: ImagePart,
    /// The val images each localisation epoch snapshots (`attention_snapshots`).
    pub snapshot_rows: Vec<usize>,
}

/// `RunData` and what the final model is built from.
pub struct Prepared {
    pub data: RunData,
    pub extractor: Extractor,
    /// Where the extractor's weights came from, for the model card.
    pub provenance: String,
    pub dataset: Dataset,
}

/// Opens the data, splits it, computes (or reads cached) features and decodes the images.
pub fn prepare(
    config: TrainingConfig,
    options: &TrainOptions,
    events: &dyn EventSink,
    cancel: &CancelToken,
) -> Result<Prepared, TrainError> {
    let dataset = Dataset::open(&options.data)?;
    for (path, why) in &dataset.skipped {
        events.emit(TrainEvent::Warning(format!(
            "skipped {}: {why}",
            path.display()
        )));
    }
    let (mut train_samples, mut val_samples) = data::split_samples(&dataset, &config);
    train_samples.retain(|s| config.trains_on_family(s));
    val_samples.retain(|s| config.trains_on_family(s));
    for family in config.family_filter() {
        if !dataset.samples.iter().any(|s| &s.family == family) {
            events.emit(TrainEvent::Warning(format!(
                "no image of family `{family}` in the data"
            )));
        }
    }

    // E runs once per image, on the plain device; its features are cached.
    let plain = options.device.clone().without_autodiff();
    let (extractor, provenance) = load_extractor(
        &config.model.extractor,
        config.extractor_weights.as_deref(),
        &plain,
    )?;
    let cache = FeatureCache::new(
        &options.cache_dir,
        &config.model.extractor,
        config.model.detector_input(),
    );
    let features_for = |samples: Vec<Sample>, what: &str| -> Result<Part, TrainError> {
        let progress = |done: usize, total: usize| {
            events.emit(TrainEvent::Preparing {
                what: what.to_string(),
                done,
                total,
            })
        };
        let features = cache.features(
            &data::paths(&samples),
            &config.model.extractor,
            &extractor,
            &plain,
            &progress,
            cancel,
        )?;
        for (path, why) in &features.skipped {
            events.emit(TrainEvent::Warning(format!(
                "skipped unreadable image {}: {why}",
                path.display()
            )));
        }
        Ok(Part { samples, features })
    };
    let train = features_for(train_samples, "features (train)")?;
    let val = features_for(val_samples, "features (val)")?;
    let counts = train.counts();
    for (k, label) in Label::ALL.iter().enumerate() {
        if counts[k] == 0 {
            return Err(TrainError::MissingClass(label.name()));
        }
    }
    if val.is_empty() {
        return Err(TrainError::NoValidation);
    }
    let tile = config.model.fusion.image_size as u32;
    let load_images = |part: &Part, what: &str| -> Result<ImagePart, TrainError> {
        let mut images = Vec::new();
        let mut labels = Vec::new();
        let mut names = Vec::new();
        for (n, &i) in part.features.kept.iter().enumerate() {
            if cancel.is_cancelled() {
                return Err(TrainError::Cancelled);
            }
            let sample = &part.samples[i];
            match read_image_file(&sample.path, &ImageLimits::default()) {
                Ok(decoded) => {
                    images.push(fusion_view(&decoded.rgb, tile));
                    labels.push(sample.label);
                    names.push(name_in(&sample.path, &dataset.root));
                }
                Err(e) => events.emit(TrainEvent::Warning(e.to_string())),
            }
            events.emit(TrainEvent::Preparing {
                what: what.to_string(),
                done: n + 1,
                total: part.len(),
            });
        }
        Ok(ImagePart {
            images,
            labels,
            names,
        })
    };
    let train_images = load_images(&train, "images (train)")?;
    let val_images = load_images(&val, "images (val)")?;
    let snapshot_rows = choose_images(
        &val_images.names,
        &val_images.labels,
        config.attention_snapshot_count(),
    );

    Ok(Prepared {
        data: RunData {
            config,
            train,
            val,
            train_images,
            val_images,
            snapshot_rows,
        },
        extractor,
        provenance,
        dataset,
    })
}

/// `path` under `root`, `/`-separated (the whole path when it is not under `root`).
fn name_in(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
