//! Metadata: the full EXIF dump (`kamadak-exif`), the XMP packet as text with the properties
//! that tell the file's history (found by a plain scan: no maintained pure-Rust XMP reader
//! fits, Adobe's toolkit is C++), IPTC-IIM datasets from a JPEG's Photoshop resources, PNG
//! text chunks, software traces with known editor and generator markers, GPS as text, and the
//! embedded EXIF thumbnail compared with the image (mean absolute difference after resizing
//! the image to the thumbnail; a thumbnail unlike its image is a classic sign of editing,
//! Kee & Farid, "Digital image authentication from thumbnails", SPIE 2010).

mod iptc;
mod thumbnail;
mod xmp;

use std::io::Cursor;

use exif::{Exif, In, Tag, Value};
use serde::{Deserialize, Serialize};

use crate::{Evidence, FileFormat, Findings, ForensicsError, Outcome};

pub use iptc::IptcEntry;
pub use thumbnail::ThumbnailComparison;

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

/// Names that mark an editor, or an image generator, in software fields.
const EDITORS: [&str; 21] = [
    "photoshop",
    "lightroom",
    "gimp",
    "affinity",
    "pixelmator",
    "paint.net",
    "snapseed",
    "canva",
    "picsart",
    "facetune",
    "darktable",
    "rawtherapee",
    "capture one",
    "luminar",
    "imagemagick",
    "graphicsmagick",
    "photopea",
    "krita",
    "corel",
    "acdsee",
    "topaz",
];
const GENERATORS: [&str; 10] = [
    "midjourney",
    "dall-e",
    "dall·e",
    "stable diffusion",
    "firefly",
    "imagen",
    "novelai",
    "comfyui",
    "automatic1111",
    "trainedalgorithmicmedia",
];

pub fn run(evidence: &Evidence, params: &MetadataParams) -> Result<Outcome, ForensicsError> {
    if !(params.thumbnail_threshold.is_finite() && params.thumbnail_threshold > 0.0) {
        return Err(ForensicsError::invalid(
            "metadata",
            "thumbnail_threshold must be positive",
        ));
    }
    let bytes = &evidence.bytes;
    let mut f = MetadataFindings {
        format: evidence.format,
        exif: Vec::new(),
        exif_error: None,
        camera: None,
        camera_make: None,
        camera_model: None,
        date_original: None,
        date_digitized: None,
        date_modified: None,
        stated_size: None,
        gps: None,
        xmp: xmp::packet(bytes),
        xmp_properties: Vec::new(),
        iptc: if evidence.format == FileFormat::Jpeg {
            iptc::from_jpeg(bytes)
        } else {
            vec![]
        },
        png_text: if evidence.format == FileFormat::Png {
            png_text(bytes)
        } else {
            vec![]
        },
        software: Vec::new(),
        editor_markers: Vec::new(),
        thumbnail: None,
        notes: Vec::new(),
    };
    match exif::Reader::new().read_from_container(&mut Cursor::new(bytes.as_slice())) {
        Ok(exif) => read_exif(&exif, evidence, params, &mut f),
        Err(exif::Error::NotFound(_)) => {}
        Err(exif::Error::InvalidFormat(m)) if m.contains("Unknown image format") => {}
        Err(e) => f.exif_error = Some(e.to_string()),
    }
    if let Some(packet) = &f.xmp {
        f.xmp_properties = xmp::properties(packet);
        let xmp_value = |name: &str| {
            f.xmp_properties
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.trim().to_string())
        };
        if f.camera.is_none() {
            f.camera = match (xmp_value("tiff:Make"), xmp_value("tiff:Model")) {
                (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
                (Some(make), Some(model)) => Some(format!("{make} {model}")),
                (a, b) => a.or(b),
            };
        }
        let stated = (
            xmp_value("exif:PixelXDimension").and_then(|v| v.parse::<u32>().ok()),
            xmp_value("exif:PixelYDimension").and_then(|v| v.parse::<u32>().ok()),
        );
        if let (Some(w), Some(h)) = stated {
            f.stated_size.get_or_insert((w, h));
        }
        for (name, value) in &f.xmp_properties {
            if name.ends_with("CreatorTool") || name.ends_with("softwareAgent") {
                f.software.push(SoftwareTrace {
                    source: format!("XMP {name}"),
                    value: value.clone(),
                });
            }
            if name.ends_with("digitalSourceType") {
                f.software.push(SoftwareTrace {
                    source: format!("XMP {name}"),
                    value: value.clone(),
                });
            }
        }
    }
    for e in &f.iptc {
        if e.dataset == "2:65" || e.dataset == "2:70" {
            f.software.push(SoftwareTrace {
                source: format!("IPTC {}", e.name),
                value: e.value.clone(),
            });
        }
    }
    for (key, text) in &f.png_text {
        let k = key.to_ascii_lowercase();
        if k == "software"
            || k == "parameters"
            || k == "prompt"
            || k == "workflow"
            || k == "comment"
        {
            f.software.push(SoftwareTrace {
                source: format!("PNG text \"{key}\""),
                value: text.chars().take(300).collect(),
            });
        }
        if k == "parameters" || k == "prompt" || k == "workflow" {
            f.editor_markers.push(format!(
                "generation parameters in PNG text \"{key}\" (Stable Diffusion tools write these)"
            ));
        }
    }
    if evidence.format == FileFormat::Jpeg {
        jpeg_markers(bytes, &mut f);
    }
    for trace in &f.software {
        let lower = trace.value.to_ascii_lowercase();
        for name in EDITORS.iter().chain(GENERATORS.iter()) {
            if lower.contains(name) {
                let marker = format!("{name} ({})", trace.source);
                if !f.editor_markers.contains(&marker) {
                    f.editor_markers.push(marker);
                }
            }
        }
    }
    if let Some((w, h)) = f.stated_size {
        let (iw, ih) = (evidence.width(), evidence.height());
        if (w, h) != (iw, ih) && (h, w) != (iw, ih) {
            f.notes.push(format!(
                "the metadata states {w}x{h} pixels, the image has {iw}x{ih}: resized or \
                 cropped after the metadata was written"
            ));
        }
    }
    if f.exif.is_empty() && f.xmp.is_none() && f.iptc.is_empty() {
        f.notes
            .push("no EXIF, XMP or IPTC metadata (stripped, or never written)".into());
    }
    if !f.editor_markers.is_empty() {
        f.notes.push(format!(
            "software traces name: {}",
            f.editor_markers.join("; ")
        ));
    }
    Ok((vec![], Findings::Metadata(Box::new(f))))
}

