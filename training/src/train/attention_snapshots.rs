//! Per-epoch attention snapshots of the localisation stage, so a student can watch the
//! attention learn (issue 19). At the end of every localisation epoch the run computes,
//! for a few fixed val images, the fusion net's maps exactly as the analyzer does for one
//! tile (`fusion::compute_maps`, bilinear to the tile's size) and saves them:
//!
//! ```text
//! RUN/attention/epoch-NNN/          NNN: 1-based localisation epoch, at least 3 digits
//!     index.json                    {"epoch": 3, "stage": "localisation", "images": [
//!                                     {"name": "...", "input": "NAME-input.png",
//!                                      "attention": "NAME-attention.png",
//!                                      "cam": "NAME-cam.png", "fused": "NAME-fused.png"}]}
//!     NAME-input.png                the RGB tile the maps were computed on
//!     NAME-{attention,cam,fused}.png  8-bit grey, round(255 v), v on the maps' fixed [0, 1]
//! ```
//!
//! An epoch's folder is written under a hidden temporary name and renamed, so a reader sees
//! a whole epoch or none. `fused` may be absent from an index. The images are the first
//! manipulated val images by SHA-256 of their name (then real ones, if too few), so every
//! epoch and every resume shows the same ones.

use std::fs;
use std::path::{Path, PathBuf};

use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};
use burn::tensor::{Device, Tensor};
use forgelens_engine::Label;
use forgelens_engine::files::png_bytes;
use forgelens_engine::fusion::{FusionNet, MapOptions, compute_maps};
use image::{GrayImage, RgbImage};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::networks::Networks;
use super::run::TrainError;
use super::run_data::RunData;

/// The folder under the run directory that holds one folder per epoch.
pub const SNAPSHOT_DIR: &str = "attention";
pub const INDEX_FILE: &str = "index.json";
const STAGE: &str = "localisation";

/// One image of a saved epoch, with absolute paths.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotImage {
    pub name: String,
    pub input: PathBuf,
    pub attention: PathBuf,
    pub cam: PathBuf,
    pub fused: Option<PathBuf>,
}

/// One saved epoch of the localisation stage.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochSnapshot {
    /// 1-based epoch of the localisation stage.
    pub epoch: usize,
    pub images: Vec<SnapshotImage>,
}

