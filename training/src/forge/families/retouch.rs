//! Retouching: one of Gaussian blur, unsharp-mask sharpening, median denoising (Huang's
//! sliding histogram), added Gaussian noise, or a contrast or gamma change.

use image::imageops;
use image::{Rgb, RgbImage};
use rand::{Rng, RngExt};

use super::Manipulated;

/// A tone curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tone {
    /// Values stretched (> 1) or squeezed (< 1) around the image's mean grey level.
    Contrast(f32),
    /// `255 * (v / 255)^gamma`.
    Gamma(f32),
}

/// One retouching operation with its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Retouch {
    /// Gaussian blur.
    Blur {
        sigma: f32,
    },
    /// Unsharp mask: `v + amount * (v - blur(v, sigma))`.
    Sharpen {
        sigma: f32,
        amount: f32,
    },
    /// Per-channel median over a `(2 radius + 1)` square.
    Median {
        radius: u32,
    },
    /// Independent Gaussian noise per pixel and channel, `sigma` grey levels, from `seed`.
    Noise {
        sigma: f32,
        seed: u64,
    },
    Tone(Tone),
}

impl Retouch {
    /// The generator names, in the order [`Retouch::random`] draws them from.
    pub const NAMES: [&'static str; 5] = ["blur", "sharpen", "median", "noise", "tone"];

    /// An operation drawn uniformly, with parameters in the forge's ranges.
    pub fn random(rng: &mut impl Rng) -> Self {
        match rng.random_range(0..Self::NAMES.len()) {
            0 => Retouch::Blur {
                sigma: rng.random_range(1.0f32..=3.0),
            },
            1 => Retouch::Sharpen {
                sigma: rng.random_range(1.0f32..=2.5),
                amount: rng.random_range(0.6f32..=1.8),
            },
            2 => Retouch::Median {
                radius: rng.random_range(1..=2u32),
            },
            3 => Retouch::Noise {
                sigma: rng.random_range(3.0f32..=10.0),
                seed: rng.next_u64(),
            },
            _ => {
                // Away from 1 so the change is visible.
                let strength = rng.random_range(0.1f32..=0.35);
                let up = rng.random_bool(0.5);
                Retouch::Tone(if rng.random_bool(0.5) {
                    Tone::Contrast(if up { 1.0 + strength } else { 1.0 - strength })
                } else {
                    Tone::Gamma(if up {
                        1.0 + 1.5 * strength
                    } else {
                        1.0 - strength
                    })
                })
            }
        }
    }

    /// The generator name: `blur`, `sharpen`, `median`, `noise` or `tone`.
    pub fn name(&self) -> &'static str {
        match self {
            Retouch::Blur { .. } => "blur",
            Retouch::Sharpen { .. } => "sharpen",
            Retouch::Median { .. } => "median",
            Retouch::Noise { .. } => "noise",
            Retouch::Tone(_) => "tone",
        }
    }

    /// The whole image retouched; the caller blends it in under a mask.
    pub fn apply(&self, image: &RgbImage) -> RgbImage {
        if image.width() == 0 || image.height() == 0 {
            return image.clone();
        }
        match *self {
            Retouch::Blur { sigma } => imageops::blur(image, sigma.max(0.01)),
            Retouch::Sharpen { sigma, amount } => {
                let blurred = imageops::blur(image, sigma.max(0.01));
                map_pairs(image, &blurred, |v, b| v + amount * (v - b))
            }
            Retouch::Median { radius } => median(image, radius),
            Retouch::Noise { sigma, seed } => add_noise(image, sigma, seed),
            Retouch::Tone(tone) => apply_tone(image, tone),
        }
    }
}

/// `image` retouched by a random operation ([`Retouch::random`]); the generator is the
/// operation's name.
pub fn retouch(image: &RgbImage, rng: &mut impl Rng) -> Manipulated {
    let operation = Retouch::random(rng);
    Manipulated {
        image: operation.apply(image),
        generator: operation.name(),
        details: format!("{}: {operation:?}", operation.name()),
        source: None,
    }
}

