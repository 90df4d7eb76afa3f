//! The forge's `manifest.csv`: one row per written image, with its label, mask, family,
//! generator, laundering chain, source photograph, split and sample kind. Written atomically
//! at the end of a run, or when it stops on cancel or an error; read back on resume.

use std::fmt;
use std::path::Path;

use forgelens_engine::files::write_atomic;

use super::family::Family;
use super::pipeline::ForgeError;

pub const COLUMNS: [&str; 9] = [
    "path",
    "label",
    "mask",
    "family",
    "generator",
    "processing",
    "source",
    "split",
    "sample",
];

/// What an image is of its photograph: a crop, or the whole photograph (downscaled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SampleKind {
    Crop,
    Whole,
}

impl SampleKind {
    pub fn name(self) -> &'static str {
        match self {
            SampleKind::Crop => "crop",
            SampleKind::Whole => "whole",
        }
    }
}

/// A manifest's `sample` column; empty (manifests before forge v2) means a crop.
impl std::str::FromStr for SampleKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "crop" | "" => Ok(SampleKind::Crop),
            "whole" => Ok(SampleKind::Whole),
            other => Err(format!("unknown sample `{other}` (expected crop or whole)")),
        }
    }
}

impl fmt::Display for SampleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One written image, as a manifest row.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestRow {
    pub path: String,
    pub label: &'static str,
    /// The mask's path (partial fakes), else empty.
    pub mask: String,
    pub family: Family,
    /// The generator or operation (empty for real images).
    pub generator: String,
    /// The laundering chain (`none` when untouched).
    pub processing: String,
    pub source: String,
    pub split: &'static str,
    pub sample: SampleKind,
}

pub fn write_manifest(path: &Path, rows: &[ManifestRow]) -> Result<(), ForgeError> {
    let err = |message: String| ForgeError::Manifest {
        path: path.to_path_buf(),
        message,
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(COLUMNS)
        .map_err(|e| err(e.to_string()))?;
    for r in rows {
        writer
            .write_record([
                r.path.as_str(),
                r.label,
                &r.mask,
                r.family.name(),
                &r.generator,
                &r.processing,
                &r.source,
                r.split,
                r.sample.name(),
            ])
            .map_err(|e| err(e.to_string()))?;
    }
    let bytes = writer.into_inner().map_err(|e| err(e.to_string()))?;
    write_atomic(path, &bytes).map_err(|source| ForgeError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// The rows of an earlier run's manifest in this layout; none when there is no file. A
/// manifest of an older layout is not reused (its images are made again).
pub fn read_manifest(path: &Path) -> Result<Vec<ManifestRow>, ForgeError> {
    let err = |message: String| ForgeError::Manifest {
        path: path.to_path_buf(),
        message,
    };
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let mut reader = csv::Reader::from_path(path).map_err(|e| err(e.to_string()))?;
    let headers = reader.headers().map_err(|e| err(e.to_string()))?.clone();
    if headers.iter().collect::<Vec<_>>() != COLUMNS {
        return Ok(Vec::new());
    }
    let mut rows = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| err(e.to_string()))?;
        let field = |i: usize| record.get(i).unwrap_or("").to_string();
        let bad = |what: &str| err(format!("line {}: {what}", line + 2));
        let label = match record.get(1) {
            Some("real") => "real",
            Some("partial") => "partial",
            Some("full") => "full",
            _ => return Err(bad("unknown label")),
        };
        let split = match record.get(7) {
            Some("train") => "train",
            Some("val") => "val",
            Some("test") => "test",
            _ => return Err(bad("unknown split")),
        };
        let sample = match record.get(8) {
            Some("crop") => SampleKind::Crop,
            Some("whole") => SampleKind::Whole,
            _ => return Err(bad("unknown sample kind")),
        };
        let family = field(3)
            .parse::<Family>()
            .map_err(|e| bad(&e.to_string()))?;
        rows.push(ManifestRow {
            path: field(0),
            label,
            mask: field(2),
            family,
            generator: field(4),
            processing: field(5),
            source: field(6),
            split,
            sample,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_and_older_layouts_are_not_reused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("manifest.csv");
        let rows = vec![ManifestRow {
            path: "partial/a, b-001.jpg".into(),
            label: "partial",
            mask: "masks/a, b-001.png".into(),
            family: Family::CopyMove,
            generator: "copy-move".into(),
            processing: "resize:0.75+jpeg:80".into(),
            source: "a, \"b\".jpg".into(),
            split: "val",
            sample: SampleKind::Whole,
        }];
        write_manifest(&path, &rows).expect("write");
        assert_eq!(read_manifest(&path).expect("read"), rows);
        std::fs::write(
            &path,
            "path,label,mask,generator,source,split\nreal/x.png,real,,,x,train\n",
        )
        .expect("old");
        assert!(read_manifest(&path).expect("old layout").is_empty());
        assert!(
            read_manifest(&dir.path().join("none.csv"))
                .expect("absent")
                .is_empty()
        );
    }
}
