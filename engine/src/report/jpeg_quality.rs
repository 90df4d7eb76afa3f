//! JPEG quality from the quantisation tables: the file's DQT tables are compared with
//! libjpeg's standard tables (ITU T.81 Annex K) scaled to each IJG quality 1..=100, and the
//! closest quality is reported, with whether the match is exact. Encoders with their own
//! tables (many cameras, Photoshop) only get a nearest match.

use super::document::JpegQuality;

/// Annex K.1 luminance table, natural (row-major) order.
const STD_LUMINANCE: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// Annex K.2 chrominance table, natural order.
const STD_CHROMINANCE: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/// Natural-order index of the k-th coefficient in zig-zag order (DQT stores zig-zag order).
const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// The quantisation tables of a JPEG file, in natural order, indexed by table id (0..4).
/// `None` when `bytes` is not a JPEG or has no DQT segment before the first scan.
pub fn quantisation_tables(bytes: &[u8]) -> Option<Vec<[u16; 64]>> {
    if bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8 {
        return None;
    }
    let mut tables: [Option<[u16; 64]>; 4] = [None; 4];
    let mut pos = 2;
    while pos + 4 <= bytes.len() {
        if bytes[pos] != 0xFF {
            return None;
        }
        let marker = bytes[pos + 1];
        if marker == 0xFF {
            pos += 1; // fill byte
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            break; // start of scan, end of image
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
                let id = usize::from(bytes[p] & 0x0F);
                p += 1;
                let size = if precision_16 { 128 } else { 64 };
                if p + size > end || id > 3 {
                    return None;
                }
                let mut table = [0u16; 64];
                for (k, &natural) in ZIGZAG.iter().enumerate() {
                    table[natural] = if precision_16 {
                        u16::from_be_bytes([bytes[p + 2 * k], bytes[p + 2 * k + 1]])
                    } else {
                        u16::from(bytes[p + k])
                    };
                }
                tables[id] = Some(table);
                p += size;
            }
        }
        pos = end;
    }
    let found: Vec<[u16; 64]> = tables.into_iter().flatten().collect();
    (!found.is_empty()).then_some(found)
}

/// libjpeg's `jpeg_set_quality`: the standard table scaled for `quality`, baseline-clamped.
fn scaled(table: &[u16; 64], quality: u8) -> [u16; 64] {
    let q = u32::from(quality.clamp(1, 100));
    let scale = if q < 50 { 5000 / q } else { 200 - 2 * q };
    table.map(|v| ((u32::from(v) * scale + 50) / 100).clamp(1, 255) as u16)
}

/// The closest IJG quality for a JPEG file's tables.
pub fn estimate_jpeg_quality(bytes: &[u8]) -> Option<JpegQuality> {
    let tables = quantisation_tables(bytes)?;
    let error = |quality: u8| -> u64 {
        let mut sum = 0u64;
        for (i, table) in tables.iter().take(2).enumerate() {
            let reference = scaled(
                if i == 0 {
                    &STD_LUMINANCE
                } else {
                    &STD_CHROMINANCE
                },
                quality,
            );
            sum += table
                .iter()
                .zip(reference.iter())
                .map(|(&a, &b)| u64::from(a.abs_diff(b)))
                .sum::<u64>();
        }
        sum
    };
    let (estimate, best_error) = (1..=100u8)
        .map(|q| (q, error(q)))
        .min_by_key(|&(q, e)| (e, std::cmp::Reverse(q)))?;
    Some(JpegQuality {
        estimate,
        standard_tables: best_error == 0,
        tables: tables.len(),
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
            let estimate = estimate_jpeg_quality(&encode_jpeg(quality)).expect("a JPEG");
            assert_eq!(estimate.estimate, quality);
            assert!(estimate.standard_tables, "quality {quality}");
            assert_eq!(estimate.tables, 2);
        }
    }

    #[test]
    fn not_a_jpeg_has_no_quality() {
        assert!(estimate_jpeg_quality(b"\x89PNG\r\n\x1a\n....").is_none());
        assert!(estimate_jpeg_quality(&[0xFF, 0xD8, 0xFF]).is_none());
    }
}
