//! Splicing: a patch of another photograph (the donor), optionally scaled (0.7-1.4) and
//! matched to the destination's per-channel mean and standard deviation under the mask.

use image::RgbImage;
use rand::{Rng, RngExt};

use super::placement::{SourcePlacement, box_centre, paint, sample_masked};
use super::{FamilyError, Manipulated, check_source, masked_box};
use crate::forge::masks::Mask;

/// Bounds of the per-channel gain of the colour match, so a flat patch is not blown up.
const GAIN_RANGE: (f32, f32) = (0.25, 4.0);
/// Standard deviations below this many grey levels count as this many.
const MIN_STD: f32 = 1.0;

/// The masked region of `dest` replaced by a patch of `donor` covering the mask's bounding
/// box: scaled by 0.7-1.4 half of the time (more when the donor is too small to cover the
/// box), at a random position in the donor, colour-matched to `dest` 70% of the time.
pub fn splice(
    dest: &RgbImage,
    donor: &RgbImage,
    mask: &Mask,
    rng: &mut impl Rng,
) -> Result<Manipulated, FamilyError> {
    check_source("donor", donor)?;
    let bounds = masked_box(dest, mask)?;
    let mut scale = if rng.random_bool(0.5) {
        rng.random_range(0.7f32..=1.4)
    } else {
        1.0
    };
    // The box's pixel centres span (size - 1); the donor's must span at least that / scale.
    let (dw, dh) = donor.dimensions();
    let (bw, bh) = (bounds[2] - bounds[0], bounds[3] - bounds[1]);
    scale = scale
        .max((bw - 1) as f32 / (dw - 1) as f32)
        .max((bh - 1) as f32 / (dh - 1) as f32);
    let half = [(bw - 1) as f32 / 2.0 / scale, (bh - 1) as f32 / 2.0 / scale];
    let mut position = |h: f32, len: u32| {
        let hi = ((len - 1) as f32 - h).max(h);
        if hi > h { rng.random_range(h..=hi) } else { h }
    };
    let source_centre = [position(half[0], dw), position(half[1], dh)];
    let placement = SourcePlacement {
        destination_centre: box_centre(bounds),
        source_centre,
        scale,
        angle_degrees: 0.0,
    };
    let match_colour = rng.random_bool(0.7);
    splice_at(dest, donor, mask, &placement, match_colour)
}

/// The masked region of `dest` replaced by `donor` sampled through `placement` (bilinear),
/// and with `match_colour` each channel shifted and scaled so its mean and standard deviation
/// under the mask equal the destination's there.
pub fn splice_at(
    dest: &RgbImage,
    donor: &RgbImage,
    mask: &Mask,
    placement: &SourcePlacement,
    match_colour: bool,
) -> Result<Manipulated, FamilyError> {
    check_source("donor", donor)?;
    let bounds = masked_box(dest, mask)?;
    placement.check()?;
    let mut samples = sample_masked(donor, mask, bounds, placement);
    let source = placement.source_box(bounds);
    let mut details = format!(
        "splice: donor {}x{}, patch x {:.1}..{:.1} y {:.1}..{:.1} onto box x {}..{} y {}..{}, \
         scale {:.3}, bilinear",
        donor.width(),
        donor.height(),
        source[0],
        source[2] + 1.0,
        source[1],
        source[3] + 1.0,
        bounds[0],
        bounds[2],
        bounds[1],
        bounds[3],
        placement.scale,
    );
    if match_colour {
        let patch = channel_stats(samples.iter().map(|s| s.2));
        let target = channel_stats(
            samples
                .iter()
                .map(|&(x, y, _)| dest.get_pixel(x, y).0.map(f32::from)),
        );
        let gains: [f32; 3] = std::array::from_fn(|c| {
            (target[c].1.max(MIN_STD) / patch[c].1.max(MIN_STD)).clamp(GAIN_RANGE.0, GAIN_RANGE.1)
        });
        for (_, _, colour) in &mut samples {
            *colour = std::array::from_fn(|c| (colour[c] - patch[c].0) * gains[c] + target[c].0);
        }
        details += &format!(
            ", colour matched (gain {:.2}/{:.2}/{:.2}, mean {:.1}/{:.1}/{:.1} -> {:.1}/{:.1}/{:.1})",
            gains[0],
            gains[1],
            gains[2],
            patch[0].0,
            patch[1].0,
            patch[2].0,
            target[0].0,
            target[1].0,
            target[2].0,
        );
    } else {
        details += ", colours as in the donor";
    }
    Ok(Manipulated {
        image: paint(dest, &samples),
        generator: "splice",
        details,
        source: Some(*placement),
    })
}

