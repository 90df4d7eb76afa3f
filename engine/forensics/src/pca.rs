//! Colour-channel PCA (as in Sherloq's and Forensically's PCA views): the principal components
//! of the R, G, B values over the image (covariance eigenvectors, Jacobi rotations), and each
//! pixel's projection on each component, scaled so that value 0 is -k and 1 is +k standard
//! deviations of that component (0.5 = the mean). Minor components bring out colour
//! inconsistencies that the luminance hides.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{Evidence, Findings, ForensicsError, Map, Outcome, Scale};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PcaParams {
    /// Standard deviations at either end of the scale.
    pub sigmas: f32,
}

impl Default for PcaParams {
    fn default() -> Self {
        Self { sigmas: 3.0 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// Unit vector in (R, G, B).
    pub axis: [f32; 3],
    /// Variance along the axis, levels^2.
    pub variance: f32,
    pub explained_share: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PcaFindings {
    /// Mean (R, G, B), levels.
    pub mean: [f32; 3],
    /// Largest variance first.
    pub components: Vec<Component>,
}

/// Eigenvalues and eigenvectors (columns) of a symmetric 3x3 matrix, by cyclic Jacobi.
fn jacobi3(mut a: [[f64; 3]; 3]) -> ([f64; 3], [[f64; 3]; 3]) {
    let mut v = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    for _sweep in 0..50 {
        let off = a[0][1].powi(2) + a[0][2].powi(2) + a[1][2].powi(2);
        if off < 1e-18 {
            break;
        }
        for (p, q) in [(0, 1), (0, 2), (1, 2)] {
            if a[p][q].abs() < 1e-30 {
                continue;
            }
            let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
            let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
            let t = if theta == 0.0 { 1.0 } else { t };
            let c = 1.0 / (t * t + 1.0).sqrt();
            let s = t * c;
            for row in a.iter_mut() {
                let (akp, akq) = (row[p], row[q]);
                row[p] = c * akp - s * akq;
                row[q] = s * akp + c * akq;
            }
            let (rp, rq) = (a[p], a[q]);
            a[p] = std::array::from_fn(|k| c * rp[k] - s * rq[k]);
            a[q] = std::array::from_fn(|k| s * rp[k] + c * rq[k]);
            for row in v.iter_mut() {
                let (vp, vq) = (row[p], row[q]);
                row[p] = c * vp - s * vq;
                row[q] = s * vp + c * vq;
            }
        }
    }
    ([a[0][0], a[1][1], a[2][2]], v)
}

pub fn run(evidence: &Evidence, params: &PcaParams) -> Result<Outcome, ForensicsError> {
    if !(params.sigmas.is_finite() && params.sigmas > 0.0) {
        return Err(ForensicsError::invalid("pca", "sigmas must be positive"));
    }
    let raw = evidence.rgb.as_raw();
    let n = (raw.len() / 3).max(1) as f64;
    let (sum, outer) = raw
        .par_chunks_exact(3)
        .fold(
            || ([0f64; 3], [[0f64; 3]; 3]),
            |(mut s, mut o), p| {
                let v = [f64::from(p[0]), f64::from(p[1]), f64::from(p[2])];
                for i in 0..3 {
                    s[i] += v[i];
                    for j in 0..3 {
                        o[i][j] += v[i] * v[j];
                    }
                }
                (s, o)
            },
        )
        .reduce(
            || ([0f64; 3], [[0f64; 3]; 3]),
            |(s1, o1), (s2, o2)| {
                (
                    std::array::from_fn(|i| s1[i] + s2[i]),
                    std::array::from_fn(|i| std::array::from_fn(|j| o1[i][j] + o2[i][j])),
                )
            },
        );
    let mean: [f64; 3] = std::array::from_fn(|i| sum[i] / n);
    let cov: [[f64; 3]; 3] =
        std::array::from_fn(|i| std::array::from_fn(|j| outer[i][j] / n - mean[i] * mean[j]));
    let (values, vectors) = jacobi3(cov);
    let mut order = [0usize, 1, 2];
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    let total: f64 = values.iter().map(|v| v.max(0.0)).sum::<f64>().max(1e-12);
    let components: Vec<Component> = order
        .iter()
        .map(|&k| {
            let mut axis: [f32; 3] = std::array::from_fn(|i| vectors[i][k] as f32);
            // A fixed sign (largest entry positive) keeps the output deterministic.
            let largest = (0..3)
                .max_by(|&a, &b| axis[a].abs().total_cmp(&axis[b].abs()))
                .unwrap_or(0);
            if axis[largest] < 0.0 {
                axis = axis.map(|v| -v);
            }
            Component {
                axis,
                variance: values[k].max(0.0) as f32,
                explained_share: (values[k].max(0.0) / total) as f32,
            }
        })
        .collect();
    let (w, h) = (evidence.width(), evidence.height());
    let maps = components
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let sd = c.variance.sqrt().max(1e-3);
            let k = params.sigmas * sd;
            let projection: Vec<f32> = raw
                .par_chunks_exact(3)
                .map(|p| {
                    (0..3)
                        .map(|j| (f32::from(p[j]) - mean[j] as f32) * c.axis[j])
                        .sum::<f32>()
                })
                .collect();
            Map::from_quantities(
                &format!("pc{}", i + 1),
                w,
                h,
                &projection,
                Scale::new(
                    format!(
                        "projection on principal component {} (axis {:.3}, {:.3}, {:.3})",
                        i + 1,
                        c.axis[0],
                        c.axis[1],
                        c.axis[2]
                    ),
                    -k,
                    k,
                    "levels",
                ),
            )
        })
        .collect();
    let findings = PcaFindings {
        mean: mean.map(|v| v as f32),
        components,
    };
    Ok((maps, Findings::Pca(findings)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_diagonalises() {
        let (values, v) = jacobi3([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 1.0]]);
        let a = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 1.0]];
        for k in 0..3 {
            for i in 0..3 {
                let av: f64 = (0..3).map(|j| a[i][j] * v[j][k]).sum();
                assert!((av - values[k] * v[i][k]).abs() < 1e-9);
            }
        }
    }
}
