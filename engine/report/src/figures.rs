//! The pictures in a report, shared by HTML and PDF: a display copy of the image, each map
//! as a colour overlay at the same size (the listed regions boxed on the map they were found in), and the
//! colour scale. Also the hashes that identify each map exactly.

use image::{Rgb, RgbImage, imageops};

use super::document::MapRecord;
use super::evidence::sha256_hex;
use forgelens_engine::analysis::{Analysis, Heatmap};
use forgelens_engine::map_kind::MapKind;
use forgelens_engine::regions::Region;
use forgelens_engine::render::{Colormap, map_to_gray, overlay};
use forgelens_engine::tiling::resize_map;

/// Longest side of the pictures in a report. The evidence itself is identified by its hash;
/// these are illustrations.
pub const DISPLAY_MAX_PX: u32 = 900;

/// Colour of the region boxes on the fused overlay (cyan: absent from the colour maps).
const REGION_BOX: Rgb<u8> = Rgb([0, 220, 255]);

#[derive(Debug, Clone)]
pub struct Figures {
    pub image: RgbImage,
    /// `(map, overlay)` for cam, attention, fused.
    pub overlays: Vec<(MapKind, RgbImage)>,
    /// The colour scale from 0 (left) to 1 (right).
    pub scale: RgbImage,
    /// `(caption, overlay)` of each toolbox run's maps, in the order of the report's runs
    /// (`toolbox::tool_figures`).
    pub tools: Vec<Vec<(String, RgbImage)>>,
}

fn display_size(width: u32, height: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= DISPLAY_MAX_PX {
        return (width, height);
    }
    let f = f64::from(DISPLAY_MAX_PX) / f64::from(longest);
    (
        ((f64::from(width) * f).round() as u32).max(1),
        ((f64::from(height) * f).round() as u32).max(1),
    )
}

/// The report's pictures. `regions` (in input pixels) are boxed on the overlay of the map
/// they were found in.
pub fn make_figures(
    image: &RgbImage,
    analysis: &Analysis,
    colormap: Colormap,
    opacity: f32,
    (regions_map, regions): (MapKind, &[Region]),
) -> Figures {
    let (w, h) = display_size(image.width(), image.height());
    let small = if (w, h) == image.dimensions() {
        image.clone()
    } else {
        imageops::resize(image, w, h, imageops::FilterType::Triangle)
    };
    let overlays = analysis
        .maps
        .iter()
        .into_iter()
        .map(|(kind, map)| {
            let resized = Heatmap {
                width: w,
                height: h,
                values: resize_map(map.values.clone(), map.width, map.height, w, h),
            };
            let mut picture = overlay(&small, &resized, colormap, opacity);
            if kind == regions_map {
                let sx = f64::from(w) / f64::from(map.width.max(1));
                let sy = f64::from(h) / f64::from(map.height.max(1));
                for region in regions {
                    draw_box(&mut picture, region.bbox, sx, sy);
                }
            }
            (kind, picture)
        })
        .collect();
    let scale = RgbImage::from_fn(256, 16, |x, _| Rgb(colormap.color(x as f32 / 255.0)));
    Figures {
        image: small,
        overlays,
        scale,
        tools: Vec::new(),
    }
}

/// A 2-pixel rectangle around `bbox` (inclusive, in map pixels) scaled by `sx`, `sy`.
fn draw_box(picture: &mut RgbImage, bbox: [u32; 4], sx: f64, sy: f64) {
    let (w, h) = picture.dimensions();
    if w == 0 || h == 0 {
        return;
    }
    let x0 = ((f64::from(bbox[0]) * sx) as u32).min(w - 1);
    let y0 = ((f64::from(bbox[1]) * sy) as u32).min(h - 1);
    let x1 = ((f64::from(bbox[2] + 1) * sx) as u32)
        .saturating_sub(1)
        .clamp(x0, w - 1);
    let y1 = ((f64::from(bbox[3] + 1) * sy) as u32)
        .saturating_sub(1)
        .clamp(y0, h - 1);
    for t in 0..2u32 {
        for x in x0..=x1 {
            picture.put_pixel(x, (y0 + t).min(h - 1), REGION_BOX);
            picture.put_pixel(x, y1.saturating_sub(t), REGION_BOX);
        }
        for y in y0..=y1 {
            picture.put_pixel((x0 + t).min(w - 1), y, REGION_BOX);
            picture.put_pixel(x1.saturating_sub(t), y, REGION_BOX);
        }
    }
}

pub use forgelens_engine::files::png_bytes;

/// SHA-256 of a map's values as little-endian f32.
pub fn map_values_sha256(map: &Heatmap) -> String {
    let bytes: Vec<u8> = map.values.iter().flat_map(|v| v.to_le_bytes()).collect();
    sha256_hex(&bytes)
}

/// What identifies each map, with its area above its threshold.
pub fn map_records(analysis: &Analysis, threshold: impl Fn(MapKind) -> f32) -> Vec<MapRecord> {
    analysis
        .maps
        .iter()
        .into_iter()
        .map(|(kind, map)| {
            let t = threshold(kind);
            MapRecord {
                name: kind,
                width: map.width,
                height: map.height,
                threshold: t,
                area_above_threshold: map.area_above(t),
                values_sha256: map_values_sha256(map),
                png_sha256: sha256_hex(&png_bytes(&map_to_gray(map))),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_size_keeps_aspect_and_small_images() {
        assert_eq!(display_size(451, 300), (451, 300));
        assert_eq!(display_size(1800, 900), (900, 450));
        assert_eq!(display_size(10, 5000), (2, 900));
    }

    #[test]
    fn map_hash_is_of_the_values() {
        let a = Heatmap {
            width: 2,
            height: 1,
            values: vec![0.0, 1.0],
        };
        let mut b = a.clone();
        assert_eq!(map_values_sha256(&a), map_values_sha256(&b));
        b.values[1] = 0.999;
        assert_ne!(map_values_sha256(&a), map_values_sha256(&b));
    }
}
