//! Copy-move: a region of the same photograph, optionally scaled (0.8-1.25) and rotated
//! (-30..30 degrees, bilinear), moved onto the mask from a source box that avoids the mask's.

use image::RgbImage;
use rand::{Rng, RngExt};

use super::placement::{SourcePlacement, box_centre, paint, sample_masked};
use super::{FamilyError, Manipulated, check_source, masked_box};
use crate::forge::masks::Mask;

/// Random source positions tried in search of one whose box misses the destination's.
const PLACEMENT_TRIES: usize = 64;

/// The masked region replaced by content from elsewhere in `image`: a random scale and
/// rotation (each applied half of the time), and a whole-pixel offset chosen so that the
/// source box lies inside the image and, when there is room, does not overlap the mask's
/// bounding box.
pub fn copy_move(
    image: &RgbImage,
    mask: &Mask,
    rng: &mut impl Rng,
) -> Result<Manipulated, FamilyError> {
    check_source("copy-move image", image)?;
    let bounds = masked_box(image, mask)?;
    let scale = if rng.random_bool(0.5) {
        rng.random_range(0.8f32..=1.25)
    } else {
        1.0
    };
    let angle_degrees = if rng.random_bool(0.5) {
        rng.random_range(-30.0f32..=30.0)
    } else {
        0.0
    };
    let placement = choose_source(image.dimensions(), bounds, scale, angle_degrees, rng);
    copy_move_at(image, mask, &placement)
}

/// The masked region replaced by `image` sampled through `placement`:
/// manipulated(x, y) = image(placement.source_of(x, y)), bilinear, under the mask.
pub fn copy_move_at(
    image: &RgbImage,
    mask: &Mask,
    placement: &SourcePlacement,
) -> Result<Manipulated, FamilyError> {
    check_source("copy-move image", image)?;
    let bounds = masked_box(image, mask)?;
    placement.check()?;
    let samples = sample_masked(image, mask, bounds, placement);
    let source = placement.source_box(bounds);
    let overlaps = source[0] <= (bounds[2] - 1) as f32
        && source[2] >= bounds[0] as f32
        && source[1] <= (bounds[3] - 1) as f32
        && source[3] >= bounds[1] as f32;
    let [dx, dy] = placement.offset();
    let details = format!(
        "copy-move: destination box x {}..{} y {}..{}, source box x {:.1}..{:.1} y {:.1}..{:.1} \
         ({}), offset ({dx:.1}, {dy:.1}), scale {:.3}, rotation {:.1} deg, bilinear",
        bounds[0],
        bounds[2],
        bounds[1],
        bounds[3],
        source[0],
        source[2] + 1.0,
        source[1],
        source[3] + 1.0,
        if overlaps { "overlapping" } else { "disjoint" },
        placement.scale,
        placement.angle_degrees,
    );
    Ok(Manipulated {
        image: paint(image, &samples),
        generator: "copy-move",
        details,
        source: Some(*placement),
    })
}

/// A whole-pixel offset for the source centre: the source box inside the image where it
/// fits, preferably disjoint from the destination box, never zero.
fn choose_source(
    (width, height): (u32, u32),
    bounds: [u32; 4],
    scale: f32,
    angle_degrees: f32,
    rng: &mut impl Rng,
) -> SourcePlacement {
    let centre = box_centre(bounds);
    let mut placement = SourcePlacement {
        destination_centre: centre,
        source_centre: centre,
        scale,
        angle_degrees,
    };
    let footprint = placement.source_box(bounds);
    let half = [
        (footprint[2] - footprint[0]) / 2.0,
        (footprint[3] - footprint[1]) / 2.0,
    ];
    // Offsets that keep the footprint inside the image; centred where it is larger.
    let span = |c: f32, h: f32, len: u32| {
        let lo = (h - c).ceil();
        let hi = ((len - 1) as f32 - h - c).floor();
        if lo <= hi {
            (lo as i64, hi as i64)
        } else {
            let mid = ((len - 1) as f32 / 2.0 - c).round() as i64;
            (mid, mid)
        }
    };
    let (x_span, y_span) = (
        span(centre[0], half[0], width),
        span(centre[1], half[1], height),
    );
    let overlap = |o: [i64; 2]| {
        let ox = overlap_1d(centre[0] + o[0] as f32, half[0], bounds[0], bounds[2]);
        let oy = overlap_1d(centre[1] + o[1] as f32, half[1], bounds[1], bounds[3]);
        ox * oy
    };
    let mut best: Option<(f32, [i64; 2])> = None;
    for _ in 0..PLACEMENT_TRIES {
        let o = [
            rng.random_range(x_span.0..=x_span.1),
            rng.random_range(y_span.0..=y_span.1),
        ];
        if o == [0, 0] {
            continue;
        }
        let area = overlap(o);
        if best.is_none_or(|(a, _)| area < a) {
            best = Some((area, o));
        }
        if area == 0.0 {
            break;
        }
    }
    let offset = best.map_or_else(
        || {
            // No room to move inside the image: shift by half the box towards the middle.
            let step = i64::from((bounds[2] - bounds[0]).div_ceil(2));
            let towards = if centre[0] < (width / 2) as f32 {
                1
            } else {
                -1
            };
            [towards * step, 0]
        },
        |(_, o)| o,
    );
    placement.source_centre = [centre[0] + offset[0] as f32, centre[1] + offset[1] as f32];
    placement
}