fn ascii_text(exif: &Exif, tag: Tag) -> Option<String> {
    let field = exif.get_field(tag, In::PRIMARY)?;
    let s = match &field.value {
        Value::Ascii(parts) => parts
            .iter()
            .map(|p| {
                String::from_utf8_lossy(p)
                    .trim_end_matches('\0')
                    .trim()
                    .to_string()
            })
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        _ => field.display_value().to_string(),
    };
    (!s.is_empty()).then_some(s)
}

fn read_exif(exif: &Exif, evidence: &Evidence, params: &MetadataParams, f: &mut MetadataFindings) {
    f.exif = exif
        .fields()
        .map(|field| ExifEntry {
            ifd: if field.ifd_num == In::PRIMARY {
                "primary".into()
            } else if field.ifd_num == In::THUMBNAIL {
                "thumbnail".into()
            } else {
                format!("{}", field.ifd_num)
            },
            group: format!("{:?}", field.tag.context()).to_ascii_lowercase(),
            tag: field.tag.to_string(),
            value: field.display_value().with_unit(exif).to_string(),
        })
        .collect();
    f.camera_make = ascii_text(exif, Tag::Make);
    f.camera_model = ascii_text(exif, Tag::Model);
    f.camera = match (f.camera_make.clone(), f.camera_model.clone()) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (a, b) => a.or(b),
    };
    let dimension = |tag| {
        exif.get_field(tag, In::PRIMARY)
            .and_then(|f| f.value.get_uint(0))
    };
    if let (Some(w), Some(h)) = (
        dimension(Tag::PixelXDimension),
        dimension(Tag::PixelYDimension),
    ) {
        f.stated_size = Some((w, h));
    }
    f.date_original = ascii_text(exif, Tag::DateTimeOriginal);
    f.date_digitized = ascii_text(exif, Tag::DateTimeDigitized);
    f.date_modified = ascii_text(exif, Tag::DateTime);
    if let (Some(o), Some(m)) = (&f.date_original, &f.date_modified)
        && o != m
    {
        f.notes
            .push(format!("modified ({m}) after it was taken ({o})"));
    }
    for (tag, source) in [
        (Tag::Software, "EXIF Software"),
        (Tag(exif::Context::Tiff, 0x000B), "EXIF ProcessingSoftware"),
        (Tag(exif::Context::Tiff, 0x013C), "EXIF HostComputer"),
    ] {
        if let Some(value) = ascii_text(exif, tag) {
            f.software.push(SoftwareTrace {
                source: source.into(),
                value,
            });
        }
    }
    f.gps = gps(exif);
    f.thumbnail = thumbnail::compare(exif, &evidence.rgb, params.thumbnail_threshold);
    if let Some(note) = f.thumbnail.as_ref().and_then(|t| t.note.as_ref()) {
        f.notes.push(note.clone());
    }
}

