//! JPEG markers (ITU T.81 Annex B): each segment named and described, scans with their
//! entropy-coded data, and what follows the end-of-image marker.

use super::{Segment, StructureFindings, ascii_prefix, be16, trailing};

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

pub(super) fn jpeg(b: &[u8], s: &mut StructureFindings) {
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

#[cfg(test)]
mod tests {
    use super::super::parse;
    use crate::FileFormat;

    #[test]
    fn a_truncated_jpeg_warns_and_does_not_panic() {
        for cut in [0, 1, 2, 3, 5, 7] {
            let bytes = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J'];
            let s = parse(&bytes[..cut], FileFormat::Jpeg);
            assert!(!s.warnings.is_empty());
        }
    }
}
