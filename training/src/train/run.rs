//! A training run end to end: data and features, the staged plan, the epoch loop with
//! checkpoints and metrics, the figures, and the final model directory.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamWConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::Device;
use forgelens_engine::Label;
use forgelens_engine::files::write_atomic;
use forgelens_engine::image_input::{ImageLimits, read_image_file};
use forgelens_engine::model::{ModelCard, load_extractor, save_model_dir};
use forgelens_engine::progress::CancelToken;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;

use super::attention_snapshots::{
    SnapshotMaps, choose_images, epoch_dir, prune_snapshots, save_snapshot, tile_maps,
};
use super::checkpoint::{self, CheckpointError, CheckpointState};
use super::config::{OptimizerConfig, TrainingConfig};
use super::data::{self, DetectorBatch, Part, class_weights, fusion_view};
use super::events::{EpochRecord, EventSink, TrainEvent};
use super::figures;
use super::networks::Networks;
use super::stages::localisation::ImagePart;
use super::stages::{self, Losses, Stage};
use crate::data::{DataError, Dataset, FeatureCache, FeatureCacheError};

pub const CONFIG_FILE: &str = "training.json";
pub const METRICS_FILE: &str = "metrics.jsonl";
pub const MODEL_DIR: &str = "model";

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Features(#[from] FeatureCacheError),
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "no training images of class `{0}` (after the generator filter and the split); training needs all three classes"
    )]
    MissingClass(&'static str),
    #[error("no validation images: the data has no val split and val_fraction is 0")]
    NoValidation,
    #[error("{0} already holds a run; pass --resume to continue it or choose another folder")]
    RunExists(PathBuf),
    #[error("{0} holds no run to resume (no {CONFIG_FILE})")]
    NothingToResume(PathBuf),
    #[error("invalid {CONFIG_FILE}: {0}")]
    Config(String),
    #[error("writing the model: {0}")]
    Model(#[from] forgelens_engine::model::ModelDirError),
    #[error("loading the fusion net's pretrained stem: {0}")]
    PretrainedStem(#[from] forgelens_engine::extractor::ImportError),
    #[error("cancelled; resume with --resume")]
    Cancelled,
    #[error(
        "the {stage} stage's validation gave no `{metric}`, the metric that chooses its best epoch"
    )]
    MissingMetric { stage: String, metric: &'static str },
    #[error("attention snapshot {path}: {message}")]
    Snapshot { path: PathBuf, message: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TrainError + '_ {
    move |source| TrainError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub struct TrainOptions {
    pub data: PathBuf,
    pub out: PathBuf,
    /// Continue the run in `out` from its last checkpoint.
    pub resume: bool,
    /// Where extractor features are cached (shared between runs).
    pub cache_dir: PathBuf,
    pub device: Device,
}

/// The default feature cache: `$XDG_CACHE_HOME/forgelens/features` or `~/.cache/...`.
pub fn default_cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("forgelens").join("features")
}

/// One step of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub stage: Stage,
    /// 1-based round for stages 2 and 3; 0 otherwise.
    pub round: usize,
    pub epochs: usize,
}

impl Phase {
    pub fn name(&self) -> String {
        if self.round > 0 {
            format!("{}-r{}", self.stage, self.round)
        } else {
            self.stage.to_string()
        }
    }
}

/// Teacher, R rounds of students then generalizers, classifier, localisation.
pub fn plan(config: &TrainingConfig) -> Vec<Phase> {
    let mut phases = vec![Phase {
        stage: Stage::Teacher,
        round: 0,
        epochs: config.teacher_epochs,
    }];
    for round in 1..=config.rounds.max(1) {
        phases.push(Phase {
            stage: Stage::Students,
            round,
            epochs: config.student_epochs,
        });
        phases.push(Phase {
            stage: Stage::Generalizers,
            round,
            epochs: config.generalizer_epochs,
        });
    }
    phases.push(Phase {
        stage: Stage::Classifier,
        round: 0,
        epochs: config.classifier_epochs,
    });
    phases.push(Phase {
        stage: Stage::Localisation,
        round: 0,
        epochs: config.localisation_epochs,
    });
    phases
}

#[derive(Debug, Clone)]
pub struct TrainSummary {
    pub model_dir: PathBuf,
    pub seconds: f64,
    pub train_images: usize,
    pub val_images: usize,
}

fn optimizer(config: &OptimizerConfig) -> ModuleOptimizer {
    AdamWConfig::new()
        .with_weight_decay(config.weight_decay)
        .with_epsilon(config.epsilon)
        .init()
}

struct Run<'a> {
    config: TrainingConfig,
    options: &'a TrainOptions,
    events: &'a dyn EventSink,
    cancel: &'a CancelToken,
    device: Device,
    train: Part,
    val: Part,
    train_images: ImagePart,
    val_images: ImagePart,
    /// The val images each localisation epoch snapshots (`attention_snapshots`).
    snapshot_rows: Vec<usize>,
    elapsed_before: f64,
    started: Instant,
}

