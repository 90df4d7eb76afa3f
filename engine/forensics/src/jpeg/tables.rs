//! JPEG quantisation tables (DQT segments, parsed here) and the IJG quality they correspond to:
//! the tables are compared with libjpeg's standard tables (ITU T.81 Annex K) scaled for each
//! quality 1..=100. Copied from the engine's `report/jpeg_quality.rs` (this crate does not
//! depend on the engine); the engine is to use this module instead.

use serde::{Deserialize, Serialize};

/// Annex K.1 luminance table, natural (row-major) order.
pub const STD_LUMINANCE: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// Annex K.2 chrominance table, natural order.
pub const STD_CHROMINANCE: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/// Natural-order index of the k-th coefficient in zig-zag order (DQT stores zig-zag order).
pub const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// One DQT table, natural order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantTable {
    /// Table id (0..=3); by convention 0 is luminance, 1 chrominance.
    pub id: u8,
    /// 16-bit precision in the file.
    pub precision_16: bool,
    pub values: Vec<u16>,
}

/// The quantisation tables of a JPEG file, by id, from the segments before the first scan.
/// `None` when `bytes` is not a JPEG or a DQT segment is malformed.
pub fn quantisation_tables(bytes: &[u8]) -> Option<Vec<QuantTable>> {
    if bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8 {
        return None;
    }
    let mut tables: [Option<QuantTable>; 4] = Default::default();
    let mut pos = 2;
    while pos + 4 <= bytes.len() {
        if bytes[pos] != 0xFF {
            return None;
        }
        let marker = bytes[pos + 1];
        if marker == 0xFF {
            pos += 1;
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            pos += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        let end = pos + 2 + len;
        if len < 2 || end > bytes.len() {
            return None;
        }
        if marker == 0xDB {
            let mut p = pos + 4;
            while p < end {
                let precision_16 = bytes[p] >> 4 == 1;
                let id = bytes[p] & 0x0F;
                p += 1;
                let size = if precision_16 { 128 } else { 64 };
                if p + size > end || id > 3 {
                    return None;
                }
                let mut values = vec![0u16; 64];
                for (k, &natural) in ZIGZAG.iter().enumerate() {
                    values[natural] = if precision_16 {
                        u16::from_be_bytes([bytes[p + 2 * k], bytes[p + 2 * k + 1]])
                    } else {
                        u16::from(bytes[p + k])
                    };
                }
                tables[usize::from(id)] = Some(QuantTable {
                    id,
                    precision_16,
                    values,
                });
                p += size;
            }
        }
        pos = end;
    }
    let found: Vec<QuantTable> = tables.into_iter().flatten().collect();
    (!found.is_empty()).then_some(found)
}

/// libjpeg's `jpeg_set_quality`: the standard table scaled for `quality`, baseline-clamped.
pub fn scaled(table: &[u16; 64], quality: u8) -> [u16; 64] {
    let q = u32::from(quality.clamp(1, 100));
    let scale = if q < 50 { 5000 / q } else { 200 - 2 * q };
    table.map(|v| ((u32::from(v) * scale + 50) / 100).clamp(1, 255) as u16)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityEstimate {
    /// The closest IJG quality.
    pub estimate: u8,
    /// The tables are exactly libjpeg's at that quality.
    pub standard_tables: bool,
    /// Sum of absolute differences to those tables (0 when standard).
    pub table_distance: u32,
}

/// The closest IJG quality for the luminance (and, if present, chrominance) tables.
pub fn estimate_quality(tables: &[QuantTable]) -> Option<QualityEstimate> {
    if tables.is_empty() {
        return None;
    }
    let distance = |quality: u8| -> u32 {
        tables
            .iter()
            .take(2)
            .enumerate()
            .map(|(i, table)| {
                let reference = scaled(
                    if i == 0 {
                        &STD_LUMINANCE
                    } else {
                        &STD_CHROMINANCE
                    },
                    quality,
                );
                table
                    .values
                    .iter()
                    .zip(reference.iter())
                    .map(|(&a, &b)| u32::from(a.abs_diff(b)))
                    .sum::<u32>()
            })
            .sum()
    };
    let (estimate, table_distance) = (1..=100u8)
        .map(|q| (q, distance(q)))
        .min_by_key(|&(q, e)| (e, std::cmp::Reverse(q)))?;
    Some(QualityEstimate {
        estimate,
        standard_tables: table_distance == 0,
        table_distance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode_jpeg(quality: u8) -> Vec<u8> {
        let image =
            image::RgbImage::from_fn(32, 32, |x, y| image::Rgb([x as u8 * 8, y as u8 * 8, 90]));
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
            .encode_image(&image)
            .expect("encodes");
        bytes
    }

    #[test]
    fn recovers_the_encoder_quality() {
        for quality in [10, 50, 75, 90, 100] {
            let tables = quantisation_tables(&encode_jpeg(quality)).expect("a JPEG");
            assert_eq!(tables.len(), 2);
            let estimate = estimate_quality(&tables).expect("tables");
            assert_eq!(estimate.estimate, quality);
            assert!(estimate.standard_tables, "quality {quality}");
        }
    }

    #[test]
    fn not_a_jpeg_has_no_tables() {
        assert!(quantisation_tables(b"\x89PNG\r\n\x1a\n....").is_none());
        assert!(quantisation_tables(&[0xFF, 0xD8, 0xFF]).is_none());
        assert!(estimate_quality(&[]).is_none());
    }
}
