//! Single-channel float images and the few filters the tools share: luminance, box means
//! (summed-area tables), 3x3 median, block grids spread back to pixels, bilinear resizing.

use image::RgbImage;
use rayon::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct Plane {
    pub width: usize,
    pub height: usize,
    pub data: Vec<f32>,
}

impl Plane {
    pub fn new(width: usize, height: usize) -> Self {
        Self {
            width,
            height,
            data: vec![0.0; width * height],
        }
    }

    /// JPEG's (ITU-R BT.601, full range) luma Y = 0.299 R + 0.587 G + 0.114 B, 0..255.
    pub fn luma(rgb: &RgbImage) -> Self {
        let data = rgb
            .as_raw()
            .par_chunks_exact(3)
            .map(|p| 0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]))
            .collect();
        Self {
            width: rgb.width() as usize,
            height: rgb.height() as usize,
            data,
        }
    }

    #[inline]
    pub fn at(&self, x: usize, y: usize) -> f32 {
        self.data[y * self.width + x]
    }

    /// The value at (x, y) with coordinates clamped into the plane.
    #[inline]
    pub fn clamped(&self, x: isize, y: isize) -> f32 {
        let x = x.clamp(0, self.width as isize - 1) as usize;
        let y = y.clamp(0, self.height as isize - 1) as usize;
        self.data[y * self.width + x]
    }

    /// Mean over the (2r+1)^2 window around each pixel, the window cut at the borders.
    pub fn box_mean(&self, r: usize) -> Self {
        let (w, h) = (self.width, self.height);
        let table = summed_area(self);
        let stride = w + 1;
        let mut out = Plane::new(w, h);
        out.data
            .par_chunks_mut(w.max(1))
            .enumerate()
            .for_each(|(y, row)| {
                let y0 = y.saturating_sub(r);
                let y1 = (y + r + 1).min(h);
                for (x, v) in row.iter_mut().enumerate() {
                    let x0 = x.saturating_sub(r);
                    let x1 = (x + r + 1).min(w);
                    let sum =
                        table[y1 * stride + x1] - table[y0 * stride + x1] - table[y1 * stride + x0]
                            + table[y0 * stride + x0];
                    *v = (sum / ((y1 - y0) * (x1 - x0)) as f64) as f32;
                }
            });
        out
    }

    /// 3x3 median, borders replicated: each column of three is sorted once, and the median
    /// of nine is the median of (largest low, median middle, smallest high) of three columns.
    pub fn median3(&self) -> Self {
        let (w, h) = (self.width, self.height);
        let mut out = Plane::new(w, h);
        out.data
            .par_chunks_mut(w.max(1))
            .enumerate()
            .for_each(|(y, row)| {
                let r = [y.saturating_sub(1), y, (y + 1).min(h - 1)].map(|r| r * w);
                let columns: Vec<[f32; 3]> = (0..w)
                    .map(|x| {
                        sort3(
                            self.data[r[0] + x],
                            self.data[r[1] + x],
                            self.data[r[2] + x],
                        )
                    })
                    .collect();
                for (x, v) in row.iter_mut().enumerate() {
                    let (a, b, c) = (
                        columns[x.saturating_sub(1)],
                        columns[x],
                        columns[(x + 1).min(w - 1)],
                    );
                    let low = a[0].max(b[0]).max(c[0]);
                    let mid = sort3(a[1], b[1], c[1])[1];
                    let high = a[2].min(b[2]).min(c[2]);
                    *v = sort3(low, mid, high)[1];
                }
            });
        out
    }

    /// Bilinear resampling to `width` x `height` (pixel centres aligned).
    pub fn resized(&self, width: usize, height: usize) -> Self {
        if width == self.width && height == self.height {
            return self.clone();
        }
        let sx = self.width as f32 / width as f32;
        let sy = self.height as f32 / height as f32;
        let mut out = Plane::new(width, height);
        out.data
            .par_chunks_mut(width.max(1))
            .enumerate()
            .for_each(|(y, row)| {
                let fy = ((y as f32 + 0.5) * sy - 0.5).max(0.0);
                let y0 = (fy as usize).min(self.height - 1);
                let y1 = (y0 + 1).min(self.height - 1);
                let ty = fy - y0 as f32;
                for (x, v) in row.iter_mut().enumerate() {
                    let fx = ((x as f32 + 0.5) * sx - 0.5).max(0.0);
                    let x0 = (fx as usize).min(self.width - 1);
                    let x1 = (x0 + 1).min(self.width - 1);
                    let tx = fx - x0 as f32;
                    let top = self.at(x0, y0) * (1.0 - tx) + self.at(x1, y0) * tx;
                    let bottom = self.at(x0, y1) * (1.0 - tx) + self.at(x1, y1) * tx;
                    *v = top * (1.0 - ty) + bottom * ty;
                }
            });
        out
    }
}

