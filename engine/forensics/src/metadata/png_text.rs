//! PNG text chunks (tEXt, iTXt; zTXt and compressed iTXt listed without their text).

/// PNG tEXt and uncompressed iTXt chunks before IDAT or after it.
pub(super) fn png_text(bytes: &[u8]) -> Vec<(String, String)> {
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
