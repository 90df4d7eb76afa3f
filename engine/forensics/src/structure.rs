//! File structure: the container's segments in order with offsets and sizes (JPEG markers
//! with their scans, PNG chunks with CRC checks, WebP RIFF chunks), data after the end of the
//! image, and warnings about anything out of place. Parsed here from the bytes (ITU T.81
//! Annex B, ISO/IEC 15948, the WebP container specification); TIFF, GIF and BMP get their
//! header only.

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
        FileFormat::Jpeg => jpeg(bytes, &mut s),
        FileFormat::Png => png(bytes, &mut s),
        FileFormat::Webp => webp(bytes, &mut s),
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

fn jpeg_name(m: u8) -> String {
    match m {
        0xD8 => "SOI".into(),
        0xD9 => "EOI".into(),
        0xDA => "SOS".into(),
        0xDB => "DQT".into(),
        0xC4 => "DHT".into(),
        0xDD => "DRI".into(),
        0xFE => "COM".into(),
        0xCC => "DAC".into(),
        0xC0..=0xCF => format!("SOF{}", m - 0xC0),
        0xE0..=0xEF => format!("APP{}", m - 0xE0),
        0xD0..=0xD7 => format!("RST{}", m - 0xD0),
        _ => format!("0xFF{m:02X}"),
    }
}

fn jpeg_info(m: u8, data: &[u8]) -> String {
    match m {
        0xE0..=0xEF => {
            let id = ascii_prefix(data, 40);
            let what = match (m, id.as_str()) {
                (0xE0, "JFIF") => " (JFIF header)",
                (0xE1, "Exif") => " (EXIF)",
                (0xE1, i) if i.starts_with("http://ns.adobe.com/xap") => " (XMP)",
                (0xE2, "ICC_PROFILE") => " (ICC colour profile)",
                (0xE2, "MPF") => " (multi-picture format)",
                (0xED, "Photoshop 3.0") => " (Photoshop resources, IPTC)",
                (0xEE, i) if i.starts_with("Adobe") => " (Adobe colour transform)",
                (0xEB, i) if i.starts_with("JP") => " (JUMBF: Content Credentials)",
                _ => "",
            };
            format!("identifier \"{id}\"{what}")
        }
        0xC0..=0xCF if m != 0xC4 && m != 0xC8 && m != 0xCC && data.len() >= 6 => {
            let kind = match m {
                0xC0 => "baseline",
                0xC1 => "extended sequential",
                0xC2 => "progressive",
                0xC3 => "lossless",
                _ => "other",
            };
            let n = usize::from(data[5]);
            let comps: Vec<String> = (0..n)
                .filter(|i| 6 + 3 * i + 2 < data.len())
                .map(|i| {
                    let c = &data[6 + 3 * i..6 + 3 * i + 3];
                    format!("{}: {}x{} table {}", c[0], c[1] >> 4, c[1] & 15, c[2])
                })
                .collect();
            format!(
                "{kind}, {} bits, {}x{}, components [{}]",
                data[0],
                be16(data, 3),
                be16(data, 1),
                comps.join(", ")
            )
        }
        0xDB => {
            let mut ids = Vec::new();
            let mut p = 0;
            while p < data.len() {
                let sixteen = data[p] >> 4 == 1;
                ids.push(format!(
                    "{}{}",
                    data[p] & 15,
                    if sixteen { " (16-bit)" } else { "" }
                ));
                p += 1 + if sixteen { 128 } else { 64 };
            }
            format!("quantisation tables {}", ids.join(", "))
        }
        0xDD if data.len() >= 2 => format!("restart interval {}", be16(data, 0)),
        0xFE => format!(
            "comment \"{}\"",
            String::from_utf8_lossy(&data[..data.len().min(200)])
        ),
        0xDA if !data.is_empty() => format!("scan of {} component(s)", data[0]),
        _ => String::new(),
    }
}