/// Summed-area table with a zero first row and column, (w+1) x (h+1), in f64.
fn summed_area(plane: &Plane) -> Vec<f64> {
    let (w, h) = (plane.width, plane.height);
    let stride = w + 1;
    let mut table = vec![0f64; stride * (h + 1)];
    for y in 0..h {
        let mut row_sum = 0f64;
        for x in 0..w {
            row_sum += f64::from(plane.data[y * w + x]);
            table[(y + 1) * stride + x + 1] = table[y * stride + x + 1] + row_sum;
        }
    }
    table
}

fn sort3(a: f32, b: f32, c: f32) -> [f32; 3] {
    let (lo, hi) = (a.min(b), a.max(b));
    [lo.min(c), hi.min(c).max(lo), hi.max(c)]
}

/// `x.round()` for |x| < 2^31, without a libm call (half away from zero, as `round`).
#[inline(always)]
pub fn fast_round(x: f32) -> f32 {
    (x + 0.5f32.copysign(x)) as i32 as f32
}

/// The median of a slice (reorders it); 0 for an empty slice.
pub fn median(values: &mut [f32]) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let mid = values.len() / 2;
    let (_, m, _) = values.select_nth_unstable_by(mid, f32::total_cmp);
    *m
}

/// A grid of per-block values spread over the pixels: pixel (x, y) takes the value of block
/// (x / block, y / block), the last row and column of blocks covering the remainder.
pub fn blocks_to_pixels(
    blocks: &[f32],
    blocks_x: usize,
    blocks_y: usize,
    block: usize,
    width: usize,
    height: usize,
) -> Vec<f32> {
    let mut out = vec![0f32; width * height];
    out.par_chunks_mut(width.max(1))
        .enumerate()
        .for_each(|(y, row)| {
            let by = (y / block).min(blocks_y.saturating_sub(1));
            for (x, v) in row.iter_mut().enumerate() {
                let bx = (x / block).min(blocks_x.saturating_sub(1));
                *v = blocks[by * blocks_x + bx];
            }
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_mean_of_a_constant_is_the_constant() {
        let p = Plane {
            width: 5,
            height: 4,
            data: vec![3.0; 20],
        };
        let m = p.box_mean(2);
        assert!(m.data.iter().all(|&v| (v - 3.0).abs() < 1e-5));
    }

    #[test]
    fn median3_removes_an_impulse() {
        let mut p = Plane::new(5, 5);
        p.data[12] = 100.0;
        assert_eq!(p.median3().data[12], 0.0);
    }

    #[test]
    fn median3_agrees_with_sorting_each_window() {
        let mut seed = 11u32;
        let mut p = Plane::new(9, 7);
        for v in p.data.iter_mut() {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            *v = (seed >> 25) as f32;
        }
        let m = p.median3();
        for y in 0..7isize {
            for x in 0..9isize {
                let mut n: Vec<f32> = (-1..=1)
                    .flat_map(|dy| (-1..=1).map(move |dx| (dx, dy)))
                    .map(|(dx, dy)| p.clamped(x + dx, y + dy))
                    .collect();
                n.sort_by(f32::total_cmp);
                assert_eq!(m.at(x as usize, y as usize), n[4]);
            }
        }
    }

    #[test]
    fn fast_round_rounds_half_away_from_zero() {
        for x in [
            -2.5f32, -1.5, -0.5, -0.49, 0.0, 0.49, 0.5, 1.5, 2.5, 123.7, -123.7,
        ] {
            assert_eq!(fast_round(x), x.round(), "{x}");
        }
    }

    #[test]
    fn blocks_cover_the_remainder() {
        let v = blocks_to_pixels(&[1.0, 2.0], 2, 1, 4, 10, 1);
        assert_eq!(v, vec![1., 1., 1., 1., 2., 2., 2., 2., 2., 2.]);
    }
}
