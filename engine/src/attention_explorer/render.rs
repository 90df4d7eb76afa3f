//! A view's grid map as a picture: upsampled (bilinear) to the tile's part of the image and
//! colour-mapped over it, with a query patch outlined.

use image::{Rgb, RgbImage, imageops};

use super::TileAttention;
use crate::analysis::Heatmap;
use crate::render::{Colormap, overlay};

/// The tile's part of the image, in image pixels (at least 1 x 1).
pub fn tile_crop(image: &RgbImage, tile: &TileAttention) -> RgbImage {
    let (x, y, w, h) = crop_rect(tile);
    imageops::crop_imm(image, x, y, w, h).to_image()
}

fn crop_rect(tile: &TileAttention) -> (u32, u32, u32, u32) {
    let (ox, oy) = tile.origin_image();
    let (sw, sh) = tile.size_image();
    let x = (ox.round() as u32).min(tile.image_width - 1);
    let y = (oy.round() as u32).min(tile.image_height - 1);
    let w = (sw.round() as u32).clamp(1, tile.image_width - x);
    let h = (sh.round() as u32).clamp(1, tile.image_height - y);
    (x, y, w, h)
}

/// The grid values upsampled to the crop: each crop pixel's centre placed in the tile's
/// grid (bilinear between cell centres, edges held).
pub fn grid_to_crop(tile: &TileAttention, values: &[f32]) -> Heatmap {
    let (x0, y0, w, h) = crop_rect(tile);
    let (rows, cols) = tile.grid;
    let cell = |px: u32, origin: u32, work_origin: u32, scale: f32, cells: usize| {
        let work = (px + origin) as f32 + 0.5;
        let in_tile = work * scale - work_origin as f32;
        (in_tile / tile.tile as f32 * cells as f32 - 0.5).clamp(0.0, cells as f32 - 1.0)
    };
    let mut out = Vec::with_capacity((w * h) as usize);
    for py in 0..h {
        let gy = cell(py, y0, tile.origin_work.1, tile.scale.1, rows);
        let (r0, fy) = (gy.floor() as usize, gy.fract());
        let r1 = (r0 + 1).min(rows - 1);
        for px in 0..w {
            let gx = cell(px, x0, tile.origin_work.0, tile.scale.0, cols);
            let (c0, fx) = (gx.floor() as usize, gx.fract());
            let c1 = (c0 + 1).min(cols - 1);
            let at = |r: usize, c: usize| values[r * cols + c];
            let top = at(r0, c0) * (1.0 - fx) + at(r0, c1) * fx;
            let bottom = at(r1, c0) * (1.0 - fx) + at(r1, c1) * fx;
            out.push(top * (1.0 - fy) + bottom * fy);
        }
    }
    Heatmap {
        width: w,
        height: h,
        values: out,
    }
}

/// The view's map colour-mapped over the tile's crop.
pub fn over_tile(
    image: &RgbImage,
    tile: &TileAttention,
    values: &[f32],
    colormap: Colormap,
    opacity: f32,
) -> RgbImage {
    overlay(
        &tile_crop(image, tile),
        &grid_to_crop(tile, values),
        colormap,
        opacity,
    )
}

/// Outlines a patch (grid order) on a picture of the tile's crop, in cyan.
pub fn mark_patch(picture: &mut RgbImage, tile: &TileAttention, patch: usize) {
    let (x0, y0, _, _) = crop_rect(tile);
    let (cx, cy) = tile.patch_centre(patch);
    let half_w = tile.tile as f32 / tile.grid.1 as f32 / tile.scale.0 / 2.0;
    let half_h = tile.tile as f32 / tile.grid.0 as f32 / tile.scale.1 / 2.0;
    let (w, h) = (picture.width() as i64, picture.height() as i64);
    let left = (cx - half_w).round() as i64 - i64::from(x0);
    let right = (cx + half_w).round() as i64 - i64::from(x0) - 1;
    let top = (cy - half_h).round() as i64 - i64::from(y0);
    let bottom = (cy + half_h).round() as i64 - i64::from(y0) - 1;
    let mut put = |x: i64, y: i64| {
        if (0..w).contains(&x) && (0..h).contains(&y) {
            picture.put_pixel(x as u32, y as u32, Rgb([0, 255, 255]));
        }
    };
    for x in left..=right {
        put(x, top);
        put(x, bottom);
    }
    for y in top..=bottom {
        put(left, y);
        put(right, y);
    }
}
