//! Resampling: the image resized down (by 0.3-0.8) and back up with randomly chosen kernels,
//! the traces a local rescale leaves once blended in under a mask.

use image::RgbImage;
use image::imageops::{self, FilterType};
use rand::{Rng, RngExt};

use super::Manipulated;

/// The kernels drawn from, down and up independently.
pub const RESAMPLE_FILTERS: [FilterType; 5] = [
    FilterType::Nearest,
    FilterType::Triangle,
    FilterType::CatmullRom,
    FilterType::Gaussian,
    FilterType::Lanczos3,
];

/// One resampling: the down factor and the two kernels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResampleParams {
    /// Size of the intermediate image relative to the input, in `0..1`.
    pub factor: f32,
    pub down: FilterType,
    pub up: FilterType,
}

impl ResampleParams {
    pub fn random(rng: &mut impl Rng) -> Self {
        let factor = rng.random_range(0.3f32..=0.8);
        let mut kernel = || RESAMPLE_FILTERS[rng.random_range(0..RESAMPLE_FILTERS.len())];
        let down = kernel();
        Self {
            factor,
            down,
            up: kernel(),
        }
    }
}

/// A kernel's name as recorded in `details`.
pub fn filter_name(filter: FilterType) -> &'static str {
    match filter {
        FilterType::Nearest => "nearest",
        FilterType::Triangle => "triangle",
        FilterType::CatmullRom => "catmull-rom",
        FilterType::Gaussian => "gaussian",
        FilterType::Lanczos3 => "lanczos3",
    }
}

/// `image` resized down and up again with random parameters ([`ResampleParams::random`]).
pub fn resample(image: &RgbImage, rng: &mut impl Rng) -> Manipulated {
    resample_with(image, &ResampleParams::random(rng))
}

/// `image` resized to `factor` of its size (at least one pixel a side) with `down`, then
/// back to its own size with `up`. A factor outside `0..=1` is clamped into it.
pub fn resample_with(image: &RgbImage, params: &ResampleParams) -> Manipulated {
    let (w, h) = image.dimensions();
    let factor = if params.factor.is_finite() {
        params.factor.clamp(0.0, 1.0)
    } else {
        1.0
    };
    let small_w = ((w as f32 * factor).round() as u32).clamp(1, w.max(1));
    let small_h = ((h as f32 * factor).round() as u32).clamp(1, h.max(1));
    let resampled = if w == 0 || h == 0 {
        image.clone()
    } else {
        let small = imageops::resize(image, small_w, small_h, params.down);
        imageops::resize(&small, w, h, params.up)
    };
    Manipulated {
        image: resampled,
        generator: "resample",
        details: format!(
            "resample: factor {factor:.3} ({w}x{h} -> {small_w}x{small_h} -> {w}x{h}), \
             down {}, up {}",
            filter_name(params.down),
            filter_name(params.up),
        ),
        source: None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::forge::families::testing::{blend_and_check, mask_on, photo, rng};
    use crate::forge::masks::MaskShape;

    #[test]
    fn outside_pixels_stay_inside_pixels_change_and_seeds_repeat() {
        let image = photo("chelsea.png");
        let mut kernels = HashSet::new();
        for seed in 0..12 {
            let mask = mask_on(&image, MaskShape::Object, seed);
            let resampled = resample(&image, &mut rng(seed));
            assert_eq!(resampled.generator, "resample");
            assert_eq!(resampled.image.dimensions(), image.dimensions());
            let changed = blend_and_check(&image, &resampled.image, &mask);
            assert!(changed > 0.5, "seed {seed}: {changed} changed");
            let again = resample(&image, &mut rng(seed));
            assert_eq!(
                (again.image, again.details),
                (resampled.image, resampled.details.clone())
            );
            kernels.extend(
                RESAMPLE_FILTERS
                    .iter()
                    .filter(|&&f| resampled.details.contains(filter_name(f)))
                    .map(|&f| filter_name(f)),
            );
        }
        assert_eq!(kernels.len(), RESAMPLE_FILTERS.len(), "{kernels:?}");
    }

    #[test]
    fn parameters_are_recorded_and_tiny_images_survive() {
        let image = photo("coffee.png");
        let params = ResampleParams {
            factor: 0.5,
            down: FilterType::Gaussian,
            up: FilterType::CatmullRom,
        };
        let out = resample_with(&image, &params);
        assert!(
            out.details.contains("600x400 -> 300x200"),
            "{}",
            out.details
        );
        assert!(out.details.contains("down gaussian, up catmull-rom"));
        for (w, h) in [(0, 0), (1, 1), (3, 1), (1, 7)] {
            let tiny = RgbImage::new(w, h);
            let out = resample(&tiny, &mut rng(0));
            assert_eq!(out.image.dimensions(), (w, h));
        }
        let nan = ResampleParams {
            factor: f32::NAN,
            ..params
        };
        assert_eq!(resample_with(&image, &nan).image, image);
    }
}
