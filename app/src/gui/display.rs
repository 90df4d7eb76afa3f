//! What is on screen for one analysis: display-resolution copies of the image and maps
//! (at most `MAX_DISPLAY_SIDE` a side, so sliders stay instant on large photographs), the
//! textures drawn from them, and the region lists. Textures and regions are rebuilt only
//! when a setting they depend on changes; the model never runs again. "Stretch contrast"
//! changes only the picture, never a value, a threshold or a region.

use std::path::PathBuf;

use egui::{TextureHandle, TextureOptions};
use forgelens_engine::analysis::Heatmap;
use forgelens_engine::regions::{Region, regions};
use forgelens_engine::tiling::resize_map;
use forgelens_engine::{Analysis, MapKind};
use image::{RgbImage, imageops};

use super::map_view::{MapLook, map_picture, to_color_image};
use super::state::State;

pub const MAX_DISPLAY_SIDE: u32 = 1024;

pub struct Displayed {
    pub path: PathBuf,
    pub analysis: Analysis,
    /// The decoded input at full resolution (for export).
    pub full_image: RgbImage,
    pub image: RgbImage,
    pub maps: [Heatmap; 3],
    image_texture: Option<TextureHandle>,
    /// Each texture with the look and the contrast stretch it was drawn with.
    map_textures: [Option<(MapLook, bool, TextureHandle)>; 3],
    regions: [Option<(f32, Vec<Region>)>; 3],
}

impl Displayed {
    pub fn new(path: PathBuf, analysis: Analysis, full_image: RgbImage) -> Self {
        let (w, h) = full_image.dimensions();
        let scale = (f64::from(MAX_DISPLAY_SIDE) / f64::from(w.max(h))).min(1.0);
        let (dw, dh) = (
            ((f64::from(w) * scale).round() as u32).max(1),
            ((f64::from(h) * scale).round() as u32).max(1),
        );
        let image = if scale < 1.0 {
            imageops::resize(&full_image, dw, dh, imageops::FilterType::Triangle)
        } else {
            full_image.clone()
        };
        let maps = [
            &analysis.maps.cam,
            &analysis.maps.attention,
            &analysis.maps.fused,
        ]
        .map(|m| Heatmap {
            width: dw,
            height: dh,
            values: resize_map(m.values.clone(), m.width, m.height, dw, dh),
        });
        Self {
            path,
            analysis,
            full_image,
            image,
            maps,
            image_texture: None,
            map_textures: [None, None, None],
            regions: [None, None, None],
        }
    }

    pub fn size(&self) -> [u32; 2] {
        [self.image.width(), self.image.height()]
    }

    pub fn image_texture(&mut self, ctx: &egui::Context) -> TextureHandle {
        self.image_texture
            .get_or_insert_with(|| {
                ctx.load_texture("image", to_color_image(&self.image), TextureOptions::LINEAR)
            })
            .clone()
    }

    pub fn map_texture(
        &mut self,
        ctx: &egui::Context,
        index: usize,
        state: &State,
    ) -> TextureHandle {
        let look = MapLook {
            colormap: state.colormap,
            opacity: if state.show_overlay {
                state.opacity
            } else {
                1.0
            },
            threshold: state.thresholds[index],
            binary_mask: state.binary_mask,
            show_overlay: state.show_overlay,
        };
        let stretch = state.stretch_contrast && !look.binary_mask;
        if let Some((old, old_stretch, texture)) = &self.map_textures[index]
            && (*old, *old_stretch) == (look, stretch)
        {
            return texture.clone();
        }
        let picture = if stretch {
            map_picture(&self.image, &stretched(&self.maps[index]), look)
        } else {
            map_picture(&self.image, &self.maps[index], look)
        };
        let name = MapKind::ALL[index].name();
        let texture = ctx.load_texture(name, to_color_image(&picture), TextureOptions::LINEAR);
        self.map_textures[index] = Some((look, stretch, texture.clone()));
        texture
    }

    /// Regions of a map at its threshold (recomputed only when the threshold moves).
    pub fn regions(&mut self, index: usize, threshold: f32) -> &[Region] {
        let stale = !matches!(&self.regions[index], Some((t, _)) if *t == threshold);
        if stale {
            self.regions[index] = Some((threshold, regions(&self.maps[index], threshold)));
        }
        &self.regions[index].as_ref().expect("just computed").1
    }

    /// Scale from display pixels to input pixels.
    pub fn display_to_input(&self) -> f32 {
        self.analysis.input.width as f32 / self.image.width() as f32
    }
}

/// A copy of `map` with its own range spread over [0, 1], for the screen only: thresholds,
/// regions and reports read the map's absolute values. A constant map stays as it is.
fn stretched(map: &Heatmap) -> Heatmap {
    let (lo, hi) = map
        .values
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let range = hi - lo;
    let values = if range > f32::EPSILON && range.is_finite() {
        map.values.iter().map(|v| (v - lo) / range).collect()
    } else {
        map.values.clone()
    };
    Heatmap {
        width: map.width,
        height: map.height,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretching_spreads_the_range_and_leaves_a_flat_map_alone() {
        let map = |values: Vec<f32>| Heatmap {
            width: values.len() as u32,
            height: 1,
            values,
        };
        assert_eq!(
            stretched(&map(vec![0.25, 0.75, 0.5])).values,
            vec![0.0, 1.0, 0.5]
        );
        assert_eq!(stretched(&map(vec![0.1; 4])).values, vec![0.1; 4]);
    }
}
