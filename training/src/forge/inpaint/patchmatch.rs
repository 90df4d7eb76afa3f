//! Exemplar fill: a PatchMatch nearest-neighbour field (propagation + random search) from hole
//! patches to fully known patches, refined coarse to fine from a diffusion start; each round
//! copies every hole pixel from its match's centre (no averaging, so texture stays sharp).

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use super::{Planes, diffusion};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatchMatchConfig {
    /// Patches are `(2 * patch_radius + 1)` pixels square.
    pub patch_radius: usize,
    /// Pyramid levels at most, the full resolution included.
    pub max_levels: usize,
    /// A coarser level is made only while its shorter side stays at least this long.
    pub min_level_side: usize,
    /// Rounds of (search, copy) per level.
    pub em_iterations: usize,
    /// Propagation and random-search passes per round, alternating scan direction.
    pub search_passes: usize,
}

impl Default for PatchMatchConfig {
    fn default() -> Self {
        Self {
            patch_radius: 3,
            max_levels: 4,
            min_level_side: 24,
            em_iterations: 3,
            search_passes: 2,
        }
    }
}

/// No nearest neighbour (not a target pixel).
const NONE: u32 = u32::MAX;

/// `planes` with the hole filled from patches outside it. Falls back to the diffusion fill
/// when the image has no fully known patch to copy from (tiny images, scattered masks).
pub(super) fn fill(planes: &Planes, hole: &[bool], config: &PatchMatchConfig, seed: u64) -> Planes {
    let radius = config.patch_radius;
    let mut levels = vec![(planes.clone(), hole.to_vec())];
    while levels.len() < config.max_levels.max(1) {
        let (finer, finer_hole) = &levels[levels.len() - 1];
        if finer.width.min(finer.height) / 2 < config.min_level_side {
            break;
        }
        let (coarse, coarse_hole) = finer.downsample(finer_hole);
        if !Level::new(&coarse, &coarse_hole, radius).has_sources() {
            break;
        }
        levels.push((coarse, coarse_hole));
    }
    if !Level::new(planes, hole, radius).has_sources() {
        return diffusion::fill(planes, hole);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut estimate: Option<Planes> = None;
    let mut coarse_nnf: Option<(Vec<u32>, usize)> = None;
    for (level_planes, level_hole) in levels.iter().rev() {
        let level = Level::new(level_planes, level_hole, radius);
        let mut current = match &estimate {
            None => diffusion::fill(level_planes, level_hole),
            Some(coarse) => level.upsample_fill(coarse),
        };
        let mut nnf = level.initial_nnf(coarse_nnf.as_ref(), &mut rng);
        for _ in 0..config.em_iterations.max(1) {
            for pass in 0..config.search_passes.max(1) {
                level.search(&current, &mut nnf, pass % 2 == 1, &mut rng);
            }
            level.copy_centres(&mut current, &nnf);
        }
        coarse_nnf = Some((nnf, level.width));
        estimate = Some(current);
    }
    estimate.unwrap_or_else(|| diffusion::fill(planes, hole))
}

/// One pyramid level: its hole, where source patches may sit and which pixels need a match.
struct Level<'a> {
    planes: &'a Planes,
    hole: &'a [bool],
    width: usize,
    height: usize,
    radius: usize,
    /// Fully inside the image and free of hole pixels.
    source: Vec<bool>,
    /// The same, as a list.
    sources: Vec<u32>,
    /// Patch (clipped to the image) overlaps the hole, in raster order.
    targets: Vec<usize>,
}

