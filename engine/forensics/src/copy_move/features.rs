//! Rotation-invariant patch features, in the spirit of the polar cosine transform that
//! Cozzolino, Poggi & Verdoliva use: over a disc of radius R around each pixel, the mean on
//! each ring (rings r = 0..=R, radial profile) and, for three ring groups, the magnitudes of
//! the first two circular harmonics (|mean of f e^{-i l theta}|, l = 1, 2). A rotation about
//! the centre shifts theta only, so none of them changes.

use rayon::prelude::*;

use crate::plane::Plane;

/// Features per pixel, zero-padded to a power of two for the distance loop.
pub const DIM: usize = 16;

pub type Feature = [f32; DIM];

struct Tap {
    dx: isize,
    dy: isize,
    ring: usize,
    group: usize,
    c1: f32,
    s1: f32,
    c2: f32,
    s2: f32,
}

/// Feature of every pixel at least `radius` from the border (others are zero).
pub fn compute(luma: &Plane, radius: usize) -> Vec<Feature> {
    let r = radius as isize;
    let mut taps = Vec::new();
    for dy in -r..=r {
        for dx in -r..=r {
            let d = ((dx * dx + dy * dy) as f32).sqrt();
            if d > radius as f32 + 0.5 {
                continue;
            }
            let ring = (d.round() as usize).min(radius);
            let theta = (dy as f32).atan2(dx as f32);
            taps.push(Tap {
                dx,
                dy,
                ring,
                group: if ring == 0 {
                    usize::MAX
                } else {
                    ((ring - 1) * 3 / radius).min(2)
                },
                c1: theta.cos(),
                s1: theta.sin(),
                c2: (2.0 * theta).cos(),
                s2: (2.0 * theta).sin(),
            });
        }
    }
    let mut ring_count = vec![0f32; radius + 1];
    let mut group_count = [0f32; 3];
    for t in &taps {
        ring_count[t.ring] += 1.0;
        if t.group < 3 {
            group_count[t.group] += 1.0;
        }
    }
    let rings = radius + 1;
    assert!(rings + 6 <= DIM, "radius too large for the feature size");
    let (w, h) = (luma.width, luma.height);
    let mut out = vec![[0f32; DIM]; w * h];
    out.par_chunks_mut(w.max(1))
        .enumerate()
        .for_each(|(y, row)| {
            if y < radius || y + radius >= h {
                return;
            }
            let end = w.saturating_sub(radius).max(radius);
            for (x, f) in row.iter_mut().enumerate().take(end).skip(radius) {
                let mut ring_sum = [0f32; DIM];
                let mut harm = [[0f32; 4]; 3];
                let base = y * w + x;
                for t in &taps {
                    let v = luma.data[(base as isize + t.dy * w as isize + t.dx) as usize];
                    ring_sum[t.ring] += v;
                    if t.group < 3 {
                        let g = &mut harm[t.group];
                        g[0] += v * t.c1;
                        g[1] += v * t.s1;
                        g[2] += v * t.c2;
                        g[3] += v * t.s2;
                    }
                }
                for k in 0..rings {
                    f[k] = ring_sum[k] / ring_count[k];
                }
                for g in 0..3 {
                    let n = group_count[g].max(1.0);
                    let hm = harm[g];
                    f[rings + 2 * g] = (hm[0] * hm[0] + hm[1] * hm[1]).sqrt() / n;
                    f[rings + 2 * g + 1] = (hm[2] * hm[2] + hm[3] * hm[3]).sqrt() / n;
                }
            }
        });
    out
}

#[inline]
pub fn distance(a: &Feature, b: &Feature) -> f32 {
    let mut s = 0f32;
    for k in 0..DIM {
        let d = a[k] - b[k];
        s += d * d;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotated_patch_has_nearly_the_same_features() {
        let size = 41;
        let f = |x: f32, y: f32| (x * 0.7).sin() * 40.0 + (y * 0.45 + x * 0.2).cos() * 30.0 + 128.0;
        let mut a = Plane::new(size, size);
        let mut b = Plane::new(size, size);
        let c = 20.0;
        for y in 0..size {
            for x in 0..size {
                let (u, v) = (x as f32 - c, y as f32 - c);
                a.data[y * size + x] = f(u, v);
                // Rotated by 90 degrees about the centre.
                b.data[y * size + x] = f(v, -u);
            }
        }
        let fa = compute(&a, 6)[20 * size + 20];
        let fb = compute(&b, 6)[20 * size + 20];
        let shifted = compute(&a, 6)[20 * size + 23];
        assert!(distance(&fa, &fb) < 1e-2, "{}", distance(&fa, &fb));
        assert!(distance(&fa, &shifted) > 1.0);
    }
}