/// What `save_snapshot` writes for one image: the tile and its maps, row-major at the
/// tile's size, on the maps' fixed [0, 1] scale.
#[derive(Debug, Clone)]
pub struct SnapshotMaps {
    pub name: String,
    pub input: RgbImage,
    pub attention: Vec<f32>,
    pub cam: Vec<f32>,
    pub fused: Option<Vec<f32>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Index {
    epoch: usize,
    stage: String,
    images: Vec<IndexImage>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexImage {
    name: String,
    input: String,
    attention: String,
    cam: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fused: Option<String>,
}

fn snapshot_error(path: &Path, message: impl Into<String>) -> TrainError {
    TrainError::Snapshot {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> TrainError + '_ {
    move |e| snapshot_error(path, e.to_string())
}

/// `RUN/attention/epoch-NNN`.
pub fn epoch_dir(run_dir: &Path, epoch: usize) -> PathBuf {
    run_dir.join(SNAPSHOT_DIR).join(format!("epoch-{epoch:03}"))
}

/// A name as a file name part, after its position: without its extension, ASCII letters,
/// digits, `.`, `_` and `-` kept, the rest `_`.
fn file_stem(position: usize, name: &str) -> String {
    let stem = Path::new(name).with_extension("");
    let clean: String = stem
        .to_string_lossy()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{position:02}-{clean}")
}

fn grey(map: &[f32], width: u32, height: u32) -> GrayImage {
    let pixels = map
        .iter()
        .map(|v| (255.0 * v.clamp(0.0, 1.0)).round() as u8)
        .collect();
    GrayImage::from_raw(width, height, pixels).expect("the length was checked against the size")
}

/// Writes epoch `epoch`'s snapshot of `images` (replacing one already there, as a resumed
/// run that repeats the epoch does) and returns it as `list_snapshots` would read it.
pub fn save_snapshot(
    run_dir: &Path,
    epoch: usize,
    images: &[SnapshotMaps],
) -> Result<EpochSnapshot, TrainError> {
    let run_dir = &std::path::absolute(run_dir).map_err(io_error(run_dir))?;
    let target = epoch_dir(run_dir, epoch);
    let parent = run_dir.join(SNAPSHOT_DIR);
    let temporary = parent.join(format!(".epoch-{epoch:03}.partial"));
    for image in images {
        let (w, h) = image.input.dimensions();
        let n = (w * h) as usize;
        let maps = [
            Some(&image.attention),
            Some(&image.cam),
            image.fused.as_ref(),
        ];
        if n == 0 || maps.iter().flatten().any(|m| m.len() != n) {
            return Err(snapshot_error(
                &target,
                format!("the maps of `{}` do not match its {w}x{h} tile", image.name),
            ));
        }
    }
    if temporary.exists() {
        fs::remove_dir_all(&temporary).map_err(io_error(&temporary))?;
    }
    fs::create_dir_all(&temporary).map_err(io_error(&temporary))?;
    let mut index = Index {
        epoch,
        stage: STAGE.into(),
        images: Vec::with_capacity(images.len()),
    };
    for (position, image) in images.iter().enumerate() {
        let stem = file_stem(position, &image.name);
        let (w, h) = image.input.dimensions();
        let write = |kind: &str, bytes: Vec<u8>| -> Result<String, TrainError> {
            let file = format!("{stem}-{kind}.png");
            let path = temporary.join(&file);
            fs::write(&path, bytes).map_err(io_error(&path))?;
            Ok(file)
        };
        index.images.push(IndexImage {
            name: image.name.clone(),
            input: write("input", png_bytes(&image.input))?,
            attention: write("attention", png_bytes(&grey(&image.attention, w, h)))?,
            cam: write("cam", png_bytes(&grey(&image.cam, w, h)))?,
            fused: match &image.fused {
                Some(fused) => Some(write("fused", png_bytes(&grey(fused, w, h)))?),
                None => None,
            },
        });
    }
    let json = serde_json::to_string_pretty(&index).expect("the index serialises");
    let index_path = temporary.join(INDEX_FILE);
    fs::write(&index_path, json).map_err(io_error(&index_path))?;
    if target.exists() {
        fs::remove_dir_all(&target).map_err(io_error(&target))?;
    }
    fs::rename(&temporary, &target).map_err(io_error(&target))?;
    read_epoch(&target, epoch)
}

/// Every saved epoch, sorted by epoch; an absent folder is no snapshot. Folders that are
/// not `epoch-N` (a temporary one, say) are skipped; a malformed index is an error.
pub fn list_snapshots(run_dir: &Path) -> Result<Vec<EpochSnapshot>, TrainError> {
    let run_dir = &std::path::absolute(run_dir).map_err(io_error(run_dir))?;
    let mut snapshots = Vec::new();
    for (epoch, dir) in epoch_dirs(run_dir)? {
        snapshots.push(read_epoch(&dir, epoch)?);
    }
    snapshots.sort_by_key(|s| s.epoch);
    Ok(snapshots)
}

/// The `epoch-N` folders under `RUN/attention`, unsorted.
fn epoch_dirs(run_dir: &Path) -> Result<Vec<(usize, PathBuf)>, TrainError> {
    let parent = run_dir.join(SNAPSHOT_DIR);
    let entries = match fs::read_dir(&parent) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(&parent)(e)),
    };
    let mut dirs = Vec::new();
    for entry in entries {
        let path = entry.map_err(io_error(&parent))?.path();
        let epoch = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("epoch-"))
            .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|digits| digits.parse::<usize>().ok());
        if let Some(epoch) = epoch
            && path.is_dir()
        {
            dirs.push((epoch, path));
        }
    }
    Ok(dirs)
}

fn read_epoch(dir: &Path, epoch: usize) -> Result<EpochSnapshot, TrainError> {
    let index_path = dir.join(INDEX_FILE);
    let text = fs::read_to_string(&index_path).map_err(io_error(&index_path))?;
    let index: Index = serde_json::from_str(&text)
        .map_err(|e| snapshot_error(&index_path, format!("not a snapshot index: {e}")))?;
    if index.epoch != epoch {
        return Err(snapshot_error(
            &index_path,
            format!("says epoch {} in the folder of epoch {epoch}", index.epoch),
        ));
    }
    if index.stage != STAGE {
        return Err(snapshot_error(
            &index_path,
            format!("stage `{}`, expected `{STAGE}`", index.stage),
        ));
    }
    let file = |name: &str| -> Result<PathBuf, TrainError> {
        let plain = Path::new(name)
            .file_name()
            .is_some_and(|n| n == name && !name.starts_with('.'));
        if !plain {
            return Err(snapshot_error(
                &index_path,
                format!("`{name}` is not a file name in the epoch's folder"),
            ));
        }
        let path = dir.join(name);
        if !path.is_file() {
            return Err(snapshot_error(&index_path, format!("`{name}` is missing")));
        }
        Ok(path)
    };
    let mut images = Vec::with_capacity(index.images.len());
    for image in index.images {
        images.push(SnapshotImage {
            input: file(&image.input)?,
            attention: file(&image.attention)?,
            cam: file(&image.cam)?,
            fused: image.fused.as_deref().map(file).transpose()?,
            name: image.name,
        });
    }
    Ok(EpochSnapshot { epoch, images })
}

