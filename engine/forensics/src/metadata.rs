//! Metadata: the full EXIF dump (`kamadak-exif`), the XMP packet as text with the properties
//! that tell the file's history (found by a plain scan: no maintained pure-Rust XMP reader
//! fits, Adobe's toolkit is C++), IPTC-IIM datasets from a JPEG's Photoshop resources, PNG
//! text chunks, software traces with known editor and generator markers, GPS as text, and the
//! embedded EXIF thumbnail compared with the image (mean absolute difference after resizing
//! the image to the thumbnail; a thumbnail unlike its image is a classic sign of editing,
//! Kee & Farid, "Digital image authentication from thumbnails", SPIE 2010).

mod exif_fields;
mod findings;
mod iptc;
mod png_text;
mod thumbnail;
mod traces;
mod xmp;

use std::io::Cursor;

use crate::{Evidence, FileFormat, Findings, ForensicsError, Outcome};
use exif_fields::read_exif;
use png_text::png_text;
use traces::{EDITORS, GENERATORS, jpeg_markers};

pub use findings::{ExifEntry, Gps, MetadataFindings, MetadataParams, SoftwareTrace};
pub use iptc::IptcEntry;
pub use thumbnail::ThumbnailComparison;

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
