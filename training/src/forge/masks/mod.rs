//! Random manipulation masks (blobs, polygons, rectangles, brush strokes) whose coverage lands
//! in a configured range, with an optional feathered alpha that softens only inside the mask.

use image::{GrayImage, ImageBuffer, Luma, Rgb, RgbImage};
use rand::{Rng, RngExt};

/// A soft alpha map, one `f32` in `0..=1` per pixel.
pub type AlphaMap = ImageBuffer<Luma<f32>, Vec<f32>>;

/// The kind of region a mask outlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskShape {
    /// Thresholded smooth random field: one or several organic blobs.
    Blobs,
    /// A random star-shaped polygon, stretched and rotated.
    Polygon,
    /// An axis-aligned rectangle.
    Rectangle,
    /// One to three thick brush strokes (polylines with round caps).
    Strokes,
}

impl MaskShape {
    pub const ALL: [MaskShape; 4] = [
        MaskShape::Blobs,
        MaskShape::Polygon,
        MaskShape::Rectangle,
        MaskShape::Strokes,
    ];
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
}

/// Fresh shapes tried before falling back to a rectangle.
const SHAPE_ATTEMPTS: usize = 8;
/// Rescalings of one geometric shape towards its target coverage.
const SCALE_STEPS: usize = 12;

/// Draws a random mask of `shape` whose coverage lies in the configured range. The same RNG
/// state gives the same mask. After a bounded number of attempts it falls back to a
/// rectangle sized to the middle of the range; it fails only when no mask on an image this
/// small can hit the range (e.g. 1x1 pixels and 3-40%).
pub fn random_mask(
    width: u32,
    height: u32,
    shape: MaskShape,
    config: &MaskConfig,
    rng: &mut impl Rng,
) -> Result<Mask, MaskError> {
    let (min, max) = (config.min_coverage, config.max_coverage);
    if width == 0 || height == 0 {
        return Err(MaskError::EmptyImage { width, height });
    }
    if !(0.0..=1.0).contains(&min) || !(0.0..=1.0).contains(&max) || min > max {
        return Err(MaskError::InvalidCoverage { min, max });
    }
    if !config.feather_px.is_finite() || config.feather_px < 0.0 {
        return Err(MaskError::InvalidFeather(config.feather_px));
    }
    let range = CoverageRange::new(width, height, min, max);
    let mut binary = None;
    for _ in 0..SHAPE_ATTEMPTS {
        let target = if max > min {
            rng.random_range(min..=max)
        } else {
            min
        };
        let candidate = match shape {
            MaskShape::Blobs => draw_blobs(width, height, target, rng),
            _ => draw_geometric(width, height, shape, target, &range, rng),
        };
        if range.contains(count_on(&candidate)) {
            binary = Some(candidate);
            break;
        }
    }
    let binary = match binary {
        Some(binary) => binary,
        None => fallback_rectangle(&range, rng).ok_or(MaskError::CoverageUnreachable {
            width,
            height,
            min,
            max,
        })?,
    };
    let coverage = range.coverage(count_on(&binary));
    let alpha = feathered_alpha(&binary, config.feather_px);
    Ok(Mask {
        binary,
        alpha,
        coverage,
    })
}

/// The allowed coverage as pixel counts.
struct CoverageRange {
    width: u32,
    height: u32,
    pixels: u64,
    min: f64,
    max: f64,
}

impl CoverageRange {
    fn new(width: u32, height: u32, min: f32, max: f32) -> Self {
        Self {
            width,
            height,
            pixels: u64::from(width) * u64::from(height),
            min: f64::from(min),
            max: f64::from(max),
        }
    }

    fn coverage(&self, count: u64) -> f32 {
        (count as f64 / self.pixels as f64) as f32
    }

    fn contains(&self, count: u64) -> bool {
        // Compared as the f32 that `Mask::coverage` reports, so that value is always in range.
        (self.min as f32..=self.max as f32).contains(&self.coverage(count))
    }
}

fn count_on(mask: &GrayImage) -> u64 {
    mask.as_raw().iter().filter(|&&v| v > 127).count() as u64
}