/// Removes the epochs after `kept` (a resume repeats them) and any temporary folder.
pub fn prune_snapshots(run_dir: &Path, kept: usize) -> Result<(), TrainError> {
    for (epoch, dir) in epoch_dirs(run_dir)? {
        if epoch > kept {
            fs::remove_dir_all(&dir).map_err(io_error(&dir))?;
        }
    }
    let parent = run_dir.join(SNAPSHOT_DIR);
    if let Ok(entries) = fs::read_dir(&parent) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            if name.to_string_lossy().ends_with(".partial") {
                fs::remove_dir_all(entry.path()).map_err(io_error(&entry.path()))?;
            }
        }
    }
    Ok(())
}

/// The `count` images a run snapshots: manipulated ones first, each group ordered by the
/// SHA-256 of the image's name.
pub fn choose_images(names: &[String], labels: &[Label], count: usize) -> Vec<usize> {
    let mut order: Vec<(bool, [u8; 32], usize)> = names
        .iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (name, label))| {
            let digest: [u8; 32] = Sha256::digest(name.as_bytes()).into();
            (*label == Label::Real, digest, i)
        })
        .collect();
    order.sort();
    order.into_iter().take(count).map(|(_, _, i)| i).collect()
}

/// Saves epoch `epoch`'s snapshot of the run's chosen val images (`RunData::snapshot_rows`),
/// their maps from `nets` (plain networks on the plain `device`).
pub fn snapshot_epoch(
    data: &RunData,
    nets: &Networks,
    device: &Device,
    epoch: usize,
    run_dir: &Path,
) -> Result<(), TrainError> {
    let rows = &data.snapshot_rows;
    if rows.is_empty() {
        return Ok(());
    }
    let tile = data.config.model.fusion.image_size as u32;
    let (pixels, _) = data.val_images.batch(rows, tile, None, device);
    let maps = tile_maps(&nets.fusion, pixels, &data.config.model.maps)
        .map_err(|message| snapshot_error(&epoch_dir(run_dir, epoch), message))?;
    let images: Vec<SnapshotMaps> = rows
        .iter()
        .zip(maps)
        .map(|(&r, [attention, cam, fused])| SnapshotMaps {
            name: data.val_images.names[r].clone(),
            input: data.val_images.centre_tile(r, tile),
            attention,
            cam,
            fused: Some(fused),
        })
        .collect();
    save_snapshot(run_dir, epoch, &images)?;
    Ok(())
}

/// The maps of `tiles` (each `fusion.image_size` square) as the analyzer computes them for
/// a tile: `compute_maps`, then bilinear to the tile's size. `pixels` is the tiles'
/// normalised batch `[tiles, 3, size, size]`; returns (attention, cam, fused) per tile.
pub fn tile_maps(
    fusion: &FusionNet,
    pixels: Tensor<4>,
    options: &MapOptions,
) -> Result<Vec<[Vec<f32>; 3]>, String> {
    let [batch, _, height, width] = pixels.dims();
    let output = fusion.forward(pixels);
    let maps = compute_maps(&output, options);
    let stacked = Tensor::stack::<4>(vec![maps.attention, maps.cam, maps.fused], 1);
    let up = interpolate(
        stacked,
        InterpolateOptions::new(InterpolateMode::Bilinear)
            .with_align_corners(false)
            .with_output_size([height, width]),
    ); // [batch, 3, height, width]
    let values = up
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| format!("reading the maps back: {e:?}"))?;
    let n = height * width;
    Ok((0..batch)
        .map(|b| std::array::from_fn(|k| values[(b * 3 + k) * n..(b * 3 + k + 1) * n].to_vec()))
        .collect())
}

#[cfg(test)]
mod tests;
