//! The 8x8 orthonormal DCT-II of luminance blocks, which is JPEG's forward DCT (ITU T.81
//! A.3.3) of the level-shifted samples: coefficients are comparable with DQT steps directly.

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::plane::Plane;

/// `BASIS[u * 8 + x] = a(u) cos((2x + 1) u pi / 16)`, a(0) = sqrt(1/8), a(u) = 1/2.
fn basis() -> &'static [f32; 64] {
    static BASIS: OnceLock<[f32; 64]> = OnceLock::new();
    BASIS.get_or_init(|| {
        std::array::from_fn(|i| {
            let (u, x) = ((i / 8) as f64, (i % 8) as f64);
            let a = if u == 0.0 { (1.0f64 / 8.0).sqrt() } else { 0.5 };
            (a * ((2.0 * x + 1.0) * u * std::f64::consts::PI / 16.0).cos()) as f32
        })
    })
}

/// DCT coefficients of one block, natural order (`[v * 8 + u]`, v vertical frequency).
pub fn dct8x8(samples: &[f32; 64]) -> [f32; 64] {
    let b = basis();
    let mut rows = [0f32; 64];
    for y in 0..8 {
        let s: &[f32; 8] = samples[y * 8..y * 8 + 8].try_into().unwrap_or(&[0.0; 8]);
        for u in 0..8 {
            let k: &[f32; 8] = b[u * 8..u * 8 + 8].try_into().unwrap_or(&[0.0; 8]);
            let mut acc = 0f32;
            for x in 0..8 {
                acc += k[x] * s[x];
            }
            rows[y * 8 + u] = acc;
        }
    }
    let mut out = [0f32; 64];
    for v in 0..8 {
        let k: &[f32; 8] = b[v * 8..v * 8 + 8].try_into().unwrap_or(&[0.0; 8]);
        for u in 0..8 {
            let mut acc = 0f32;
            for y in 0..8 {
                acc += k[y] * rows[y * 8 + u];
            }
            out[v * 8 + u] = acc;
        }
    }
    out
}

/// Every whole 8x8 block of the grid whose origin is (`ox`, `oy`), row-major.
pub struct BlockDct {
    pub blocks_x: usize,
    pub blocks_y: usize,
    pub origin: (usize, usize),
    pub coefficients: Vec<[f32; 64]>,
}

pub fn block_dct(luma: &Plane, ox: usize, oy: usize) -> BlockDct {
    let blocks_x = luma.width.saturating_sub(ox) / 8;
    let blocks_y = luma.height.saturating_sub(oy) / 8;
    let coefficients = (0..blocks_x * blocks_y)
        .into_par_iter()
        .map(|i| {
            let (x0, y0) = (ox + (i % blocks_x) * 8, oy + (i / blocks_x) * 8);
            let mut samples = [0f32; 64];
            for r in 0..8 {
                let start = (y0 + r) * luma.width + x0;
                for (s, &v) in samples[r * 8..r * 8 + 8]
                    .iter_mut()
                    .zip(&luma.data[start..start + 8])
                {
                    *s = v - 128.0;
                }
            }
            dct8x8(&samples)
        })
        .collect();
    BlockDct {
        blocks_x,
        blocks_y,
        origin: (ox, oy),
        coefficients,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_block_has_only_dc() {
        let c = dct8x8(&[10.0; 64]);
        assert!((c[0] - 80.0).abs() < 1e-3);
        assert!(c[1..].iter().all(|v| v.abs() < 1e-3));
    }

    #[test]
    fn the_transform_keeps_energy() {
        let s: [f32; 64] = std::array::from_fn(|i| ((i * 37) % 23) as f32 - 11.0);
        let c = dct8x8(&s);
        let e1: f32 = s.iter().map(|v| v * v).sum();
        let e2: f32 = c.iter().map(|v| v * v).sum();
        assert!((e1 - e2).abs() / e1 < 1e-4);
    }
}
