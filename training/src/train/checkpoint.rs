//! Checkpoints of a run directory. Each is a folder (`checkpoints/pPP-eEEE`) holding the
//! networks, the optimiser state mid-stage and the best-on-val networks so far; it is
//! written under a temporary name and renamed into place, and only then does
//! `checkpoint.json` (itself replaced atomically) point at it. A run killed at any moment
//! finds the previous checkpoint intact.

use std::fs;
use std::path::{Path, PathBuf};

use burn::optim::ModuleOptimizer;
use burn::tensor::Device;
use burn_store::{BurnpackStore, ModuleSnapshot};
use forgelens_engine::files::write_atomic;
use forgelens_engine::model::ModelConfig;
use serde::{Deserialize, Serialize};

use super::networks::Networks;

pub const POINTER_FILE: &str = "checkpoint.json";
const NETWORKS: &str = "networks.bpk";
const BEST: &str = "best.bpk";
const OPTIMIZER: &str = "optimizer.bpk";

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CheckpointError + '_ {
    move |source| CheckpointError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where a run stands: phase `phase` has finished `epochs_done` epochs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointState {
    pub phase: usize,
    pub epochs_done: usize,
    /// Best validation score so far in this phase, when it chooses on val.
    pub best_score: Option<f32>,
    /// Training seconds spent so far, over all sessions.
    pub elapsed_seconds: f64,
    pub folder: String,
}

pub struct Restored {
    pub state: CheckpointState,
    pub networks: Networks,
    pub best: Option<Networks>,
    /// Path of the optimiser state, when the checkpoint is mid-stage.
    pub optimizer: Option<PathBuf>,
}

fn save_networks(networks: &Networks, path: &Path) -> Result<(), CheckpointError> {
    let mut store = BurnpackStore::from_file(path);
    networks
        .save_into(&mut store)
        .map_err(|e| CheckpointError::Invalid {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

pub fn load_networks(
    config: &ModelConfig,
    path: &Path,
    device: &Device,
) -> Result<Networks, CheckpointError> {
    let invalid = |message: String| CheckpointError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let mut networks = Networks::init(config, device);
    let mut store = BurnpackStore::from_file(path)
        .allow_partial(true)
        .validate(false);
    let result = networks
        .load_from(&mut store)
        .map_err(|e| invalid(e.to_string()))?;
    if let Some(e) = result.errors.first() {
        return Err(invalid(e.to_string()));
    }
    if !result.missing.is_empty() {
        return Err(invalid(format!(
            "{} tensors missing, e.g. {}",
            result.missing.len(),
            result.missing[0].0
        )));
    }
    Ok(networks)
}

/// Writes a checkpoint and points `checkpoint.json` at it; older checkpoints are removed.
pub fn save(
    run: &Path,
    mut state: CheckpointState,
    networks: &Networks,
    best: Option<&Networks>,
    optimizer: Option<&ModuleOptimizer>,
) -> Result<(), CheckpointError> {
    let root = run.join("checkpoints");
    fs::create_dir_all(&root).map_err(io(&root))?;
    let folder = format!("p{:02}-e{:03}", state.phase, state.epochs_done);
    let staging = root.join(format!(".{folder}.partial-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging).map_err(io(&staging))?;
    let written = (|| {
        save_networks(networks, &staging.join(NETWORKS))?;
        if let Some(best) = best {
            save_networks(best, &staging.join(BEST))?;
        }
        if let Some(optimizer) = optimizer {
            let path = staging.join(OPTIMIZER);
            optimizer
                .save(&path)
                .map_err(|e| CheckpointError::Invalid {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
        }
        let target = root.join(&folder);
        let _ = fs::remove_dir_all(&target);
        fs::rename(&staging, &target).map_err(io(&target))
    })();
    if written.is_err() {
        let _ = fs::remove_dir_all(&staging);
        return written;
    }
    state.folder = folder.clone();
    let pointer = run.join(POINTER_FILE);
    let json = serde_json::to_string_pretty(&state).expect("checkpoint state serialises");
    write_atomic(&pointer, json.as_bytes()).map_err(io(&pointer))?;
    // Only now is the previous checkpoint unneeded.
    for entry in fs::read_dir(&root).map_err(io(&root))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != folder {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    Ok(())
}

/// The checkpoint `checkpoint.json` points at, if any.
pub fn restore(
    run: &Path,
    config: &ModelConfig,
    device: &Device,
) -> Result<Option<Restored>, CheckpointError> {
    let pointer = run.join(POINTER_FILE);
    if !pointer.is_file() {
        return Ok(None);
    }
    let text = fs::read_to_string(&pointer).map_err(io(&pointer))?;
    let state: CheckpointState =
        serde_json::from_str(&text).map_err(|e| CheckpointError::Invalid {
            path: pointer.clone(),
            message: e.to_string(),
        })?;
    let dir = run.join("checkpoints").join(&state.folder);
    let networks = load_networks(config, &dir.join(NETWORKS), device)?;
    let best = if dir.join(BEST).is_file() {
        Some(load_networks(config, &dir.join(BEST), device)?)
    } else {
        None
    };
    let optimizer = Some(dir.join(OPTIMIZER)).filter(|p| p.is_file());
    Ok(Some(Restored {
        state,
        networks,
        best,
        optimizer,
    }))
}
