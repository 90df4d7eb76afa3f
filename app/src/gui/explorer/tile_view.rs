//! The explorer's pictures: the tile's map over the whole image in the image view's zoomable
//! view (the app's one `ViewTransform`), the tile and query patch outlined in image
//! coordinates, a click mapped screen -> image -> patch; the overview and the head grid.

use egui::{Color32, Rect, Sense, Stroke, TextureHandle, Ui, Vec2, pos2, vec2};
use forgelens_engine::analysis::Heatmap;
use forgelens_engine::attention_explorer::{
    ExplorerView, Source, TileAttention, grid_to_crop, mark_patch, tile_crop,
};
use image::RgbImage;

use super::super::map_view::{MapLook, ViewTransform, map_picture, zoomable_ui};

/// The accessibility label of the zoomable view.
pub const VIEW_LABEL: &str = "attention view";

const CYAN: Color32 = Color32::from_rgb(0, 255, 255);

/// An image at most `side` pixels on its longer side (textures stay small).
pub fn at_most(image: &RgbImage, side: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    if w.max(h) <= side {
        return image.clone();
    }
    let scale = f64::from(side) / f64::from(w.max(h));
    image::imageops::thumbnail(
        image,
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    )
}

/// A view's map over the tile's crop, through the image view's picture path; a query patch
/// outlined in the picture when `mark` (the small multiples; the zoomable view draws its
/// marker on screen).
pub fn tile_picture(
    image: &RgbImage,
    tile: &TileAttention,
    view: &ExplorerView,
    look: MapLook,
    mark: bool,
) -> Option<RgbImage> {
    let values = tile.view(view).ok()?.values;
    let map: Heatmap = grid_to_crop(tile, &values);
    let mut picture = map_picture(&tile_crop(image, tile), &map, look);
    if mark && let Source::Query { patch } = view.source {
        mark_patch(&mut picture, tile, patch);
    }
    Some(picture)
}

/// A rectangle in image pixels, normalised to the image.
fn normalised(tile: &TileAttention, min: (f32, f32), size: (f32, f32)) -> (Vec2, Vec2) {
    let (w, h) = (tile.image_width as f32, tile.image_height as f32);
    (
        vec2(min.0 / w, min.1 / h),
        vec2((min.0 + size.0) / w, (min.1 + size.1) / h),
    )
}

/// A patch's square in image pixels: top-left and size.
fn patch_box(tile: &TileAttention, patch: usize) -> ((f32, f32), (f32, f32)) {
    let (cx, cy) = tile.patch_centre(patch);
    let w = tile.tile as f32 / tile.grid.1 as f32 / tile.scale.0;
    let h = tile.tile as f32 / tile.grid.0 as f32 / tile.scale.1;
    ((cx - w / 2.0, cy - h / 2.0), (w, h))
}

/// What the zoomable view draws: the image, the tile's picture, the query patch.
pub struct Layers<'a> {
    pub image: &'a TextureHandle,
    pub image_size: [u32; 2],
    pub tile_picture: Option<&'a TextureHandle>,
    pub query: Option<usize>,
}

/// The zoomable view: the image with the tile's map over the tile's place, zoomed and
/// panned with `transform`. Returns the patch a click landed on (`None` off the tile).
pub fn zoomable_tile_ui(
    ui: &mut Ui,
    tile: &TileAttention,
    layers: Layers<'_>,
    transform: &mut ViewTransform,
) -> Option<usize> {
    let area = zoomable_ui(
        ui,
        "Attention view (click a patch of the tile to see where it attends)",
        layers.image,
        layers.image_size,
        transform,
        0.0,
    );
    area.response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, VIEW_LABEL));
    let painter = area.painter(ui);
    let on_screen =
        |(min, max): (Vec2, Vec2)| Rect::from_min_max(area.to_screen(min), area.to_screen(max));
    let tile_rect = on_screen(normalised(tile, tile.origin_image(), tile.size_image()));
    if let Some(picture) = layers.tile_picture {
        let full = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
        painter.image(picture.id(), tile_rect, full, Color32::WHITE);
    }
    let outline = |rect: Rect, width: f32| {
        painter.rect_stroke(
            rect,
            0.0,
            Stroke::new(width, CYAN),
            egui::StrokeKind::Inside,
        );
    };
    outline(tile_rect, 1.0);
    if let Some(patch) = layers.query {
        let (min, size) = patch_box(tile, patch);
        outline(on_screen(normalised(tile, min, size)), 2.0);
    }
    let pos = area
        .response
        .interact_pointer_pos()
        .filter(|_| area.response.clicked())?;
    let p = area.to_image(pos);
    tile.patch_at(
        p.x * tile.image_width as f32,
        p.y * tile.image_height as f32,
    )
    .ok()
}

/// The whole image, small, with the tile outlined; returns the image point clicked (whose
/// tile is then asked for).
pub fn overview_ui(
    ui: &mut Ui,
    texture: &TextureHandle,
    tile: &TileAttention,
    width: f32,
) -> Option<(f32, f32)> {
    let (w, h) = (tile.image_width as f32, tile.image_height as f32);
    let response = ui.add(
        egui::Image::new(texture)
            .fit_to_exact_size(vec2(width, width * h / w))
            .sense(Sense::click())
            .alt_text("image overview"),
    );
    let to_screen = |x: f32, y: f32| response.rect.min + vec2(x / w, y / h) * response.rect.size();
    let (ox, oy) = tile.origin_image();
    let (tw, th) = tile.size_image();
    ui.painter().rect_stroke(
        Rect::from_min_max(to_screen(ox, oy), to_screen(ox + tw, oy + th)),
        0.0,
        Stroke::new(1.5, CYAN),
        egui::StrokeKind::Inside,
    );
    let pos = response
        .interact_pointer_pos()
        .filter(|_| response.clicked())?;
    let rel = (pos - response.rect.min) / response.rect.size();
    Some((
        (rel.x * w).clamp(0.0, w - 1.0),
        (rel.y * h).clamp(0.0, h - 1.0),
    ))
}

/// Every head of the block as small multiples of the whole tile, `per_row` to a row of
/// `width` points.
pub fn head_grid_ui(
    ui: &mut Ui,
    textures: &[TextureHandle],
    tile: &TileAttention,
    block: usize,
    width: f32,
) {
    let (tw, th) = tile.size_image();
    let per_row = 2;
    let side = (width - 6.0) / per_row as f32;
    let size = vec2(side, side * th / tw.max(1.0));
    for row in textures.chunks(per_row).enumerate() {
        let (r, row) = row;
        ui.horizontal(|ui| {
            for (i, texture) in row.iter().enumerate() {
                let h = r * per_row + i + 1;
                ui.add(
                    egui::Image::new(texture)
                        .fit_to_exact_size(size)
                        .alt_text(format!("block {}, head {h}", block + 1)),
                );
            }
        });
    }
}
