//! One photograph forged: its crops and whole-photograph sample, each with a label, family,
//! generator and laundering chain drawn from SHA-256, written atomically (or kept from an
//! earlier run), and the splicing donors from the same split.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use forgelens_engine::Label;
use forgelens_engine::files::write_atomic;
use forgelens_engine::image_files::is_image_file;
use forgelens_engine::image_input::{ImageLimits, read_image_file};
use image::{RgbImage, imageops};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use super::choices::{digest, number, split_of};
use super::config::{ForgeConfig, ForgeError};
use super::plan::Plan;
use crate::forge::family::Family;
use crate::forge::inpaint::Inpainter;
use crate::forge::manifest::{ManifestRow, SampleKind};
use crate::forge::sample::{Generators, SLOW_GENERATOR_MAX_SIDE, is_slow, make};

#[derive(Default)]
pub(super) struct PhotoResult {
    pub(super) rows: Vec<ManifestRow>,
    pub(super) resumed: usize,
    pub(super) skipped: Option<(PathBuf, String)>,
}

pub(super) struct PhotoWorker<'a> {
    pub(super) config: &'a ForgeConfig,
    pub(super) plan: &'a Plan,
    pub(super) out: &'a Path,
    pub(super) earlier: &'a HashMap<String, ManifestRow>,
    pub(super) donors: &'a [(PathBuf, String, &'static str)],
}

impl PhotoWorker<'_> {
    pub(super) fn forge_photo(
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

pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
