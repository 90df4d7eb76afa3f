//! The report as data: what was analysed, with what, how, when, by whom, and what came out.
//! Serialised as JSON (schema `forgelens-report`, version `REPORT_SCHEMA_VERSION`) and
//! embedded verbatim in every HTML and PDF report, so any report can be verified.
//!
//! Versioning: fields are only ever added within a version (readers ignore unknown fields);
//! renaming, removing or changing the meaning of a field bumps `REPORT_SCHEMA_VERSION`.
//! Version 2 added `Results::conclusion`, the signed conclusion on the likelihood-ratio
//! scale; version 1 reports (without it) are still read and verified.

use serde::{Deserialize, Serialize};

use super::conclusion::Conclusion;
use forgelens_engine::analysis::{DeviceInfo, Probabilities, Timings, Verdict};
use forgelens_engine::map_kind::MapKind;
use forgelens_engine::model::ModelCard;
use forgelens_engine::regions::Region;
use forgelens_forensics::metadata::{SoftwareTrace, ThumbnailComparison};
use forgelens_forensics::{MapSummary, Tool};

/// The value of `Report::format`.
pub const REPORT_FORMAT: &str = "forgelens-report";
pub const REPORT_SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always `forgelens-report`.
    pub format: String,
    pub schema_version: u32,
    /// When the report was assembled (UTC, RFC 3339).
    pub created_utc: String,
    pub tool: ToolInfo,
    pub case: CaseInfo,
    pub evidence: Evidence,
    pub model: ModelRecord,
    pub processing: Processing,
    pub results: Results,
    /// What the result can and cannot tell, in sentences for people.
    pub limitations: Vec<String>,
    /// The classic toolbox: the metadata summary and Content Credentials status, and every
    /// tool the analyst ran. `None` in reports made before the toolbox existed.
    #[serde(default)]
    pub toolbox: Option<Toolbox>,
}

/// The program that made the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
    /// Git commit the program was built from, or `unknown`.
    pub source_revision: String,
}

impl ToolInfo {
    /// ForgeLens at `version`, built from `source_revision` (the program knows both: see
    /// `app/build.rs`).
    pub fn forgelens(version: &str, source_revision: &str) -> Self {
        Self {
            name: "ForgeLens".to_string(),
            version: version.to_string(),
            source_revision: source_revision.to_string(),
        }
    }
}

/// Who asked, for what case. Free text given by the analyst; empty when not given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseInfo {
    pub analyst: Option<String>,
    pub case_id: Option<String>,
    pub notes: Option<String>,
}

/// What identifies the evidence file, and what it says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub file_name: Option<String>,
    /// The path the file was read from, as given.
    pub path: Option<String>,
    pub byte_len: u64,
    /// SHA-256 of the exact file bytes (hex).
    pub sha256: String,
    /// MD5 of the exact file bytes (hex), for systems that index by MD5. Not collision-safe:
    /// SHA-256 is the identifier.
    pub md5: String,
    /// SHA-256 of the decoded pixels: 8-bit RGB, row-major, after EXIF orientation, no header.
    pub pixels_sha256: String,
    /// Container format, sniffed from the bytes.
    pub format: String,
    /// After EXIF orientation.
    pub width: u32,
    pub height: u32,
    pub exif_orientation: u8,
    /// Colour type as stored, before conversion to 8-bit RGB.
    pub colour: String,
    pub metadata: ImageMetadata,
}

/// A summary of the file's own metadata. Metadata is written by whoever made the file and
/// is trivially edited: it is reported, not trusted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageMetadata {
    /// Whether an EXIF block was found.
    pub exif_present: bool,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    pub software: Option<String>,
    /// `DateTimeOriginal`, `DateTimeDigitized` and `DateTime`, as written in the file.
    pub date_original: Option<String>,
    pub date_digitized: Option<String>,
    pub date_modified: Option<String>,
    pub gps_present: bool,
    /// Number of EXIF fields found.
    pub exif_fields: usize,
    /// Why the EXIF block could not be read, when one seemed present.
    pub exif_error: Option<String>,
    pub jpeg_quality: Option<JpegQuality>,
}

/// The JPEG quality the quantisation tables correspond to, on the IJG (libjpeg) scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JpegQuality {
    /// Best-fitting IJG quality, 1..=100.
    pub estimate: u8,
    /// Whether the tables are exactly libjpeg's standard tables at that quality; when not,
    /// the encoder used its own tables and the estimate is only the nearest match.
    pub standard_tables: bool,
    /// Quantisation tables found (luminance, chrominance, ...).
    pub tables: usize,
}

/// The model that produced the results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRecord {
    pub id: String,
    pub name: String,
    /// SHA-256 of `model.bpk`, the exact weights file.
    pub weights_sha256: String,
    /// SHA-256 over the tensors' names and values (equal weights, equal hash).
    pub content_sha256: String,
    pub extractor: String,
    pub trained: bool,
    pub card: ModelCard,
    /// The model's full configuration (`model.json`).
    pub config: serde_json::Value,
}

