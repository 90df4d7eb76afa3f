//! Object-like masks by seeded region growing: a flood fill over CIE Lab colours from a random
//! seed pixel, its tolerance set at the strongest colour edge that keeps the coverage in range,
//! then a morphological close and hole filling, on the block-averaged grid of `grid`.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use image::{GrayImage, RgbImage};
use rand::{Rng, RngExt};

use super::feather::squared_distance_to_outside;
use super::grid::Grid;
use super::{CoverageRange, count_on};

/// Seed pixels tried before giving up (the caller then falls back to blobs).
const SEEDS: usize = 8;
/// Tolerances (flood-fill cuts) tried per seed, strongest edge first.
const CUTS_PER_SEED: usize = 3;
/// Radius of the closing, in grid pixels.
const CLOSE_RADIUS: f32 = 2.0;
/// Colour distances are compared as integers in steps of 1/64 of a Lab unit.
const LEVELS_PER_UNIT: f32 = 64.0;

/// A connected region of colours similar to a random seed's whose coverage lies in `range`,
/// or `None` when no seed gives one.
pub(super) fn grow_object(
    image: &RgbImage,
    range: &CoverageRange,
    rng: &mut impl Rng,
) -> Option<GrayImage> {
    let grid = Grid::new(image);
    let cells = grid.width * grid.height;
    let lo = ((range.min * cells as f64).ceil() as usize).max(1);
    let hi = ((range.max * cells as f64).floor() as usize).min(cells);
    if lo > hi {
        return None;
    }
    for _ in 0..SEEDS {
        let seed = rng.random_range(0..cells);
        let growth = grow(&grid, seed, hi + 1);
        for n in growth.strongest_cuts(lo, hi, CUTS_PER_SEED) {
            let mut region = vec![false; cells];
            for &i in &growth.order[..n] {
                region[i as usize] = true;
            }
            let region = fill_holes(&close(&region, grid.width, grid.height), grid.width);
            let count = region.iter().filter(|&&r| r).count();
            if !(lo..=hi).contains(&count) {
                continue;
            }
            let binary = grid.upscale(&region, image.width(), image.height());
            if range.contains(count_on(&binary)) {
                return Some(binary);
            }
        }
    }
    None
}

/// Cells in the order a priority flood from the seed takes them (lowest colour distance to
/// the seed first), with the running maximum of that distance: the first `n` cells are the
/// flood fill at tolerance `level[n - 1]` exactly when `level[n] > level[n - 1]`.
struct Growth {
    order: Vec<u32>,
    level: Vec<u32>,
    /// Every cell was taken (the grid is connected, so this is the whole image).
    exhausted: bool,
}

impl Growth {
    /// Up to `count` region sizes in `lo..=hi` that are flood fills, largest tolerance gap
    /// (the strongest edge around the region) first.
    fn strongest_cuts(&self, lo: usize, hi: usize, count: usize) -> Vec<usize> {
        let last = hi.min(self.order.len());
        let mut cuts: Vec<(u32, usize)> = (lo..=last)
            .filter_map(|n| match self.level.get(n) {
                Some(&next) => (next > self.level[n - 1]).then(|| (next - self.level[n - 1], n)),
                None => self.exhausted.then_some((u32::MAX, n)),
            })
            .collect();
        cuts.sort_by_key(|&(gap, n)| (Reverse(gap), n));
        cuts.into_iter().take(count).map(|(_, n)| n).collect()
    }
}

fn grow(grid: &Grid, seed: usize, limit: usize) -> Growth {
    let (w, h) = (grid.width, grid.height);
    let reference = grid.lab[seed];
    let key = |i: usize| {
        let d = grid.lab[i]
            .iter()
            .zip(reference)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f32>()
            .sqrt();
        (d * LEVELS_PER_UNIT).round() as u64
    };
    let mut queued = vec![false; w * h];
    let mut heap = BinaryHeap::new();
    queued[seed] = true;
    heap.push(Reverse(seed as u64));
    let (mut order, mut level) = (Vec::new(), Vec::new());
    let mut running = 0u32;
    while order.len() < limit {
        let Some(Reverse(packed)) = heap.pop() else {
            break;
        };
        let (i, k) = (
            (packed & u64::from(u32::MAX)) as usize,
            (packed >> 32) as u32,
        );
        running = running.max(k);
        order.push(i as u32);
        level.push(running);
        let (x, y) = (i % w, i / w);
        let neighbours = [
            (x > 0).then(|| i - 1),
            (x + 1 < w).then(|| i + 1),
            (y > 0).then(|| i - w),
            (y + 1 < h).then(|| i + w),
        ];
        for n in neighbours.into_iter().flatten() {
            if !queued[n] {
                queued[n] = true;
                heap.push(Reverse((key(n) << 32) | n as u64));
            }
        }
    }
    let exhausted = order.len() == w * h;
    Growth {
        order,
        level,
        exhausted,
    }
}

/// Dilation then erosion by a disc of `CLOSE_RADIUS`, both by distance transform; the image
/// border does not erode.
fn close(region: &[bool], w: usize, h: usize) -> Vec<bool> {
    let r2 = CLOSE_RADIUS * CLOSE_RADIUS;
    let outside: Vec<bool> = region.iter().map(|&r| !r).collect();
    let dilated: Vec<bool> = squared_distance_to_outside(&outside, w, h)
        .iter()
        .map(|&d2| d2 <= r2)
        .collect();
    squared_distance_to_outside(&dilated, w, h)
        .iter()
        .map(|&d2| d2 > r2)
        .collect()
}

