//! Classical inpainting, the forge's "unseen" generators: a harmonic diffusion fill and a
//! multi-scale PatchMatch exemplar fill. Pixels outside the mask are returned bit-identical.

mod diffusion;
mod patchmatch;

use image::{GrayImage, Rgb, RgbImage};

pub use patchmatch::PatchMatchConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inpainter {
    /// Harmonic (Laplace) fill: smooth interpolation of the hole's boundary colours.
    Diffusion,
    /// Exemplar fill: patches copied from outside the hole (PatchMatch nearest neighbours).
    PatchMatch,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InpaintError {
    #[error("image is {image:?} but mask is {mask:?}")]
    SizeMismatch { image: (u32, u32), mask: (u32, u32) },
    /// The mask covers every pixel: there is nothing to fill from.
    #[error("the mask covers the whole image: no known pixels to fill from")]
    NoKnownPixels,
}

/// Fills the pixels where `mask` > 127 (white = hole) from the rest of the image. Pixels
/// outside the hole are copied bit for bit; an empty mask returns the image unchanged; a
/// mask that covers everything is `InpaintError::NoKnownPixels`. `seed` drives PatchMatch's
/// random search (the diffusion fill is deterministic on its own). PatchMatch falls back to
/// the diffusion fill when no fully known patch exists to copy from.
pub fn inpaint(
    image: &RgbImage,
    mask: &GrayImage,
    method: Inpainter,
    seed: u64,
) -> Result<RgbImage, InpaintError> {
    inpaint_with(image, mask, method, &PatchMatchConfig::default(), seed)
}

/// [`inpaint`] with PatchMatch settings.
pub fn inpaint_with(
    image: &RgbImage,
    mask: &GrayImage,
    method: Inpainter,
    patch_match: &PatchMatchConfig,
    seed: u64,
) -> Result<RgbImage, InpaintError> {
    if image.dimensions() != mask.dimensions() {
        return Err(InpaintError::SizeMismatch {
            image: image.dimensions(),
            mask: mask.dimensions(),
        });
    }
    let hole: Vec<bool> = mask.as_raw().iter().map(|&v| v > 127).collect();
    if !hole.contains(&true) {
        return Ok(image.clone());
    }
    if hole.iter().all(|&h| h) {
        return Err(InpaintError::NoKnownPixels);
    }
    let planes = Planes::from_rgb(image);
    let filled = match method {
        Inpainter::Diffusion => diffusion::fill(&planes, &hole),
        Inpainter::PatchMatch => patchmatch::fill(&planes, &hole, patch_match, seed),
    };
    Ok(RgbImage::from_fn(image.width(), image.height(), |x, y| {
        let i = y as usize * planes.width + x as usize;
        if hole[i] {
            Rgb(std::array::from_fn(|c| {
                filled.data[c][i].round().clamp(0.0, 255.0) as u8
            }))
        } else {
            *image.get_pixel(x, y)
        }
    }))
}

/// An RGB image as three `f32` planes, row-major.
#[derive(Debug, Clone)]
struct Planes {
    width: usize,
    height: usize,
    data: [Vec<f32>; 3],
}

impl Planes {
    fn from_rgb(image: &RgbImage) -> Self {
        let data = std::array::from_fn(|c| image.pixels().map(|p| f32::from(p.0[c])).collect());
        Self {
            width: image.width() as usize,
            height: image.height() as usize,
            data,
        }
    }

    /// Half size (rounded up): a coarse pixel is known when all its fine pixels are, and
    /// then holds their mean.
    fn downsample(&self, hole: &[bool]) -> (Planes, Vec<bool>) {
        let (cw, ch) = (self.width.div_ceil(2), self.height.div_ceil(2));
        let mut data: [Vec<f32>; 3] = std::array::from_fn(|_| vec![0.0; cw * ch]);
        let mut coarse_hole = vec![false; cw * ch];
        for cy in 0..ch {
            for cx in 0..cw {
                let mut sum = [0.0f32; 3];
                let mut n = 0.0;
                for y in 2 * cy..(2 * cy + 2).min(self.height) {
                    for x in 2 * cx..(2 * cx + 2).min(self.width) {
                        let i = y * self.width + x;
                        coarse_hole[cy * cw + cx] |= hole[i];
                        for (s, plane) in sum.iter_mut().zip(&self.data) {
                            *s += plane[i];
                        }
                        n += 1.0;
                    }
                }
                for (plane, s) in data.iter_mut().zip(sum) {
                    plane[cy * cw + cx] = s / n;
                }
            }
        }
        let planes = Planes {
            width: cw,
            height: ch,
            data,
        };
        (planes, coarse_hole)
    }
}

#[cfg(test)]
mod tests {
    use image::Luma;

    use super::*;

    pub(super) fn gradient(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, _| {
            let v = (x as f32 * 255.0 / (width - 1) as f32).round() as u8;
            Rgb([v, v / 2, 255 - v])
        })
    }

    /// Period 6 horizontally, 4 vertically, with a handful of distinct colours.
    pub(super) fn texture(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            let (a, b) = (x % 6, y % 4);
            Rgb([(a * 40) as u8, (b * 60) as u8, if a < 3 { 30 } else { 220 }])
        })
    }

    pub(super) fn rect_mask(
        width: u32,
        height: u32,
        x0: u32,
        y0: u32,
        x1: u32,
        y1: u32,
    ) -> GrayImage {
        GrayImage::from_fn(width, height, |x, y| {
            Luma([if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
                255
            } else {
                0
            }])
        })
    }

    fn assert_outside_identical(image: &RgbImage, mask: &GrayImage, out: &RgbImage) {
        for (x, y, p) in out.enumerate_pixels() {
            if mask.get_pixel(x, y).0[0] <= 127 {
                assert_eq!(p, image.get_pixel(x, y), "({x}, {y}) changed");
            }
        }
    }

    fn mean_abs_error_inside(a: &RgbImage, b: &RgbImage, mask: &GrayImage) -> f32 {
        let (mut sum, mut n) = (0.0, 0.0);
        for (x, y, p) in a.enumerate_pixels() {
            if mask.get_pixel(x, y).0[0] > 127 {
                let q = b.get_pixel(x, y);
                for c in 0..3 {
                    sum += (f32::from(p.0[c]) - f32::from(q.0[c])).abs();
                    n += 1.0;
                }
            }
        }
        sum / n
    }

    #[test]
    fn outside_pixels_are_bit_identical_and_inside_changes() {
        let image = texture(80, 60);
        let mask = rect_mask(80, 60, 20, 15, 50, 40);
        let mut painted = image.clone();
        for (x, y, p) in painted.enumerate_pixels_mut() {
            if mask.get_pixel(x, y).0[0] > 127 {
                *p = Rgb([255, 0, 255]);
            }
        }
        for method in [Inpainter::Diffusion, Inpainter::PatchMatch] {
            let out = inpaint(&painted, &mask, method, 1).expect("valid input");
            assert_outside_identical(&painted, &mask, &out);
            let magenta = out.pixels().filter(|p| p.0 == [255, 0, 255]).count();
            assert_eq!(magenta, 0, "{method:?} left hole colours");
        }
    }

    #[test]
    fn diffusion_continues_a_smooth_gradient() {
        let image = gradient(128, 96);
        let mask = rect_mask(128, 96, 30, 20, 100, 70);
        let mut holed = image.clone();
        for (x, y, p) in holed.enumerate_pixels_mut() {
            if mask.get_pixel(x, y).0[0] > 127 {
                *p = Rgb([0, 0, 0]);
            }
        }
        let out = inpaint(&holed, &mask, Inpainter::Diffusion, 0).expect("valid input");
        let error = mean_abs_error_inside(&out, &image, &mask);
        assert!(error < 1.0, "mean abs error {error}");
    }

    #[test]
    fn patch_match_reproduces_a_periodic_texture() {
        let image = texture(96, 96);
        let mask = rect_mask(96, 96, 30, 30, 70, 66);
        let mut holed = image.clone();
        for (x, y, p) in holed.enumerate_pixels_mut() {
            if mask.get_pixel(x, y).0[0] > 127 {
                *p = Rgb([128, 128, 128]);
            }
        }
        let out = inpaint(&holed, &mask, Inpainter::PatchMatch, 3).expect("valid input");
        let outside: std::collections::HashSet<[u8; 3]> = image.pixels().map(|p| p.0).collect();
        let (mut exact, mut total) = (0, 0);
        for (x, y, p) in out.enumerate_pixels() {
            if mask.get_pixel(x, y).0[0] > 127 {
                assert!(
                    outside.contains(&p.0),
                    "{:?} at ({x}, {y}) is not a texture colour",
                    p.0
                );
                exact += usize::from(p == image.get_pixel(x, y));
                total += 1;
            }
        }
        assert!(
            exact * 10 >= total * 9,
            "{exact} of {total} pixels match the texture"
        );
        let diffusion = inpaint(&holed, &mask, Inpainter::Diffusion, 3).expect("valid input");
        assert!(mean_abs_error_inside(&diffusion, &image, &mask) > 10.0);
    }

    #[test]
    fn masks_touching_the_border_work() {
        let image = gradient(64, 48);
        for mask in [
            rect_mask(64, 48, 0, 0, 20, 48),
            rect_mask(64, 48, 40, 30, 64, 48),
            rect_mask(64, 48, 0, 0, 64, 10),
        ] {
            for method in [Inpainter::Diffusion, Inpainter::PatchMatch] {
                let out = inpaint(&image, &mask, method, 9).expect("valid input");
                assert_outside_identical(&image, &mask, &out);
                assert!(
                    mean_abs_error_inside(&out, &image, &mask) < 60.0,
                    "{method:?}"
                );
            }
        }
        let mask = rect_mask(64, 48, 20, 0, 40, 48);
        let out = inpaint(&image, &mask, Inpainter::Diffusion, 0).expect("valid input");
        assert!(mean_abs_error_inside(&out, &image, &mask) < 1.0);
    }

    #[test]
    fn empty_mask_returns_the_image_and_full_mask_is_an_error() {
        let image = texture(40, 30);
        for method in [Inpainter::Diffusion, Inpainter::PatchMatch] {
            let empty = GrayImage::new(40, 30);
            assert_eq!(inpaint(&image, &empty, method, 0), Ok(image.clone()));
            let full = GrayImage::from_pixel(40, 30, Luma([255]));
            assert_eq!(
                inpaint(&image, &full, method, 0),
                Err(InpaintError::NoKnownPixels)
            );
            let wrong = GrayImage::new(30, 40);
            assert!(matches!(
                inpaint(&image, &wrong, method, 0),
                Err(InpaintError::SizeMismatch { .. })
            ));
        }
    }

    #[test]
    fn tiny_images_and_scattered_masks_do_not_panic() {
        for (w, h) in [(1, 2), (3, 3), (9, 5)] {
            let image = gradient(w.max(2), h);
            let image = image::imageops::crop_imm(&image, 0, 0, w, h).to_image();
            let mask =
                GrayImage::from_fn(w, h, |x, y| Luma([if (x + y) % 2 == 0 { 255 } else { 0 }]));
            for method in [Inpainter::Diffusion, Inpainter::PatchMatch] {
                let out = inpaint(&image, &mask, method, 0).expect("valid input");
                assert_outside_identical(&image, &mask, &out);
            }
        }
    }

    #[test]
    fn patch_match_is_deterministic_per_seed() {
        let image = texture(64, 64);
        let mask = rect_mask(64, 64, 10, 20, 40, 50);
        let a = inpaint(&image, &mask, Inpainter::PatchMatch, 5).expect("valid input");
        let b = inpaint(&image, &mask, Inpainter::PatchMatch, 5).expect("valid input");
        assert_eq!(a, b);
    }
}
