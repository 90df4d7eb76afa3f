//! File structure: the container's segments in order with offsets and sizes (JPEG markers
//! with their scans, PNG chunks with CRC checks, WebP RIFF chunks), data after the end of the
//! image, and warnings about anything out of place. Parsed here from the bytes (ITU T.81
//! Annex B, ISO/IEC 15948, the WebP container specification); TIFF, GIF and BMP get their
//! header only.

mod jpeg;
mod png;
mod webp;

use serde::{Deserialize, Serialize};

use crate::{Evidence, FileFormat, Findings, ForensicsError, Outcome};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// Byte offset of the segment's first byte (its marker or length field).
    pub offset: u64,
    /// Bytes, including marker, length and (for a JPEG scan) the entropy-coded data after it.
    pub size: u64,
    /// Marker or chunk name: `SOI`, `APP1`, `SOS`, `IHDR`, `VP8X`, ...
    pub name: String,
    /// What the segment holds, in words.
    pub info: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructureFindings {
    pub format: FileFormat,
    pub file_size: u64,
    pub segments: Vec<Segment>,
    /// Bytes after the end-of-image marker / IEND chunk / RIFF size.
    pub trailing_bytes: u64,
    pub warnings: Vec<String>,
}

pub fn run(evidence: &Evidence) -> Result<Outcome, ForensicsError> {
    Ok((
        vec![],
        Findings::Structure(parse(&evidence.bytes, evidence.format)),
    ))
}

pub fn parse(bytes: &[u8], format: FileFormat) -> StructureFindings {
    let mut s = StructureFindings {
        format,
        file_size: bytes.len() as u64,
        segments: Vec::new(),
        trailing_bytes: 0,
        warnings: Vec::new(),
    };
    match format {
        FileFormat::Jpeg => jpeg::jpeg(bytes, &mut s),
        FileFormat::Png => png::png(bytes, &mut s),
        FileFormat::Webp => webp::webp(bytes, &mut s),
        FileFormat::Tiff | FileFormat::Gif | FileFormat::Bmp => s.segments.push(Segment {
            offset: 0,
            size: bytes.len() as u64,
            name: format!("{format:?}").to_uppercase(),
            info: "header only: this container's structure is not parsed".into(),
        }),
    }
    s
}

fn be16(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_be_bytes([b[at], b[at + 1]]))
}

fn ascii_prefix(data: &[u8], max: usize) -> String {
    data.iter()
        .take(max)
        .take_while(|&&c| c != 0)
        .map(|&c| {
            if (0x20..0x7f).contains(&c) {
                c as char
            } else {
                '.'
            }
        })
        .collect()
}

fn trailing(b: &[u8], end: usize, s: &mut StructureFindings) {
    if end >= b.len() {
        return;
    }
    let rest = &b[end..];
    s.trailing_bytes = rest.len() as u64;
    let what = if rest.starts_with(&[0xFF, 0xD8]) {
        " (another JPEG: an appended image)"
    } else if rest.iter().all(|&c| c == 0) {
        " (zero padding)"
    } else {
        ""
    };
    s.segments.push(Segment {
        offset: end as u64,
        size: rest.len() as u64,
        name: "trailing".into(),
        info: format!("data after the end of the image{what}"),
    });
    s.warnings.push(format!(
        "{} bytes after the end of the image{what}",
        rest.len()
    ));
}
