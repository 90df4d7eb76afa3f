//! Where the 8x8 compression grid is: the blocking-artifact measure of Fan & de Queiroz
//! ("Identification of bitmap compression history", IEEE TIP 2003) reduced to its phase: the
//! mean absolute difference between horizontally (vertically) adjacent pixels, averaged per
//! column (row) phase modulo 8. Block boundaries raise the differences at one phase; that
//! phase is the grid origin, and its excess over the other phases is the grid's strength.
//! Locally, the same profile per window shows regions whose grid is missing or shifted.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::plane::Plane;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridEstimate {
    /// Column (row) phase of the block boundaries: a boundary lies between pixels x - 1 and
    /// x when x % 8 == origin_x. A JPEG as saved has origin (0, 0).
    pub origin_x: u8,
    pub origin_y: u8,
    /// Relative excess of the boundary phase's mean difference over the other phases.
    pub strength_x: f32,
    pub strength_y: f32,
    /// Mean absolute neighbour difference per phase, levels.
    pub profile_x: [f32; 8],
    pub profile_y: [f32; 8],
}

/// Strength below which no grid is taken to be present.
pub const MIN_STRENGTH: f32 = 0.03;

impl GridEstimate {
    pub fn strength(&self) -> f32 {
        self.strength_x.min(self.strength_y)
    }

    pub fn present(&self) -> bool {
        self.strength() >= MIN_STRENGTH
    }
}

/// Mean |difference| per phase over the window [x0, x1) x [y0, y1).
fn profiles(luma: &Plane, x0: usize, y0: usize, x1: usize, y1: usize) -> ([f32; 8], [f32; 8]) {
    let mut sx = [0f64; 8];
    let mut nx = [0u32; 8];
    let mut sy = [0f64; 8];
    let mut ny = [0u32; 8];
    for y in y0..y1 {
        for x in x0..x1 {
            let v = luma.at(x, y);
            if x > 0 {
                sx[x % 8] += f64::from((v - luma.at(x - 1, y)).abs());
                nx[x % 8] += 1;
            }
            if y > 0 {
                sy[y % 8] += f64::from((v - luma.at(x, y - 1)).abs());
                ny[y % 8] += 1;
            }
        }
    }
    let mean = |s: [f64; 8], n: [u32; 8]| -> [f32; 8] {
        std::array::from_fn(|p| (s[p] / f64::from(n[p].max(1))) as f32)
    };
    (mean(sx, nx), mean(sy, ny))
}

/// The relative excess of `profile[phase]` over the mean of the other phases.
pub fn excess(profile: &[f32; 8], phase: usize) -> f32 {
    let others: f32 = (0..8)
        .filter(|&p| p != phase)
        .map(|p| profile[p])
        .sum::<f32>()
        / 7.0;
    if others <= 1e-6 {
        return 0.0;
    }
    (profile[phase] - others) / others
}

fn argmax(profile: &[f32; 8]) -> usize {
    (0..8)
        .max_by(|&a, &b| profile[a].total_cmp(&profile[b]).then(b.cmp(&a)))
        .unwrap_or(0)
}

pub fn estimate(luma: &Plane) -> GridEstimate {
    let rows: Vec<([f32; 8], [f32; 8], usize)> = (0..luma.height)
        .into_par_iter()
        .step_by(64)
        .map(|y0| {
            let y1 = (y0 + 64).min(luma.height);
            let (px, py) = profiles(luma, 0, y0, luma.width, y1);
            (px, py, y1 - y0)
        })
        .collect();
    let total: usize = rows.iter().map(|r| r.2).sum::<usize>().max(1);
    let mut profile_x = [0f32; 8];
    let mut profile_y = [0f32; 8];
    for (px, py, n) in &rows {
        for p in 0..8 {
            profile_x[p] += px[p] * *n as f32 / total as f32;
            profile_y[p] += py[p] * *n as f32 / total as f32;
        }
    }
    // A strip's vertical differences across its first row are missed; negligible at 64 rows.
    let (ox, oy) = (argmax(&profile_x), argmax(&profile_y));
    GridEstimate {
        origin_x: ox as u8,
        origin_y: oy as u8,
        strength_x: excess(&profile_x, ox),
        strength_y: excess(&profile_y, oy),
        profile_x,
        profile_y,
    }
}

/// Per window of `window` pixels: the grid's strength at the image's origin, and whether a
/// clear grid sits at another phase (1) or not (0).
pub struct LocalGrid {
    pub windows_x: usize,
    pub windows_y: usize,
    pub strength_at_origin: Vec<f32>,
    pub shifted: Vec<f32>,
}

/// Local strength above which a window's own grid counts as clear.
const LOCAL_CLEAR: f32 = 0.15;

pub fn local(luma: &Plane, global: &GridEstimate, window: usize) -> LocalGrid {
    let (wx, wy) = (luma.width.div_ceil(window), luma.height.div_ceil(window));
    let (gx, gy) = (usize::from(global.origin_x), usize::from(global.origin_y));
    let cells: Vec<(f32, f32)> = (0..wx * wy)
        .into_par_iter()
        .map(|i| {
            let (x0, y0) = ((i % wx) * window, (i / wx) * window);
            let (x1, y1) = (
                (x0 + window).min(luma.width),
                (y0 + window).min(luma.height),
            );
            let (px, py) = profiles(luma, x0, y0, x1, y1);
            let at_origin = 0.5 * (excess(&px, gx) + excess(&py, gy));
            let (lx, ly) = (argmax(&px), argmax(&py));
            // A window's own grid counts when clear on both axes.
            let clear = excess(&px, lx) > LOCAL_CLEAR && excess(&py, ly) > LOCAL_CLEAR;
            let shifted = clear && (lx != gx || ly != gy);
            (at_origin, if shifted { 1.0 } else { 0.0 })
        })
        .collect();
    LocalGrid {
        windows_x: wx,
        windows_y: wy,
        strength_at_origin: cells.iter().map(|c| c.0).collect(),
        shifted: cells.iter().map(|c| c.1).collect(),
    }
}
