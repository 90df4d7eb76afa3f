//! Noise: the residual of a 3x3 median denoiser on the luminance; a local noise-level map by
//! blocks after Mahdian & Saic, "Using noise inconsistencies for blind image forensics"
//! (Image and Vision Computing 27, 2009): sigma = median(|HH|) / 0.6745 over the finest
//! diagonal (HH) subband of a one-level orthonormal Haar transform; and an inconsistency map:
//! each block's deviation from the image's median level, in robust standard deviations
//! (1.4826 x the median absolute deviation of the block levels).

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::plane::{Plane, blocks_to_pixels, median};
use crate::{Evidence, Findings, ForensicsError, Map, Outcome, Scale};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NoiseParams {
    /// Block side for the noise level, pixels (even, at least 8).
    pub block: u32,
    /// Residual magnitude at map value 1, levels.
    pub residual_max: f32,
    /// Noise level at map value 1, levels (standard deviation).
    pub level_max: f32,
    /// Deviation at map value 1 of the inconsistency map, robust sigmas.
    pub inconsistency_max: f32,
}

impl Default for NoiseParams {
    fn default() -> Self {
        Self {
            block: 32,
            residual_max: 16.0,
            level_max: 10.0,
            inconsistency_max: 6.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoiseBlock {
    /// Top-left corner in stored pixels.
    pub x: u32,
    pub y: u32,
    /// Estimated noise standard deviation, levels.
    pub level: f32,
    /// Deviation from the median level, robust sigmas.
    pub deviation: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoiseFindings {
    pub block: u32,
    /// Median of the block noise levels, levels.
    pub median_level: f32,
    /// Robust standard deviation of the block levels, levels.
    pub level_spread: f32,
    /// Share of blocks more than 3 robust sigmas from the median.
    pub outlier_share: f32,
    /// The most deviant blocks (up to 10), most deviant first.
    pub most_deviant: Vec<NoiseBlock>,
}

/// Noise standard deviation per block (blocks_x * blocks_y, row-major) by the MAD of the
/// finest diagonal Haar subband.
pub fn block_levels(luma: &Plane, block: usize) -> (Vec<f32>, usize, usize) {
    let (bx, by) = (luma.width.div_ceil(block), luma.height.div_ceil(block));
    let levels = (0..bx * by)
        .into_par_iter()
        .map(|i| {
            let (x0, y0) = ((i % bx) * block, (i / bx) * block);
            let x1 = (x0 + block).min(luma.width) & !1;
            let y1 = (y0 + block).min(luma.height) & !1;
            let mut hh = Vec::with_capacity(block * block / 4);
            for y in (y0..y1).step_by(2) {
                for x in (x0..x1).step_by(2) {
                    let (a, b) = (luma.at(x, y), luma.at(x + 1, y));
                    let (c, d) = (luma.at(x, y + 1), luma.at(x + 1, y + 1));
                    hh.push(((a - b - c + d) * 0.5).abs());
                }
            }
            median(&mut hh) / 0.6745
        })
        .collect();
    (levels, bx, by)
}

pub fn run(evidence: &Evidence, params: &NoiseParams) -> Result<Outcome, ForensicsError> {
    if params.block < 8 || !params.block.is_multiple_of(2) {
        return Err(ForensicsError::invalid(
            "noise",
            format!("block {} must be even and at least 8", params.block),
        ));
    }
    for (name, v) in [
        ("residual_max", params.residual_max),
        ("level_max", params.level_max),
        ("inconsistency_max", params.inconsistency_max),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(ForensicsError::invalid(
                "noise",
                format!("{name} must be positive"),
            ));
        }
    }
    let (w, h) = (evidence.width(), evidence.height());
    let luma = Plane::luma(&evidence.rgb);
    let denoised = luma.median3();
    let residual: Vec<f32> = luma
        .data
        .par_iter()
        .zip(denoised.data.par_iter())
        .map(|(a, b)| (a - b).abs())
        .collect();

    let block = params.block as usize;
    let (levels, bx, by) = block_levels(&luma, block);
    let mut sorted = levels.clone();
    let median_level = median(&mut sorted);
    let mut deviations: Vec<f32> = levels.iter().map(|l| (l - median_level).abs()).collect();
    let mad = median(&mut deviations);
    // A floor keeps a perfectly uniform image (MAD 0) from turning rounding into outliers.
    let spread = (1.4826 * mad).max(0.05 * median_level).max(0.1);
    let z: Vec<f32> = levels
        .iter()
        .map(|l| (l - median_level).abs() / spread)
        .collect();

    let mut ranked: Vec<usize> = (0..z.len()).collect();
    ranked.sort_by(|&a, &b| z[b].total_cmp(&z[a]).then(a.cmp(&b)));
    let most_deviant = ranked
        .iter()
        .take(10)
        .map(|&i| NoiseBlock {
            x: ((i % bx) * block) as u32,
            y: ((i / bx) * block) as u32,
            level: levels[i],
            deviation: z[i],
        })
        .collect();
    let findings = NoiseFindings {
        block: params.block,
        median_level,
        level_spread: spread,
        outlier_share: z.iter().filter(|&&v| v > 3.0).count() as f32 / z.len().max(1) as f32,
        most_deviant,
    };

    let (wu, hu) = (w as usize, h as usize);
    let maps = vec![
        Map::from_quantities(
            "residual",
            w,
            h,
            &residual,
            Scale::new(
                "absolute residual of a 3x3 median filter on the luminance",
                0.0,
                params.residual_max,
                "levels",
            ),
        ),
        Map::from_quantities(
            "level",
            w,
            h,
            &blocks_to_pixels(&levels, bx, by, block, wu, hu),
            Scale::new(
                format!("noise standard deviation per {block}x{block} block (Haar HH MAD)"),
                0.0,
                params.level_max,
                "levels",
            ),
        ),
        Map::from_quantities(
            "inconsistency",
            w,
            h,
            &blocks_to_pixels(&z, bx, by, block, wu, hu),
            Scale::new(
                "deviation of the block noise level from the image's median level",
                0.0,
                params.inconsistency_max,
                "robust sigmas",
            ),
        ),
    ];
    Ok((maps, Findings::Noise(findings)))
}