/// Whether `dir` holds more than what a run killed before writing its config leaves: the
/// hidden temporary file of that first atomic write.
fn holds_anything(dir: &Path) -> std::io::Result<bool> {
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if !forgelens_engine::files::is_temporary_for(&name, CONFIG_FILE) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Trains (or resumes) a run and writes `out/model`.
pub fn train(
    config: TrainingConfig,
    options: &TrainOptions,
    events: &dyn EventSink,
    cancel: &CancelToken,
) -> Result<TrainSummary, TrainError> {
    let out = &options.out;
    let config_path = out.join(CONFIG_FILE);
    let config = if options.resume {
        if !config_path.is_file() {
            return Err(TrainError::NothingToResume(out.clone()));
        }
        TrainingConfig::read(&config_path)
            .map_err(|e| TrainError::Config(format!("{}: {e}", config_path.display())))?
    } else {
        config.check().map_err(TrainError::Config)?;
        if out.is_dir() && holds_anything(out).map_err(io(out))? {
            return Err(TrainError::RunExists(out.clone()));
        }
        fs::create_dir_all(out).map_err(io(out))?;
        let json = serde_json::to_string_pretty(&config).expect("config serialises");
        write_atomic(&config_path, json.as_bytes()).map_err(io(&config_path))?;
        config
    };

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
    let features_for =
        |samples: Vec<crate::data::Sample>, what: &str| -> Result<Part, TrainError> {
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

    let mut run = Run {
        device: options.device.clone().autodiff(),
        config,
        options,
        events,
        cancel,
        train,
        val,
        train_images,
        val_images,
        snapshot_rows,
        elapsed_before: 0.0,
        started: Instant::now(),
    };
    run.execute(extractor, provenance, &dataset)
}

impl Run<'_> {
    fn elapsed(&self) -> f64 {
        self.elapsed_before + self.started.elapsed().as_secs_f64()
    }

    fn execute(
        &mut self,
        extractor: forgelens_engine::extractor::Extractor,
        provenance: String,
        dataset: &Dataset,
    ) -> Result<TrainSummary, TrainError> {
        let out = self.options.out.clone();
        let phases = plan(&self.config);
        let restored = if self.options.resume {
            checkpoint::restore(&out, &self.config.model, &self.device)?
        } else {
            None
        };
        let resumed = restored.as_ref().map(|r| {
            let name = phases
                .get(r.state.phase)
                .map(Phase::name)
                .unwrap_or_else(|| "the end".into());
            format!("{name}, after epoch {}", r.state.epochs_done)
        });
        self.events.emit(TrainEvent::Started {
            run_dir: out.clone(),
            phases: phases.iter().map(Phase::name).collect(),
            resumed,
            train_images: self.train.len(),
            val_images: self.val.len(),
        });
        let (mut networks, mut position) = match restored {
            Some(r) => {
                self.elapsed_before = r.state.elapsed_seconds;
                // Lines written after the checkpoint belong to the lost epoch.
                self.truncate_metrics(r.state.phase, r.state.epochs_done)?;
                let localisation = phases.len() - 1;
                if r.state.phase <= localisation {
                    let kept = if r.state.phase == localisation {
                        r.state.epochs_done
                    } else {
                        0
                    };
                    prune_snapshots(&out, kept)?;
                }
                let position = (r.state, r.best, r.optimizer);
                (r.networks, Some(position))
            }
            None => {
                self.device.seed(self.config.seed);
                // The fusion net here is a placeholder: localisation draws its own
                // (`Networks::fresh_fusion`).
                let n = Networks::init(&self.config.model, &self.device);
                fs::write(out.join(METRICS_FILE), b"").map_err(io(&out.join(METRICS_FILE)))?;
                (n, None)
            }
        };

        let start_phase = position.as_ref().map_or(0, |p| p.0.phase);
        for (index, phase) in phases.iter().enumerate().skip(start_phase) {
            let resume_here = position.take().filter(|p| p.0.phase == index);
            if index == 1 && resume_here.as_ref().is_none_or(|p| p.0.epochs_done == 0) {
                // Figure 3's "before": the students as they start.
                self.figure_densities(&networks, "before")?;
            }
            networks = self.run_phase(index, phase, networks, resume_here)?;
            if phase.stage == Stage::Generalizers && phase.round == self.config.rounds.max(1) {
                self.figure_densities(&networks, "after")?;
            }
            if phase.stage == Stage::Classifier {
                self.figure_embedding(&networks)?;
            }
        }

        let model_dir = out.join(MODEL_DIR);
        if model_dir.exists() {
            fs::remove_dir_all(&model_dir).map_err(io(&model_dir))?;
        }
        let plain = self.device.clone().without_autodiff();
        let model = networks.valid().into_model(extractor).fork(&plain);
        let seconds = self.elapsed();
        let card = trained_card(self, &provenance, dataset, seconds);
        save_model_dir(&model_dir, &self.config.model, &card, &model)?;
        self.events.emit(TrainEvent::Finished {
            model_dir: model_dir.clone(),
            seconds,
        });
        Ok(TrainSummary {
            model_dir,
            seconds,
            train_images: self.train.len(),
            val_images: self.val.len(),
        })
    }

    fn truncate_metrics(&self, phase: usize, epochs_done: usize) -> Result<(), TrainError> {
        let path = self.options.out.join(METRICS_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(io(&path)(e)),
        };
        let kept: String = text
            .lines()
            .filter(|line| {
                serde_json::from_str::<EpochRecord>(line)
                    .is_ok_and(|r| r.phase < phase || (r.phase == phase && r.epoch <= epochs_done))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        write_atomic(&path, kept.as_bytes()).map_err(io(&path))
    }

    fn append_metrics(&self, record: &EpochRecord) -> Result<(), TrainError> {
        let path = self.options.out.join(METRICS_FILE);
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io(&path))?;
        let line = serde_json::to_string(record).expect("records serialise");
        writeln!(file, "{line}").map_err(io(&path))
    }

    fn steps_per_epoch(&self, stage: Stage) -> usize {
        let (n, batch) = match stage {
            Stage::Localisation => (self.train_images.len(), self.config.localisation_batch_size),
            _ => (self.train.len(), self.config.batch_size),
        };
        let steps = n.div_ceil(batch.max(1));
        match self.config.max_steps_per_epoch {
            0 => steps,
            m => steps.min(m),
        }
    }

    fn run_phase(
        &mut self,
        index: usize,
        phase: &Phase,
        networks: Networks,
        resume: Option<(CheckpointState, Option<Networks>, Option<PathBuf>)>,
    ) -> Result<Networks, TrainError> {
        let name = phase.name();
        let stage = phase.stage;
        let optim_config = match stage {
            Stage::Localisation => &self.config.localisation_optimizer,
            _ => &self.config.detector_optimizer,
        };
        let lr = optim_config.lr;
        let mut optim = optimizer(optim_config);
        let networks = if draws_fusion_afresh(stage, resume.as_ref().map(|r| &r.0)) {
            Networks {
                fusion: Networks::fresh_fusion(
                    &self.config.model,
                    self.config.fusion_init_seed(),
                    &self.device,
                )?,
                ..networks
            }
        } else {
            networks
        };
        let mut networks = networks.train_only(stage.trains());
        let (mut epochs_done, mut best_score, mut best) = (0, None, None);
        if let Some((state, saved_best, optim_path)) = resume {
            epochs_done = state.epochs_done;
            best_score = state.best_score;
            best = saved_best.map(|b| b.train_only(stage.trains()));
            if let Some(path) = optim_path {
                optim = optim.load(&path).map_err(|e| {
                    TrainError::Checkpoint(CheckpointError::Invalid {
                        path: path.clone(),
                        message: e.to_string(),
                    })
                })?;
            }
        }
        let steps = self.steps_per_epoch(stage);
        self.events.emit(TrainEvent::PhaseStarted {
            phase: index,
            name: name.clone(),
            epochs: phase.epochs,
            steps_per_epoch: steps,
        });
        let weights = class_weights(match stage {
            Stage::Localisation => self.train_images.counts(),
            _ => self.train.counts(),
        });
        let tile = self.config.model.fusion.image_size as u32;
        for epoch in epochs_done + 1..=phase.epochs {
            let epoch_start = Instant::now();
            let mut rng =
                ChaCha8Rng::seed_from_u64(self.config.seed ^ ((index as u64) << 32) ^ epoch as u64);
            let n = match stage {
                Stage::Localisation => self.train_images.len(),
                _ => self.train.len(),
            };
            let mut order: Vec<usize> = (0..n).collect();
            order.shuffle(&mut rng);
            let batch_size = match stage {
                Stage::Localisation => self.config.localisation_batch_size,
                _ => self.config.batch_size,
            }
            .max(1);
            let mut sums: BTreeMap<String, f64> = BTreeMap::new();
            for (step, rows) in order.chunks(batch_size).take(steps).enumerate() {
                if self.cancel.is_cancelled() {
                    return Err(TrainError::Cancelled);
                }
                let losses: Losses = match stage {
                    Stage::Teacher => stages::teacher::loss(
                        &networks,
                        &DetectorBatch::new(&self.train, rows, &self.device),
                        &weights,
                    ),
                    Stage::Students => stages::students::loss(
                        &networks,
                        &DetectorBatch::new(&self.train, rows, &self.device),
                        self.config.margin,
                    ),
                    Stage::Generalizers => stages::generalizers::loss(
                        &networks,
                        &DetectorBatch::new(&self.train, rows, &self.device),
                        self.config.margin,
                    ),
                    Stage::Classifier => stages::classifier::loss(
                        &networks,
                        &DetectorBatch::new(&self.train, rows, &self.device),
                        &weights,
                    ),
                    Stage::Localisation => {
                        let (pixels, labels) =
                            self.train_images
                                .batch(rows, tile, Some(&mut rng), &self.device);
                        let affinity = self
                            .config
                            .affinity
                            .as_ref()
                            .filter(|a| epoch > a.warmup_epochs)
                            .map(|a| (a, &self.config.model.maps));
                        stages::localisation::loss(&networks, pixels, labels, &weights, affinity)
                    }
                };
                let total = losses[0].1.clone();
                let grads = GradientsParams::from_grads(total.backward(), &networks);
                networks = optim.step(lr, networks, grads);
                let values: Vec<(String, f32)> = losses
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.into_scalar()))
                    .collect();
                for (k, v) in &values {
                    *sums.entry(k.clone()).or_insert(0.0) += f64::from(*v);
                }
                let per_step = epoch_start.elapsed().as_secs_f64() / (step + 1) as f64;
                let left = (steps - step - 1) + steps * (phase.epochs - epoch);
                self.events.emit(TrainEvent::Step {
                    phase: index,
                    name: name.clone(),
                    epoch,
                    epochs: phase.epochs,
                    step: step + 1,
                    steps,
                    losses: values,
                    eta_seconds: per_step * left as f64,
                });
            }
            let losses: BTreeMap<String, f32> = sums
                .into_iter()
                .map(|(k, v)| (k, (v / steps.max(1) as f64) as f32))
                .collect();
            let val = self.validate(stage, &networks);
            if stage == Stage::Localisation {
                self.save_attention(epoch, &networks)?;
            }
            let mut is_best = false;
            if let Some(metric) = stage.selection_metric() {
                let score = *val.get(metric).ok_or(TrainError::MissingMetric {
                    stage: stage.to_string(),
                    metric,
                })?;
                if best_score.is_none_or(|b| score > b) {
                    best_score = Some(score);
                    best = Some(networks.clone());
                    is_best = true;
                }
            }
            let record = EpochRecord {
                phase: index,
                name: name.clone(),
                stage: stage.to_string(),
                epoch,
                epochs: phase.epochs,
                losses,
                val,
                seconds: epoch_start.elapsed().as_secs_f64(),
                best: is_best,
            };
            self.append_metrics(&record)?;
            self.events.emit(TrainEvent::Epoch(record));
            let last = epoch == phase.epochs;
            if !last {
                checkpoint::save(
                    &self.options.out,
                    CheckpointState {
                        phase: index,
                        epochs_done: epoch,
                        best_score,
                        elapsed_seconds: self.elapsed(),
                        folder: String::new(),
                    },
                    &networks,
                    best.as_ref(),
                    Some(&optim),
                )?;
            }
        }
        // The stage keeps its best epoch on val where it chooses, its last otherwise.
        let networks = best.unwrap_or(networks);
        checkpoint::save(
            &self.options.out,
            CheckpointState {
                phase: index + 1,
                epochs_done: 0,
                best_score: None,
                elapsed_seconds: self.elapsed(),
                folder: String::new(),
            },
            &networks,
            None,
            None,
        )?;
        self.events
            .emit(TrainEvent::PhaseFinished { phase: index, name });
        Ok(networks)
    }

    fn validate(&self, stage: Stage, networks: &Networks) -> BTreeMap<String, f32> {
        let plain = self.device.clone().without_autodiff();
        let nets = networks.valid();
        match stage {
            Stage::Teacher => stages::teacher::validate(&nets, &self.val, &plain),
            Stage::Students => stages::students::validate(&nets, &self.val, &plain),
            Stage::Generalizers => {
                stages::generalizers::validate(&nets, &self.val, self.config.margin, &plain)
            }
            Stage::Classifier => stages::classifier::validate(&nets, &self.val, &plain),
            Stage::Localisation => stages::localisation::validate(
                &nets,
                &self.val_images,
                self.config.model.fusion.image_size as u32,
                &plain,
            ),
        }
    }

    /// The fixed val images' attention, CAM and fused map after localisation epoch `epoch`.
    fn save_attention(&self, epoch: usize, networks: &Networks) -> Result<(), TrainError> {
        if self.snapshot_rows.is_empty() {
            return Ok(());
        }
        let plain = self.device.clone().without_autodiff();
        let tile = self.config.model.fusion.image_size as u32;
        let (pixels, _) = self
            .val_images
            .batch(&self.snapshot_rows, tile, None, &plain);
        let maps = tile_maps(&networks.valid().fusion, pixels, &self.config.model.maps).map_err(
            |message| TrainError::Snapshot {
                path: epoch_dir(&self.options.out, epoch),
                message,
            },
        )?;
        let images: Vec<SnapshotMaps> = self
            .snapshot_rows
            .iter()
            .zip(maps)
            .map(|(&r, [attention, cam, fused])| SnapshotMaps {
                name: self.val_images.names[r].clone(),
                input: self.val_images.centre_tile(r, tile),
                attention,
                cam,
                fused: Some(fused),
            })
            .collect();
        save_snapshot(&self.options.out, epoch, &images)?;
        Ok(())
    }

    fn figure_densities(&self, networks: &Networks, when: &str) -> Result<(), TrainError> {
        let plain = self.device.clone().without_autodiff();
        let (d1, d2) = stages::students::discrepancies(&networks.valid(), &self.train, &plain);
        let labels: Vec<Label> = (0..self.train.len()).map(|r| self.train.label(r)).collect();
        let (json, png) = figures::write_densities(&self.options.out, when, &d1, &d2, &labels)
            .map_err(io(&self.options.out))?;
        self.events.emit(TrainEvent::Figure {
            name: format!("discrepancy densities ({when})"),
            json,
            png,
        });
        Ok(())
    }

    fn figure_embedding(&self, networks: &Networks) -> Result<(), TrainError> {
        let plain = self.device.clone().without_autodiff();
        let nets = networks.valid();
        let mut points = Vec::new();
        let mut labels = Vec::new();
        let rows: Vec<usize> = (0..self.train.len()).collect();
        for chunk in rows.chunks(64) {
            let batch = DetectorBatch::new(&self.train, chunk, &plain);
            let f = stages::classifier::features(&nets, &batch);
            let [b, d] = f.dims();
            let values: Vec<f32> = stages::values(f.into_data());
            for i in 0..b {
                points.push(values[i * d..(i + 1) * d].to_vec());
            }
            labels.extend(chunk.iter().map(|&r| self.train.label(r)));
        }
        let (json, png) =
            figures::write_embedding(&self.options.out, &points, &labels, self.config.seed)
                .map_err(io(&self.options.out))?;
        self.events.emit(TrainEvent::Figure {
            name: "feature embedding (t-SNE)".into(),
            json,
            png,
        });
        Ok(())
    }
}