/// Length of the overlap of `[c - h, c + h]` with the pixel span `[from, to - 1]`.
fn overlap_1d(c: f32, h: f32, from: u32, to: u32) -> f32 {
    let (a, b) = (from as f32, (to - 1) as f32);
    let lo = (c - h).max(a);
    let hi = (c + h).min(b);
    if hi < lo { 0.0 } else { hi - lo + 1.0 }
}

#[cfg(test)]
mod tests {
    use image::Luma;

    use super::*;
    use crate::forge::families::testing::{blend_and_check, mask_on, photo, rng};
    use crate::forge::masks::{AlphaMap, MaskShape};

    #[test]
    fn outside_pixels_stay_inside_pixels_change_and_seeds_repeat() {
        let image = photo("coffee.png");
        for (seed, shape) in (0..8).zip(MaskShape::ALL_WITH_OBJECT.iter().cycle()) {
            let mask = mask_on(&image, *shape, seed);
            let moved = copy_move(&image, &mask, &mut rng(seed)).expect("copy-move");
            assert_eq!(moved.generator, "copy-move");
            let changed = blend_and_check(&image, &moved.image, &mask);
            assert!(changed > 0.5, "{shape:?} seed {seed}: {changed} changed");
            let again = copy_move(&image, &mask, &mut rng(seed)).expect("copy-move");
            assert_eq!((again.image, again.details), (moved.image, moved.details));
        }
    }

    #[test]
    fn a_pure_translation_copies_the_source_pixels_exactly() {
        let image = photo("chelsea.png");
        let mask = mask_on(&image, MaskShape::Object, 4);
        let bounds = mask.bounding_box().expect("a non-empty mask");
        let placement = SourcePlacement::translation(box_centre(bounds), [-37.0, 21.0]);
        let moved = copy_move_at(&image, &mask, &placement).expect("copy-move");
        for (x, y, p) in mask.binary.enumerate_pixels() {
            if p.0[0] == 255 {
                let (sx, sy) = ((x as i64 - 37).clamp(0, 450), (y as i64 + 21).clamp(0, 299));
                let source = image.get_pixel(sx as u32, sy as u32);
                assert_eq!(moved.image.get_pixel(x, y), source, "({x}, {y})");
            }
        }
        assert_eq!(moved.source, Some(placement));
    }

    #[test]
    fn moved_content_comes_from_the_recorded_source_elsewhere_in_the_image() {
        let image = photo("coffee.png");
        let mut disjoint = 0;
        for seed in 0..20 {
            let mask = mask_on(&image, MaskShape::Rectangle, seed);
            let moved = copy_move(&image, &mask, &mut rng(seed)).expect("copy-move");
            let placement = moved.source.expect("a recorded placement");
            let [dx, dy] = placement.offset();
            assert!(dx != 0.0 || dy != 0.0);
            disjoint += usize::from(moved.details.contains("disjoint"));
            // A bilinear sample lies between the four pixels around its source point.
            for (x, y, p) in mask.binary.enumerate_pixels().step_by(7) {
                if p.0[0] != 255 {
                    continue;
                }
                let [u, v] = placement.source_of(x as f32, y as f32);
                let (u, v) = (u.clamp(0.0, 599.0), v.clamp(0.0, 399.0));
                let corners = [(u.floor(), v.floor()), (u.ceil(), v.ceil())];
                let around = [(0, 0), (1, 0), (0, 1), (1, 1)].map(|(i, j): (usize, usize)| {
                    image.get_pixel(corners[i].0 as u32, corners[j].1 as u32).0
                });
                let got = moved.image.get_pixel(x, y).0;
                for c in 0..3 {
                    let lo = around.iter().map(|a| a[c]).min().unwrap_or(0);
                    let hi = around.iter().map(|a| a[c]).max().unwrap_or(255);
                    assert!((lo..=hi).contains(&got[c]), "seed {seed} ({x}, {y})");
                }
            }
        }
        assert!(
            disjoint >= 16,
            "only {disjoint} of 20 source boxes missed the mask"
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        let image = photo("chelsea.png");
        let mask = mask_on(&image, MaskShape::Blobs, 1);
        let small = RgbImage::new(3, 3);
        assert!(matches!(
            copy_move(&small, &mask, &mut rng(0)),
            Err(FamilyError::TooSmall { .. })
        ));
        let other = RgbImage::new(300, 451);
        assert!(matches!(
            copy_move(&other, &mask, &mut rng(0)),
            Err(FamilyError::SizeMismatch { .. })
        ));
        let empty = Mask {
            binary: image::GrayImage::from_pixel(451, 300, Luma([0])),
            alpha: AlphaMap::new(451, 300),
            coverage: 0.0,
        };
        assert_eq!(
            copy_move(&image, &empty, &mut rng(0)).err(),
            Some(FamilyError::EmptyMask)
        );
        let nan = SourcePlacement {
            scale: f32::NAN,
            ..SourcePlacement::translation([5.0, 5.0], [1.0, 1.0])
        };
        assert!(matches!(
            copy_move_at(&image, &mask, &nan),
            Err(FamilyError::InvalidPlacement(_))
        ));
    }

    #[test]
    fn a_mask_covering_the_whole_image_still_moves_content() {
        let image = photo("chelsea.png");
        let small = image::imageops::crop_imm(&image, 100, 100, 16, 12).to_image();
        let mask = Mask {
            binary: image::GrayImage::from_pixel(16, 12, Luma([255])),
            alpha: AlphaMap::from_pixel(16, 12, Luma([1.0])),
            coverage: 1.0,
        };
        let moved = copy_move(&small, &mask, &mut rng(2)).expect("copy-move");
        assert_ne!(moved.image, small);
    }
}
