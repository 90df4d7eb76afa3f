//! Rasterising geometric primitives (polygons by even-odd scanline fill, round-capped
//! segments by distance) at pixel centres.

use image::{GrayImage, Luma};

/// Pieces of a geometric shape, in the shape's own (unit-sized) coordinates.
pub(super) enum Primitive {
    Polygon(Vec<[f32; 2]>),
    /// A segment with round caps: end points and radius.
    Capsule([f32; 2], [f32; 2], f32),
}

impl Primitive {
    pub(super) fn bounds(&self) -> [f32; 4] {
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

/// The primitives scaled by `scale` and their joint `bounds` placed at `anchor`.
pub(super) fn rasterize(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_covers_the_pixel_centres_inside_it() {
        let square = Primitive::Polygon(vec![[1.0, 1.0], [5.0, 1.0], [5.0, 4.0], [1.0, 4.0]]);
        let mask = rasterize(&[square], [0.0, 0.0, 8.0, 6.0], 1.0, [0.0, 0.0], 8, 6);
        for (x, y, p) in mask.enumerate_pixels() {
            let inside = (1..5).contains(&x) && (1..4).contains(&y);
            assert_eq!(p.0[0] == 255, inside, "({x}, {y})");
        }
    }

    #[test]
    fn a_capsule_is_a_thick_segment_with_round_caps() {
        let capsule = Primitive::Capsule([5.0, 5.0], [15.0, 5.0], 2.0);
        let mask = rasterize(&[capsule], [0.0, 0.0, 20.0, 10.0], 1.0, [0.0, 0.0], 20, 10);
        assert_eq!(mask.get_pixel(10, 5).0[0], 255);
        assert_eq!(mask.get_pixel(10, 8).0[0], 0);
        assert_eq!(mask.get_pixel(3, 4).0[0], 255);
        assert_eq!(mask.get_pixel(2, 2).0[0], 0);
    }
}
