//! A training run end to end: the run folder (config, resume), the data (`run_data`), the
//! plan's phases one after another (`stage_loop`), `metrics.jsonl`, the figures, and the
//! final model directory with its card.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::tensor::Device;
use forgelens_engine::Label;
use forgelens_engine::files::write_atomic;
use forgelens_engine::model::save_model_dir;
use forgelens_engine::progress::CancelToken;

use super::attention_snapshots::prune_snapshots;
use super::card::trained_card;
use super::checkpoint::{self, CheckpointError};
use super::config::TrainingConfig;
use super::data::DetectorBatch;
use super::events::{EpochRecord, EventSink, TrainEvent};
use super::figures;
use super::networks::Networks;
pub use super::plan::{Phase, plan};
use super::run_data::{Prepared, RunData, prepare};
use super::stages::{self, Stage};
use crate::data::{DataError, Dataset, FeatureCacheError};

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

#[derive(Debug, Clone)]
pub struct TrainSummary {
    pub model_dir: PathBuf,
    pub seconds: f64,
    pub train_images: usize,
    pub val_images: usize,
}

/// A run in progress: its data, where it writes, who listens, and its clock.
pub(super) struct Run<'a> {
    pub(super) data: RunData,
    pub(super) options: &'a TrainOptions,
    pub(super) events: &'a dyn EventSink,
    pub(super) cancel: &'a CancelToken,
    /// The training (autodiff) device.
    pub(super) device: Device,
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

    let Prepared {
        data,
        extractor,
        provenance,
        dataset,
    } = prepare(config, options, events, cancel)?;
    let mut run = Run {
        device: options.device.clone().autodiff(),
        data,
        options,
        events,
        cancel,
        elapsed_before: 0.0,
        started: Instant::now(),
    };
    run.execute(extractor, provenance, &dataset)
}

impl Run<'_> {
    pub(super) fn elapsed(&self) -> f64 {
        self.elapsed_before + self.started.elapsed().as_secs_f64()
    }

    fn execute(
        &mut self,
        extractor: forgelens_engine::extractor::Extractor,
        provenance: String,
        dataset: &Dataset,
    ) -> Result<TrainSummary, TrainError> {
        let out = self.options.out.clone();
        let phases = plan(&self.data.config);
        let restored = if self.options.resume {
            checkpoint::restore(&out, &self.data.config.model, &self.device)?
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
            train_images: self.data.train.len(),
            val_images: self.data.val.len(),
        });
        let (mut networks, mut position) = match restored {
            Some(r) => {
                self.elapsed_before = r.state.elapsed_seconds;
                // Lines written after the checkpoint belong to the lost epoch.
                self.truncate_metrics(r.state.phase, r.state.epochs_done)?;
                // So are the attention snapshots of localisation epochs after it.
                let localisation = phases.iter().position(|p| p.stage == Stage::Localisation);
                if let Some(localisation) = localisation
                    && r.state.phase <= localisation
                {
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
                self.device.seed(self.data.config.seed);
                // The fusion net here is a placeholder: localisation draws its own
                // (`Networks::fresh_fusion`).
                let n = Networks::init(&self.data.config.model, &self.device);
                fs::write(out.join(METRICS_FILE), b"").map_err(io(&out.join(METRICS_FILE)))?;
                (n, None)
            }
        };

        let start_phase = position.as_ref().map_or(0, |p| p.0.phase);
        for (index, phase) in phases.iter().enumerate().skip(start_phase) {
            let resume_here = position.take().filter(|p| p.0.phase == index);
            let first_students = phase.stage == Stage::Students && phase.round == 1;
            if first_students && resume_here.as_ref().is_none_or(|p| p.0.epochs_done == 0) {
                // Figure 3's "before": the students as they start.
                self.figure_densities(&networks, "before")?;
            }
            networks = self.run_phase(index, phase, networks, resume_here)?;
            if phase.stage == Stage::Generalizers && phase.round == self.data.config.rounds.max(1) {
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
        let card = trained_card(&self.data, &provenance, dataset, seconds);
        save_model_dir(&model_dir, &self.data.config.model, &card, &model)?;
        self.events.emit(TrainEvent::Finished {
            model_dir: model_dir.clone(),
            seconds,
        });
        Ok(TrainSummary {
            model_dir,
            seconds,
            train_images: self.data.train.len(),
            val_images: self.data.val.len(),
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

    pub(super) fn append_metrics(&self, record: &EpochRecord) -> Result<(), TrainError> {
        let path = self.options.out.join(METRICS_FILE);
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io(&path))?;
        let line = serde_json::to_string(record).expect("records serialise");
        writeln!(file, "{line}").map_err(io(&path))
    }

    fn figure_densities(&self, networks: &Networks, when: &str) -> Result<(), TrainError> {
        let plain = self.device.clone().without_autodiff();
        let train = &self.data.train;
        let (d1, d2) = stages::students::discrepancies(&networks.valid(), train, &plain);
        let labels: Vec<Label> = (0..train.len()).map(|r| train.label(r)).collect();
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
        let train = &self.data.train;
        let rows: Vec<usize> = (0..train.len()).collect();
        for chunk in rows.chunks(64) {
            let batch = DetectorBatch::new(train, chunk, &plain);
            let f = stages::classifier::features(&nets, &batch);
            let [b, d] = f.dims();
            let values: Vec<f32> = stages::values(f.into_data());
            for i in 0..b {
                points.push(values[i * d..(i + 1) * d].to_vec());
            }
            labels.extend(chunk.iter().map(|&r| train.label(r)));
        }
        let (json, png) =
            figures::write_embedding(&self.options.out, &points, &labels, self.data.config.seed)
                .map_err(io(&self.options.out))?;
        self.events.emit(TrainEvent::Figure {
            name: "feature embedding (t-SNE)".into(),
            json,
            png,
        });
        Ok(())
    }
}
