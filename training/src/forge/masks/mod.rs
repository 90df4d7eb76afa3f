//! Random manipulation masks (blobs, polygons, rectangles, brush strokes, and object-like
//! regions grown over similar colours) whose coverage lands in a configured range, with an
//! optional feathered alpha that softens only inside the mask.

mod coverage;
mod feather;
mod grid;
mod object;
mod raster;
mod shapes;

use image::{GrayImage, ImageBuffer, Luma, Rgb, RgbImage};
use rand::{Rng, RngExt};

use coverage::{CoverageRange, count_on};

/// A soft alpha map, one `f32` in `0..=1` per pixel.
pub type AlphaMap = ImageBuffer<Luma<f32>, Vec<f32>>;

/// The kind of region a mask outlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MaskShape {
    /// Thresholded smooth random field: one or several organic blobs.
    Blobs,
    /// A random star-shaped polygon, stretched and rotated.
    Polygon,
    /// An axis-aligned rectangle.
    Rectangle,
    /// One to three thick brush strokes (polylines with round caps).
    Strokes,
    /// A connected region of similar colours grown from a random seed pixel, so it follows
    /// the image's content; needs the image ([`random_mask_on`]), blobs without it.
    Object,
}

impl MaskShape {
    /// The geometric shapes, which need no image.
    pub const ALL: [MaskShape; 4] = [
        MaskShape::Blobs,
        MaskShape::Polygon,
        MaskShape::Rectangle,
        MaskShape::Strokes,
    ];