fn map_pairs(a: &RgbImage, b: &RgbImage, f: impl Fn(f32, f32) -> f32) -> RgbImage {
    RgbImage::from_fn(a.width(), a.height(), |x, y| {
        let (p, q) = (a.get_pixel(x, y).0, b.get_pixel(x, y).0);
        Rgb(std::array::from_fn(|c| {
            f(f32::from(p[c]), f32::from(q[c]))
                .round()
                .clamp(0.0, 255.0) as u8
        }))
    })
}

fn apply_tone(image: &RgbImage, tone: Tone) -> RgbImage {
    let mean = image.as_raw().iter().map(|&v| f64::from(v)).sum::<f64>()
        / image.as_raw().len().max(1) as f64;
    let lut: [u8; 256] = std::array::from_fn(|v| {
        let v = v as f32;
        let out = match tone {
            Tone::Contrast(k) => mean as f32 + k * (v - mean as f32),
            Tone::Gamma(g) => 255.0 * (v / 255.0).powf(g),
        };
        out.round().clamp(0.0, 255.0) as u8
    });
    let mut out = image.clone();
    for v in out.iter_mut() {
        *v = lut[usize::from(*v)];
    }
    out
}

/// Box-Muller normals from a SplitMix64 stream, added to every channel of every pixel.
fn add_noise(image: &RgbImage, sigma: f32, seed: u64) -> RgbImage {
    let mut state = seed;
    let mut out = image.clone();
    for pair in out.chunks_mut(2) {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // Two 24-bit uniforms; the first is never 0, so its logarithm is finite.
        let scale = 1.0 / (1u32 << 24) as f32;
        let u1 = ((z >> 40) as f32 + 0.5) * scale;
        let u2 = (z & 0xFF_FFFF) as f32 * scale;
        let r = sigma * (-2.0 * u1.ln()).sqrt();
        let (s, c) = (std::f32::consts::TAU * u2).sin_cos();
        for (v, n) in pair.iter_mut().zip([r * c, r * s]) {
            *v = (f32::from(*v) + n).round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// Per-channel median over a square window, borders replicated: a 256-bin histogram slides
/// along each row, and the median moves from its previous value (Huang, 1979).
fn median(image: &RgbImage, radius: u32) -> RgbImage {
    let (w, h) = (image.width() as i64, image.height() as i64);
    let r = i64::from(radius);
    let half = ((2 * r + 1) * (2 * r + 1) / 2) as u32;
    let raw = image.as_raw();
    let at = |x: i64, y: i64, c: usize| {
        raw[((y.clamp(0, h - 1) * w + x.clamp(0, w - 1)) * 3) as usize + c] as usize
    };
    let mut out = image.clone();
    let data: &mut [u8] = &mut out;
    for c in 0..3 {
        for y in 0..h {
            let mut hist = [0u32; 256];
            for x in -r..=r {
                for j in y - r..=y + r {
                    hist[at(x, j, c)] += 1;
                }
            }
            // `median` is the smallest value with more than `half` samples at or below it;
            // `below` counts the samples under it.
            let (mut median, mut below) = (0usize, 0u32);
            for x in 0..w {
                if x > 0 {
                    for j in y - r..=y + r {
                        let (old, new) = (at(x - r - 1, j, c), at(x + r, j, c));
                        hist[old] -= 1;
                        hist[new] += 1;
                        below = below + u32::from(new < median) - u32::from(old < median);
                    }
                }
                while below > half {
                    median -= 1;
                    below -= hist[median];
                }
                while below + hist[median] <= half {
                    below += hist[median];
                    median += 1;
                }
                data[((y * w + x) * 3) as usize + c] = median as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::forge::families::testing::{blend_and_check, mask_on, photo, rng};
    use crate::forge::masks::MaskShape;

    fn grey_stats(image: &RgbImage) -> (f64, f64) {
        let n = image.as_raw().len() as f64;
        let mean = image.as_raw().iter().map(|&v| f64::from(v)).sum::<f64>() / n;
        let var = image
            .as_raw()
            .iter()
            .map(|&v| (f64::from(v) - mean).powi(2))
            .sum::<f64>()
            / n;
        (mean, var.sqrt())
    }

    #[test]
    fn every_operation_changes_the_masked_pixels_only() {
        let image = photo("coffee.png");
        let mask = mask_on(&image, MaskShape::Object, 9);
        for operation in [
            Retouch::Blur { sigma: 1.0 },
            Retouch::Sharpen {
                sigma: 1.0,
                amount: 0.6,
            },
            Retouch::Median { radius: 1 },
            Retouch::Noise {
                sigma: 3.0,
                seed: 1,
            },
            Retouch::Tone(Tone::Contrast(0.9)),
            Retouch::Tone(Tone::Gamma(1.15)),
        ] {
            let out = operation.apply(&image);
            let changed = blend_and_check(&image, &out, &mask);
            assert!(changed > 0.3, "{operation:?}: {changed} changed");
        }
    }

    #[test]
    fn random_operations_cover_every_name_and_repeat_per_seed() {
        let image = photo("chelsea.png");
        let mut names = HashSet::new();
        for seed in 0..30 {
            let out = retouch(&image, &mut rng(seed));
            assert!(Retouch::NAMES.contains(&out.generator));
            assert!(out.details.starts_with(out.generator));
            names.insert(out.generator);
            if seed < 5 {
                let again = retouch(&image, &mut rng(seed));
                assert_eq!((again.image, again.details), (out.image, out.details));
            }
        }
        assert_eq!(names.len(), Retouch::NAMES.len());
    }

    #[test]
    fn median_matches_a_sorted_window() {
        let image = RgbImage::from_fn(23, 17, |x, y| {
            let v = x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503);
            Rgb([(v % 251) as u8, (v / 7 % 256) as u8, (v / 13 % 97) as u8])
        });
        for radius in [1u32, 2] {
            let fast = median(&image, radius);
            let r = i64::from(radius);
            for (x, y, p) in fast.enumerate_pixels() {
                for c in 0..3 {
                    let mut window = Vec::new();
                    for j in y as i64 - r..=y as i64 + r {
                        for i in x as i64 - r..=x as i64 + r {
                            let (i, j) = (i.clamp(0, 22) as u32, j.clamp(0, 16) as u32);
                            window.push(image.get_pixel(i, j).0[c]);
                        }
                    }
                    window.sort_unstable();
                    assert_eq!(p.0[c], window[window.len() / 2], "r {radius} ({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn noise_and_tone_do_what_they_say() {
        let grey = RgbImage::from_pixel(200, 150, Rgb([128, 128, 128]));
        let (mean, std) = grey_stats(
            &Retouch::Noise {
                sigma: 8.0,
                seed: 4,
            }
            .apply(&grey),
        );
        assert!(
            (mean - 128.0).abs() < 0.3 && (std - 8.0).abs() < 0.3,
            "{mean} {std}"
        );
        let coffee = photo("coffee.png");
        let (_, before) = grey_stats(&coffee);
        let (_, after) = grey_stats(&Retouch::Tone(Tone::Contrast(1.3)).apply(&coffee));
        assert!(after > before * 1.15, "{before} -> {after}");
        let (dark, _) = grey_stats(&coffee);
        let (light, _) = grey_stats(&Retouch::Tone(Tone::Gamma(0.7)).apply(&coffee));
        assert!(light > dark + 10.0, "{dark} -> {light}");
        let empty = RgbImage::new(0, 4);
        for seed in 0..10 {
            assert_eq!(retouch(&empty, &mut rng(seed)).image.dimensions(), (0, 4));
        }
    }
}
