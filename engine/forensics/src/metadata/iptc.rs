//! IPTC-IIM datasets (IPTC Information Interchange Model 4.2) from a JPEG's APP13 "Photoshop
//! 3.0" segment: the 8BIM image resource 0x0404 holds the records, each dataset tagged 0x1C,
//! record, number, 16-bit length.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IptcEntry {
    /// `record:number`, e.g. `2:80`.
    pub dataset: String,
    pub name: String,
    pub value: String,
}

fn name(record: u8, number: u8) -> &'static str {
    match (record, number) {
        (1, 90) => "Coded Character Set",
        (2, 0) => "Record Version",
        (2, 5) => "Object Name",
        (2, 15) => "Category",
        (2, 25) => "Keywords",
        (2, 40) => "Special Instructions",
        (2, 55) => "Date Created",
        (2, 60) => "Time Created",
        (2, 62) => "Digital Creation Date",
        (2, 63) => "Digital Creation Time",
        (2, 65) => "Originating Program",
        (2, 70) => "Program Version",
        (2, 80) => "By-line",
        (2, 85) => "By-line Title",
        (2, 90) => "City",
        (2, 92) => "Sub-location",
        (2, 95) => "Province/State",
        (2, 100) => "Country Code",
        (2, 101) => "Country",
        (2, 103) => "Original Transmission Reference",
        (2, 105) => "Headline",
        (2, 110) => "Credit",
        (2, 115) => "Source",
        (2, 116) => "Copyright Notice",
        (2, 120) => "Caption/Abstract",
        (2, 122) => "Writer/Editor",
        _ => "",
    }
}

/// The 8BIM resources' IPTC block of every APP13 "Photoshop 3.0" segment, parsed.
pub fn from_jpeg(bytes: &[u8]) -> Vec<IptcEntry> {
    let mut out = Vec::new();
    let mut pos = 2;
    while pos + 4 <= bytes.len() && bytes[pos] == 0xFF {
        let marker = bytes[pos + 1];
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        if marker == 0xFF || (0xD0..=0xD8).contains(&marker) || marker == 0x01 {
            pos += if marker == 0xFF { 1 } else { 2 };
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        let end = pos + 2 + len;
        if len < 2 || end > bytes.len() {
            break;
        }
        let data = &bytes[pos + 4..end];
        if marker == 0xED && data.starts_with(b"Photoshop 3.0\0") {
            resources(&data[14..], &mut out);
        }
        pos = end;
    }
    out
}

fn resources(mut data: &[u8], out: &mut Vec<IptcEntry>) {
    while data.len() >= 12 && data.starts_with(b"8BIM") {
        let id = u16::from_be_bytes([data[4], data[5]]);
        // Pascal-string name, padded so that length byte + name is even.
        let name_len = usize::from(data[6]);
        let mut p = 7 + name_len;
        if (1 + name_len) % 2 == 1 {
            p += 1;
        }
        let Some(size_bytes) = data.get(p..p + 4) else {
            return;
        };
        let size = u32::from_be_bytes([size_bytes[0], size_bytes[1], size_bytes[2], size_bytes[3]])
            as usize;
        let start = p + 4;
        let Some(block) = data.get(start..start.saturating_add(size)) else {
            return;
        };
        if id == 0x0404 {
            datasets(block, out);
        }
        let next = start + size + (size & 1);
        data = data.get(next..).unwrap_or(&[]);
    }
}

fn datasets(mut d: &[u8], out: &mut Vec<IptcEntry>) {
    while d.len() >= 5 && d[0] == 0x1C {
        let (record, number) = (d[1], d[2]);
        let len = usize::from(u16::from_be_bytes([d[3], d[4]]));
        // Extended (over 32767 bytes) datasets are not used for text; stop there.
        if len & 0x8000 != 0 {
            return;
        }
        let Some(value) = d.get(5..5 + len) else {
            return;
        };
        out.push(IptcEntry {
            dataset: format!("{record}:{number}"),
            name: name(record, number).to_string(),
            value: if record == 1 && number == 90 {
                value
                    .iter()
                    .map(|b| format!("{b:02X}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                String::from_utf8_lossy(value).into_owned()
            },
        });
        d = &d[5 + len..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_byline() {
        let mut iptc = vec![0x1C, 2, 80, 0, 4];
        iptc.extend_from_slice(b"Jane");
        let mut res = b"8BIM\x04\x04\x00\x00".to_vec();
        res.extend_from_slice(&(iptc.len() as u32).to_be_bytes());
        res.extend_from_slice(&iptc);
        let mut out = Vec::new();
        resources(&res, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].name.as_str(), out[0].value.as_str()),
            ("By-line", "Jane")
        );
    }
}
