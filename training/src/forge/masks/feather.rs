//! Feathering by an exact Euclidean distance transform (Felzenszwalb & Huttenlocher): the
//! alpha ramps from 0 at the mask's edge to 1 at `feather_px` inside it.

use image::GrayImage;

use super::AlphaMap;

/// `min(1, d / feather_px)` inside the mask, with `d` the Euclidean distance from the pixel
/// to the nearest pixel outside it (the image border does not count as outside); 0 outside.
pub(super) fn feathered_alpha(binary: &GrayImage, feather_px: f32) -> AlphaMap {
    let (w, h) = (binary.width() as usize, binary.height() as usize);
    let inside: Vec<bool> = binary.as_raw().iter().map(|&v| v > 127).collect();
    let mut alpha = vec![0.0f32; w * h];
    let mut bounds: Option<[usize; 4]> = None;
    for (i, _) in inside.iter().enumerate().filter(|(_, inside)| **inside) {
        let (x, y) = (i % w, i / w);
        let b = bounds.get_or_insert([x, y, x + 1, y + 1]);
        *b = [b[0].min(x), b[1].min(y), b[2].max(x + 1), b[3].max(y + 1)];
    }
    if let Some([x0, y0, x1, y1]) = bounds {
        // No outside pixel beyond the ring around the mask's box is nearer than one on it.
        let (x0, y0) = (x0.saturating_sub(1), y0.saturating_sub(1));
        let (x1, y1) = ((x1 + 1).min(w), (y1 + 1).min(h));
        let bw = x1 - x0;
        let boxed: Vec<bool> = (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .map(|(x, y)| inside[y * w + x])
            .collect();
        let distance2 = if feather_px > 0.0 {
            squared_distance_to_outside(&boxed, bw, y1 - y0)
        } else {
            Vec::new()
        };
        for (j, &i) in boxed.iter().enumerate() {
            if i {
                let (x, y) = (x0 + j % bw, y0 + j / bw);
                alpha[y * w + x] = distance2
                    .get(j)
                    .map_or(1.0, |d2| (d2.sqrt() / feather_px).min(1.0));
            }
        }
    }
    AlphaMap::from_raw(binary.width(), binary.height(), alpha)
        .unwrap_or_else(|| AlphaMap::new(binary.width(), binary.height()))
}

/// For every pixel, the squared Euclidean distance to the nearest pixel with
/// `inside == false` (infinite if none).
pub(super) fn squared_distance_to_outside(inside: &[bool], w: usize, h: usize) -> Vec<f32> {
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
    use image::Luma;

    use super::*;

    #[test]
    fn feathered_alpha_is_zero_outside_and_one_deep_inside() {
        let feather = 4.0;
        let binary = GrayImage::from_fn(96, 64, |x, y| {
            Luma([if (20..70).contains(&x) && (10..50).contains(&y) {
                255
            } else {
                0
            }])
        });
        let alpha = feathered_alpha(&binary, feather);
        let inside: Vec<bool> = binary.as_raw().iter().map(|&v| v == 255).collect();
        let d2 = squared_distance_to_outside(&inside, 96, 64);
        let (mut soft, mut full) = (0, 0);
        for (i, &a) in alpha.as_raw().iter().enumerate() {
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
    fn the_alpha_on_the_mask_box_equals_the_alpha_on_the_whole_image() {
        let (w, h) = (40, 30);
        let binary = GrayImage::from_fn(w, h, |x, y| {
            let (xi, yi) = (x as i32, y as i32);
            let on = (xi + 2 * yi) % 11 != 0 && xi < 25 && yi > 4 && (xi - 10) * (yi + 3) < 400;
            Luma([if on { 255 } else { 0 }])
        });
        let inside: Vec<bool> = binary.as_raw().iter().map(|&v| v == 255).collect();
        let whole = squared_distance_to_outside(&inside, w as usize, h as usize);
        let alpha = feathered_alpha(&binary, 2.5);
        for (i, &a) in alpha.as_raw().iter().enumerate() {
            let want = if inside[i] {
                (whole[i].sqrt() / 2.5).min(1.0)
            } else {
                0.0
            };
            assert_eq!(a, want, "pixel {i}");
        }
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
}