fn rational_degrees(exif: &Exif, tag: Tag) -> Option<f64> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        Value::Rational(v) if v.len() >= 3 => {
            Some(v[0].to_f64() + v[1].to_f64() / 60.0 + v[2].to_f64() / 3600.0)
        }
        Value::Rational(v) if !v.is_empty() => Some(v[0].to_f64()),
        _ => None,
    }
    .filter(|v| v.is_finite())
}

fn dms(v: f64) -> String {
    let d = v.trunc();
    let m = ((v - d) * 60.0).trunc();
    let s = (v - d - m / 60.0) * 3600.0;
    format!("{d:.0}°{m:.0}'{s:.1}\"")
}

fn gps(exif: &Exif) -> Option<Gps> {
    let lat = rational_degrees(exif, Tag::GPSLatitude)?;
    let lon = rational_degrees(exif, Tag::GPSLongitude)?;
    let south = ascii_text(exif, Tag::GPSLatitudeRef).is_some_and(|r| r.starts_with('S'));
    let west = ascii_text(exif, Tag::GPSLongitudeRef).is_some_and(|r| r.starts_with('W'));
    let altitude_m = match exif
        .get_field(Tag::GPSAltitude, In::PRIMARY)
        .map(|f| &f.value)
    {
        Some(Value::Rational(v)) if !v.is_empty() => {
            let below = matches!(
                exif.get_field(Tag::GPSAltitudeRef, In::PRIMARY).map(|f| &f.value),
                Some(Value::Byte(b)) if b.first() == Some(&1)
            );
            Some(if below { -v[0].to_f64() } else { v[0].to_f64() })
        }
        _ => None,
    };
    let (ns, ew) = (if south { 'S' } else { 'N' }, if west { 'W' } else { 'E' });
    let mut text = format!(
        "{lat:.6} {ns}, {lon:.6} {ew} ({}{ns} {}{ew})",
        dms(lat),
        dms(lon)
    );
    if let Some(a) = altitude_m {
        text.push_str(&format!(", altitude {a:.1} m"));
    }
    Some(Gps {
        latitude: if south { -lat } else { lat },
        longitude: if west { -lon } else { lon },
        altitude_m,
        text,
    })
}

/// JPEG comment segments and Adobe / Photoshop application segments.
fn jpeg_markers(bytes: &[u8], f: &mut MetadataFindings) {
    let structure = crate::structure::parse(bytes, FileFormat::Jpeg);
    for s in &structure.segments {
        if s.name == "COM" {
            let start = s.offset as usize + 4;
            let end = (s.offset + s.size) as usize;
            if let Some(text) = bytes.get(start..end) {
                f.software.push(SoftwareTrace {
                    source: "JPEG comment".into(),
                    value: String::from_utf8_lossy(text).chars().take(300).collect(),
                });
            }
        } else if s.name == "APP13" && s.info.contains("Photoshop") {
            f.editor_markers
                .push("photoshop (APP13 Photoshop resources)".into());
        } else if s.name == "APP14" && s.info.contains("Adobe") {
            f.editor_markers.push("adobe (APP14 Adobe segment)".into());
        }
    }
}

/// PNG tEXt and uncompressed iTXt chunks before IDAT or after it.
fn png_text(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut pos = 8;
    while pos + 12 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]])
            as usize;
        let Some(end) = (pos + 12).checked_add(len).filter(|&e| e <= bytes.len()) else {
            break;
        };
        let kind = &bytes[pos + 4..pos + 8];
        let data = &bytes[pos + 8..pos + 8 + len];
        let split = data.iter().position(|&c| c == 0).unwrap_or(data.len());
        let key = String::from_utf8_lossy(&data[..split]).into_owned();
        let rest = data.get(split + 1..).unwrap_or(&[]);
        match kind {
            b"tEXt" => out.push((key, rest.iter().map(|&c| c as char).collect())),
            b"zTXt" => out.push((key, "(compressed text, not shown)".into())),
            b"iTXt" => {
                let compressed = rest.first() == Some(&1);
                // Skip compression flag and method, then language tag and translated keyword.
                let mut p = 2usize.min(rest.len());
                for _ in 0..2 {
                    p += rest[p..]
                        .iter()
                        .position(|&c| c == 0)
                        .map_or(rest.len() - p, |n| n + 1);
                }
                let text = if compressed {
                    "(compressed text, not shown)".into()
                } else {
                    String::from_utf8_lossy(rest.get(p..).unwrap_or(&[])).into_owned()
                };
                out.push((key, text));
            }
            _ => {}
        }
        pos = end;
        if kind == b"IEND" {
            break;
        }
    }
    out
}
