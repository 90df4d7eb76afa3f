//! The forge run: a folder of photographs in, a labelled dataset out, in the layout every
//! other command reads (`real/`, `partial/` + `masks/`, `full/`, `manifest.csv`). Each
//! photograph gives crops and, with `whole_share`, one whole-photograph sample; labels cycle
//! real, partial, full; families and generators rotate; every sample is laundered by a chain
//! drawn from the same distribution whatever its class. Every split, choice and seed derives
//! from SHA-256 (of the photograph's name and the seed), never from `std`'s hasher, so a
//! run is the same bytes on every toolchain, and an interrupted run resumes: files are
//! written atomically and the manifest, at the end or when the run stops, lists what was made.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use burn::tensor::Device;
use forgelens_engine::Label;
use forgelens_engine::files::write_atomic;
use forgelens_engine::image_input::{ImageLimits, read_image_file};
use forgelens_engine::progress::{CancelToken, Progress, ProgressSink};
use image::{RgbImage, imageops};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use sha2::{Digest, Sha256};

use super::family::Family;
use super::generators::GeneratorPreset;
use super::inpaint::Inpainter;
use super::laundering::LaunderingConfig;
use super::manifest::{ManifestRow, SampleKind, read_manifest, write_manifest};
use super::masks::MaskConfig;
use super::sample::{Generators, SLOW_GENERATOR_MAX_SIDE, is_slow, make};
use forgelens_engine::image_files::is_image_file;

#[derive(Debug, Clone, PartialEq)]
pub struct ForgeConfig {
    /// Side of the square crops, in pixels.
    pub crop_size: u32,
    /// Crops taken from each photograph.
    pub crops_per_photo: usize,
    /// Share of photographs that also give one whole-photograph sample.
    pub whole_share: f32,
    /// The whole photograph is downscaled so its long side lies in this range (never
    /// upscaled); slow generators keep it at most `SLOW_GENERATOR_MAX_SIDE`.
    pub whole_long_side: (u32, u32),
    pub seed: u64,
    /// Shares of photographs for train and val; the rest is test.
    pub train_share: f32,
    pub val_share: f32,
    pub mask: MaskConfig,
    /// Families to make (real is always made); empty = all.
    pub families: Vec<Family>,
    /// Neural generators to use, by manifest name; empty = all shipped.
    pub generators: Vec<String>,
    pub laundering: LaunderingConfig,
    /// Folder of the generator weights.
    pub generators_dir: PathBuf,
    /// Photographs forged at once.
    pub threads: usize,
}

