//! Dolos-style folders (Țânțaru et al., WACV 2024), read as they are distributed:
//! `real/[<source>/]<split>/*` and `fake/<generator>/images/<split>/*` with masks in
//! `fake/<generator>/masks/<split>/` (black = manipulated). A generator folder without
//! `masks/` holds fully generated images.

use std::path::Path;

use forgelens_engine::Label;

use super::dataset::{
    DataError, Dataset, Layout, MaskRef, NO_PROCESSING, Sample, SampleKind, Split, UNKNOWN_FAMILY,
    find_by_stem, images_in, io,
};
use crate::forge::Family;

const SPLITS: [&str; 4] = ["train", "valid", "val", "test"];

pub fn looks_like_dolos(root: &Path) -> bool {
    root.join("real").is_dir() && root.join("fake").is_dir() && !root.join("partial").is_dir()
}

fn subdirs(dir: &Path) -> Result<Vec<std::path::PathBuf>, DataError> {
    let mut dirs: Vec<_> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

type SplitFolder = (Option<&'static str>, Split, Vec<std::path::PathBuf>);

/// The images of each split subfolder (with the folder's name), or the folder's own images.
fn split_images(dir: &Path) -> Result<Vec<SplitFolder>, DataError> {
    let mut out = Vec::new();
    for name in SPLITS {
        let d = dir.join(name);
        if d.is_dir() {
            let split = name.parse().unwrap_or(Split::Unassigned);
            out.push((Some(name), split, images_in(&d)?));
        }
    }
    if out.is_empty() {
        out.push((None, Split::Unassigned, images_in(dir)?));
    }
    Ok(out)
}

pub fn read(root: &Path) -> Result<Dataset, DataError> {
    let mut samples = Vec::new();
    let real = root.join("real");
    let mut real_dirs = vec![real.clone()];
    if !SPLITS.iter().any(|s| real.join(s).is_dir()) {
        real_dirs.extend(subdirs(&real)?);
    }
    for dir in real_dirs {
        for (_, split, images) in split_images(&dir)? {
            for path in images {
                samples.push(Sample {
                    source: stem(&path),
                    path,
                    label: Label::Real,
                    mask: None,
                    generator: String::new(),
                    split,
                    family: Family::Real.name().to_string(),
                    processing: NO_PROCESSING.to_string(),
                    sample: SampleKind::Crop,
                });
            }
        }
    }
    for generator_dir in subdirs(&root.join("fake"))? {
        let generator = generator_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let images = generator_dir.join("images");
        let masks = generator_dir.join("masks");
        let (label, image_root) = if masks.is_dir() {
            (Label::Partial, images)
        } else if images.is_dir() {
            (Label::Full, images)
        } else {
            (Label::Full, generator_dir.clone())
        };
        for (split_name, split, files) in split_images(&image_root)? {
            for path in files {
                let mask = if label == Label::Partial {
                    let mask_dir = match split_name {
                        Some(s) => masks.join(s),
                        None => masks.clone(),
                    };
                    find_by_stem(&mask_dir, &path).map(|m| MaskRef {
                        path: m,
                        manipulated_is_white: false,
                    })
                } else {
                    None
                };
                samples.push(Sample {
                    source: stem(&path),
                    path,
                    label,
                    mask,
                    generator: generator.clone(),
                    split,
                    // Dolos's partial fakes are diffusion inpaintings.
                    family: match label {
                        Label::Partial => Family::Inpainting.name().to_string(),
                        _ => UNKNOWN_FAMILY.to_string(),
                    },
                    processing: NO_PROCESSING.to_string(),
                    sample: SampleKind::Crop,
                });
            }
        }
    }
    Ok(Dataset {
        root: root.to_path_buf(),
        layout: Layout::Dolos,
        samples,
        skipped: Vec::new(),
    })
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
