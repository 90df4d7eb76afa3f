//! PatchMatch (Barnes et al., SIGGRAPH 2009) over feature vectors, as Cozzolino, Poggi &
//! Verdoliva modify it for copy-move: every pixel looks for its most similar other pixel at
//! least `min_offset` away (so that it does not find itself). Random initialisation,
//! propagation from scan-order neighbours (alternating direction), random search with a
//! halving radius. Rows are processed in fixed bands, in parallel; the band boundaries move by
//! half a band every iteration so offsets propagate across them. Pseudo-random draws hash the
//! pixel and iteration, so the result does not depend on the number of threads.

use rayon::prelude::*;

use super::features::{Feature, distance};

/// The field: an offset per pixel and its feature distance.
pub struct Field {
    pub dx: Vec<i32>,
    pub dy: Vec<i32>,
    pub cost: Vec<f32>,
}

const BAND: usize = 32;

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Ctx<'a> {
    features: &'a [Feature],
    width: usize,
    height: usize,
    border: usize,
    min_offset_sq: i64,
}

impl Ctx<'_> {
    /// The cost of offset (dx, dy) at (x, y), or None when not allowed.
    #[inline]
    fn cost(&self, x: usize, y: usize, dx: i32, dy: i32) -> Option<f32> {
        if i64::from(dx) * i64::from(dx) + i64::from(dy) * i64::from(dy) < self.min_offset_sq {
            return None;
        }
        let tx = x as i64 + i64::from(dx);
        let ty = y as i64 + i64::from(dy);
        let b = self.border as i64;
        if tx < b || ty < b || tx >= (self.width as i64 - b) || ty >= (self.height as i64 - b) {
            return None;
        }
        let i = y * self.width + x;
        let j = ty as usize * self.width + tx as usize;
        Some(distance(&self.features[i], &self.features[j]))
    }
}

/// What PatchMatch searches: pixels at least `border` from the edge, offsets at least
/// `min_offset` long, `iterations` propagation passes.
pub struct Search {
    pub border: usize,
    pub min_offset: f32,
    pub iterations: usize,
}

/// The nearest-neighbour field; `after_pass(k)` runs after pass k (1-based) and stops the
/// search with its error.
pub fn nearest_neighbours<E>(
    features: &[Feature],
    width: usize,
    height: usize,
    search: &Search,
    mut after_pass: impl FnMut(usize) -> Result<(), E>,
) -> Result<Field, E> {
    let Search {
        border,
        min_offset,
        iterations,
    } = *search;
    let ctx = Ctx {
        features,
        width,
        height,
        border,
        min_offset_sq: (min_offset.max(1.0).ceil() as i64).pow(2),
    };
    let n = width * height;
    let mut field = Field {
        dx: vec![0; n],
        dy: vec![0; n],
        cost: vec![f32::INFINITY; n],
    };
    let inside = |x: usize, y: usize| {
        x >= border && y >= border && x + border < width && y + border < height
    };
    // Random start.
    for y in 0..height {
        for x in 0..width {
            if !inside(x, y) {
                continue;
            }
            let i = y * width + x;
            let mut s = splitmix(i as u64);
            for _ in 0..16 {
                s = splitmix(s);
                let tx = border + (s % (width - 2 * border).max(1) as u64) as usize;
                let ty = border + ((s >> 32) % (height - 2 * border).max(1) as u64) as usize;
                let (dx, dy) = (tx as i32 - x as i32, ty as i32 - y as i32);
                if let Some(c) = ctx.cost(x, y, dx, dy) {
                    field.dx[i] = dx;
                    field.dy[i] = dy;
                    field.cost[i] = c;
                    break;
                }
            }
        }
    }
    let max_radius = width.max(height) as i32;
    for iteration in 0..iterations {
        let forward = iteration % 2 == 0;
        let shift = if iteration % 2 == 1 { BAND / 2 } else { 0 };
        // Bands of rows: [0, shift), then BAND rows at a time.
        let mut bounds = vec![0usize];
        let mut b = if shift > 0 { shift } else { BAND };
        while b < height {
            bounds.push(b);
            b += BAND;
        }
        bounds.push(height);
        let mut slices = Vec::new();
        {
            let mut dx: &mut [i32] = &mut field.dx;
            let mut dy: &mut [i32] = &mut field.dy;
            let mut cost: &mut [f32] = &mut field.cost;
            for w in bounds.windows(2) {
                let rows = w[1] - w[0];
                let (a, rest) = std::mem::take(&mut dx).split_at_mut(rows * width);
                dx = rest;
                let (c, rest) = std::mem::take(&mut dy).split_at_mut(rows * width);
                dy = rest;
                let (e, rest) = std::mem::take(&mut cost).split_at_mut(rows * width);
                cost = rest;
                slices.push((w[0], rows, a, c, e));
            }
        }
        slices.into_par_iter().for_each(|(y0, rows, dx, dy, cost)| {
            let order: Box<dyn Iterator<Item = usize>> = if forward {
                Box::new(0..rows * width)
            } else {
                Box::new((0..rows * width).rev())
            };
            for k in order {
                let (x, ly) = (k % width, k / width);
                let y = y0 + ly;
                if !inside(x, y) {
                    continue;
                }
                let mut best = (dx[k], dy[k], cost[k]);
                let try_offset = |ox: i32, oy: i32, best: &mut (i32, i32, f32)| {
                    if let Some(c) = ctx.cost(x, y, ox, oy)
                        && c < best.2
                    {
                        *best = (ox, oy, c);
                    }
                };
                // Propagation from the neighbours already visited in this pass.
                if forward {
                    if x > 0 {
                        try_offset(dx[k - 1], dy[k - 1], &mut best);
                    }
                    if ly > 0 {
                        try_offset(dx[k - width], dy[k - width], &mut best);
                    }
                } else {
                    if x + 1 < width {
                        try_offset(dx[k + 1], dy[k + 1], &mut best);
                    }
                    if ly + 1 < rows {
                        try_offset(dx[k + width], dy[k + width], &mut best);
                    }
                }
                // Random search around the best offset, radius halving.
                let mut s = splitmix(((y * width + x) as u64) << 8 | iteration as u64);
                let mut radius = max_radius;
                while radius >= 1 {
                    s = splitmix(s);
                    let rx = (s % (2 * radius as u64 + 1)) as i32 - radius;
                    let ry = ((s >> 32) % (2 * radius as u64 + 1)) as i32 - radius;
                    try_offset(best.0 + rx, best.1 + ry, &mut best);
                    radius /= 2;
                }
                dx[k] = best.0;
                dy[k] = best.1;
                cost[k] = best.2;
            }
        });
        after_pass(iteration + 1)?;
    }
    Ok(field)
}