/// Per channel `(mean, standard deviation)`.
fn channel_stats(colours: impl Iterator<Item = [f32; 3]>) -> [(f32, f32); 3] {
    let (mut sum, mut sum2, mut n) = ([0.0f64; 3], [0.0f64; 3], 0.0f64);
    for colour in colours {
        for (c, v) in colour.into_iter().map(f64::from).enumerate() {
            sum[c] += v;
            sum2[c] += v * v;
        }
        n += 1.0;
    }
    std::array::from_fn(|c| {
        let mean = sum[c] / n.max(1.0);
        let variance = (sum2[c] / n.max(1.0) - mean * mean).max(0.0);
        (mean as f32, variance.sqrt() as f32)
    })
}

#[cfg(test)]
mod tests {
    use image::{Luma, Rgb};

    use super::*;
    use crate::forge::families::testing::{blend_and_check, mask_on, photo, rng};
    use crate::forge::masks::MaskShape;

    /// Every donor pixel distinct and smooth: red follows x, green follows y.
    fn pattern(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            Rgb([
                (x * 255 / (width - 1)) as u8,
                (y * 255 / (height - 1)) as u8,
                128,
            ])
        })
    }

    fn correlation(pairs: &[(f32, f32)]) -> f32 {
        let n = pairs.len() as f32;
        let (ma, mb) = pairs
            .iter()
            .fold((0.0, 0.0), |(a, b), p| (a + p.0 / n, b + p.1 / n));
        let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
        for &(a, b) in pairs {
            ab += (a - ma) * (b - mb);
            aa += (a - ma) * (a - ma);
            bb += (b - mb) * (b - mb);
        }
        ab / (aa * bb).sqrt().max(1e-6)
    }

    #[test]
    fn outside_pixels_stay_inside_pixels_change_and_seeds_repeat() {
        let (dest, donor) = (photo("coffee.png"), photo("chelsea.png"));
        for (seed, shape) in (0..8).zip(MaskShape::ALL_WITH_OBJECT.iter().cycle()) {
            let mask = mask_on(&dest, *shape, seed);
            let spliced = splice(&dest, &donor, &mask, &mut rng(seed)).expect("splice");
            assert_eq!(spliced.generator, "splice");
            let changed = blend_and_check(&dest, &spliced.image, &mask);
            assert!(changed > 0.5, "{shape:?} seed {seed}: {changed} changed");
            let again = splice(&dest, &donor, &mask, &mut rng(seed)).expect("splice");
            assert_eq!(
                (again.image, again.details),
                (spliced.image, spliced.details)
            );
        }
    }

    #[test]
    fn without_matching_the_donor_pixels_appear_unchanged() {
        let (dest, donor) = (photo("coffee.png"), pattern(97, 83));
        let mask = mask_on(&dest, MaskShape::Polygon, 3);
        let bounds = mask.bounding_box().expect("a non-empty mask");
        let placement = SourcePlacement {
            destination_centre: box_centre(bounds),
            source_centre: [48.0, 41.0],
            scale: 3.0,
            angle_degrees: 0.0,
        };
        let spliced = splice_at(&dest, &donor, &mask, &placement, false).expect("splice");
        for (x, y, p) in mask.binary.enumerate_pixels() {
            if p.0[0] == 255 {
                let [u, v] = placement.source_of(x as f32, y as f32);
                let got = spliced.image.get_pixel(x, y).0;
                let want = [u * 255.0 / 96.0, v * 255.0 / 82.0];
                assert!((f32::from(got[0]) - want[0].clamp(0.0, 255.0)).abs() <= 3.0);
                assert!((f32::from(got[1]) - want[1].clamp(0.0, 255.0)).abs() <= 3.0);
                assert_eq!(got[2], 128);
            }
        }
    }

    #[test]
    fn spliced_content_follows_the_donor_even_when_colour_matched() {
        let (dest, donor) = (photo("coffee.png"), pattern(300, 200));
        for seed in 0..10 {
            let mask = mask_on(&dest, MaskShape::Object, seed);
            let spliced = splice(&dest, &donor, &mask, &mut rng(seed)).expect("splice");
            let placement = spliced.source.expect("a recorded placement");
            let mut red = Vec::new();
            for (x, y, p) in mask.binary.enumerate_pixels() {
                if p.0[0] == 255 {
                    let [u, _] = placement.source_of(x as f32, y as f32);
                    red.push((f32::from(spliced.image.get_pixel(x, y).0[0]), u));
                }
            }
            let r = correlation(&red);
            assert!(r > 0.98, "seed {seed}: correlation with the donor {r}");
        }
    }

    #[test]
    fn colour_matching_takes_the_destination_mean_and_spread() {
        // A destination of moderate spread, so the matched values need no clipping to 0..=255.
        let dest = RgbImage::from_fn(600, 400, |x, y| {
            Rgb([
                110 + (x % 40) as u8,
                90 + (y % 30) as u8,
                100 + ((x + 2 * y) % 50) as u8,
            ])
        });
        let donor = photo("chelsea.png");
        let mask = mask_on(&dest, MaskShape::Rectangle, 6);
        let bounds = mask.bounding_box().expect("a non-empty mask");
        let placement = SourcePlacement::translation(box_centre(bounds), [-60.0, -40.0]);
        let under = |image: &RgbImage| {
            let pixels = mask
                .binary
                .enumerate_pixels()
                .filter(|&(_, _, p)| p.0[0] == 255);
            channel_stats(pixels.map(|(x, y, _)| image.get_pixel(x, y).0.map(f32::from)))
        };
        let want = under(&dest);
        let plain = splice_at(&dest, &donor, &mask, &placement, false).expect("splice");
        let before = under(&plain.image);
        assert!((0..3).any(|c| (before[c].0 - want[c].0).abs() > 10.0));
        let spliced = splice_at(&dest, &donor, &mask, &placement, true).expect("splice");
        let got = under(&spliced.image);
        for c in 0..3 {
            assert!((got[c].0 - want[c].0).abs() < 1.0, "{got:?} vs {want:?}");
            assert!(
                (got[c].1 / want[c].1 - 1.0).abs() < 0.05,
                "{got:?} vs {want:?}"
            );
        }
        assert!(spliced.details.contains("colour matched"));
    }

    #[test]
    fn a_small_donor_is_enlarged_and_bad_input_is_an_error() {
        let dest = photo("coffee.png");
        let mask = mask_on(&dest, MaskShape::Blobs, 2);
        let donor = pattern(5, 5);
        let spliced = splice(&dest, &donor, &mask, &mut rng(1)).expect("splice");
        let bounds = mask.bounding_box().expect("a non-empty mask");
        let source = spliced.source.expect("placement").source_box(bounds);
        assert!(source[0] >= -1e-3 && source[2] <= 4.0 + 1e-3, "{source:?}");
        assert!(matches!(
            splice(&dest, &pattern(3, 9), &mask, &mut rng(0)),
            Err(FamilyError::TooSmall { .. })
        ));
        assert!(matches!(
            splice(&photo("chelsea.png"), &donor, &mask, &mut rng(0)),
            Err(FamilyError::SizeMismatch { .. })
        ));
        let mut empty = mask.clone();
        empty.binary.pixels_mut().for_each(|p| *p = Luma([0]));
        assert_eq!(
            splice(&dest, &donor, &empty, &mut rng(0)).err(),
            Some(FamilyError::EmptyMask)
        );
    }
}
