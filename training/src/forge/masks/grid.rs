//! The grid object masks grow on: the image block-averaged by an integer factor to at most
//! 512 pixels a side, in CIE Lab, lightly smoothed; and grown regions scaled back up.

use image::{GrayImage, Luma, RgbImage};

/// Longest side of the grid the region grows on; larger images are block-averaged to it.
const WORK_SIDE: u32 = 512;

/// The image block-averaged by an integer factor, in CIE Lab, lightly smoothed.
pub(super) struct Grid {
    factor: u32,
    pub(super) width: usize,
    pub(super) height: usize,
    pub(super) lab: Vec<[f32; 3]>,
}

impl Grid {
    pub(super) fn new(image: &RgbImage) -> Self {
        let (w, h) = image.dimensions();
        let factor = w.max(h).div_ceil(WORK_SIDE).max(1);
        let (gw, gh) = (w.div_ceil(factor) as usize, h.div_ceil(factor) as usize);
        let mut sums = vec![[0.0f32; 4]; gw * gh];
        for (x, y, p) in image.enumerate_pixels() {
            let cell = &mut sums[(y / factor) as usize * gw + (x / factor) as usize];
            for (sum, v) in cell.iter_mut().zip(p.0) {
                *sum += f32::from(v);
            }
            cell[3] += 1.0;
        }
        let lab: Vec<[f32; 3]> = sums
            .iter()
            .map(|s| srgb_to_lab([s[0] / s[3], s[1] / s[3], s[2] / s[3]]))
            .collect();
        Self {
            factor,
            width: gw,
            height: gh,
            lab: box_blur(&lab, gw, gh),
        }
    }

    /// The grid region at `width` x `height`: bilinear interpolation of its 0 / 1 values,
    /// thresholded at one half, which rounds the blocks' corners.
    pub(super) fn upscale(&self, region: &[bool], width: u32, height: u32) -> GrayImage {
        if self.factor == 1 {
            let raw = region.iter().map(|&r| if r { 255 } else { 0 }).collect();
            return GrayImage::from_raw(width, height, raw)
                .unwrap_or_else(|| GrayImage::new(width, height));
        }
        let taps = |len: u32, cells: usize| -> Vec<(usize, usize, f32)> {
            (0..len)
                .map(|x| {
                    let u = ((x as f32 + 0.5) / self.factor as f32 - 0.5).max(0.0);
                    let i0 = (u as usize).min(cells - 1);
                    (i0, (i0 + 1).min(cells - 1), u - i0 as f32)
                })
                .collect()
        };
        let (xs, ys) = (taps(width, self.width), taps(height, self.height));
        let value = |i: usize| if region[i] { 1.0f32 } else { 0.0 };
        GrayImage::from_fn(width, height, |x, y| {
            let ((x0, x1, tx), (y0, y1, ty)) = (xs[x as usize], ys[y as usize]);
            let row = |j: usize| {
                value(j * self.width + x0) * (1.0 - tx) + value(j * self.width + x1) * tx
            };
            let v = row(y0) * (1.0 - ty) + row(y1) * ty;
            Luma([if v >= 0.5 { 255 } else { 0 }])
        })
    }
}

fn srgb_to_lab(rgb: [f32; 3]) -> [f32; 3] {
    let linear = rgb.map(|v| {
        let v = v / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    });
    let [r, g, b] = linear;
    // XYZ (D65) relative to the white point.
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f32| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// 3x3 mean, clamped at the borders.
fn box_blur(values: &[[f32; 3]], w: usize, h: usize) -> Vec<[f32; 3]> {
    let mut out = vec![[0.0; 3]; w * h];
    for y in 0..h {
        for x in 0..w {
            let mut sum = [0.0f32; 3];
            let mut n = 0.0;
            for j in y.saturating_sub(1)..(y + 2).min(h) {
                for i in x.saturating_sub(1)..(x + 2).min(w) {
                    for (s, v) in sum.iter_mut().zip(values[j * w + i]) {
                        *s += v;
                    }
                    n += 1.0;
                }
            }
            out[y * w + x] = sum.map(|s| s / n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use image::Rgb;

    use super::*;

    #[test]
    fn large_images_are_averaged_down_and_regions_scale_back() {
        let image = RgbImage::from_fn(1100, 700, |x, _| Rgb([if x < 550 { 0 } else { 255 }; 3]));
        let grid = Grid::new(&image);
        assert_eq!((grid.width, grid.height), (367, 234));
        assert!(grid.lab[0][0] < 0.5 && grid.lab[366][0] > 99.5);
        let left: Vec<bool> = (0..367 * 234).map(|i| i % 367 < 183).collect();
        let mask = grid.upscale(&left, 1100, 700);
        for (x, _, p) in mask.enumerate_pixels() {
            assert_eq!(p.0[0] == 255, x <= 548, "x {x}");
        }
    }
}
