//! Random geometry for the masks that need no image: blobs (a thresholded smooth random
//! field), star-shaped polygons, rectangles and brush strokes, scaled to a target coverage.

use image::{GrayImage, Luma};
use rand::{Rng, RngExt};

use super::raster::{Primitive, rasterize};
use super::{CoverageRange, MaskShape, count_on};

/// Rescalings of one geometric shape towards its target coverage.
const SCALE_STEPS: usize = 12;

/// A smooth random field (a coarse random grid, smoothstep-interpolated) thresholded at the
/// quantile that gives `target` coverage.
pub(super) fn draw_blobs(width: u32, height: u32, target: f32, rng: &mut impl Rng) -> GrayImage {
    let cells_x = rng.random_range(2..=5u32) as usize;
    let cells_y = rng.random_range(2..=5u32) as usize;
    let grid: Vec<f32> = (0..(cells_x + 1) * (cells_y + 1))
        .map(|_| rng.random_range(0.0f32..1.0))
        .collect();
    let smooth = |t: f32| t * t * (3.0 - 2.0 * t);
    let (w, h) = (width as usize, height as usize);
    let mut field = Vec::with_capacity(w * h);
    for y in 0..h {
        let gy = (y as f32 + 0.5) / h as f32 * cells_y as f32;
        let iy = (gy as usize).min(cells_y - 1);
        let ty = smooth((gy - iy as f32).clamp(0.0, 1.0));
        for x in 0..w {
            let gx = (x as f32 + 0.5) / w as f32 * cells_x as f32;
            let ix = (gx as usize).min(cells_x - 1);
            let tx = smooth((gx - ix as f32).clamp(0.0, 1.0));
            let at = |i: usize, j: usize| grid[j * (cells_x + 1) + i];
            let top = at(ix, iy) * (1.0 - tx) + at(ix + 1, iy) * tx;
            let bottom = at(ix, iy + 1) * (1.0 - tx) + at(ix + 1, iy + 1) * tx;
            field.push(top * (1.0 - ty) + bottom * ty);
        }
    }
    let wanted = ((f64::from(target) * field.len() as f64).round() as usize).min(field.len());
    let threshold = if wanted == 0 {
        f32::INFINITY
    } else {
        let mut sorted = field.clone();
        let (_, kth, _) = sorted.select_nth_unstable_by(wanted - 1, |a, b| b.total_cmp(a));
        *kth
    };
    GrayImage::from_fn(width, height, |x, y| {
        let on = field[y as usize * w + x as usize] >= threshold;
        Luma([if on { 255 } else { 0 }])
    })
}

fn random_geometry(shape: MaskShape, rng: &mut impl Rng) -> Vec<Primitive> {
    let stretch = rng.random_range(-0.6f32..0.6).exp();
    match shape {
        MaskShape::Rectangle => {
            let (hx, hy) = (stretch, 1.0 / stretch);
            vec![Primitive::Polygon(vec![
                [-hx, -hy],
                [hx, -hy],
                [hx, hy],
                [-hx, hy],
            ])]
        }
        MaskShape::Polygon => {
            let vertices = rng.random_range(3..=10u32) as usize;
            let mut angles: Vec<f32> = (0..vertices)
                .map(|_| rng.random_range(0.0..std::f32::consts::TAU))
                .collect();
            angles.sort_by(f32::total_cmp);
            let rotation = rng.random_range(0.0..std::f32::consts::TAU);
            let (sin, cos) = rotation.sin_cos();
            let points = angles
                .iter()
                .map(|&a| {
                    let r = rng.random_range(0.35f32..1.0);
                    let (x, y) = (r * a.cos() * stretch, r * a.sin() / stretch);
                    [x * cos - y * sin, x * sin + y * cos]
                })
                .collect();
            vec![Primitive::Polygon(points)]
        }
        // Blobs and objects are drawn elsewhere; as geometry they would be strokes.
        MaskShape::Strokes | MaskShape::Blobs | MaskShape::Object => {
            let mut capsules = Vec::new();
            for _ in 0..rng.random_range(1..=3u32) as usize {
                let radius = rng.random_range(0.04f32..0.1);
                let mut at = [rng.random_range(0.0f32..1.0), rng.random_range(0.0f32..1.0)];
                let mut heading = rng.random_range(0.0..std::f32::consts::TAU);
                for _ in 0..rng.random_range(2..=6u32) as usize {
                    let length = rng.random_range(0.15f32..0.4);
                    heading += rng.random_range(-0.9f32..0.9);
                    let next = [
                        at[0] + length * heading.cos(),
                        at[1] + length * heading.sin(),
                    ];
                    capsules.push(Primitive::Capsule(at, next, radius));
                    at = next;
                }
            }
            capsules
        }
    }
}

