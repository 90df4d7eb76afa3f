//! Aligned double JPEG compression: the primary (first) quality of an image compressed twice
//! on the same grid, found from the DCT coefficients of the decoded luminance, after the
//! primary-quantisation estimation of Lukas & Fridrich (2003) and Bianchi & Piva ("Image
//! forgery localization via block-grained analysis of JPEG artifacts", IEEE TIFS 2012): a
//! coefficient quantised first with step q1 stays near a multiple of q1 after the second,
//! finer compression. For each candidate IJG quality the mean distance of the coefficients
//! to that quality's lattice, in steps (0 = on it, 0.25 = random), is measured; the coarsest
//! quality the coefficients fit is the primary one. Per block, the same fit at the primary
//! quality is the map: blocks compressed once (say, a pasted region) do not sit on it.
//! A first compression finer than the second leaves no trace this method can see.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::dct::BlockDct;
use super::tables::{STD_LUMINANCE, ZIGZAG, scaled};
use crate::plane::fast_round;

/// Zig-zag positions used (the DC and the 14 lowest AC frequencies, where steps are small
/// enough to leave many non-zero coefficients).
const POSITIONS: usize = 15;
/// Blocks sampled at most for the global curve (evenly strided).
const MAX_BLOCKS: usize = 20_000;
/// Fewest coefficients a candidate quality needs to be scored.
const MIN_COUNT: usize = 400;
/// A best fit below this (in steps; random is 0.25) counts as double compression.
pub const DETECTION_FIT: f32 = 0.15;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrimaryQuality {
    /// Whether the coefficients sit on a coarser quality's lattice than the file's own.
    pub detected: bool,
    /// The estimated first quality (when detected).
    pub quality: Option<u8>,
    /// Mean distance to the best lattice, in steps (0 on it, 0.25 random).
    pub fit: f32,
    /// (quality, fit) for every quality scored.
    pub curve: Vec<(u8, f32)>,
}

/// Luminance steps of the zig-zag positions used, at an IJG quality.
fn steps(quality: u8) -> [f32; POSITIONS] {
    let table = scaled(&STD_LUMINANCE, quality);
    std::array::from_fn(|k| f32::from(table[ZIGZAG[k]]))
}

/// The positions whose candidate step says something: not a divisor of the final step
/// (a coefficient on the final lattice sits on its divisors' lattices too).
fn usable(
    candidate: &[f32; POSITIONS],
    final_steps: Option<&[f32; POSITIONS]>,
) -> [bool; POSITIONS] {
    std::array::from_fn(|k| match final_steps {
        Some(f) => {
            let ratio = f[k] / candidate[k];
            (ratio - ratio.round()).abs() > 1e-3 || ratio < 0.5
        }
        None => true,
    })
}

/// Sum of |distance to lattice| (in steps) and count, over one block's used positions
/// (`c` in zig-zag order, `inv` the reciprocal steps).
fn block_fit(
    c: &[f32; POSITIONS],
    inv: &[f32; POSITIONS],
    use_k: &[bool; POSITIONS],
) -> (f32, u32) {
    let mut sum = 0f32;
    let mut n = 0u32;
    for k in 0..POSITIONS {
        let r = c[k] * inv[k];
        if use_k[k] && r.abs() >= 0.5 {
            sum += (r - fast_round(r)).abs();
            n += 1;
        }
    }
    (sum, n)
}

/// The used positions of a block, in zig-zag order.
fn low_frequencies(c: &[f32; 64]) -> [f32; POSITIONS] {
    std::array::from_fn(|k| c[ZIGZAG[k]])
}

