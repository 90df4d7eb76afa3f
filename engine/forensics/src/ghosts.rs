//! JPEG ghosts (Farid, "Exposing digital forgeries from JPEG ghosts", IEEE TIFS 2009): the
//! image is re-quantised at a range of qualities and the squared difference is averaged over
//! `window`-pixel regions (here over the coefficients that do not quantise to zero); a region once compressed at quality q1 differs little at q1 where
//! the rest of the image differs much: its ghost. Each quality's differences are divided by
//! their median over the image, and a region whose smallest ratio is below `ghost_ratio` has
//! a ghost at that quality (its best-matching quality; ratios averaged over 3x3 regions);
//! regions without one get the top of
//! the range. Flat regions, which match every quality, are not judged. Done on the luminance
//! in the DCT domain (by Parseval, the mean squared difference of a block is that of its
//! coefficients), with libjpeg's scaled luminance table, on the file's grid (or the visible
//! grid of a non-JPEG), without the final rounding to 8 bits. Qualities at or above the
//! file's own are left out of the search.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::jpeg::dct::block_dct;
use crate::jpeg::grid;
use crate::jpeg::tables::{STD_LUMINANCE, estimate_quality, quantisation_tables, scaled};
use crate::plane::{Plane, fast_round, median};
use crate::{Evidence, FileFormat, Findings, ForensicsError, Map, Outcome, Scale};

/// Fewest significant coefficients a region needs to be judged.
const MIN_COEFFICIENTS: u32 = 8;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GhostParams {
    pub lowest_quality: u8,
    pub highest_quality: u8,
    pub step: u8,
    /// Region side over which differences are averaged, pixels (a multiple of 8).
    pub window: u32,
    /// Largest difference ratio (region / image median at that quality) that is a ghost.
    pub ghost_ratio: f32,
    /// Also give the relative difference map at this quality (Farid's ghost image).
    pub show_quality: Option<u8>,
}