impl<'a> Level<'a> {
    fn new(planes: &'a Planes, hole: &'a [bool], radius: usize) -> Self {
        let (w, h) = (planes.width, planes.height);
        // Summed-area table of hole pixels.
        let mut table = vec![0u32; (w + 1) * (h + 1)];
        for y in 0..h {
            for x in 0..w {
                table[(y + 1) * (w + 1) + x + 1] = u32::from(hole[y * w + x])
                    + table[y * (w + 1) + x + 1]
                    + table[(y + 1) * (w + 1) + x]
                    - table[y * (w + 1) + x];
            }
        }
        let holes_in = |x0: usize, y0: usize, x1: usize, y1: usize| {
            table[y1 * (w + 1) + x1] + table[y0 * (w + 1) + x0]
                - table[y0 * (w + 1) + x1]
                - table[y1 * (w + 1) + x0]
        };
        let mut source = vec![false; w * h];
        let mut targets = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let (x0, y0) = (x.saturating_sub(radius), y.saturating_sub(radius));
                let (x1, y1) = ((x + radius + 1).min(w), (y + radius + 1).min(h));
                let holes = holes_in(x0, y0, x1, y1);
                let whole = x >= radius && y >= radius && x + radius < w && y + radius < h;
                source[y * w + x] = whole && holes == 0;
                if holes > 0 {
                    targets.push(y * w + x);
                }
            }
        }
        let sources = (0..w * h)
            .filter(|&i| source[i])
            .map(|i| i as u32)
            .collect();
        Self {
            planes,
            hole,
            width: w,
            height: h,
            radius,
            source,
            sources,
            targets,
        }
    }

    fn has_sources(&self) -> bool {
        !self.sources.is_empty()
    }

    /// A uniformly drawn source; only called when there is one.
    fn random_source(&self, rng: &mut ChaCha8Rng) -> u32 {
        self.sources[rng.random_range(0..self.sources.len() as u64) as usize]
    }

    /// Known pixels from this level, hole pixels from the coarser estimate (nearest).
    fn upsample_fill(&self, coarse: &Planes) -> Planes {
        let mut out = self.planes.clone();
        for i in (0..self.width * self.height).filter(|&i| self.hole[i]) {
            let (x, y) = (i % self.width, i / self.width);
            let ci = (y / 2).min(coarse.height - 1) * coarse.width + (x / 2).min(coarse.width - 1);
            for c in 0..3 {
                out.data[c][i] = coarse.data[c][ci];
            }
        }
        out
    }

    /// Matches scaled up from the coarser level where they land on a source, random otherwise.
    fn initial_nnf(&self, coarse: Option<&(Vec<u32>, usize)>, rng: &mut ChaCha8Rng) -> Vec<u32> {
        let mut nnf = vec![NONE; self.width * self.height];
        for &p in &self.targets {
            let (x, y) = (p % self.width, p / self.width);
            let inherited = coarse.and_then(|(coarse_nnf, coarse_width)| {
                let q = *coarse_nnf.get((y / 2) * coarse_width + x / 2)?;
                if q == NONE {
                    return None;
                }
                let (qx, qy) = (q as usize % coarse_width, q as usize / coarse_width);
                let (sx, sy) = (2 * qx + x % 2, 2 * qy + y % 2);
                (sx < self.width && sy < self.height && self.source[sy * self.width + sx])
                    .then_some((sy * self.width + sx) as u32)
            });
            nnf[p] = inherited.unwrap_or_else(|| self.random_source(rng));
        }
        nnf
    }

    /// Sum of squared differences between the patch at `p` in `current` (clipped to the
    /// image) and the source patch at `q`; stops counting once above `limit`.
    fn distance(&self, current: &Planes, p: usize, q: usize, limit: f32) -> f32 {
        let (w, r) = (self.width, self.radius as isize);
        let (px, py) = ((p % w) as isize, (p / w) as isize);
        let (qx, qy) = ((q % w) as isize, (q / w) as isize);
        let mut sum = 0.0;
        for dy in -r..=r {
            let y = py + dy;
            if y < 0 || y >= self.height as isize {
                continue;
            }
            let (row, source_row) = (y as usize * w, (qy + dy) as usize * w);
            for dx in -r..=r {
                let x = px + dx;
                if x < 0 || x >= w as isize {
                    continue;
                }
                let (i, j) = (row + x as usize, source_row + (qx + dx) as usize);
                for plane in &current.data {
                    let d = plane[i] - plane[j];
                    sum += d * d;
                }
            }
            if sum > limit {
                return sum;
            }
        }
        sum
    }

    /// One propagation + random-search pass over the targets.
    fn search(&self, current: &Planes, nnf: &mut [u32], reverse: bool, rng: &mut ChaCha8Rng) {
        let w = self.width as isize;
        let step: isize = if reverse { -1 } else { 1 };
        let order: Box<dyn Iterator<Item = &usize>> = if reverse {
            Box::new(self.targets.iter().rev())
        } else {
            Box::new(self.targets.iter())
        };
        let try_source = |p: usize, sx: isize, sy: isize, best: &mut (u32, f32)| {
            if sx < 0 || sy < 0 || sx >= w || sy >= self.height as isize {
                return;
            }
            let q = (sy * w + sx) as usize;
            if q as u32 == best.0 || !self.source[q] {
                return;
            }
            let d = self.distance(current, p, q, best.1);
            if d < best.1 {
                *best = (q as u32, d);
            }
        };
        for &p in order {
            let (px, py) = ((p as isize) % w, (p as isize) / w);
            let mut best = (
                nnf[p],
                self.distance(current, p, nnf[p] as usize, f32::INFINITY),
            );
            // Propagation: the neighbour's match, shifted back by the neighbour's offset.
            for (nx, ny) in [(px - step, py), (px, py - step)] {
                if nx < 0 || ny < 0 || nx >= w || ny >= self.height as isize {
                    continue;
                }
                let n = nnf[(ny * w + nx) as usize];
                if n != NONE {
                    let (qx, qy) = ((n as isize) % w, (n as isize) / w);
                    try_source(p, qx + px - nx, qy + py - ny, &mut best);
                }
            }
            // Random search in windows halving around the best match.
            let mut window = self.width.max(self.height) as isize;
            while window >= 1 {
                let (bx, by) = ((best.0 as isize) % w, (best.0 as isize) / w);
                let sx = bx + rng.random_range(-window as i64..=window as i64) as isize;
                let sy = by + rng.random_range(-window as i64..=window as i64) as isize;
                try_source(p, sx, sy, &mut best);
                window /= 2;
            }
            nnf[p] = best.0;
        }
    }

    /// Every hole pixel becomes its own match's centre pixel (a value from outside the hole).
    fn copy_centres(&self, current: &mut Planes, nnf: &[u32]) {
        for &p in &self.targets {
            if self.hole[p] {
                let q = nnf[p] as usize;
                for plane in &mut current.data {
                    plane[p] = plane[q];
                }
            }
        }
    }
}
