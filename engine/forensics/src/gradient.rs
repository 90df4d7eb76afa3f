//! Luminance gradient: the Sobel gradient magnitude of the luminance, in levels per pixel
//! (the Sobel sums divided by 8), as Forensically's and Sherloq's luminance-gradient views
//! show edges: pasted objects often carry edges sharper or softer than their surroundings.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::plane::Plane;
use crate::{Evidence, Findings, ForensicsError, Map, Outcome, Scale};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GradientParams {
    /// Gradient magnitude at map value 1, levels per pixel.
    pub max: f32,
}

impl Default for GradientParams {
    fn default() -> Self {
        Self { max: 32.0 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradientFindings {
    /// Mean gradient magnitude, levels per pixel.
    pub mean_magnitude: f32,
    /// Share of pixels at or above `max`.
    pub saturated_share: f32,
}

/// Sobel gradient magnitude / 8, borders replicated.
pub fn magnitude(luma: &Plane) -> Vec<f32> {
    let w = luma.width;
    let mut out = vec![0f32; w * luma.height];
    out.par_chunks_mut(w.max(1))
        .enumerate()
        .for_each(|(y, row)| {
            let y = y as isize;
            for (x, v) in row.iter_mut().enumerate() {
                let x = x as isize;
                let p = |dx: isize, dy: isize| luma.clamped(x + dx, y + dy);
                let gx =
                    (p(1, -1) + 2.0 * p(1, 0) + p(1, 1)) - (p(-1, -1) + 2.0 * p(-1, 0) + p(-1, 1));
                let gy =
                    (p(-1, 1) + 2.0 * p(0, 1) + p(1, 1)) - (p(-1, -1) + 2.0 * p(0, -1) + p(1, -1));
                *v = (gx * gx + gy * gy).sqrt() / 8.0;
            }
        });
    out
}

pub fn run(evidence: &Evidence, params: &GradientParams) -> Result<Outcome, ForensicsError> {
    if !(params.max.is_finite() && params.max > 0.0) {
        return Err(ForensicsError::invalid("gradient", "max must be positive"));
    }
    let luma = Plane::luma(&evidence.rgb);
    let m = magnitude(&luma);
    let n = m.len().max(1) as f32;
    let findings = GradientFindings {
        mean_magnitude: (m.iter().map(|&v| f64::from(v)).sum::<f64>() / f64::from(n)) as f32,
        saturated_share: m.iter().filter(|&&v| v >= params.max).count() as f32 / n,
    };
    let map = Map::from_quantities(
        "magnitude",
        evidence.width(),
        evidence.height(),
        &m,
        Scale::new(
            "Sobel luminance gradient magnitude",
            0.0,
            params.max,
            "levels/pixel",
        ),
    );
    Ok((vec![map], Findings::Gradient(findings)))
}
