//! Histogram and clipping: 256-bin histograms of R, G, B and the luminance, the pixels clipped
//! to black or white in any channel (lost shadows and highlights), and empty bins inside the
//! occupied range (the comb a levels or curves adjustment leaves). The map marks clipped
//! pixels.

use serde::{Deserialize, Serialize};

use crate::{Evidence, Findings, ForensicsError, Map, Outcome, Scale};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistogramParams {
    /// A channel at or below this value counts as clipped shadow.
    pub shadow: u8,
    /// A channel at or above this value counts as clipped highlight.
    pub highlight: u8,
}

impl Default for HistogramParams {
    fn default() -> Self {
        Self {
            shadow: 0,
            highlight: 255,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelHistogram {
    pub channel: String,
    pub counts: Vec<u64>,
    pub mean: f32,
    /// Empty bins between the first and last occupied bins.
    pub gaps: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistogramFindings {
    /// R, G, B, luminance.
    pub channels: Vec<ChannelHistogram>,
    pub pixels: u64,
    /// Pixels with any channel at or below `shadow`.
    pub clipped_shadows: u64,
    /// Pixels with any channel at or above `highlight`.
    pub clipped_highlights: u64,
    pub clipped_shadow_share: f32,
    pub clipped_highlight_share: f32,
}

fn channel(name: &str, counts: [u64; 256]) -> ChannelHistogram {
    let total: u64 = counts.iter().sum();
    let mean = if total == 0 {
        0.0
    } else {
        counts
            .iter()
            .enumerate()
            .map(|(v, &c)| v as f64 * c as f64)
            .sum::<f64>()
            / total as f64
    };
    let first = counts.iter().position(|&c| c > 0);
    let last = counts.iter().rposition(|&c| c > 0);
    let gaps = match (first, last) {
        (Some(a), Some(b)) => counts[a..=b].iter().filter(|&&c| c == 0).count() as u32,
        _ => 0,
    };
    ChannelHistogram {
        channel: name.to_string(),
        counts: counts.to_vec(),
        mean: mean as f32,
        gaps,
    }
}

pub fn run(evidence: &Evidence, params: &HistogramParams) -> Result<Outcome, ForensicsError> {
    if params.shadow >= params.highlight {
        return Err(ForensicsError::invalid(
            "histogram",
            "the shadow level must be below the highlight level",
        ));
    }
    let mut counts = [[0u64; 256]; 4];
    let mut clipped = Vec::with_capacity(evidence.rgb.as_raw().len() / 3);
    let (mut shadows, mut highlights) = (0u64, 0u64);
    for p in evidence.rgb.as_raw().chunks_exact(3) {
        for c in 0..3 {
            counts[c][usize::from(p[c])] += 1;
        }
        let y = (0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]))
            .round() as usize;
        counts[3][y.min(255)] += 1;
        let low = p.iter().any(|&v| v <= params.shadow);
        let high = p.iter().any(|&v| v >= params.highlight);
        shadows += u64::from(low);
        highlights += u64::from(high);
        clipped.push(if low || high { 1.0 } else { 0.0 });
    }
    let pixels = clipped.len() as u64;
    let findings = HistogramFindings {
        channels: ["red", "green", "blue", "luminance"]
            .iter()
            .zip(counts)
            .map(|(name, c)| channel(name, c))
            .collect(),
        pixels,
        clipped_shadows: shadows,
        clipped_highlights: highlights,
        clipped_shadow_share: shadows as f32 / pixels.max(1) as f32,
        clipped_highlight_share: highlights as f32 / pixels.max(1) as f32,
    };
    let map = Map::from_quantities(
        "clipping",
        evidence.width(),
        evidence.height(),
        &clipped,
        Scale::mask(format!(
            "a channel clipped (at or below {} or at or above {})",
            params.shadow, params.highlight
        )),
    );
    Ok((vec![map], Findings::Histogram(Box::new(findings))))
}
