//! The allowed coverage of a mask as pixel counts: checking a configuration, counting a
//! mask's pixels, and turning a binary mask into a finished (feathered) `Mask`.

use image::GrayImage;

use super::feather::feathered_alpha;
use super::{Mask, MaskConfig, MaskError};

/// The allowed coverage as pixel counts.
pub(super) struct CoverageRange {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) pixels: u64,
    pub(super) min: f64,
    pub(super) max: f64,
}

impl CoverageRange {
    pub(super) fn new(width: u32, height: u32, min: f32, max: f32) -> Self {
        Self {
            width,
            height,
            pixels: u64::from(width) * u64::from(height),
            min: f64::from(min),
            max: f64::from(max),
        }
    }

    /// The range of a valid configuration on a non-empty image.
    pub(super) fn checked(width: u32, height: u32, config: &MaskConfig) -> Result<Self, MaskError> {
        let (min, max) = (config.min_coverage, config.max_coverage);
        if width == 0 || height == 0 {
            return Err(MaskError::EmptyImage { width, height });
        }
        if !(0.0..=1.0).contains(&min) || !(0.0..=1.0).contains(&max) || min > max {
            return Err(MaskError::InvalidCoverage { min, max });
        }
        if !config.feather_px.is_finite() || config.feather_px < 0.0 {
            return Err(MaskError::InvalidFeather(config.feather_px));
        }
        Ok(Self::new(width, height, min, max))
    }

    pub(super) fn unreachable(&self) -> MaskError {
        MaskError::CoverageUnreachable {
            width: self.width,
            height: self.height,
            min: self.min as f32,
            max: self.max as f32,
        }
    }

    pub(super) fn coverage(&self, count: u64) -> f32 {
        (count as f64 / self.pixels as f64) as f32
    }

    pub(super) fn contains(&self, count: u64) -> bool {
        // Compared as the f32 that `Mask::coverage` reports, so that value is always in range.
        (self.min as f32..=self.max as f32).contains(&self.coverage(count))
    }

    pub(super) fn finish(&self, binary: GrayImage, feather_px: f32) -> Mask {
        let coverage = self.coverage(count_on(&binary));
        let alpha = feathered_alpha(&binary, feather_px);
        Mask {
            binary,
            alpha,
            coverage,
        }
    }
}

pub(super) fn count_on(mask: &GrayImage) -> u64 {
    mask.as_raw().iter().filter(|&&v| v > 127).count() as u64
}
