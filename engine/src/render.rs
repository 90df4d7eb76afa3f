//! Turning maps into pictures: greyscale map images, colour-mapped overlays on the input,
//! and binary masks at a threshold. Shared by the command line, the app and reports.

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
}

/// The map as an 8-bit greyscale image (0 -> black, 1 -> white).
pub fn map_to_gray(map: &Heatmap) -> GrayImage {
    GrayImage::from_fn(map.width, map.height, |x, y| {
        Luma([(map.get(x, y).clamp(0.0, 1.0) * 255.0).round() as u8])
    })
}

/// The map alone in colour.
pub fn map_to_rgb(map: &Heatmap, colormap: Colormap) -> RgbImage {
    RgbImage::from_fn(map.width, map.height, |x, y| {
        Rgb(colormap.color(map.get(x, y)))
    })
}

/// `opacity * colour(map) + (1 - opacity) * image`, per pixel. The image and map must have
/// the same size (maps are always at the input's resolution).
pub fn overlay(image: &RgbImage, map: &Heatmap, colormap: Colormap, opacity: f32) -> RgbImage {
    let a = opacity.clamp(0.0, 1.0);
    RgbImage::from_fn(image.width(), image.height(), |x, y| {
        let base = image.get_pixel(x, y).0;
        let c = colormap.color(map.get(x, y));
        Rgb(std::array::from_fn(|i| {
            (a * f32::from(c[i]) + (1.0 - a) * f32::from(base[i])).round() as u8
        }))
    })
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
