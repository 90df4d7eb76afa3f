//! Cozzolino, Poggi & Verdoliva's post-processing of the offset field: a median filter on
//! each offset component, then dense linear fitting: in a square window around each pixel
//! the offsets are fitted by an affine function of position (a copy, even rotated or scaled,
//! has a locally affine offset field; chance matches do not), and the mean squared residual
//! is the fitting error. On a full window the regressors 1, u, v are orthogonal, so the fit
//! reduces to box and ramp filters. Then connected components, small ones dropped.

use rayon::prelude::*;

use crate::plane::{Plane, median};

/// Median of each pixel's (2r+1)^2 window over the pixels where `valid` holds.
pub fn median_filter(values: &[i32], valid: &[bool], w: usize, h: usize, r: usize) -> Vec<f32> {
    let mut out = vec![0f32; w * h];
    out.par_chunks_mut(w.max(1))
        .enumerate()
        .for_each(|(y, row)| {
            let mut window = Vec::with_capacity((2 * r + 1).pow(2));
            for (x, v) in row.iter_mut().enumerate() {
                if !valid[y * w + x] {
                    continue;
                }
                window.clear();
                for yy in y.saturating_sub(r)..(y + r + 1).min(h) {
                    for xx in x.saturating_sub(r)..(x + r + 1).min(w) {
                        let i = yy * w + xx;
                        if valid[i] {
                            window.push(values[i] as f32);
                        }
                    }
                }
                *v = median(&mut window);
            }
        });
    out
}

/// Separable filter with a (2r+1) kernel `k` along x then `l` along y, borders replicated.
fn separable(p: &Plane, k: &[f32], l: &[f32]) -> Plane {
    let (w, h) = (p.width, p.height);
    let r = (k.len() / 2) as isize;
    let mut tmp = Plane::new(w, h);
    tmp.data
        .par_chunks_mut(w.max(1))
        .enumerate()
        .for_each(|(y, row)| {
            for (x, v) in row.iter_mut().enumerate() {
                *v = k
                    .iter()
                    .enumerate()
                    .map(|(i, &kv)| kv * p.clamped(x as isize + i as isize - r, y as isize))
                    .sum();
            }
        });
    let mut out = Plane::new(w, h);
    out.data
        .par_chunks_mut(w.max(1))
        .enumerate()
        .for_each(|(y, row)| {
            for (x, v) in row.iter_mut().enumerate() {
                *v = l
                    .iter()
                    .enumerate()
                    .map(|(i, &lv)| lv * tmp.clamped(x as isize, y as isize + i as isize - r))
                    .sum();
            }
        });
    out
}

/// Mean squared residual of the best affine fit of `o` over each (2r+1)^2 window.
pub fn fit_error(o: &Plane, r: usize) -> Plane {
    let ones = vec![1f32; 2 * r + 1];
    let ramp: Vec<f32> = (0..=2 * r).map(|i| i as f32 - r as f32).collect();
    let n = ((2 * r + 1) * (2 * r + 1)) as f32;
    let su2: f32 = ramp.iter().map(|u| u * u).sum::<f32>() * (2 * r + 1) as f32;
    let squares = Plane {
        width: o.width,
        height: o.height,
        data: o.data.iter().map(|v| v * v).collect(),
    };
    let sum = separable(o, &ones, &ones);
    let sum_sq = separable(&squares, &ones, &ones);
    let sum_u = separable(o, &ramp, &ones);
    let sum_v = separable(o, &ones, &ramp);
    let mut out = Plane::new(o.width, o.height);
    out.data.par_iter_mut().enumerate().for_each(|(i, e)| {
        let s = sum.data[i];
        let residual = sum_sq.data[i]
            - s * s / n
            - sum_u.data[i] * sum_u.data[i] / su2
            - sum_v.data[i] * sum_v.data[i] / su2;
        *e = residual.max(0.0) / n;
    });
    out
}

/// 8-connected components of `mask`: a label per pixel (0 = background) and each
/// component's pixel count (index label - 1).
pub fn components(mask: &[bool], w: usize, h: usize) -> (Vec<u32>, Vec<usize>) {
    let mut labels = vec![0u32; w * h];
    let mut sizes = Vec::new();
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !mask[start] || labels[start] != 0 {
            continue;
        }
        let label = sizes.len() as u32 + 1;
        labels[start] = label;
        stack.push(start);
        let mut size = 0;
        while let Some(i) = stack.pop() {
            size += 1;
            let (x, y) = ((i % w) as isize, (i / w) as isize);
            for dy in -1..=1isize {
                for dx in -1..=1isize {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx < 0 || ny < 0 || nx >= w as isize || ny >= h as isize {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if mask[j] && labels[j] == 0 {
                        labels[j] = label;
                        stack.push(j);
                    }
                }
            }
        }
        sizes.push(size);
    }
    (labels, sizes)
}

/// Dilation by a disc of radius `r`.
pub fn dilate(mask: &[bool], w: usize, h: usize, r: usize) -> Vec<bool> {
    let r2 = (r * r + r) as isize;
    let ri = r as isize;
    let mut out = vec![false; w * h];
    out.par_chunks_mut(w.max(1))
        .enumerate()
        .for_each(|(y, row)| {
            for (x, v) in row.iter_mut().enumerate() {
                'search: for dy in -ri..=ri {
                    let yy = y as isize + dy;
                    if yy < 0 || yy >= h as isize {
                        continue;
                    }
                    for dx in -ri..=ri {
                        let xx = x as isize + dx;
                        if xx < 0 || xx >= w as isize || dx * dx + dy * dy > r2 {
                            continue;
                        }
                        if mask[yy as usize * w + xx as usize] {
                            *v = true;
                            break 'search;
                        }
                    }
                }
            }
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_affine_field_fits_exactly() {
        let (w, h) = (20, 15);
        let o = Plane {
            width: w,
            height: h,
            data: (0..w * h)
                .map(|i| 3.0 + 0.5 * (i % w) as f32 - 0.25 * (i / w) as f32)
                .collect(),
        };
        let e = fit_error(&o, 3);
        // Away from the borders (where windows are replicated) the error vanishes.
        assert!(e.data[7 * w + 10] < 1e-3, "{}", e.data[7 * w + 10]);
    }

    #[test]
    fn a_random_field_does_not_fit() {
        let (w, h) = (20, 15);
        let o = Plane {
            width: w,
            height: h,
            data: (0..w * h).map(|i| ((i * 7919) % 61) as f32).collect(),
        };
        assert!(fit_error(&o, 3).data[7 * w + 10] > 10.0);
    }

    #[test]
    fn components_are_eight_connected() {
        let mask = [true, false, false, false, true, false, false, false, true];
        let (labels, sizes) = components(&mask, 3, 3);
        assert_eq!(sizes, vec![3]);
        assert!(labels.iter().all(|&l| l <= 1));
    }
}