impl Default for ForgeConfig {
    fn default() -> Self {
        Self {
            crop_size: 256,
            crops_per_photo: 6,
            whole_share: 0.5,
            whole_long_side: (512, 2048),
            seed: 0,
            train_share: 0.7,
            val_share: 0.15,
            mask: MaskConfig::default(),
            families: Vec::new(),
            generators: Vec::new(),
            laundering: LaunderingConfig::default(),
            generators_dir: super::generators::shipped_dir(),
            threads: 2,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    #[error("unknown generator `{0}` (expected one of: {names})", names = GeneratorPreset::ALL.map(GeneratorPreset::name).join(", "))]
    UnknownGenerator(String),
    #[error("family {family} has no generator among those chosen")]
    NoGenerator { family: Family },
    #[error("loading the generator {name}: {source}")]
    Generator {
        name: &'static str,
        #[source]
        source: Box<forgelens_engine::extractor::ImportError>,
    },
    #[error("cannot read the photo folder {path}: {source}")]
    Photos {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Fake { path: PathBuf, message: String },
    #[error("{0}")]
    Manipulation(String),
    #[error("the manifest {path} cannot be read: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("the forge run was cancelled; run it again to resume")]
    Cancelled,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForgeSummary {
    pub rows: Vec<ManifestRow>,
    /// Photographs skipped, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// Images that already existed (an earlier, interrupted run).
    pub resumed: usize,
}

/// SHA-256 of the seed and the parts, as a number: the project's one source of choices.
pub fn digest(seed: u64, parts: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    for part in parts {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

fn number(seed: u64, parts: &[&str]) -> u64 {
    let d = digest(seed, parts);
    u64::from_le_bytes(d[..8].try_into().expect("8 bytes"))
}

/// The split of a photograph: from SHA-256 of its file name alone (not the seed), so a
/// photograph stays in its split across runs, seeds and toolchains.
pub fn split_of(name: &str, train_share: f32, val_share: f32) -> &'static str {
    let u = (number(0, &["split", name]) % 1_000_000) as f32 / 1_000_000.0;
    if u < train_share {
        "train"
    } else if u < train_share + val_share {
        "val"
    } else {
        "test"
    }
}

/// What a run makes, fixed before the first photograph.
struct Plan {
    labels: Vec<Label>,
    partial: Vec<Family>,
    full: Vec<Family>,
    generators: Vec<GeneratorPreset>,
}

impl Plan {
    fn new(config: &ForgeConfig) -> Result<Plan, ForgeError> {
        let mut generators = Vec::new();
        for name in &config.generators {
            generators.push(
                GeneratorPreset::from_name(name)
                    .ok_or_else(|| ForgeError::UnknownGenerator(name.clone()))?,
            );
        }
        if generators.is_empty() {
            generators = GeneratorPreset::ALL.to_vec();
        }
        let explicit = !config.families.is_empty();
        let mut chosen: Vec<Family> = Family::ALL
            .into_iter()
            .filter(|f| !explicit || config.families.contains(f))
            .filter(|f| *f != Family::Real)
            .collect();
        // A neural family without a generator of its kind: an error when asked for by
        // name, left out of the defaults.
        let has_kind = |f: &Family| {
            f.neural().is_none_or(|kind| {
                generators
                    .iter()
                    .any(|g| g.gan_trained() == (kind == super::family::NeuralKind::Gan))
            })
        };
        if let Some(family) = chosen.iter().find(|f| !has_kind(f))
            && explicit
        {
            return Err(ForgeError::NoGenerator { family: *family });
        }
        chosen.retain(has_kind);
        let partial: Vec<Family> = chosen
            .iter()
            .copied()
            .filter(|f| f.label() == Label::Partial)
            .collect();
        let full: Vec<Family> = chosen
            .iter()
            .copied()
            .filter(|f| f.label() == Label::Full)
            .collect();
        let mut labels = vec![Label::Real];
        if !partial.is_empty() {
            labels.push(Label::Partial);
        }
        if !full.is_empty() {
            labels.push(Label::Full);
        }
        Ok(Plan {
            labels,
            partial,
            full,
            generators,
        })
    }
}

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

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
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

#[derive(Default)]
struct PhotoResult {
    rows: Vec<ManifestRow>,
    resumed: usize,
    skipped: Option<(PathBuf, String)>,
}

struct PhotoWorker<'a> {
    config: &'a ForgeConfig,
    plan: &'a Plan,
    out: &'a Path,
    earlier: &'a HashMap<String, ManifestRow>,
    donors: &'a [(PathBuf, String, &'static str)],
}

impl PhotoWorker<'_> {
    fn forge_photo(
        &self,
        photo: &Path,
        generators: &mut Generators,
    ) -> Result<PhotoResult, ForgeError> {
        let config = self.config;
        let mut result = PhotoResult::default();
        let name = file_name(photo);
        if !is_image_file(photo) {
            result.skipped = Some((photo.to_path_buf(), "not an image file".into()));
            return Ok(result);
        }
        let limits = ImageLimits::default();
        let rgb: RgbImage = match read_image_file(photo, &limits) {
            Ok(decoded) => decoded.rgb,
            Err(e) => {
                log::warn!("skipping {}: {e}", photo.display());
                result.skipped = Some((photo.to_path_buf(), e.to_string()));
                return Ok(result);
            }
        };
        let size = config.crop_size;
        if rgb.width() < size || rgb.height() < size {
            let reason = format!(
                "{}x{} is smaller than one {size} px crop",
                rgb.width(),
                rgb.height()
            );
            log::warn!("skipping {}: {reason}", photo.display());
            result.skipped = Some((photo.to_path_buf(), reason));
            return Ok(result);
        }
        let split = split_of(&name, config.train_share, config.val_share);
        let stem = photo
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let seed = config.seed;
        let rotation = number(seed, &["rotation", &name]) as usize;
        let whole =
            (number(seed, &["whole", &name]) % 1_000_000) as f32 / 1_000_000.0 < config.whole_share;
        let samples = config.crops_per_photo + usize::from(whole);
        for k in 0..samples {
            let kind = if k < config.crops_per_photo {
                SampleKind::Crop
            } else {
                SampleKind::Whole
            };
            let index = k.to_string();
            let mut rng = ChaCha8Rng::from_seed(digest(seed, &["sample", &name, &index]));
            let label = self.plan.labels[(rotation + k) % self.plan.labels.len()];
            let mut family = match label {
                Label::Real => Family::Real,
                Label::Partial => self.plan.partial[(rotation / 3 + k) % self.plan.partial.len()],
                Label::Full => self.plan.full[(rotation / 7 + k) % self.plan.full.len()],
            };
            // A split of one photograph has no donor for splicing: that sample moves a region
            // of its own photograph instead (the manifest records copy-move) where copy-move
            // is being made; otherwise the run stops with the reason.
            if family == Family::Splicing
                && !self.has_donor(&name, split)
                && self.plan.partial.contains(&Family::CopyMove)
            {
                family = Family::CopyMove;
            }
            let neural = family.neural().map(|kind| generators.of_kind(kind));
            let neural = match neural {
                Some(list) if list.is_empty() => return Err(ForgeError::NoGenerator { family }),
                Some(list) => Some(list[(rotation / 11 + k) % list.len()]),
                None => None,
            };
            let inpainter = if (rotation / 13 + k).is_multiple_of(2) {
                Inpainter::Diffusion
            } else {
                Inpainter::PatchMatch
            };
            let chain = config.laundering.draw(&mut rng);
            let image = match kind {
                SampleKind::Crop => {
                    let x = rng.random_range(0..=rgb.width() - size);
                    let y = rng.random_range(0..=rgb.height() - size);
                    imageops::crop_imm(&rgb, x, y, size, size).to_image()
                }
                SampleKind::Whole => {
                    let (lo, hi) = config.whole_long_side;
                    let mut side = rng.random_range(lo.min(hi)..=hi.max(lo));
                    let slow = neural.is_some_and(|g| is_slow(g.name()))
                        || (family == Family::Inpainting && inpainter == Inpainter::PatchMatch);
                    if slow {
                        side = side.min(SLOW_GENERATOR_MAX_SIDE);
                    }
                    downscale_to(&rgb, side)
                }
            };
            let ext = match chain.storage_format() {
                image::ImageFormat::Jpeg => "jpg",
                image::ImageFormat::WebP => "webp",
                _ => "png",
            };
            let file = match kind {
                SampleKind::Crop => format!("{stem}-{k:03}.{ext}"),
                SampleKind::Whole => format!("{stem}-whole.{ext}"),
            };
            let path = format!("{}/{file}", label.name());
            let mask_path = if label == Label::Partial {
                format!(
                    "masks/{stem}-{}.png",
                    if kind == SampleKind::Whole {
                        "whole".to_string()
                    } else {
                        format!("{k:03}")
                    }
                )
            } else {
                String::new()
            };
            if let Some(row) = self.earlier.get(&path) {
                let complete = self.out.join(&path).is_file()
                    && (mask_path.is_empty() || self.out.join(&mask_path).is_file());
                if complete && row.mask == mask_path {
                    result.rows.push(row.clone());
                    result.resumed += 1;
                    continue;
                }
            }
            let donor = if family == Family::Splicing {
                self.donor(&name, split, k)
            } else {
                None
            };
            let (made, mask) = make(
                &image,
                family,
                neural,
                inpainter,
                donor.as_ref(),
                &config.mask,
                &chain,
                generators,
                &mut rng,
            )
            .map_err(|e| match e {
                ForgeError::Manipulation(message) => ForgeError::Fake {
                    path: photo.to_path_buf(),
                    message,
                },
                other => other,
            })?;
            if let Some(mask) = &mask {
                self.write_png(&mask_path, mask)?;
            }
            match &made.processed.encoded {
                Some(bytes) => self.write_bytes(&path, bytes)?,
                None => self.write_png(&path, &made.processed.image)?,
            }
            result.rows.push(ManifestRow {
                path,
                label: label.name(),
                mask: mask_path,
                family: made.family,
                generator: made.generator,
                processing: chain.to_string(),
                source: name.clone(),
                split,
                sample: kind,
            });
        }
        Ok(result)
    }

    fn has_donor(&self, name: &str, split: &str) -> bool {
        self.donors.iter().any(|(_, n, s)| n != name && *s == split)
    }

    /// Another photograph of the same split, decoded and brought to at most 1024 px.
    fn donor(&self, name: &str, split: &str, k: usize) -> Option<RgbImage> {
        let candidates: Vec<&(PathBuf, String, &'static str)> = self
            .donors
            .iter()
            .filter(|(_, n, s)| n != name && *s == split)
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let start = number(self.config.seed, &["donor", name, &k.to_string()]) as usize;
        (0..candidates.len().min(4)).find_map(|i| {
            let (path, _, _) = candidates[(start + i) % candidates.len()];
            read_image_file(path, &ImageLimits::default())
                .ok()
                .map(|d| downscale_to(&d.rgb, 1024))
        })
    }

    fn write_png<P>(
        &self,
        relative: &str,
        image: &image::ImageBuffer<P, Vec<u8>>,
    ) -> Result<(), ForgeError>
    where
        P: image::PixelWithColorType<Subpixel = u8>,
    {
        let path = self.out.join(relative);
        forgelens_engine::files::write_png(&path, image)
            .map_err(|source| ForgeError::Write { path, source })
    }

    fn write_bytes(&self, relative: &str, bytes: &[u8]) -> Result<(), ForgeError> {
        let path = self.out.join(relative);
        write_atomic(&path, bytes).map_err(|source| ForgeError::Write { path, source })
    }
}

/// The image with its long side at most `side` (Lanczos), never upscaled.
fn downscale_to(image: &RgbImage, side: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let long = w.max(h);
    if long <= side {
        return image.clone();
    }
    let scale = side as f32 / long as f32;
    let (nw, nh) = (
        ((w as f32 * scale).round() as u32).max(1),
        ((h as f32 * scale).round() as u32).max(1),
    );
    imageops::resize(image, nw, nh, imageops::FilterType::Lanczos3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_depend_on_every_part_and_the_seed() {
        assert_eq!(number(0, &["split", "a"]), number(0, &["split", "a"]));
        assert_ne!(number(0, &["split", "a"]), number(1, &["split", "a"]));
        assert_ne!(number(0, &["split", "ab"]), number(0, &["split", "a", "b"]));
    }
}