impl Default for GhostParams {
    fn default() -> Self {
        Self {
            lowest_quality: 30,
            highest_quality: 95,
            step: 5,
            window: 16,
            ghost_ratio: 0.5,
            show_quality: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GhostQuality {
    pub quality: u8,
    /// Median over the regions of the mean squared re-quantisation error of the significant
    /// coefficients, levels^2.
    pub median_difference: f32,
    /// Share of regions with a ghost at this quality.
    pub ghost_share: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GhostFindings {
    /// The qualities searched (those below the file's own quality, if known).
    pub qualities: Vec<GhostQuality>,
    /// The file's own quality, when it is a JPEG with readable tables.
    pub file_quality: Option<u8>,
    /// Share of the (textured) regions with a ghost at some quality.
    pub ghost_share: f32,
    /// The quality most ghost regions show, with its share of all regions.
    pub ghost_quality: Option<(u8, f32)>,
    pub grid_origin: (u8, u8),
}

pub fn run(evidence: &Evidence, params: &GhostParams) -> Result<Outcome, ForensicsError> {
    let p = params;
    if !(1..=100).contains(&p.lowest_quality)
        || !(1..=100).contains(&p.highest_quality)
        || p.lowest_quality > p.highest_quality
        || p.step == 0
    {
        return Err(ForensicsError::invalid(
            "ghosts",
            "qualities must satisfy 1 <= lowest <= highest <= 100 with a step of at least 1",
        ));
    }
    if !(p.ghost_ratio.is_finite() && p.ghost_ratio > 0.0) {
        return Err(ForensicsError::invalid(
            "ghosts",
            "ghost_ratio must be positive",
        ));
    }
    if p.window < 8 || !p.window.is_multiple_of(8) {
        return Err(ForensicsError::invalid(
            "ghosts",
            "window must be a multiple of 8",
        ));
    }
    let file_quality = (evidence.format == FileFormat::Jpeg)
        .then(|| quantisation_tables(&evidence.bytes))
        .flatten()
        .and_then(|t| estimate_quality(&t))
        .map(|q| q.estimate);
    let qualities: Vec<u8> = (p.lowest_quality..=p.highest_quality)
        .step_by(usize::from(p.step))
        .filter(|&q| file_quality.is_none_or(|f| q < f))
        .collect();
    if qualities.is_empty() {
        return Err(ForensicsError::invalid(
            "ghosts",
            format!(
                "no quality to search below the file's own ({})",
                file_quality.unwrap_or(100)
            ),
        ));
    }

    let luma = Plane::luma(&evidence.rgb);
    let origin = if evidence.format == FileFormat::Jpeg {
        (0, 0)
    } else {
        let g = grid::estimate(&luma);
        if g.present() {
            (usize::from(g.origin_x), usize::from(g.origin_y))
        } else {
            (0, 0)
        }
    };
    let dct = block_dct(&luma, origin.0, origin.1);
    let cell = (p.window / 8) as usize;
    let (cx, cy) = (dct.blocks_x.div_ceil(cell), dct.blocks_y.div_ceil(cell));
    if cx == 0 || cy == 0 {
        return Err(ForensicsError::invalid(
            "ghosts",
            "the image is smaller than one 8x8 block",
        ));
    }
    // differences[q][cell]: mean squared re-quantisation error per significant coefficient
    // (|c| >= step / 2; zeros stay zeros and only dilute the ghost), NaN where there is none.
    let differences: Vec<Vec<f32>> = qualities
        .par_iter()
        .map(|&q| {
            let steps = scaled(&STD_LUMINANCE, q).map(f32::from);
            let mut sums = vec![(0f64, 0u32); cx * cy];
            for (i, c) in dct.coefficients.iter().enumerate() {
                let (bx, by) = (i % dct.blocks_x, i / dct.blocks_x);
                let slot = &mut sums[(by / cell) * cx + bx / cell];
                for (&v, &s) in c.iter().zip(steps.iter()) {
                    let r = fast_round(v / s);
                    if r != 0.0 {
                        let d = v - s * r;
                        slot.0 += f64::from(d * d);
                        slot.1 += 1;
                    }
                }
            }
            sums.iter()
                .map(|&(s, n)| {
                    if n >= MIN_COEFFICIENTS {
                        (s / f64::from(n)) as f32
                    } else {
                        f32::NAN
                    }
                })
                .collect()
        })
        .collect();

    // Each quality's differences relative to their median over the image, averaged over the
    // 3x3 neighbouring regions.
    let ratios: Vec<Vec<f32>> = differences
        .iter()
        .map(|d| {
            let mut sorted: Vec<f32> = d.iter().copied().filter(|v| v.is_finite()).collect();
            let m = median(&mut sorted).max(1e-3);
            let r: Vec<f32> = d
                .iter()
                .map(|v| if v.is_finite() { v / m } else { 1.0 })
                .collect();
            smooth3(&r, cx, cy)
        })
        .collect();
    // Regions without significant coefficients at the coarsest quality are flat: not judged.
    let ghost: Vec<Option<usize>> = (0..cx * cy)
        .map(|i| {
            if !differences[0][i].is_finite() {
                return None;
            }
            (0..qualities.len())
                .min_by(|&a, &b| ratios[a][i].total_cmp(&ratios[b][i]))
                .filter(|&k| ratios[k][i] < p.ghost_ratio)
        })
        .collect();
    let cells = (cx * cy) as f32;
    let mut shares = vec![0f32; qualities.len()];
    for k in ghost.iter().flatten() {
        shares[*k] += 1.0 / cells;
    }
    let summary: Vec<GhostQuality> = qualities
        .iter()
        .enumerate()
        .map(|(k, &q)| GhostQuality {
            quality: q,
            median_difference: {
                let mut v: Vec<f32> = differences[k]
                    .iter()
                    .copied()
                    .filter(|v| v.is_finite())
                    .collect();
                median(&mut v)
            },
            ghost_share: shares[k],
        })
        .collect();
    let top = (0..qualities.len())
        .max_by(|&a, &b| shares[a].total_cmp(&shares[b]).then(b.cmp(&a)))
        .filter(|&k| shares[k] > 0.0)
        .map(|k| (qualities[k], shares[k]));

    let (w, h) = (evidence.width(), evidence.height());
    let (wu, hu) = (w as usize, h as usize);
    let cell_px = cell * 8;
    let at_pixel = |x: usize, y: usize| -> usize {
        let bx = (x.saturating_sub(origin.0) / cell_px).min(cx - 1);
        let by = (y.saturating_sub(origin.1) / cell_px).min(cy - 1);
        by * cx + bx
    };
    let spread = |cells: &[f32]| -> Vec<f32> {
        let mut out = vec![0f32; wu * hu];
        out.par_chunks_mut(wu).enumerate().for_each(|(y, row)| {
            for (x, v) in row.iter_mut().enumerate() {
                *v = cells[at_pixel(x, y)];
            }
        });
        out
    };
    let (lo, hi) = (
        f32::from(qualities[0]),
        f32::from(*qualities.last().unwrap_or(&qualities[0])),
    );
    let best_quality: Vec<f32> = ghost
        .iter()
        .map(|g| g.map_or(hi, |k| f32::from(qualities[k])))
        .collect();
    let mut maps = vec![Map::from_quantities(
        "quality",
        w,
        h,
        &spread(&best_quality),
        Scale::new(
            format!(
                "quality of the JPEG ghost per {cell_px}x{cell_px} region (the top of the range \
                 where there is none)"
            ),
            lo,
            if hi > lo { hi } else { lo + 1.0 },
            "quality",
        ),
    )];
    if let Some(show) = p.show_quality {
        let k = qualities.iter().position(|&q| q == show).ok_or_else(|| {
            ForensicsError::invalid(
                "ghosts",
                format!("show_quality {show} is not among the qualities searched {qualities:?}"),
            )
        })?;
        maps.push(Map::from_quantities(
            &format!("q{show}"),
            w,
            h,
            &spread(&ratios[k]),
            Scale::new(
                format!(
                    "difference after re-quantisation at quality {show}, over its median in \
                     the image (a ghost is dark)"
                ),
                0.0,
                2.0,
                "",
            ),
        ));
    }
    let findings = GhostFindings {
        qualities: summary,
        file_quality,
        ghost_share: ghost.iter().flatten().count() as f32 / cells,
        ghost_quality: top,
        grid_origin: (origin.0 as u8, origin.1 as u8),
    };
    Ok((maps, Findings::Ghosts(findings)))
}

/// Mean over each cell's 3x3 neighbourhood (cut at the borders).
fn smooth3(v: &[f32], cx: usize, cy: usize) -> Vec<f32> {
    (0..cx * cy)
        .map(|i| {
            let (x, y) = (i % cx, i / cx);
            let mut sum = 0f32;
            let mut n = 0f32;
            for ny in y.saturating_sub(1)..(y + 2).min(cy) {
                for nx in x.saturating_sub(1)..(x + 2).min(cx) {
                    sum += v[ny * cx + nx];
                    n += 1.0;
                }
            }
            sum / n
        })
        .collect()
}
