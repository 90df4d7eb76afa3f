//! The forge run: a folder of photographs in, a labelled dataset out, in the layout every
//! other command reads (`real/`, `partial/` + `masks/`, `full/`, `manifest.csv`). Each
//! photograph gives crops and, with `whole_share`, one whole-photograph sample; labels cycle
//! real, partial, full; families and generators rotate; every sample is laundered by a chain
//! drawn from the same distribution whatever its class. Every split, choice and seed derives
//! from SHA-256 (of the photograph's name and the seed), never from `std`'s hasher, so a
//! run is the same bytes on every toolchain, and an interrupted run resumes: files are
//! written atomically and the manifest, at the end or when the run stops, lists what was made.

mod choices;
mod config;
mod photo;
mod plan;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use burn::tensor::Device;
use forgelens_engine::image_files::is_image_file;
use forgelens_engine::progress::{CancelToken, Progress, ProgressSink};

use super::manifest::{ManifestRow, read_manifest, write_manifest};
use super::sample::Generators;
pub use choices::{digest, split_of};
pub use config::{ForgeConfig, ForgeError, ForgeSummary};
use photo::{PhotoResult, PhotoWorker, file_name};
use plan::Plan;

fn photos(dir: &Path) -> Result<Vec<PathBuf>, ForgeError> {
    let err = |source| ForgeError::Photos {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Runs the forge.
pub fn forge(
    photos_dir: &Path,
    out: &Path,
    config: &ForgeConfig,
    device: &Device,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<ForgeSummary, ForgeError> {
    let plan = Plan::new(config)?;
    let files = photos(photos_dir)?;
    for dir in ["real", "partial", "masks", "full"] {
        let path = out.join(dir);
        std::fs::create_dir_all(&path).map_err(|source| ForgeError::Write { path, source })?;
    }
    let manifest_path = out.join("manifest.csv");
    let earlier: HashMap<String, ManifestRow> = read_manifest(&manifest_path)?
        .into_iter()
        .map(|r| (r.path.clone(), r))
        .collect();
    // Donors for splicing: photographs of the same split (by name; undecodable ones are
    // skipped when drawn).
    let names: Vec<(PathBuf, String, &'static str)> = files
        .iter()
        .filter(|p| is_image_file(p))
        .map(|p| {
            let name = file_name(p);
            let split = split_of(&name, config.train_share, config.val_share);
            (p.clone(), name, split)
        })
        .collect();
    let threads = config.threads.max(1).min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut done: Vec<(usize, PhotoResult)> = Vec::new();
    let mut first_error: Option<ForgeError> = None;
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel::<(usize, Result<PhotoResult, ForgeError>)>();
        for _ in 0..threads {
            let sender = sender.clone();
            let (next, stop, plan, names, earlier) = (&next, &stop, &plan, &names, &earlier);
            let files = &files;
            scope.spawn(move || {
                let mut generators =
                    Generators::new(&config.generators_dir, device, &plan.generators);
                let worker = PhotoWorker {
                    config,
                    plan,
                    out,
                    earlier,
                    donors: names,
                };
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    if index >= files.len() || stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let result = worker.forge_photo(&files[index], &mut generators);
                    let failed = result.is_err();
                    if sender.send((index, result)).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(sender);
        progress.report(Progress {
            stage: "forging",
            done: 0,
            total: files.len(),
        });
        // Progress and cancellation are the calling thread's: workers only forge.
        loop {
            match receiver.recv_timeout(std::time::Duration::from_millis(100)) {
                Ok((index, Ok(result))) => {
                    done.push((index, result));
                    progress.report(Progress {
                        stage: "forging",
                        done: done.len(),
                        total: files.len(),
                    });
                }
                Ok((_, Err(e))) => {
                    first_error.get_or_insert(e);
                    stop.store(true, Ordering::SeqCst);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            if cancel.is_cancelled() && first_error.is_none() {
                first_error = Some(ForgeError::Cancelled);
                stop.store(true, Ordering::SeqCst);
            }
        }
    });
    done.sort_by_key(|(i, _)| *i);
    if let Some(error) = first_error {
        // What was made so far stays listed, so a resumed run keeps it.
        let rows: Vec<ManifestRow> = done.into_iter().flat_map(|(_, r)| r.rows).collect();
        write_manifest(&manifest_path, &merge(rows, earlier))?;
        return Err(error);
    }
    let mut summary = ForgeSummary::default();
    for (_, result) in done {
        summary.rows.extend(result.rows);
        summary.resumed += result.resumed;
        if let Some(reason) = result.skipped {
            summary.skipped.push(reason);
        }
    }
    progress.report(Progress {
        stage: "forging",
        done: files.len(),
        total: files.len(),
    });
    write_manifest(&manifest_path, &summary.rows)?;
    Ok(summary)
}

/// Rows made now, then rows of an earlier run that were not made again (an interrupted
/// run's manifest keeps both).
fn merge(mut rows: Vec<ManifestRow>, earlier: HashMap<String, ManifestRow>) -> Vec<ManifestRow> {
    let made: std::collections::HashSet<String> = rows.iter().map(|r| r.path.clone()).collect();
    let mut rest: Vec<ManifestRow> = earlier
        .into_values()
        .filter(|r| !made.contains(&r.path))
        .collect();
    rest.sort_by(|a, b| a.path.cmp(&b.path));
    rows.extend(rest);
    rows
}
