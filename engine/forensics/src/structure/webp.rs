//! WebP RIFF chunks (the WebP container specification), and what follows the RIFF size.

use super::{Segment, StructureFindings, trailing};

pub(super) fn webp(b: &[u8], s: &mut StructureFindings) {
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