/// A random shape, rescaled (same geometry, same relative placement) until its coverage is
/// close to `target`.
pub(super) fn draw_geometric(
    width: u32,
    height: u32,
    shape: MaskShape,
    target: f32,
    range: &CoverageRange,
    rng: &mut impl Rng,
) -> GrayImage {
    let primitives = random_geometry(shape, rng);
    let bounds = primitives.iter().map(Primitive::bounds).fold(
        [f32::MAX, f32::MAX, f32::MIN, f32::MIN],
        |[x0, y0, x1, y1], b| [x0.min(b[0]), y0.min(b[1]), x1.max(b[2]), y1.max(b[3])],
    );
    let anchor = [
        rng.random_range(0.0f32..=1.0),
        rng.random_range(0.0f32..=1.0),
    ];
    let box_area = ((bounds[2] - bounds[0]) * (bounds[3] - bounds[1])).max(1e-6);
    let pixels = range.pixels as f32;
    // Start as if the shape filled half its bounding box.
    let mut scale = (target * pixels / (0.5 * box_area)).sqrt().max(1.0);
    let tolerance = (0.1 * (range.max - range.min) as f32).max(0.5 / pixels);
    let mut mask = GrayImage::new(width, height);
    for _ in 0..SCALE_STEPS {
        mask = rasterize(&primitives, bounds, scale, anchor, width, height);
        let count = count_on(&mask);
        let coverage = count as f32 / pixels;
        if range.contains(count) && (coverage - target).abs() <= tolerance {
            break;
        }
        scale *= if count == 0 {
            2.0
        } else {
            (target / coverage).sqrt().clamp(0.5, 2.0)
        };
    }
    mask
}

/// A rectangle with a coverage in the middle of the range (shape close to the image's),
/// at a random position; `None` when no rectangle hits the range.
pub(super) fn fallback_rectangle(range: &CoverageRange, rng: &mut impl Rng) -> Option<GrayImage> {
    let (w, h) = (range.width, range.height);
    let wanted = (range.min + range.max) / 2.0 * range.pixels as f64;
    let mut best: Option<(f64, u32, u32)> = None;
    for rect_w in 1..=w {
        let rect_h = ((wanted / f64::from(rect_w)).round() as u32).clamp(1, h);
        if !range.contains(u64::from(rect_w) * u64::from(rect_h)) {
            continue;
        }
        let misfit = (f64::from(rect_w) / f64::from(w) - f64::from(rect_h) / f64::from(h)).abs();
        if best.is_none_or(|(m, _, _)| misfit < m) {
            best = Some((misfit, rect_w, rect_h));
        }
    }
    let (_, rect_w, rect_h) = best?;
    let x0 = rng.random_range(0..=w - rect_w);
    let y0 = rng.random_range(0..=h - rect_h);
    Some(GrayImage::from_fn(w, h, |x, y| {
        let on = (x0..x0 + rect_w).contains(&x) && (y0..y0 + rect_h).contains(&y);
        Luma([if on { 255 } else { 0 }])
    }))
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    use super::*;

    #[test]
    fn fallback_rectangle_hits_the_range() {
        let range = CoverageRange::new(37, 23, 0.03, 0.04);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let rect = fallback_rectangle(&range, &mut rng).expect("a rectangle exists");
        assert!(range.contains(count_on(&rect)));
    }

    #[test]
    fn blobs_hit_their_target_quantile() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let blobs = draw_blobs(50, 40, 0.2, &mut rng);
        let count = count_on(&blobs);
        assert!((380..=420).contains(&count), "{count} of 2000 pixels");
    }
}