/// The region with every background area that does not reach the image border added.
fn fill_holes(region: &[bool], w: usize) -> Vec<bool> {
    let h = region.len() / w;
    let mut open = vec![false; region.len()];
    let mut queue = VecDeque::new();
    let border = (0..w).flat_map(|x| [x, (h - 1) * w + x]);
    let border = border.chain((0..h).flat_map(|y| [y * w, y * w + w - 1]));
    for i in border {
        if !region[i] && !open[i] {
            open[i] = true;
            queue.push_back(i);
        }
    }
    while let Some(i) = queue.pop_front() {
        let (x, y) = (i % w, i / w);
        let neighbours = [
            (x > 0).then(|| i - 1),
            (x + 1 < w).then(|| i + 1),
            (y > 0).then(|| i - w),
            (y + 1 < h).then(|| i + w),
        ];
        for n in neighbours.into_iter().flatten() {
            if !region[n] && !open[n] {
                open[n] = true;
                queue.push_back(n);
            }
        }
    }
    open.iter().map(|&o| !o).collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use image::Rgb;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    use super::*;
    use crate::forge::masks::{MaskConfig, MaskShape, random_mask_on};

    fn sample(name: &str) -> RgbImage {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/samples");
        image::open(path.join(name))
            .expect("sample photo")
            .into_rgb8()
    }

    /// A red left half and a blue right half, each shaded top to bottom and lightly noisy.
    fn halves(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            let shade = (y * 40 / height) as i32 - 20;
            let noise = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 7) as i32 - 3;
            let base = if x < width / 2 {
                [200, 60, 50]
            } else {
                [40, 90, 200]
            };
            Rgb(base.map(|v: i32| (v + shade + noise).clamp(0, 255) as u8))
        })
    }

    fn config() -> MaskConfig {
        MaskConfig {
            min_coverage: 0.05,
            max_coverage: 0.35,
            feather_px: 0.0,
        }
    }

    #[test]
    fn a_region_stays_in_the_half_it_grew_from() {
        for (width, height) in [(128, 96), (1100, 700)] {
            let image = halves(width, height);
            let range = CoverageRange::new(width, height, 0.05, 0.35);
            for seed in 0..12 {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let mask = grow_object(&image, &range, &mut rng).expect("a region in range");
                let (mut left, mut right) = (0u64, 0u64);
                for (x, _, p) in mask.enumerate_pixels() {
                    if p.0[0] == 255 {
                        *(if x < width / 2 { &mut left } else { &mut right }) += 1;
                    }
                }
                assert!(range.contains(left + right));
                let share = left.max(right) as f64 / (left + right) as f64;
                assert!(
                    share > 0.97,
                    "{width}x{height} seed {seed}: {share} in one half"
                );
            }
        }
    }

    #[test]
    fn photos_give_grown_regions_in_range_deterministically() {
        let config = config();
        for name in ["coffee.png", "chelsea.png"] {
            let image = sample(name);
            let (w, h) = image.dimensions();
            let range = CoverageRange::new(w, h, config.min_coverage, config.max_coverage);
            let mut grown = 0;
            for seed in 0..10 {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                grown += usize::from(grow_object(&image, &range, &mut rng).is_some());
                let draw = |seed| {
                    let mut rng = ChaCha8Rng::seed_from_u64(seed);
                    random_mask_on(&image, MaskShape::Object, &config, &mut rng).expect("mask")
                };
                let (a, b) = (draw(seed), draw(seed));
                assert_eq!(a.binary, b.binary);
                assert!(
                    (0.05..=0.35).contains(&a.coverage),
                    "{name}: {}",
                    a.coverage
                );
            }
            assert!(grown >= 8, "{name}: only {grown} of 10 seeds grew a region");
        }
    }

    #[test]
    fn a_flat_image_falls_back_to_blobs() {
        let image = RgbImage::from_pixel(64, 48, Rgb([90, 90, 90]));
        let range = CoverageRange::new(64, 48, 0.05, 0.35);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        assert!(grow_object(&image, &range, &mut rng).is_none());
        let mask = random_mask_on(&image, MaskShape::Object, &config(), &mut rng).expect("blobs");
        assert!((0.05..=0.35).contains(&mask.coverage));
    }

    #[test]
    fn closing_bridges_a_slit_and_holes_are_filled() {
        let (w, h) = (20, 20);
        let ring: Vec<bool> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                (4..16).contains(&x)
                    && (4..16).contains(&y)
                    && !((8..12).contains(&x) && (8..12).contains(&y))
            })
            .collect();
        let filled = fill_holes(&ring, w);
        assert!(filled[10 * w + 10]);
        assert!(!filled[2 * w + 2]);
        let mut slit = filled.clone();
        for y in 4..16 {
            slit[y * w + 10] = false;
        }
        let closed = close(&slit, w, h);
        assert!((6..14).all(|y| closed[y * w + 10]));
        assert!(!closed[2 * w + 10] && closed.iter().zip(&slit).all(|(c, s)| *c || !*s));
    }
}
