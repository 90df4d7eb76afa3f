//! Maps: one value per pixel in [0, 1], row-major, with the scale that says what 0 and 1 mean
//! (values are a clipped linear function of a physical quantity). Summaries drop the values.

use image::imageops;
use image::metadata::Orientation;
use image::{ImageBuffer, Luma};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// `value = (quantity - zero) / (one - zero)`, clipped to [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    /// What the map measures, in words.
    pub quantity: String,
    /// The quantity at value 0.
    pub zero: f32,
    /// The quantity at value 1.
    pub one: f32,
    /// The quantity's unit ("" for ratios and masks).
    pub unit: String,
}

impl Scale {
    pub fn new(quantity: impl Into<String>, zero: f32, one: f32, unit: impl Into<String>) -> Self {
        Self {
            quantity: quantity.into(),
            zero,
            one,
            unit: unit.into(),
        }
    }

    /// A 0/1 mask.
    pub fn mask(what: impl Into<String>) -> Self {
        Self::new(what, 0.0, 1.0, "")
    }

    /// The map value of a quantity.
    pub fn value(&self, quantity: f32) -> f32 {
        let span = self.one - self.zero;
        if span == 0.0 || !quantity.is_finite() {
            return 0.0;
        }
        ((quantity - self.zero) / span).clamp(0.0, 1.0)
    }

    /// The quantity a map value stands for.
    pub fn quantity_at(&self, value: f32) -> f32 {
        self.zero + value * (self.one - self.zero)
    }

    /// "0 = 0 levels, 1 = 12.75 levels (mean absolute difference ...)".
    pub fn describe(&self) -> String {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        format!(
            "{}: 0 = {}{unit}, 1 = {}{unit}",
            self.quantity, self.zero, self.one
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Map {
    /// Short name, used in file names (`<stem>.<tool>-<name>.png`).
    pub name: String,
    pub width: u32,
    pub height: u32,
    /// Row-major, in [0, 1].
    pub values: Vec<f32>,
    pub scale: Scale,
}

/// A map without its values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapSummary {
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub scale: Scale,
    pub mean: f32,
    pub max: f32,
    /// Share of pixels at or above 0.5.
    pub area_above_half: f32,
}

impl Map {
    /// A map from quantities, mapped through `scale`.
    pub fn from_quantities(
        name: &str,
        width: u32,
        height: u32,
        quantities: &[f32],
        scale: Scale,
    ) -> Self {
        let values = quantities.par_iter().map(|&q| scale.value(q)).collect();
        Self {
            name: name.to_string(),
            width,
            height,
            values,
            scale,
        }
    }

    pub fn get(&self, x: u32, y: u32) -> f32 {
        self.values[y as usize * self.width as usize + x as usize]
    }

    pub fn summary(&self) -> MapSummary {
        let n = self.values.len().max(1) as f64;
        let mean = self.values.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
        let max = self.values.iter().copied().fold(0.0f32, f32::max);
        let above = self.values.iter().filter(|&&v| v >= 0.5).count() as f64 / n;
        MapSummary {
            name: self.name.clone(),
            width: self.width,
            height: self.height,
            scale: self.scale.clone(),
            mean: mean as f32,
            max,
            area_above_half: above as f32,
        }
    }

    /// The map turned as the EXIF orientation turns the image upright.
    pub fn oriented(self, orientation: Orientation) -> Self {
        if orientation == Orientation::NoTransforms {
            return self;
        }
        let Map {
            name,
            width,
            height,
            values,
            scale,
        } = self;
        let Some(buffer) = ImageBuffer::<Luma<f32>, Vec<f32>>::from_raw(width, height, values)
        else {
            return Map {
                name,
                width,
                height,
                values: Vec::new(),
                scale,
            };
        };
        let turned = match orientation {
            Orientation::NoTransforms => buffer,
            Orientation::Rotate90 => imageops::rotate90(&buffer),
            Orientation::Rotate180 => imageops::rotate180(&buffer),
            Orientation::Rotate270 => imageops::rotate270(&buffer),
            Orientation::FlipHorizontal => imageops::flip_horizontal(&buffer),
            Orientation::FlipVertical => imageops::flip_vertical(&buffer),
            Orientation::Rotate90FlipH => imageops::flip_horizontal(&imageops::rotate90(&buffer)),
            Orientation::Rotate270FlipH => imageops::flip_horizontal(&imageops::rotate270(&buffer)),
        };
        Map {
            name,
            width: turned.width(),
            height: turned.height(),
            values: turned.into_raw(),
            scale,
        }
    }
}
