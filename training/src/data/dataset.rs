//! Labelled image sets on disk: the forge layout (`real/`, `partial/` + `masks/`, `full/`,
//! optionally `manifest.csv`, v1 or v2 columns) and Dolos-style folders (`real/`,
//! `fake/<generator>/images`, `fake/<generator>/masks`). Only image-level labels are needed
//! for training; masks, families and processing are kept for evaluation.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use forgelens_engine::Label;
use forgelens_engine::image_files::{IMAGE_EXTENSIONS, image_files};
use serde::{Deserialize, Serialize};

use crate::forge::Family;
pub use crate::forge::SampleKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    Train,
    Val,
    Test,
    /// The data says nothing; training assigns one by hash, evaluation uses everything.
    Unassigned,
}

impl FromStr for Split {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "train" | "training" => Ok(Split::Train),
            "val" | "valid" | "validation" => Ok(Split::Val),
            "test" | "testing" => Ok(Split::Test),
            "" => Ok(Split::Unassigned),
            other => Err(format!("unknown split `{other}`")),
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Split::Train => "train",
            Split::Val => "val",
            Split::Test => "test",
            Split::Unassigned => "unassigned",
        })
    }
}

/// The family of a sample whose data names none (manifests before forge v2, plain
/// folders): real, full regeneration for full fakes, neural regeneration for RDN partial
/// fakes, inpainting for diffusion / PatchMatch, else `unknown`.
pub fn derive_family(label: Label, generator: &str) -> String {
    let family = match label {
        Label::Real => Family::Real.name(),
        Label::Full => Family::FullRegeneration.name(),
        Label::Partial if generator.starts_with("rdn") => Family::NeuralRegeneration.name(),
        Label::Partial if matches!(generator, "diffusion" | "patchmatch") => {
            Family::Inpainting.name()
        }
        Label::Partial => UNKNOWN_FAMILY,
    };
    family.to_string()
}

/// The family of fakes whose family cannot be told from the data.
pub const UNKNOWN_FAMILY: &str = "unknown";

/// The `processing` of an image nothing was done to after the manipulation.
pub const NO_PROCESSING: &str = "none";

/// A ground-truth mask file and its polarity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaskRef {
    pub path: PathBuf,
    /// True when white marks manipulated pixels (the forge); Dolos uses black.
    pub manipulated_is_white: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub path: PathBuf,
    pub label: Label,
    pub mask: Option<MaskRef>,
    /// Which generator made the fake (empty for real images; `unknown` when not recorded).
    pub generator: String,
    /// The photograph the image came from, so splits never share a source.
    pub source: String,
    pub split: Split,
    /// The manipulation family (`forge::Family` names, or `unknown`); `real` for real images.
    pub family: String,
    /// The processing chain applied after the manipulation (`jpeg:87+resize:0.75`), `none`.
    pub processing: String,
    /// A crop, or the whole photograph.
    pub sample: SampleKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Manifest,
    Folders,
    Dolos,
}

