//! Where copied content comes from: a similarity transform (offset, scale, rotation) from the
//! destination region back to its source, and bilinear sampling through it.

use image::{Rgb, RgbImage};

use super::FamilyError;
use crate::forge::masks::Mask;

/// The map from destination pixels back to source pixels. Coordinates are pixel centres:
/// pixel `(x, y)` is the point `(x, y)`. A destination point `p` shows the source at
/// `source_centre + R(-angle) (p - destination_centre) / scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourcePlacement {
    /// Centre of the destination region (the mask's bounding box).
    pub destination_centre: [f32; 2],
    /// The source point shown at `destination_centre`.
    pub source_centre: [f32; 2],
    /// Magnification of the content: 1.25 shows it 25% larger than in the source.
    pub scale: f32,
    /// Rotation of the content in degrees, from +x towards +y (clockwise on screen).
    pub angle_degrees: f32,
}

impl SourcePlacement {
    /// A pure translation: destination `(x, y)` shows source `(x + dx, y + dy)`.
    pub fn translation(destination_centre: [f32; 2], offset: [f32; 2]) -> Self {
        Self {
            destination_centre,
            source_centre: [
                destination_centre[0] + offset[0],
                destination_centre[1] + offset[1],
            ],
            scale: 1.0,
            angle_degrees: 0.0,
        }
    }

    /// `source_centre - destination_centre`.
    pub fn offset(&self) -> [f32; 2] {
        [
            self.source_centre[0] - self.destination_centre[0],
            self.source_centre[1] - self.destination_centre[1],
        ]
    }

    /// The source point shown at destination `(x, y)`.
    pub fn source_of(&self, x: f32, y: f32) -> [f32; 2] {
        let (sin, cos) = self.angle_degrees.to_radians().sin_cos();
        let (dx, dy) = (
            x - self.destination_centre[0],
            y - self.destination_centre[1],
        );
        [
            self.source_centre[0] + (cos * dx + sin * dy) / self.scale,
            self.source_centre[1] + (-sin * dx + cos * dy) / self.scale,
        ]
    }

    /// The axis-aligned source box `[x0, y0, x1, y1]` (pixel centres, inclusive) that the
    /// destination box `[x0, y0, x1, y1)` (pixels, end exclusive) is sampled from.
    pub fn source_box(&self, destination: [u32; 4]) -> [f32; 4] {
        let (x0, y0) = (destination[0] as f32, destination[1] as f32);
        let (x1, y1) = (destination[2] as f32 - 1.0, destination[3] as f32 - 1.0);
        [[x0, y0], [x1, y0], [x0, y1], [x1, y1]]
            .map(|[x, y]| self.source_of(x, y))
            .iter()
            .fold(
                [f32::MAX, f32::MAX, f32::MIN, f32::MIN],
                |[a, b, c, d], p| [a.min(p[0]), b.min(p[1]), c.max(p[0]), d.max(p[1])],
            )
    }

    pub(super) fn check(&self) -> Result<(), FamilyError> {
        let finite = self
            .destination_centre
            .iter()
            .chain(&self.source_centre)
            .chain([&self.angle_degrees])
            .all(|v| v.is_finite());
        if finite && self.scale.is_finite() && self.scale > 0.0 {
            Ok(())
        } else {
            Err(FamilyError::InvalidPlacement(*self))
        }
    }
}

/// The centre of a box `[x0, y0, x1, y1)`, as a pixel-centre point.
pub(super) fn box_centre(b: [u32; 4]) -> [f32; 2] {
    [
        (b[0] + b[2] - 1) as f32 / 2.0,
        (b[1] + b[3] - 1) as f32 / 2.0,
    ]
}

/// `source` sampled through `placement` at every masked pixel of `bounds`, as
/// `(x, y, colour)` with colours in `0.0..=255.0`.
pub(super) fn sample_masked(
    source: &RgbImage,
    mask: &Mask,
    bounds: [u32; 4],
    placement: &SourcePlacement,
) -> Vec<(u32, u32, [f32; 3])> {
    let mut samples = Vec::new();
    for y in bounds[1]..bounds[3] {
        for x in bounds[0]..bounds[2] {
            if mask.binary.get_pixel(x, y).0[0] > 127 {
                let [u, v] = placement.source_of(x as f32, y as f32);
                samples.push((x, y, bilinear(source, u, v)));
            }
        }
    }
    samples
}

/// Bilinear interpolation, the edge pixels repeated beyond the border.
pub(super) fn bilinear(image: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = image.dimensions();
    let axis = |v: f32, len: u32| {
        let v = v.clamp(0.0, (len - 1) as f32);
        let i0 = (v.floor() as u32).min(len - 1);
        (i0, (i0 + 1).min(len - 1), v - i0 as f32)
    };
    let ((x0, x1, tx), (y0, y1, ty)) = (axis(x, w), axis(y, h));
    let at = |x, y| image.get_pixel(x, y).0.map(f32::from);
    let (a, b, c, d) = (at(x0, y0), at(x1, y0), at(x0, y1), at(x1, y1));
    std::array::from_fn(|k| {
        let top = a[k] + (b[k] - a[k]) * tx;
        let bottom = c[k] + (d[k] - c[k]) * tx;
        top + (bottom - top) * ty
    })
}

/// `image` with the samples written in, rounded.
pub(super) fn paint(image: &RgbImage, samples: &[(u32, u32, [f32; 3])]) -> RgbImage {
    let mut out = image.clone();
    for &(x, y, colour) in samples {
        out.put_pixel(x, y, Rgb(colour.map(|v| v.round().clamp(0.0, 255.0) as u8)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_of_inverts_the_similarity() {
        let placement = SourcePlacement {
            destination_centre: [40.0, 30.0],
            source_centre: [10.0, 12.0],
            scale: 2.0,
            angle_degrees: 90.0,
        };
        assert_eq!(placement.source_of(40.0, 30.0), [10.0, 12.0]);
        // Two pixels right of the destination centre is one pixel, turned back by 90
        // degrees (towards -y), from the source centre.
        let [u, v] = placement.source_of(42.0, 30.0);
        assert!(
            (u - 10.0).abs() < 1e-5 && (v - 11.0).abs() < 1e-5,
            "({u}, {v})"
        );
        let b = placement.source_box([38, 28, 43, 33]);
        assert!(
            (b[0] - 9.0).abs() < 1e-5 && (b[3] - 13.0).abs() < 1e-5,
            "{b:?}"
        );
    }

    #[test]
    fn bilinear_is_exact_on_pixels_and_clamps_outside() {
        let image = RgbImage::from_fn(3, 2, |x, y| Rgb([(10 * x + 100 * y) as u8, 0, 0]));
        assert_eq!(bilinear(&image, 2.0, 1.0)[0], 120.0);
        assert_eq!(bilinear(&image, 0.5, 0.0)[0], 5.0);
        assert_eq!(bilinear(&image, -4.0, 9.0)[0], 100.0);
        let bad = SourcePlacement {
            scale: 0.0,
            ..SourcePlacement::translation([1.0, 1.0], [1.0, 0.0])
        };
        assert!(bad.check().is_err());
    }
}
