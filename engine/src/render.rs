//! Turning maps into pictures: greyscale map images, colour-mapped overlays on the input,
//! and binary masks at a threshold. Shared by the command line, the app and reports.
//! Whole pictures take their colours from a table of `LUT_SIZE` samples of the colour map
//! (the nearest sample, within one 8-bit level of the exact spline).

use std::sync::OnceLock;

use image::{GrayImage, Luma, Rgb, RgbImage};
use serde::{Deserialize, Serialize};

use crate::analysis::Heatmap;

/// Perceptually ordered colour maps (from the `colorous` crate, after matplotlib / Google).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Colormap {
    #[default]
    Inferno,
    Viridis,
    Turbo,
    Grey,
}

impl Colormap {
    pub const ALL: [Colormap; 4] = [
        Colormap::Inferno,
        Colormap::Viridis,
        Colormap::Turbo,
        Colormap::Grey,
    ];

    pub fn color(self, value: f32) -> [u8; 3] {
        let t = f64::from(value.clamp(0.0, 1.0));
        let gradient = match self {
            Colormap::Inferno => colorous::INFERNO,
            Colormap::Viridis => colorous::VIRIDIS,
            Colormap::Turbo => colorous::TURBO,
            Colormap::Grey => colorous::GREYS,
        };
        let c = if self == Colormap::Grey {
            gradient.eval_continuous(1.0 - t)
        } else {
            gradient.eval_continuous(t)
        };
        [c.r, c.g, c.b]
    }

    /// `color` sampled at `LUT_SIZE` evenly spaced values from 0 to 1, built once.
    pub fn table(self) -> &'static [[u8; 3]] {
        static TABLES: [OnceLock<Vec<[u8; 3]>>; 4] = [const { OnceLock::new() }; 4];
        let index = Colormap::ALL
            .iter()
            .position(|&c| c == self)
            .expect("every colour map is in ALL");
        TABLES[index].get_or_init(|| {
            (0..LUT_SIZE)
                .map(|i| self.color(i as f32 / (LUT_SIZE - 1) as f32))
                .collect()
        })
    }
}

/// Samples in a colour map's table.
pub const LUT_SIZE: usize = 4096;

/// The table entry nearest `value` (clamped to [0, 1]; NaN takes the first).
fn lookup(table: &[[u8; 3]], value: f32) -> [u8; 3] {
    let i = (value.clamp(0.0, 1.0) * (LUT_SIZE - 1) as f32 + 0.5) as usize;
    table[i.min(LUT_SIZE - 1)]
}

/// The map as an 8-bit greyscale image (0 -> black, 1 -> white).
pub fn map_to_gray(map: &Heatmap) -> GrayImage {
    GrayImage::from_fn(map.width, map.height, |x, y| {
        Luma([(map.get(x, y).clamp(0.0, 1.0) * 255.0).round() as u8])
    })
}

/// The map alone in colour.
pub fn map_to_rgb(map: &Heatmap, colormap: Colormap) -> RgbImage {
    let table = colormap.table();
    let pixels = map.values.iter().flat_map(|&v| lookup(table, v)).collect();
    RgbImage::from_raw(map.width, map.height, pixels).expect("one colour per map value")
}

/// `opacity * colour(map) + (1 - opacity) * image`, per pixel. The image and map must have
/// the same size (maps are always at the input's resolution).
pub fn overlay(image: &RgbImage, map: &Heatmap, colormap: Colormap, opacity: f32) -> RgbImage {
    let a = opacity.clamp(0.0, 1.0);
    let table = colormap.table();
    if image.dimensions() != (map.width, map.height) {
        return RgbImage::from_fn(image.width(), image.height(), |x, y| {
            blend(a, lookup(table, map.get(x, y)), image.get_pixel(x, y).0)
        });
    }
    let mut out = image.clone();
    for (pixel, &v) in out.pixels_mut().zip(&map.values) {
        *pixel = blend(a, lookup(table, v), pixel.0);
    }
    out
}

fn blend(a: f32, colour: [u8; 3], base: [u8; 3]) -> Rgb<u8> {
    // Both terms are in [0, 255], so adding 0.5 and truncating rounds half up.
    Rgb(std::array::from_fn(|i| {
        (a * f32::from(colour[i]) + (1.0 - a) * f32::from(base[i]) + 0.5) as u8
    }))
}

/// White where the map is at or above `threshold`.
pub fn binary_mask(map: &Heatmap, threshold: f32) -> GrayImage {
    GrayImage::from_fn(map.width, map.height, |x, y| {
        Luma([if map.get(x, y) >= threshold { 255 } else { 0 }])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_within_one_level_of_the_spline() {
        for colormap in Colormap::ALL {
            let table = colormap.table();
            for i in 0..=10_000 {
                let v = i as f32 / 10_000.0;
                let (got, exact) = (lookup(table, v), colormap.color(v));
                for c in 0..3 {
                    assert!(got[c].abs_diff(exact[c]) <= 1, "{colormap:?} at {v}");
                }
            }
        }
    }

    #[test]
    fn overlay_at_zero_opacity_is_the_image() {
        let image = RgbImage::from_pixel(3, 2, Rgb([10, 20, 30]));
        let map = Heatmap {
            width: 3,
            height: 2,
            values: vec![0.0, 0.5, 1.0, 1.0, 0.5, 0.0],
        };
        assert_eq!(overlay(&image, &map, Colormap::Inferno, 0.0), image);
        let mask = binary_mask(&map, 0.5);
        assert_eq!(mask.as_raw(), &vec![0, 255, 255, 255, 255, 0]);
    }
}