/// The primary quality among `lowest..final` (or ..=99 when the final tables are unknown).
/// `final_luminance` is the file's own luminance table, natural order, if any.
pub fn estimate(dct: &BlockDct, final_luminance: Option<&[u16]>, lowest: u8) -> PrimaryQuality {
    let final_steps: Option<[f32; POSITIONS]> = final_luminance
        .filter(|t| t.len() == 64)
        .map(|t| std::array::from_fn(|k| f32::from(t[ZIGZAG[k]])));
    let final_quality = final_luminance.and_then(|t| {
        (1..=100u8).find(|&q| scaled(&STD_LUMINANCE, q).iter().zip(t).all(|(a, b)| a == b))
    });
    let highest = final_quality.map_or(99, |q| q.saturating_sub(1));
    let stride = (dct.coefficients.len() / MAX_BLOCKS).max(1);
    let sampled: Vec<[f32; POSITIONS]> = dct
        .coefficients
        .iter()
        .step_by(stride)
        .map(low_frequencies)
        .collect();
    let curve: Vec<(u8, f32)> = (lowest..=highest)
        .into_par_iter()
        .filter_map(|q| {
            let s = steps(q);
            let use_k = usable(&s, final_steps.as_ref());
            if final_steps.is_some_and(|f| f == s) {
                return None;
            }
            let inv = s.map(|v| 1.0 / v);
            let (sum, n) = sampled
                .iter()
                .map(|c| block_fit(c, &inv, &use_k))
                .fold((0f64, 0usize), |(a, m), (b, k)| {
                    (a + f64::from(b), m + k as usize)
                });
            (n >= MIN_COUNT).then(|| (q, (sum / n as f64) as f32))
        })
        .collect();
    let Some(best) = curve.iter().map(|c| c.1).min_by(f32::total_cmp) else {
        return PrimaryQuality {
            detected: false,
            quality: None,
            fit: 0.25,
            curve,
        };
    };
    // The lowest quality that fits about as well as the best, then down its valley: finer
    // qualities whose steps divide the primary ones fit as well, coarser ones do not.
    let start = curve.iter().position(|c| c.1 <= best + 0.02).unwrap_or(0);
    let mut i = start;
    while i + 1 < curve.len() && curve[i + 1].1 < curve[i].1 {
        i += 1;
    }
    let detected = best < DETECTION_FIT;
    PrimaryQuality {
        detected,
        quality: detected.then_some(curve[i].0),
        fit: curve[i].1,
        curve,
    }
}

/// Per block: 1 - (distance to the primary lattice / 0.25), clipped to [0, 1], averaged over
/// the 3x3 neighbouring blocks that have coefficients; 1 = compressed twice like the image,
/// 0 = not. Blocks without usable coefficients borrow their neighbours' value (0.5 if none).
pub fn block_map(dct: &BlockDct, primary: u8, final_luminance: Option<&[u16]>) -> Vec<f32> {
    let s = steps(primary);
    let final_steps: Option<[f32; POSITIONS]> = final_luminance
        .filter(|t| t.len() == 64)
        .map(|t| std::array::from_fn(|k| f32::from(t[ZIGZAG[k]])));
    let use_k = usable(&s, final_steps.as_ref());
    let inv = s.map(|v| 1.0 / v);
    let fits: Vec<(f32, u32)> = dct
        .coefficients
        .par_iter()
        .map(|c| block_fit(&low_frequencies(c), &inv, &use_k))
        .collect();
    let (bx, by) = (dct.blocks_x, dct.blocks_y);
    (0..bx * by)
        .into_par_iter()
        .map(|i| {
            let (x, y) = ((i % bx) as isize, (i / bx) as isize);
            let mut sum = 0f32;
            let mut n = 0u32;
            for dy in -1..=1 {
                for dx in -1..=1 {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx < 0 || ny < 0 || nx >= bx as isize || ny >= by as isize {
                        continue;
                    }
                    let (s, k) = fits[ny as usize * bx + nx as usize];
                    sum += s;
                    n += k;
                }
            }
            if n == 0 {
                0.5
            } else {
                (1.0 - sum / n as f32 / 0.25).clamp(0.0, 1.0)
            }
        })
        .collect()
}