/// A smooth random field (a coarse random grid, smoothstep-interpolated) thresholded at the
/// quantile that gives `target` coverage.
fn draw_blobs(width: u32, height: u32, target: f32, rng: &mut impl Rng) -> GrayImage {
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

/// Pieces of a geometric shape, in the shape's own (unit-sized) coordinates.
enum Primitive {
    Polygon(Vec<[f32; 2]>),
    /// A segment with round caps: end points and radius.
    Capsule([f32; 2], [f32; 2], f32),
}

impl Primitive {
    fn bounds(&self) -> [f32; 4] {
        match self {
            Primitive::Polygon(points) => points.iter().fold(
                [f32::MAX, f32::MAX, f32::MIN, f32::MIN],
                |[x0, y0, x1, y1], p| [x0.min(p[0]), y0.min(p[1]), x1.max(p[0]), y1.max(p[1])],
            ),
            Primitive::Capsule(a, b, r) => [
                a[0].min(b[0]) - r,
                a[1].min(b[1]) - r,
                a[0].max(b[0]) + r,
                a[1].max(b[1]) + r,
            ],
        }
    }
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
        // Blobs are drawn by `draw_blobs`; as geometry they would be strokes.
        MaskShape::Strokes | MaskShape::Blobs => {
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
fn draw_geometric(
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

fn rasterize(
    primitives: &[Primitive],
    bounds: [f32; 4],
    scale: f32,
    anchor: [f32; 2],
    width: u32,
    height: u32,
) -> GrayImage {
    let (w, h) = (width as f32, height as f32);
    // Place the scaled bounding box at `anchor` (fractions of the free room; centred and
    // clipped when it is larger than the image).
    let offset = [
        anchor[0] * (w - scale * (bounds[2] - bounds[0])) - scale * bounds[0],
        anchor[1] * (h - scale * (bounds[3] - bounds[1])) - scale * bounds[1],
    ];
    let to_image = |p: [f32; 2]| [offset[0] + scale * p[0], offset[1] + scale * p[1]];
    let mut mask = GrayImage::new(width, height);
    for primitive in primitives {
        match primitive {
            Primitive::Polygon(points) => {
                let points: Vec<[f32; 2]> = points.iter().map(|&p| to_image(p)).collect();
                fill_polygon(&mut mask, &points);
            }
            Primitive::Capsule(a, b, r) => {
                fill_capsule(&mut mask, to_image(*a), to_image(*b), r * scale);
            }
        }
    }
    mask
}

/// Pixel row range `[first, last)` whose centres lie in `[from, to)`, clipped to `0..len`.
fn centre_span(from: f32, to: f32, len: u32) -> (u32, u32) {
    let first = (from - 0.5).ceil().clamp(0.0, len as f32) as u32;
    let last = (to - 0.5).ceil().clamp(0.0, len as f32) as u32;
    (first, last.max(first))
}

/// Even-odd scanline fill, sampling pixel centres.
fn fill_polygon(mask: &mut GrayImage, points: &[[f32; 2]]) {
    let (y0, y1) = points
        .iter()
        .fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p[1]), b.max(p[1])));
    let (first_row, last_row) = centre_span(y0, y1 + 1.0, mask.height());
    let mut crossings = Vec::new();
    for y in first_row..last_row {
        let yc = y as f32 + 0.5;
        crossings.clear();
        for (i, a) in points.iter().enumerate() {
            let b = points[(i + 1) % points.len()];
            if (a[1] <= yc) != (b[1] <= yc) {
                crossings.push(a[0] + (yc - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
            }
        }
        crossings.sort_by(f32::total_cmp);
        for pair in crossings.chunks_exact(2) {
            let (from, to) = centre_span(pair[0], pair[1], mask.width());
            for x in from..to {
                mask.put_pixel(x, y, Luma([255]));
            }
        }
    }
}

fn fill_capsule(mask: &mut GrayImage, a: [f32; 2], b: [f32; 2], radius: f32) {
    let (x_from, x_to) = centre_span(
        a[0].min(b[0]) - radius,
        a[0].max(b[0]) + radius + 1.0,
        mask.width(),
    );
    let (y_from, y_to) = centre_span(
        a[1].min(b[1]) - radius,
        a[1].max(b[1]) + radius + 1.0,
        mask.height(),
    );
    let d = [b[0] - a[0], b[1] - a[1]];
    let length2 = (d[0] * d[0] + d[1] * d[1]).max(1e-12);
    for y in y_from..y_to {
        for x in x_from..x_to {
            let p = [x as f32 + 0.5 - a[0], y as f32 + 0.5 - a[1]];
            let t = ((p[0] * d[0] + p[1] * d[1]) / length2).clamp(0.0, 1.0);
            let (ex, ey) = (p[0] - t * d[0], p[1] - t * d[1]);
            if ex * ex + ey * ey <= radius * radius {
                mask.put_pixel(x, y, Luma([255]));
            }
        }
    }
}

/// A rectangle with a coverage in the middle of the range (shape close to the image's),
/// at a random position; `None` when no rectangle hits the range.
fn fallback_rectangle(range: &CoverageRange, rng: &mut impl Rng) -> Option<GrayImage> {
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

/// `min(1, d / feather_px)` inside the mask, with `d` the Euclidean distance from the pixel
/// to the nearest pixel outside it (the image border does not count as outside); 0 outside.
fn feathered_alpha(binary: &GrayImage, feather_px: f32) -> AlphaMap {
    let (w, h) = (binary.width() as usize, binary.height() as usize);
    let inside: Vec<bool> = binary.as_raw().iter().map(|&v| v > 127).collect();
    let alpha: Vec<f32> = if feather_px <= 0.0 {
        inside.iter().map(|&i| if i { 1.0 } else { 0.0 }).collect()
    } else {
        let distance2 = squared_distance_to_outside(&inside, w, h);
        inside
            .iter()
            .zip(&distance2)
            .map(|(&i, &d2)| {
                if i {
                    (d2.sqrt() / feather_px).min(1.0)
                } else {
                    0.0
                }
            })
            .collect()
    };
    AlphaMap::from_raw(binary.width(), binary.height(), alpha)
        .unwrap_or_else(|| AlphaMap::new(binary.width(), binary.height()))
}

/// Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher): for every pixel,
/// the squared distance to the nearest pixel with `inside == false` (infinite if none).
fn squared_distance_to_outside(inside: &[bool], w: usize, h: usize) -> Vec<f32> {
    let mut grid: Vec<f32> = inside
        .iter()
        .map(|&i| if i { f32::INFINITY } else { 0.0 })
        .collect();
    let mut line = Vec::new();
    for x in 0..w {
        line.clear();
        line.extend((0..h).map(|y| grid[y * w + x]));
        let out = distance_transform_1d(&line);
        for (y, v) in out.into_iter().enumerate() {
            grid[y * w + x] = v;
        }
    }
    for y in 0..h {
        let out = distance_transform_1d(&grid[y * w..(y + 1) * w]);
        grid[y * w..(y + 1) * w].copy_from_slice(&out);
    }
    grid
}

/// Lower envelope of parabolas rooted at the finite entries of `f`.
fn distance_transform_1d(f: &[f32]) -> Vec<f32> {
    let sites: Vec<usize> = (0..f.len()).filter(|&q| f[q].is_finite()).collect();
    if sites.is_empty() {
        return vec![f32::INFINITY; f.len()];
    }
    let intersect = |p: usize, q: usize| {
        let (pf, qf) = (p as f32, q as f32);
        ((f[q] + qf * qf) - (f[p] + pf * pf)) / (2.0 * (qf - pf))
    };
    let mut roots: Vec<usize> = Vec::with_capacity(sites.len());
    let mut starts: Vec<f32> = Vec::with_capacity(sites.len());
    for &q in &sites {
        let mut s = f32::NEG_INFINITY;
        while let Some(&p) = roots.last() {
            s = intersect(p, q);
            if s <= starts[starts.len() - 1] {
                roots.pop();
                starts.pop();
                s = f32::NEG_INFINITY;
            } else {
                break;
            }
        }
        roots.push(q);
        starts.push(s);
    }
    let mut k = 0;
    (0..f.len())
        .map(|q| {
            let qf = q as f32;
            while k + 1 < starts.len() && starts[k + 1] < qf {
                k += 1;
            }
            let p = roots[k];
            let d = qf - p as f32;
            d * d + f[p]
        })
        .collect()
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
            for shape in MaskShape::ALL {
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
    fn feathered_alpha_is_zero_outside_and_one_deep_inside() {
        let feather = 4.0;
        let config = MaskConfig {
            min_coverage: 0.3,
            max_coverage: 0.4,
            feather_px: feather,
        };
        let m = mask(MaskShape::Rectangle, &config, 11);
        let inside: Vec<bool> = m.binary.as_raw().iter().map(|&v| v == 255).collect();
        let d2 = squared_distance_to_outside(&inside, 96, 64);
        let (mut soft, mut full) = (0, 0);
        for (i, &a) in m.alpha.as_raw().iter().enumerate() {
            if !inside[i] {
                assert_eq!(a, 0.0);
            } else if d2[i] >= feather * feather {
                assert_eq!(a, 1.0);
                full += 1;
            } else {
                assert!(a > 0.0 && a < 1.0, "alpha {a} at distance {}", d2[i].sqrt());
                soft += 1;
            }
        }
        assert!(soft > 0 && full > 0);
    }

    #[test]
    fn distance_transform_matches_brute_force() {
        let (w, h) = (13, 9);
        let inside: Vec<bool> = (0..w * h).map(|i| (i * 7919) % 5 != 0).collect();
        let fast = squared_distance_to_outside(&inside, w, h);
        for y in 0..h {
            for x in 0..w {
                let brute = (0..w * h)
                    .filter(|&j| !inside[j])
                    .map(|j| {
                        let (dx, dy) = ((j % w) as f32 - x as f32, (j / w) as f32 - y as f32);
                        dx * dx + dy * dy
                    })
                    .fold(f32::INFINITY, f32::min);
                assert_eq!(fast[y * w + x], brute);
            }
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
    }

    #[test]
    fn fallback_rectangle_hits_the_range() {
        let range = CoverageRange::new(37, 23, 0.03, 0.04);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let rect = fallback_rectangle(&range, &mut rng).expect("a rectangle exists");
        assert!(range.contains(count_on(&rect)));
    }
}