fn trained_card(run: &Run<'_>, provenance: &str, dataset: &Dataset, seconds: f64) -> ModelCard {
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

/// `path` under `root`, `/`-separated (the whole path when it is not under `root`).
fn name_in(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether the fusion net is drawn afresh as `stage` begins: at the start of localisation,
/// including a resume from the checkpoint written just before it, but never in the middle
/// of localisation, where the checkpoint holds the net being trained.
fn draws_fusion_afresh(stage: Stage, resume: Option<&CheckpointState>) -> bool {
    stage == Stage::Localisation && resume.is_none_or(|state| state.epochs_done == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fusion_net_is_drawn_afresh_only_where_localisation_begins() {
        let at = |epochs_done| CheckpointState {
            phase: 6,
            epochs_done,
            best_score: None,
            elapsed_seconds: 0.0,
            folder: String::new(),
        };
        assert!(draws_fusion_afresh(Stage::Localisation, None));
        assert!(draws_fusion_afresh(Stage::Localisation, Some(&at(0))));
        assert!(!draws_fusion_afresh(Stage::Localisation, Some(&at(1))));
        assert!(!draws_fusion_afresh(Stage::Classifier, None));
        assert!(!draws_fusion_afresh(Stage::Teacher, Some(&at(0))));
    }
}