    /// Every shape, for callers that pass the image ([`random_mask_on`]).
    pub const ALL_WITH_OBJECT: [MaskShape; 5] = [
        MaskShape::Blobs,
        MaskShape::Polygon,
        MaskShape::Rectangle,
        MaskShape::Strokes,
        MaskShape::Object,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MaskShape::Blobs => "blobs",
            MaskShape::Polygon => "polygon",
            MaskShape::Rectangle => "rectangle",
            MaskShape::Strokes => "strokes",
            MaskShape::Object => "object",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MaskConfig {
    /// Smallest fraction of the image the mask may cover.
    pub min_coverage: f32,
    /// Largest fraction of the image the mask may cover.
    pub max_coverage: f32,
    /// Width in pixels of the soft ramp inside the mask's edge; 0 for a hard edge.
    pub feather_px: f32,
}

impl Default for MaskConfig {
    fn default() -> Self {
        Self {
            min_coverage: 0.03,
            max_coverage: 0.40,
            feather_px: 0.0,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MaskError {
    #[error("mask size {width}x{height} has no pixels")]
    EmptyImage { width: u32, height: u32 },
    #[error("coverage range {min}..={max} is not a sub-range of 0..=1")]
    InvalidCoverage { min: f32, max: f32 },
    #[error("feather width {0} is not a finite, non-negative number of pixels")]
    InvalidFeather(f32),
    #[error("no mask on a {width}x{height} image has a coverage in {min}..={max}")]
    CoverageUnreachable {
        width: u32,
        height: u32,
        min: f32,
        max: f32,
    },
    #[error("images of {image:?} and mask of {mask:?} differ in size")]
    SizeMismatch { image: (u32, u32), mask: (u32, u32) },
}

/// A manipulation mask: white (255) = manipulated.
#[derive(Debug, Clone)]
pub struct Mask {
    /// Hard mask, 0 or 255.
    pub binary: GrayImage,
    /// Blending weight of the manipulated image: 0 wherever `binary` is 0, equal to `binary`
    /// (as 0 / 1) when there is no feathering.
    pub alpha: AlphaMap,
    /// Fraction of pixels that are 255 in `binary`.
    pub coverage: f32,
}

impl Mask {
    /// `alpha * manipulated + (1 - alpha) * original`; pixels with alpha 0 are the original's,
    /// bit for bit.
    pub fn blend(
        &self,
        original: &RgbImage,
        manipulated: &RgbImage,
    ) -> Result<RgbImage, MaskError> {
        let size = self.binary.dimensions();
        for other in [original.dimensions(), manipulated.dimensions()] {
            if other != size {
                return Err(MaskError::SizeMismatch {
                    image: other,
                    mask: size,
                });
            }
        }
        Ok(RgbImage::from_fn(size.0, size.1, |x, y| {
            let a = self.alpha.get_pixel(x, y).0[0];
            let (o, m) = (original.get_pixel(x, y).0, manipulated.get_pixel(x, y).0);
            if a <= 0.0 {
                Rgb(o)
            } else {
                Rgb(std::array::from_fn(|c| {
                    (a * f32::from(m[c]) + (1.0 - a) * f32::from(o[c]))
                        .round()
                        .clamp(0.0, 255.0) as u8
                }))
            }
        }))
    }

    /// The smallest box `[x0, y0, x1, y1)` (end exclusive) holding every masked pixel, or
    /// `None` for an empty mask.
    pub fn bounding_box(&self) -> Option<[u32; 4]> {
        let mut bounds: Option<[u32; 4]> = None;
        for (x, y, p) in self.binary.enumerate_pixels() {
            if p.0[0] > 127 {
                let b = bounds.get_or_insert([x, y, x + 1, y + 1]);
                *b = [b[0].min(x), b[1].min(y), b[2].max(x + 1), b[3].max(y + 1)];
            }
        }
        bounds
    }
}

/// Fresh shapes tried before falling back to a rectangle.
const SHAPE_ATTEMPTS: usize = 8;

/// Draws a random mask of `shape` whose coverage lies in the configured range. The same RNG
/// state gives the same mask. After a bounded number of attempts it falls back to a
/// rectangle sized to the middle of the range; it fails only when no mask on an image this
/// small can hit the range (e.g. 1x1 pixels and 3-40%). `Object` needs the image and is drawn
/// as `Blobs` here; see [`random_mask_on`].
pub fn random_mask(
    width: u32,
    height: u32,
    shape: MaskShape,
    config: &MaskConfig,
    rng: &mut impl Rng,
) -> Result<Mask, MaskError> {
    let range = CoverageRange::checked(width, height, config)?;
    let mut binary = None;
    for _ in 0..SHAPE_ATTEMPTS {
        let target = if range.max > range.min {
            rng.random_range(config.min_coverage..=config.max_coverage)
        } else {
            config.min_coverage
        };
        let candidate = match shape {
            MaskShape::Blobs | MaskShape::Object => shapes::draw_blobs(width, height, target, rng),
            _ => shapes::draw_geometric(width, height, shape, target, &range, rng),
        };
        if range.contains(count_on(&candidate)) {
            binary = Some(candidate);
            break;
        }
    }
    let binary = match binary {
        Some(binary) => binary,
        None => shapes::fallback_rectangle(&range, rng).ok_or_else(|| range.unreachable())?,
    };
    Ok(range.finish(binary, config.feather_px))
}

/// [`random_mask`] on `image`'s size; for `MaskShape::Object` a region grown over similar
/// colours of `image` from a random seed pixel (blobs when no such region hits the range
/// within a bounded number of seeds). The same RNG state gives the same mask.
pub fn random_mask_on(
    image: &RgbImage,
    shape: MaskShape,
    config: &MaskConfig,
    rng: &mut impl Rng,
) -> Result<Mask, MaskError> {
    let (width, height) = image.dimensions();
    if shape != MaskShape::Object {
        return random_mask(width, height, shape, config, rng);
    }
    let range = CoverageRange::checked(width, height, config)?;
    match object::grow_object(image, &range, rng) {
        Some(binary) => Ok(range.finish(binary, config.feather_px)),
        None => random_mask(width, height, MaskShape::Blobs, config, rng),
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    use super::*;

    fn mask(shape: MaskShape, config: &MaskConfig, seed: u64) -> Mask {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        random_mask(96, 64, shape, config, &mut rng).expect("a valid configuration")
    }

    #[test]
    fn coverage_is_always_in_range() {
        for config in [
            MaskConfig::default(),
            MaskConfig {
                // Exactly 1536 of 96 x 64 pixels.
                min_coverage: 0.25,
                max_coverage: 0.25,
                feather_px: 0.0,
            },
            MaskConfig {
                min_coverage: 0.01,
                max_coverage: 0.05,
                feather_px: 3.0,
            },
        ] {
            for shape in MaskShape::ALL_WITH_OBJECT {
                for seed in 0..100 {
                    let m = mask(shape, &config, seed);
                    let measured = (count_on(&m.binary) as f64 / (96.0 * 64.0)) as f32;
                    assert_eq!(m.coverage, measured);
                    assert!(
                        (config.min_coverage..=config.max_coverage).contains(&m.coverage),
                        "{shape:?} seed {seed}: coverage {} outside {config:?}",
                        m.coverage
                    );
                    assert!(m.binary.as_raw().iter().all(|&v| v == 0 || v == 255));
                }
            }
        }
    }

    #[test]
    fn same_seed_same_mask_different_seed_different_mask() {
        for shape in MaskShape::ALL {
            let config = MaskConfig::default();
            let (a, b, c) = (
                mask(shape, &config, 7),
                mask(shape, &config, 7),
                mask(shape, &config, 8),
            );
            assert_eq!(a.binary, b.binary);
            assert_eq!(a.alpha, b.alpha);
            assert_ne!(a.binary, c.binary, "{shape:?}");
        }
    }

    #[test]
    fn unfeathered_alpha_equals_binary() {
        let m = mask(MaskShape::Polygon, &MaskConfig::default(), 3);
        for (a, b) in m.alpha.as_raw().iter().zip(m.binary.as_raw()) {
            assert_eq!(*a, f32::from(*b) / 255.0);
        }
    }

    #[test]
    fn blend_leaves_outside_pixels_untouched() {
        let config = MaskConfig {
            feather_px: 5.0,
            ..MaskConfig::default()
        };
        let m = mask(MaskShape::Blobs, &config, 5);
        let original = RgbImage::from_fn(96, 64, |x, y| Rgb([x as u8, y as u8, 77]));
        let fake = RgbImage::from_pixel(96, 64, Rgb([255, 0, 255]));
        let blended = m.blend(&original, &fake).expect("same sizes");
        for (x, y, p) in blended.enumerate_pixels() {
            if m.binary.get_pixel(x, y).0[0] == 0 {
                assert_eq!(p, original.get_pixel(x, y));
            } else if m.alpha.get_pixel(x, y).0[0] == 1.0 {
                assert_eq!(p, fake.get_pixel(x, y));
            }
        }
    }

    #[test]
    fn bounding_box_holds_every_masked_pixel() {
        let m = mask(MaskShape::Strokes, &MaskConfig::default(), 2);
        let [x0, y0, x1, y1] = m.bounding_box().expect("a non-empty mask");
        let inside = |x, y| (x0..x1).contains(&x) && (y0..y1).contains(&y);
        assert!(
            m.binary
                .enumerate_pixels()
                .all(|(x, y, p)| p.0[0] == 0 || inside(x, y))
        );
        for (x, y) in [(x0, y0), (x1 - 1, y1 - 1)] {
            let row = (0..96).any(|i| m.binary.get_pixel(i, y).0[0] == 255);
            let column = (0..64).any(|j| m.binary.get_pixel(x, j).0[0] == 255);
            assert!(row && column);
        }
        let empty = Mask {
            binary: GrayImage::new(4, 4),
            alpha: AlphaMap::new(4, 4),
            coverage: 0.0,
        };
        assert_eq!(empty.bounding_box(), None);
    }

    #[test]
    fn unreachable_and_invalid_ranges_are_errors() {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let config = MaskConfig::default();
        assert!(matches!(
            random_mask(1, 1, MaskShape::Blobs, &config, &mut rng),
            Err(MaskError::CoverageUnreachable { .. })
        ));
        assert!(matches!(
            random_mask(0, 5, MaskShape::Blobs, &config, &mut rng),
            Err(MaskError::EmptyImage { .. })
        ));
        let inverted = MaskConfig {
            min_coverage: 0.5,
            max_coverage: 0.1,
            feather_px: 0.0,
        };
        assert!(matches!(
            random_mask(8, 8, MaskShape::Rectangle, &inverted, &mut rng),
            Err(MaskError::InvalidCoverage { .. })
        ));
        let empty = RgbImage::new(0, 3);
        for shape in MaskShape::ALL_WITH_OBJECT {
            assert!(matches!(
                random_mask_on(&empty, shape, &config, &mut rng),
                Err(MaskError::EmptyImage { .. })
            ));
        }
        let tiny = RgbImage::new(1, 1);
        assert!(matches!(
            random_mask_on(&tiny, MaskShape::Object, &config, &mut rng),
            Err(MaskError::CoverageUnreachable { .. })
        ));
        let bad_feather = MaskConfig {
            feather_px: f32::NAN,
            ..config
        };
        assert!(matches!(
            random_mask_on(
                &RgbImage::new(8, 8),
                MaskShape::Object,
                &bad_feather,
                &mut rng
            ),
            Err(MaskError::InvalidFeather(_))
        ));
    }
}