#[derive(Debug, Clone)]
pub struct Dataset {
    pub root: PathBuf,
    pub layout: Layout,
    pub samples: Vec<Sample>,
    /// Entries left out, with the reason (counted, reported, never silently dropped).
    pub skipped: Vec<(PathBuf, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{0}: no such dataset folder")]
    Missing(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{0} is not a dataset: expected `real/`, `partial/` and `full/` folders (optionally with `masks/` and `manifest.csv`), or a Dolos-style `real/` + `fake/`"
    )]
    UnknownLayout(PathBuf),
    #[error(
        "{path}: the `{folder}/` folder is missing (a dataset needs real/, partial/ and full/)"
    )]
    FolderMissing { path: PathBuf, folder: &'static str },
    #[error("{path}, line {line}: {message}")]
    Manifest {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{0} contains no images")]
    Empty(PathBuf),
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DataError + '_ {
    move |source| DataError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Image files directly inside `dir`, sorted by name.
pub(crate) fn images_in(dir: &Path) -> Result<Vec<PathBuf>, DataError> {
    image_files(dir).map_err(io(dir))
}

/// A file in `dir` with the same stem as `image`, any image extension.
pub(crate) fn find_by_stem(dir: &Path, image: &Path) -> Option<PathBuf> {
    let stem = image.file_stem()?;
    IMAGE_EXTENSIONS
        .iter()
        .map(|ext| dir.join(stem).with_extension(ext))
        .find(|p| p.is_file())
}

impl Dataset {
    pub fn count(&self, label: Label) -> usize {
        self.samples.iter().filter(|s| s.label == label).count()
    }

    /// Every generator named by a fake, sorted.
    pub fn generators(&self) -> Vec<String> {
        let mut g: Vec<String> = self
            .samples
            .iter()
            .filter(|s| s.label != Label::Real)
            .map(|s| s.generator.clone())
            .collect();
        g.sort();
        g.dedup();
        g
    }
}

pub(super) fn read_folders(root: &Path) -> Result<Dataset, DataError> {
    for folder in ["real", "partial", "full"] {
        if !root.join(folder).is_dir() {
            return Err(DataError::FolderMissing {
                path: root.to_path_buf(),
                folder,
            });
        }
    }
    let masks = root.join("masks");
    let mut samples = Vec::new();
    for (folder, label) in [
        ("real", Label::Real),
        ("partial", Label::Partial),
        ("full", Label::Full),
    ] {
        for path in images_in(&root.join(folder))? {
            let mask = (label == Label::Partial)
                .then(|| find_by_stem(&masks, &path))
                .flatten()
                .map(|path| MaskRef {
                    path,
                    manipulated_is_white: true,
                });
            let source = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let generator = if label == Label::Real {
                String::new()
            } else {
                "unknown".to_string()
            };
            samples.push(Sample {
                family: derive_family(label, &generator),
                generator,
                path,
                label,
                mask,
                source,
                split: Split::Unassigned,
                processing: NO_PROCESSING.to_string(),
                sample: SampleKind::Crop,
            });
        }
    }
    Ok(Dataset {
        root: root.to_path_buf(),
        layout: Layout::Folders,
        samples,
        skipped: Vec::new(),
    })
}

pub(super) fn read_manifest(root: &Path) -> Result<Dataset, DataError> {
    let path = root.join("manifest.csv");
    let mut reader = csv::Reader::from_path(&path).map_err(|e| DataError::Manifest {
        path: path.clone(),
        line: 1,
        message: e.to_string(),
    })?;
    let manifest_err = |line: usize, message: String| DataError::Manifest {
        path: path.clone(),
        line,
        message,
    };
    let headers = reader
        .headers()
        .map_err(|e| manifest_err(1, e.to_string()))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(path_col), Some(label_col)) = (column("path"), column("label")) else {
        return Err(manifest_err(
            1,
            "the header needs at least `path` and `label` columns".into(),
        ));
    };
    let (mask_col, generator_col, source_col, split_col) = (
        column("mask"),
        column("generator"),
        column("source"),
        column("split"),
    );
    // Forge v2 columns; manifests before it lack them (families are then derived).
    let (family_col, processing_col, sample_col) =
        (column("family"), column("processing"), column("sample"));
    let mut samples = Vec::new();
    let mut skipped = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| manifest_err(line, e.to_string()))?;
        let field = |col: Option<usize>| col.and_then(|c| record.get(c)).unwrap_or("").trim();
        let image = root.join(field(Some(path_col)));
        let label = match field(Some(label_col)).to_ascii_lowercase().as_str() {
            "real" => Label::Real,
            "partial" => Label::Partial,
            "full" => Label::Full,
            other => {
                return Err(manifest_err(
                    line,
                    format!("unknown label `{other}` (expected real, partial or full)"),
                ));
            }
        };
        let split = field(split_col)
            .parse::<Split>()
            .map_err(|e| manifest_err(line, e))?;
        if !image.is_file() {
            skipped.push((image, "listed in manifest.csv but missing".to_string()));
            continue;
        }
        let mask = match field(mask_col) {
            "" => None,
            m => Some(MaskRef {
                path: root.join(m),
                manipulated_is_white: true,
            }),
        };
        let generator = match (label, field(generator_col)) {
            (Label::Real, _) => String::new(),
            (_, "") => "unknown".to_string(),
            (_, g) => g.to_string(),
        };
        let source = match field(source_col) {
            "" => image
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            s => s.to_string(),
        };
        let family = match field(family_col) {
            "" => derive_family(label, &generator),
            f => manifest_family(f, label).map_err(|m| manifest_err(line, m))?,
        };
        let processing = match field(processing_col) {
            "" => NO_PROCESSING.to_string(),
            p => p.to_string(),
        };
        let sample = field(sample_col)
            .parse::<SampleKind>()
            .map_err(|e| manifest_err(line, e))?;
        samples.push(Sample {
            path: image,
            label,
            mask,
            generator,
            source,
            split,
            family,
            processing,
            sample,
        });
    }
    Ok(Dataset {
        root: root.to_path_buf(),
        layout: Layout::Manifest,
        samples,
        skipped,
    })
}

/// A manifest's `family`: a known family of the row's label, or `unknown`.
fn manifest_family(text: &str, label: Label) -> Result<String, String> {
    if text == UNKNOWN_FAMILY {
        return Ok(text.to_string());
    }
    let family = text.parse::<Family>().map_err(|e| e.to_string())?;
    if family.label() != label {
        return Err(format!(
            "family `{family}` makes {} images, but the label is {}",
            family.label().name(),
            label.name()
        ));
    }
    Ok(family.name().to_string())
}
