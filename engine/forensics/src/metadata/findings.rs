//! The metadata tool's parameters and findings: EXIF entries, software traces, GPS, and
//! everything else the tool reports.

use serde::{Deserialize, Serialize};

use super::{IptcEntry, ThumbnailComparison};
use crate::FileFormat;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetadataParams {
    /// Mean absolute difference (levels) above which the thumbnail is said to differ.
    pub thumbnail_threshold: f32,
}

impl Default for MetadataParams {
    fn default() -> Self {
        Self {
            thumbnail_threshold: 12.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExifEntry {
    /// `primary` (the image) or `thumbnail`.
    pub ifd: String,
    /// `tiff`, `exif`, `gps` or `interop`.
    pub group: String,
    pub tag: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoftwareTrace {
    /// Where it was found: `EXIF Software`, `XMP CreatorTool`, `PNG text "parameters"`, ...
    pub source: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gps {
    pub latitude: f64,
    pub longitude: f64,
    pub altitude_m: Option<f64>,
    /// `48.858370 N, 2.294481 E (48°51'30.1"N 2°17'40.1"E)`.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetadataFindings {
    pub format: FileFormat,
    pub exif: Vec<ExifEntry>,
    /// Why EXIF could not be read, when present but unreadable.
    pub exif_error: Option<String>,
    /// Make and model as one name (EXIF, else XMP).
    pub camera: Option<String>,
    /// EXIF `Make` and `Model` as written.
    #[serde(default)]
    pub camera_make: Option<String>,
    #[serde(default)]
    pub camera_model: Option<String>,
    /// EXIF `DateTimeOriginal`, `DateTimeDigitized` and `DateTime`, as written.
    pub date_original: Option<String>,
    #[serde(default)]
    pub date_digitized: Option<String>,
    pub date_modified: Option<String>,
    /// The pixel size the metadata states (EXIF or XMP PixelX/YDimension).
    pub stated_size: Option<(u32, u32)>,
    pub gps: Option<Gps>,
    /// The raw XMP packet.
    pub xmp: Option<String>,
    /// XMP properties about the file's history (CreatorTool, dates, history agents, ids).
    pub xmp_properties: Vec<(String, String)>,
    pub iptc: Vec<IptcEntry>,
    /// PNG tEXt / iTXt chunks (keyword, text); compressed ones are listed with no text.
    pub png_text: Vec<(String, String)>,
    pub software: Vec<SoftwareTrace>,
    /// Known editors or generators named in the traces above.
    pub editor_markers: Vec<String>,
    pub thumbnail: Option<ThumbnailComparison>,
    pub notes: Vec<String>,
}
