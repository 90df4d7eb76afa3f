//! The forge run: a folder of photographs in, a labelled dataset out, in the layout every
//! other command reads (`real/`, `partial/` + `masks/`, `full/`, `manifest.csv`). Each
//! photograph's crops, labels, masks and generators follow from the seed and the file name
//! alone, so a run is reproducible and an interrupted run resumes by skipping the files that
//! exist (each is written atomically). Train/val/test is assigned per photograph.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use burn::tensor::Device;
use forgelens_engine::files::{write_atomic, write_png};
use forgelens_engine::image_input::{ImageLimits, read_image_file};
use forgelens_engine::progress::{CancelToken, Progress, ProgressSink};
use image::{RgbImage, imageops};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use super::fakes::{FakeError, PartialGenerator, full_fake, partial_fake};
use super::inpaint::Inpainter;
use super::masks::{MaskConfig, MaskShape, random_mask};
use super::rdn::Rdn;

#[derive(Debug, Clone, PartialEq)]
pub struct ForgeConfig {
    /// Side of the square crops, in pixels (a multiple of the generator's scale).
    pub crop_size: u32,
    /// Crops taken from each photograph; labels cycle real, partial, full.
    pub crops_per_photo: usize,
    pub seed: u64,
    /// Shares of photographs for train and val; the rest is test.
    pub train_share: f32,
    pub val_share: f32,
    pub mask: MaskConfig,
    /// Generators for partial fakes, by name (`rdn-slim-x4`, `diffusion`, `patchmatch`);
    /// empty = all three, rotating.
    pub partial_generators: Vec<String>,
}

impl Default for ForgeConfig {
    fn default() -> Self {
        Self {
            crop_size: 256,
            crops_per_photo: 6,
            seed: 0,
            train_share: 0.7,
            val_share: 0.15,
            mask: MaskConfig::default(),
            partial_generators: Vec::new(),
        }
    }
}

/// The partial-fake generators, by the name the manifest records.
pub const PARTIAL_GENERATORS: [(&str, PartialGenerator); 3] = [
    ("rdn-slim-x4", PartialGenerator::Rdn),
    ("diffusion", PartialGenerator::Inpaint(Inpainter::Diffusion)),
    (
        "patchmatch",
        PartialGenerator::Inpaint(Inpainter::PatchMatch),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum ForgeError {
    #[error("unknown partial-fake generator `{0}` (expected rdn-slim-x4, diffusion or patchmatch)")]
    UnknownGenerator(String),
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
    #[error("{path}: {source}")]
    Fake {
        path: PathBuf,
        #[source]
        source: FakeError,
    },
    #[error("the forge run was cancelled; run it again to resume")]
    Cancelled,
}

/// One written image, as a manifest row.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestRow {
    pub path: String,
    pub label: &'static str,
    pub mask: String,
    pub generator: &'static str,
    pub source: String,
    pub split: &'static str,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForgeSummary {
    pub rows: Vec<ManifestRow>,
    /// Photographs skipped, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// Images that already existed (an earlier, interrupted run).
    pub resumed: usize,
}

fn hash_of(seed: u64, name: &str) -> u64 {
    let mut h = DefaultHasher::new();
    (seed, name).hash(&mut h);
    h.finish()
}

fn split_of(config: &ForgeConfig, name: &str) -> &'static str {
    let u = (hash_of(config.seed ^ 0x5eed, name) % 10_000) as f32 / 10_000.0;
    if u < config.train_share {
        "train"
    } else if u < config.train_share + config.val_share {
        "val"
    } else {
        "test"
    }
}

const EXTENSIONS: [&str; 6] = ["jpg", "jpeg", "png", "tif", "tiff", "webp"];

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

