//! PNG chunks (ISO/IEC 15948) with their CRCs checked, and what follows IEND.

use super::{Segment, StructureFindings, ascii_prefix, be16, trailing};

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

pub(super) fn png(b: &[u8], s: &mut StructureFindings) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_of_iend() {
        assert_eq!(crc32(&[b"IEND", b""]), 0xAE42_6082);
    }
}
