//! Error level analysis (Krawetz, "A picture's worth", Black Hat 2007): the image is
//! re-compressed once at a chosen JPEG quality with `image`'s baseline encoder and decoded
//! again; a region that was saved at another quality, or not compressed like the rest,
//! changes by a different amount. The map is the mean absolute difference over R, G, B,
//! multiplied by `gain` (value 1 = 255 / gain levels); with `block` > 0, also Krawetz's
//! per-block mean of that difference on a `block`-pixel grid.

use image::RgbImage;
use image::codecs::jpeg::JpegEncoder;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::plane::blocks_to_pixels;
use crate::{Evidence, Findings, ForensicsError, Map, Outcome, Scale};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ElaParams {
    /// JPEG quality of the re-compression, 1..=100.
    pub quality: u8,
    /// Difference multiplier: map value 1 is a mean difference of 255 / gain levels.
    pub gain: f32,
    /// Side of the per-block mean map in pixels; 0 for none.
    pub block: u32,
}

impl Default for ElaParams {
    fn default() -> Self {
        Self {
            quality: 75,
            gain: 20.0,
            block: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElaFindings {
    pub quality: u8,
    pub gain: f32,
    /// Mean absolute difference over the image, levels (0-255).
    pub mean_difference: f32,
    /// 99th percentile of the per-pixel difference, levels.
    pub p99_difference: f32,
    pub max_difference: f32,
}

/// Re-compresses `rgb` at `quality` and decodes it again.
pub fn recompress(rgb: &RgbImage, quality: u8) -> Result<RgbImage, ForensicsError> {
    let failed = |message: String| ForensicsError::Failed {
        tool: "ela",
        message,
    };
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(rgb)
        .map_err(|e| failed(format!("JPEG encoding failed: {e}")))?;
    let decoded = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg)
        .map_err(|e| failed(format!("decoding the re-compressed JPEG failed: {e}")))?;
    Ok(decoded.into_rgb8())
}

/// Mean absolute difference over the three channels, per pixel, levels.
pub fn difference(a: &RgbImage, b: &RgbImage) -> Vec<f32> {
    a.as_raw()
        .par_chunks_exact(3)
        .zip(b.as_raw().par_chunks_exact(3))
        .map(|(p, q)| (0..3).map(|c| f32::from(p[c].abs_diff(q[c]))).sum::<f32>() / 3.0)
        .collect()
}

pub fn run(evidence: &Evidence, params: &ElaParams) -> Result<Outcome, ForensicsError> {
    if !(1..=100).contains(&params.quality) {
        return Err(ForensicsError::invalid(
            "ela",
            format!("quality {} is not in 1..=100", params.quality),
        ));
    }
    if !(params.gain.is_finite() && params.gain > 0.0) {
        return Err(ForensicsError::invalid("ela", "gain must be positive"));
    }
    let rgb = &evidence.rgb;
    let (w, h) = (rgb.width(), rgb.height());
    let again = recompress(rgb, params.quality)?;
    let diff = difference(rgb, &again);
    let scale = Scale::new(
        format!(
            "mean absolute difference over R, G, B after re-compression at quality {}",
            params.quality
        ),
        0.0,
        255.0 / params.gain,
        "levels",
    );
    let mut maps = vec![Map::from_quantities(
        "difference",
        w,
        h,
        &diff,
        scale.clone(),
    )];
    if params.block > 0 {
        let b = params.block as usize;
        let (bx, by) = ((w as usize).div_ceil(b), (h as usize).div_ceil(b));
        let mut sums = vec![(0f64, 0u32); bx * by];
        for (i, &d) in diff.iter().enumerate() {
            let (x, y) = (i % w as usize, i / w as usize);
            let cell = &mut sums[(y / b) * bx + x / b];
            cell.0 += f64::from(d);
            cell.1 += 1;
        }
        let means: Vec<f32> = sums
            .iter()
            .map(|&(s, n)| (s / f64::from(n.max(1))) as f32)
            .collect();
        let spread = blocks_to_pixels(&means, bx, by, b, w as usize, h as usize);
        let block_scale = Scale {
            quantity: format!("{} (mean over {b}x{b} blocks)", scale.quantity),
            ..scale
        };
        maps.push(Map::from_quantities("block", w, h, &spread, block_scale));
    }
    let mut sorted = diff.clone();
    let p99 = percentile(&mut sorted, 0.99);
    let findings = ElaFindings {
        quality: params.quality,
        gain: params.gain,
        mean_difference: (diff.iter().map(|&d| f64::from(d)).sum::<f64>()
            / diff.len().max(1) as f64) as f32,
        p99_difference: p99,
        max_difference: diff.iter().copied().fold(0.0, f32::max),
    };
    Ok((maps, Findings::Ela(findings)))
}

/// The `q`-quantile (0..=1) of a slice (reorders it); 0 for an empty slice.
pub(crate) fn percentile(values: &mut [f32], q: f64) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let k = ((values.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    let (_, v, _) = values.select_nth_unstable_by(k, f32::total_cmp);
    *v
}