/// Runs the forge. `model` is the neural generator (RDN); full fakes and RDN partial fakes
/// come from it, the other partial fakes from classical inpainting.
pub fn forge(
    photos_dir: &Path,
    out: &Path,
    config: &ForgeConfig,
    model: &Rdn,
    device: &Device,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<ForgeSummary, ForgeError> {
    let mut summary = ForgeSummary::default();
    let files = photos(photos_dir)?;
    for dir in ["real", "partial", "masks", "full"] {
        let path = out.join(dir);
        std::fs::create_dir_all(&path).map_err(|source| ForgeError::Write { path, source })?;
    }
    let limits = ImageLimits::default();
    let partial_generators: Vec<(&'static str, PartialGenerator)> = PARTIAL_GENERATORS
        .into_iter()
        .filter(|(name, _)| {
            config.partial_generators.is_empty()
                || config.partial_generators.iter().any(|g| g == name)
        })
        .collect();
    if let Some(unknown) = config
        .partial_generators
        .iter()
        .find(|g| !PARTIAL_GENERATORS.iter().any(|(name, _)| name == g))
    {
        return Err(ForgeError::UnknownGenerator(unknown.clone()));
    }
    for (index, photo) in files.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(ForgeError::Cancelled);
        }
        progress.report(Progress {
            stage: "forging",
            done: index,
            total: files.len(),
        });
        let name = photo
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is_image = photo
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        if !is_image {
            summary
                .skipped
                .push((photo.clone(), "not an image file".into()));
            continue;
        }
        let rgb: RgbImage = match read_image_file(photo, &limits) {
            Ok(decoded) => decoded.rgb,
            Err(e) => {
                log::warn!("skipping {}: {e}", photo.display());
                summary.skipped.push((photo.clone(), e.to_string()));
                continue;
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
            summary.skipped.push((photo.clone(), reason));
            continue;
        }
        let split = split_of(config, &name);
        let stem = photo
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut rng = ChaCha8Rng::seed_from_u64(hash_of(config.seed, &name));
        // Partial-fake generators rotate across photographs as well as crops.
        let rotation = (hash_of(config.seed ^ 0x9e3779b9, &name) % 3) as usize;
        for k in 0..config.crops_per_photo {
            let x = rng.random_range(0..=rgb.width() - size);
            let y = rng.random_range(0..=rgb.height() - size);
            let crop = imageops::crop_imm(&rgb, x, y, size, size).to_image();
            let file = format!("{stem}-{k:03}.png");
            let write = |path: &Path, image: &RgbImage| {
                write_png(path, image).map_err(|source| ForgeError::Write {
                    path: path.to_path_buf(),
                    source,
                })
            };
            let fake_err = |source| ForgeError::Fake {
                path: photo.clone(),
                source,
            };
            let mut row = ManifestRow {
                path: String::new(),
                label: "real",
                mask: String::new(),
                generator: "",
                source: name.clone(),
                split,
            };
            // Draw every random choice before checking for existing files, so a resumed
            // run stays on the same sequence.
            let shape = MaskShape::ALL[rng.random_range(0..MaskShape::ALL.len())];
            let mask = random_mask(size, size, shape, &config.mask, &mut rng)
                .map_err(|e| fake_err(FakeError::Mask(e)))?;
            let fill_seed: u64 = rng.random();
            match k % 3 {
                0 => {
                    row.path = format!("real/{file}");
                    if out.join(&row.path).is_file() {
                        summary.resumed += 1;
                    } else {
                        write(&out.join(&row.path), &crop)?;
                    }
                }
                1 => {
                    let (generator_name, generator) =
                        partial_generators[(rotation + k / 3) % partial_generators.len()];
                    row.label = "partial";
                    row.generator = generator_name;
                    row.path = format!("partial/{file}");
                    row.mask = format!("masks/{file}");
                    if out.join(&row.path).is_file() && out.join(&row.mask).is_file() {
                        summary.resumed += 1;
                    } else {
                        let fake = partial_fake(&crop, &mask, generator, model, device, fill_seed)
                            .map_err(fake_err)?;
                        write_png(&out.join(&row.mask), &mask.binary).map_err(|source| {
                            ForgeError::Write {
                                path: out.join(&row.mask),
                                source,
                            }
                        })?;
                        write(&out.join(&row.path), &fake)?;
                    }
                }
                _ => {
                    row.label = "full";
                    row.generator = "rdn-slim-x4";
                    row.path = format!("full/{file}");
                    if out.join(&row.path).is_file() {
                        summary.resumed += 1;
                    } else {
                        let fake = full_fake(model, &crop, device).map_err(fake_err)?;
                        write(&out.join(&row.path), &fake)?;
                    }
                }
            }
            summary.rows.push(row);
        }
    }
    progress.report(Progress {
        stage: "forging",
        done: files.len(),
        total: files.len(),
    });
    let mut csv = String::from("path,label,mask,generator,source,split\n");
    for r in &summary.rows {
        csv += &format!(
            "{},{},{},{},\"{}\",{}\n",
            r.path,
            r.label,
            r.mask,
            r.generator,
            r.source.replace('"', "\"\""),
            r.split
        );
    }
    let manifest = out.join("manifest.csv");
    write_atomic(&manifest, csv.as_bytes()).map_err(|source| ForgeError::Write {
        path: manifest,
        source,
    })?;
    Ok(summary)
}