/// How the image was processed: steps in order, every setting, the device, the times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Processing {
    /// The processing chain, one sentence a step, with the values used.
    pub steps: Vec<String>,
    pub parameters: Parameters,
    pub device: DeviceInfo,
    /// Numeric precision of the computation.
    pub precision: String,
    pub started_utc: String,
    pub finished_utc: String,
    pub timings: Timings,
}

/// Every setting that changes the result or its presentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameters {
    pub max_pixels: u64,
    pub max_file_bytes: u64,
    /// Input side of the extractor for the whole-image verdict view.
    pub verdict_input_px: u32,
    /// Per-channel normalisation of the verdict view (the extractor's).
    pub verdict_mean: [f32; 3],
    pub verdict_std: [f32; 3],
    /// Per-channel normalisation of the fusion-net tiles (ImageNet).
    pub tile_mean: [f32; 3],
    pub tile_std: [f32; 3],
    pub tile_size_px: u32,
    pub tile_overlap_requested: f32,
    pub tile_overlap_used: f32,
    pub max_tiles: usize,
    pub tiles: u32,
    pub tile_batch_size: usize,
    /// Size of the image the tiles were cut from.
    pub work_width: u32,
    pub work_height: u32,
    /// Threshold per map for areas and regions.
    pub thresholds: MapThresholds,
    /// Map whose regions are listed.
    pub regions_map: MapKind,
    pub colormap: String,
    pub overlay_opacity: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MapThresholds {
    pub cam: f32,
    pub attention: f32,
    pub fused: f32,
}

impl Default for MapThresholds {
    fn default() -> Self {
        Self {
            cam: 0.5,
            attention: 0.5,
            fused: 0.5,
        }
    }
}

impl MapThresholds {
    pub fn get(&self, map: MapKind) -> f32 {
        match map {
            MapKind::Cam => self.cam,
            MapKind::Attention => self.attention,
            MapKind::Fused => self.fused,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub verdict: Verdict,
    pub probabilities: Probabilities,
    /// Mean squared teacher-student discrepancies (N_S1, N_S2).
    pub discrepancy: [f32; 2],
    pub maps: Vec<MapRecord>,
    /// Connected regions of `Parameters::regions_map` at its threshold, largest first, in
    /// input pixels.
    pub regions: Vec<Region>,
    /// Regions found in all, when more than listed.
    pub regions_total: usize,
    /// The conclusion on the verbal likelihood-ratio scale (schema 2); `None` in schema 1.
    #[serde(default)]
    pub conclusion: Option<Conclusion>,
}

/// One localisation map: what it is, how much is above threshold, and its hashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapRecord {
    pub name: MapKind,
    pub width: u32,
    pub height: u32,
    pub threshold: f32,
    /// Share of pixels at or above `threshold`.
    pub area_above_threshold: f32,
    /// SHA-256 of the values as little-endian f32, row-major.
    pub values_sha256: String,
    /// SHA-256 of the 8-bit greyscale PNG of the map, the file `forgelens analyze` writes as
    /// `<stem>.<map>.png`.
    pub png_sha256: String,
}

/// The classic toolbox's part of a report (`forgelens-forensics`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Toolbox {
    pub metadata: MetadataSummary,
    pub content_credentials: CredentialsStatus,
    /// The tools the analyst ran, in the toolbox's order.
    pub runs: Vec<ToolRecord>,
}

/// What the metadata tool says about the file's history, beyond `Evidence::metadata`
/// (camera and dates, from the same reading).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetadataSummary {
    /// EXIF, XMP, IPTC, PNG text and JPEG comment fields naming software.
    pub software: Vec<SoftwareTrace>,
    /// Known editors or image generators named in those traces.
    pub editor_markers: Vec<String>,
    /// Position as text, when the file states one.
    pub gps: Option<String>,
    /// The embedded EXIF thumbnail compared with the image.
    pub thumbnail: Option<ThumbnailComparison>,
    pub notes: Vec<String>,
    /// Why the metadata could not be read.
    pub error: Option<String>,
}

/// Whether the file carries Content Credentials (C2PA), and how they validate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialsStatus {
    /// Whether this program checked them.
    pub checked: bool,
    /// One line: "no Content Credentials", "not checked: ...", the SDK's judgement.
    pub summary: String,
    /// The C2PA tool's findings, when checked.
    pub findings: Option<serde_json::Value>,
}

/// One tool run: its parameters, time, findings and maps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolRecord {
    pub tool: Tool,
    /// The tool's own parameters (`null` for a tool without any).
    pub parameters: serde_json::Value,
    /// Wall-clock time the tool took.
    pub elapsed_ms: f64,
    /// The tool's findings (`forgelens_forensics::Findings`), absent when it failed.
    pub findings: Option<serde_json::Value>,
    /// Why the tool failed.
    pub error: Option<String>,
    pub maps: Vec<ToolMapRecord>,
}

/// One map of a tool: its scale and statistics, and the hashes that identify it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolMapRecord {
    #[serde(flatten)]
    pub summary: MapSummary,
    /// SHA-256 of the values as little-endian f32, row-major (upright).
    pub values_sha256: String,
    /// SHA-256 of the 8-bit greyscale PNG, the file `forgelens inspect` writes.
    pub png_sha256: String,
}