fn jpeg(b: &[u8], s: &mut StructureFindings) {
    if b.len() < 2 || b[0] != 0xFF || b[1] != 0xD8 {
        s.warnings.push("no start-of-image marker".into());
        return;
    }
    s.segments.push(Segment {
        offset: 0,
        size: 2,
        name: "SOI".into(),
        info: String::new(),
    });
    let mut pos = 2;
    loop {
        if pos + 2 > b.len() {
            s.warnings
                .push("the file ends before an end-of-image marker (truncated?)".into());
            return;
        }
        if b[pos] != 0xFF {
            s.warnings.push(format!(
                "unexpected byte 0x{:02X} at offset {pos} where a marker should be",
                b[pos]
            ));
            return;
        }
        let m = b[pos + 1];
        if m == 0xFF {
            pos += 1;
            continue;
        }
        if m == 0xD9 {
            s.segments.push(Segment {
                offset: pos as u64,
                size: 2,
                name: "EOI".into(),
                info: String::new(),
            });
            pos += 2;
            break;
        }
        if (0xD0..=0xD8).contains(&m) || m == 0x01 {
            if m == 0xD8 {
                s.warnings
                    .push(format!("a second start-of-image marker at offset {pos}"));
            }
            s.segments.push(Segment {
                offset: pos as u64,
                size: 2,
                name: jpeg_name(m),
                info: String::new(),
            });
            pos += 2;
            continue;
        }
        if pos + 4 > b.len() {
            s.warnings
                .push(format!("segment header cut off at offset {pos}"));
            return;
        }
        let len = be16(b, pos + 2);
        let end = pos + 2 + len;
        if len < 2 || end > b.len() {
            s.warnings.push(format!(
                "{} at offset {pos} claims {len} bytes, past the end of the file",
                jpeg_name(m)
            ));
            return;
        }
        let data = &b[pos + 4..end];
        let mut size = end - pos;
        let mut info = jpeg_info(m, data);
        if m == 0xDA {
            // Entropy-coded data runs to the next marker that is not a stuffed 0x00 or RST.
            let mut p = end;
            while p + 1 < b.len()
                && !(b[p] == 0xFF && b[p + 1] != 0 && !(0xD0..=0xD7).contains(&b[p + 1]))
            {
                p += 1;
            }
            if p + 1 >= b.len() {
                p = b.len();
            }
            size = p - pos;
            info.push_str(&format!(", {} bytes of entropy-coded data", p - end));
        }
        s.segments.push(Segment {
            offset: pos as u64,
            size: size as u64,
            name: jpeg_name(m),
            info,
        });
        pos += size;
    }
    trailing(b, pos, s);
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

/// CRC-32 (ISO 3309, as PNG uses it).
fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for part in parts {
        for &byte in *part {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
    }
    !crc
}

fn png(b: &[u8], s: &mut StructureFindings) {
    const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    if !b.starts_with(&SIGNATURE) {
        s.warnings.push("no PNG signature".into());
        return;
    }
    s.segments.push(Segment {
        offset: 0,
        size: 8,
        name: "signature".into(),
        info: String::new(),
    });
    let mut pos = 8;
    while pos + 12 <= b.len() {
        let len = u32::from_be_bytes([b[pos], b[pos + 1], b[pos + 2], b[pos + 3]]) as usize;
        let kind = &b[pos + 4..pos + 8];
        let name = String::from_utf8_lossy(kind).into_owned();
        let Some(end) = (pos + 12).checked_add(len).filter(|&e| e <= b.len()) else {
            s.warnings.push(format!(
                "chunk {name} at offset {pos} runs past the end of the file"
            ));
            return;
        };
        let data = &b[pos + 8..pos + 8 + len];
        let stored = u32::from_be_bytes([b[end - 4], b[end - 3], b[end - 2], b[end - 1]]);
        let mut info = match kind {
            b"IHDR" if len >= 13 => format!(
                "{}x{}, {} bits, colour type {}, interlace {}",
                u32::from_be_bytes([data[0], data[1], data[2], data[3]]),
                u32::from_be_bytes([data[4], data[5], data[6], data[7]]),
                data[8],
                data[9],
                data[12]
            ),
            b"tEXt" | b"zTXt" | b"iTXt" => format!("text, keyword \"{}\"", ascii_prefix(data, 80)),
            b"eXIf" => "EXIF".into(),
            b"iCCP" => format!("ICC profile \"{}\"", ascii_prefix(data, 80)),
            b"caBX" => "JUMBF: Content Credentials".into(),
            b"tIME" if len >= 7 => format!(
                "modified {:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
                be16(data, 0),
                data[2],
                data[3],
                data[4],
                data[5],
                data[6]
            ),
            _ => String::new(),
        };
        if crc32(&[kind, data]) != stored {
            if !info.is_empty() {
                info.push_str(", ");
            }
            info.push_str("CRC MISMATCH");
            s.warnings
                .push(format!("chunk {name} at offset {pos}: CRC mismatch"));
        }
        s.segments.push(Segment {
            offset: pos as u64,
            size: (end - pos) as u64,
            name: name.clone(),
            info,
        });
        pos = end;
        if kind == b"IEND" {
            trailing(b, pos, s);
            return;
        }
    }
    s.warnings.push("no IEND chunk (truncated?)".into());
}

fn webp(b: &[u8], s: &mut StructureFindings) {
    if b.len() < 12 || &b[0..4] != b"RIFF" || &b[8..12] != b"WEBP" {
        s.warnings.push("no RIFF WEBP header".into());
        return;
    }
    let riff_end = (u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize + 8).min(b.len());
    s.segments.push(Segment {
        offset: 0,
        size: 12,
        name: "RIFF".into(),
        info: format!("WEBP, {} bytes declared", riff_end),
    });
    let mut pos = 12;
    while pos + 8 <= riff_end {
        let name = String::from_utf8_lossy(&b[pos..pos + 4]).into_owned();
        let len = u32::from_le_bytes([b[pos + 4], b[pos + 5], b[pos + 6], b[pos + 7]]) as usize;
        let end = (pos + 8 + len + (len & 1)).min(riff_end);
        let info = match name.as_str() {
            "EXIF" => "EXIF",
            "XMP " => "XMP",
            "ICCP" => "ICC profile",
            "C2PA" => "JUMBF: Content Credentials",
            "VP8 " => "lossy image data",
            "VP8L" => "lossless image data",
            "VP8X" => "extended header",
            _ => "",
        };
        s.segments.push(Segment {
            offset: pos as u64,
            size: (end - pos) as u64,
            name,
            info: info.into(),
        });
        pos = end;
    }
    trailing(b, riff_end, s);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_of_iend() {
        assert_eq!(crc32(&[b"IEND", b""]), 0xAE42_6082);
    }

    #[test]
    fn a_truncated_jpeg_warns_and_does_not_panic() {
        for cut in [0, 1, 2, 3, 5, 7] {
            let bytes = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J'];
            let s = parse(&bytes[..cut], FileFormat::Jpeg);
            assert!(!s.warnings.is_empty());
        }
    }
}
