//! Harmonic diffusion fill: solves Laplace's equation inside the hole with the known pixels
//! as boundary values (reflecting at the image border), coarse to fine with SOR sweeps.

use super::Planes;

/// Below this many pixels a level is solved directly instead of from a coarser one.
const COARSEST_PIXELS: usize = 64;
/// Successive over-relaxation factor.
const OMEGA: f32 = 1.8;
/// Sweeps per level; they stop early once no value moves by more than `TOLERANCE`.
const SWEEPS: usize = 80;
const COARSEST_SWEEPS: usize = 400;
const TOLERANCE: f32 = 0.01;

/// `planes` with every hole pixel replaced by the harmonic interpolation of the rest. Needs
/// at least one known pixel (the caller checks); known pixels are returned unchanged.
pub(super) fn fill(planes: &Planes, hole: &[bool]) -> Planes {
    let mut out = planes.clone();
    solve(&mut out, hole);
    out
}

fn solve(planes: &mut Planes, hole: &[bool]) {
    let (w, h) = (planes.width, planes.height);
    let unknown: Vec<usize> = (0..w * h).filter(|&i| hole[i]).collect();
    if unknown.is_empty() {
        return;
    }
    let sweeps = if w * h > COARSEST_PIXELS {
        let (mut coarse, coarse_hole) = downsample_known(planes, hole);
        solve(&mut coarse, &coarse_hole);
        for &i in &unknown {
            let (x, y) = (i % w, i / w);
            let ci = (y / 2) * coarse.width + x / 2;
            for c in 0..3 {
                planes.data[c][i] = coarse.data[c][ci];
            }
        }
        SWEEPS
    } else {
        let known = hole.iter().filter(|&&k| !k).count().max(1) as f32;
        for plane in &mut planes.data {
            let mean = (0..w * h)
                .filter(|&i| !hole[i])
                .map(|i| plane[i])
                .sum::<f32>()
                / known;
            for &i in &unknown {
                plane[i] = mean;
            }
        }
        COARSEST_SWEEPS
    };
    let neighbours: Vec<([usize; 4], usize)> = unknown
        .iter()
        .map(|&i| {
            let (x, y) = (i % w, i / w);
            let mut n = [0; 4];
            let mut count = 0;
            for (ok, j) in [
                (x > 0, i.wrapping_sub(1)),
                (x + 1 < w, i + 1),
                (y > 0, i.wrapping_sub(w)),
                (y + 1 < h, i + w),
            ] {
                if ok {
                    n[count] = j;
                    count += 1;
                }
            }
            (n, count)
        })
        .collect();
    for _ in 0..sweeps {
        let mut largest_step = 0.0f32;
        for plane in &mut planes.data {
            for (&i, (n, count)) in unknown.iter().zip(&neighbours) {
                if *count == 0 {
                    continue;
                }
                let mean = n[..*count].iter().map(|&j| plane[j]).sum::<f32>() / *count as f32;
                let step = OMEGA * (mean - plane[i]);
                plane[i] += step;
                largest_step = largest_step.max(step.abs());
            }
        }
        if largest_step < TOLERANCE {
            break;
        }
    }
}

/// Half size: a coarse pixel is known when any of its fine pixels is, and holds the mean of
/// those.
fn downsample_known(planes: &Planes, hole: &[bool]) -> (Planes, Vec<bool>) {
    let (w, h) = (planes.width, planes.height);
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let mut data: [Vec<f32>; 3] = std::array::from_fn(|_| vec![0.0; cw * ch]);
    let mut coarse_hole = vec![true; cw * ch];
    for cy in 0..ch {
        for cx in 0..cw {
            let ci = cy * cw + cx;
            let mut sum = [0.0f32; 3];
            let mut known = 0.0;
            for y in 2 * cy..(2 * cy + 2).min(h) {
                for x in 2 * cx..(2 * cx + 2).min(w) {
                    let i = y * w + x;
                    if !hole[i] {
                        for (s, plane) in sum.iter_mut().zip(&planes.data) {
                            *s += plane[i];
                        }
                        known += 1.0;
                    }
                }
            }
            if known > 0.0 {
                coarse_hole[ci] = false;
                for (plane, s) in data.iter_mut().zip(sum) {
                    plane[ci] = s / known;
                }
            }
        }
    }
    let coarse = Planes {
        width: cw,
        height: ch,
        data,
    };
    (coarse, coarse_hole)
}
