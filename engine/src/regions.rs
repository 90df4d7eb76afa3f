//! Regions of a thresholded map: 8-connected components with their area and bounding box.
//! Written here rather than taken from `imageproc` (whose labelling would do) to keep that
//! crate's dependency tree out of the engine for one function.

use serde::{Deserialize, Serialize};

use crate::analysis::Heatmap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// Pixels in the region.
    pub pixels: u64,
    /// Share of the whole map, in [0, 1].
    pub area_fraction: f32,
    /// `[x_min, y_min, x_max, y_max]`, inclusive, in map pixels.
    pub bbox: [u32; 4],
    /// Highest map value inside.
    pub peak: f32,
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        parent[x as usize] = parent[parent[x as usize] as usize];
        x = parent[x as usize];
    }
    x
}

/// Connected regions where the map is at or above `threshold`, largest first.
pub fn regions(map: &Heatmap, threshold: f32) -> Vec<Region> {
    let (w, h) = (map.width as usize, map.height as usize);
    if w == 0 || h == 0 {
        return Vec::new();
    }
    // Two-pass labelling with union-find over 8-neighbourhoods.
    let mut labels = vec![0u32; w * h];
    let mut parent = vec![0u32];
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if map.values[i] < threshold {
                continue;
            }
            let mut neighbours = [0u32; 4];
            let mut n = 0;
            let mut push = |l: u32| {
                if l != 0 {
                    neighbours[n] = l;
                    n += 1;
                }
            };
            if x > 0 {
                push(labels[i - 1]);
            }
            if y > 0 {
                push(labels[i - w]);
                if x > 0 {
                    push(labels[i - w - 1]);
                }
                if x + 1 < w {
                    push(labels[i - w + 1]);
                }
            }
            if n == 0 {
                let l = parent.len() as u32;
                parent.push(l);
                labels[i] = l;
            } else {
                let mut root = find(&mut parent, neighbours[0]);
                for &other in &neighbours[1..n] {
                    let r = find(&mut parent, other);
                    if r != root {
                        let (lo, hi) = (root.min(r), root.max(r));
                        parent[hi as usize] = lo;
                        root = lo;
                    }
                }
                labels[i] = root;
            }
        }
    }
    let total = (w * h) as f32;
    let mut by_root: std::collections::HashMap<u32, Region> = std::collections::HashMap::new();
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if labels[i] == 0 {
                continue;
            }
            let root = find(&mut parent, labels[i]);
            let v = map.values[i];
            let (x, y) = (x as u32, y as u32);
            let r = by_root.entry(root).or_insert(Region {
                pixels: 0,
                area_fraction: 0.0,
                bbox: [x, y, x, y],
                peak: v,
            });
            r.pixels += 1;
            r.bbox = [
                r.bbox[0].min(x),
                r.bbox[1].min(y),
                r.bbox[2].max(x),
                r.bbox[3].max(y),
            ];
            r.peak = r.peak.max(v);
        }
    }
    let mut out: Vec<Region> = by_root
        .into_values()
        .map(|mut r| {
            r.area_fraction = r.pixels as f32 / total;
            r
        })
        .collect();
    out.sort_by(|a, b| b.pixels.cmp(&a.pixels).then(a.bbox.cmp(&b.bbox)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(rows: &[&str]) -> Heatmap {
        let values = rows
            .iter()
            .flat_map(|r| r.chars().map(|c| if c == '#' { 1.0 } else { 0.0 }))
            .collect();
        Heatmap {
            width: rows[0].len() as u32,
            height: rows.len() as u32,
            values,
        }
    }

    #[test]
    fn counts_diagonal_and_u_shaped_regions() {
        let m = map(&[
            "#.#..#", //
            "#.#...", //
            "###.#.", //
            ".....#",
        ]);
        let r = regions(&m, 0.5);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].pixels, 7);
        assert_eq!(r[0].bbox, [0, 0, 2, 2]);
        // The two pixels touching at a corner are one region.
        assert_eq!(r[1].pixels, 2);
        assert_eq!(r[1].bbox, [4, 2, 5, 3]);
        assert_eq!(r[2].pixels, 1);
        assert!((r.iter().map(|x| x.area_fraction).sum::<f32>() - 10.0 / 24.0).abs() < 1e-6);
    }

    #[test]
    fn higher_threshold_never_grows_the_area() {
        let m = Heatmap {
            width: 4,
            height: 1,
            values: vec![0.1, 0.5, 0.9, 0.3],
        };
        let area = |t| regions(&m, t).iter().map(|r| r.pixels).sum::<u64>();
        assert!(area(0.2) >= area(0.6));
        assert_eq!(area(0.95), 0);
    }
}
