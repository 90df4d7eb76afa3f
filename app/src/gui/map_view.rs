//! One image view (the photograph, a learned map or a tool's map), drawn with a zoom/pan
//! transform that all views share: scrolling zooms about the pointer, dragging pans,
//! double-click resets; or two views swiped over each other. The selected region's box is
//! drawn in every view. Maps of every kind become pictures and colour scales here.

use egui::{Color32, ColorImage, Pos2, Rect, Sense, Stroke, TextureHandle, Ui, Vec2, pos2, vec2};
use forgelens_engine::analysis::Heatmap;
use forgelens_engine::render::{Colormap, binary_mask, overlay};
use image::RgbImage;

/// Settings a map's picture depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapLook {
    pub colormap: Colormap,
    pub opacity: f32,
    pub threshold: f32,
    pub binary_mask: bool,
    pub show_overlay: bool,
}

/// A map as a picture: colour-mapped over the image, or its mask at `threshold` (over the
/// image, tinted red, or alone).
pub fn map_picture(image: &RgbImage, map: &Heatmap, look: MapLook) -> RgbImage {
    if !look.binary_mask {
        return overlay(image, map, look.colormap, look.opacity);
    }
    let mask = binary_mask(map, look.threshold);
    if !look.show_overlay {
        return image::DynamicImage::ImageLuma8(mask).into_rgb8();
    }
    RgbImage::from_fn(image.width(), image.height(), |x, y| {
        let p = image.get_pixel(x, y).0;
        let m = f32::from(mask.get_pixel(x, y).0[0]) / 255.0 * look.opacity;
        image::Rgb([
            (f32::from(p[0]) * (1.0 - m) + 255.0 * m) as u8,
            (f32::from(p[1]) * (1.0 - m)) as u8,
            (f32::from(p[2]) * (1.0 - m)) as u8,
        ])
    })
}

pub fn to_color_image(image: &RgbImage) -> ColorImage {
    ColorImage::from_rgb(
        [image.width() as usize, image.height() as usize],
        image.as_raw(),
    )
}

/// The colour map as a strip from `low` (value 0) to `high` (value 1).
pub fn colour_scale_ui(ui: &mut Ui, colormap: Colormap, low: &str, high: &str) {
    ui.horizontal(|ui| {
        ui.label(low);
        let (rect, _) = ui.allocate_exact_size(vec2(120.0, 10.0), Sense::hover());
        let steps = 32;
        for i in 0..steps {
            let [r, g, b] = colormap.color((i as f32 + 0.5) / steps as f32);
            let x0 = rect.min.x + rect.width() * i as f32 / steps as f32;
            let x1 = rect.min.x + rect.width() * (i + 1) as f32 / steps as f32;
            ui.painter().rect_filled(
                Rect::from_min_max(pos2(x0, rect.min.y), pos2(x1, rect.max.y)),
                0.0,
                Color32::from_rgb(r, g, b),
            );
        }
        ui.label(high);
    });
}

/// Zoom and pan shared by every view, in the image's normalised coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewTransform {
    /// 1 = whole image.
    pub zoom: f32,
    /// Centre of the visible part, in [0, 1]².
    pub center: Vec2,
}

impl Default for ViewTransform {
    fn default() -> Self {
        Self {
            zoom: 1.0,
            center: vec2(0.5, 0.5),
        }
    }
}

impl ViewTransform {
    pub const MAX_ZOOM: f32 = 32.0;

    /// `zoom` about `center` (image-normalised), clamped as zooming and panning clamp.
    pub fn centred(center: Vec2, zoom: f32) -> Self {
        let mut t = Self { zoom, center };
        t.clamp();
        t
    }

    fn half_extent(&self) -> f32 {
        0.5 / self.zoom
    }

    fn clamp(&mut self) {
        self.zoom = self.zoom.clamp(1.0, Self::MAX_ZOOM);
        let h = self.half_extent();
        self.center.x = self.center.x.clamp(h, 1.0 - h);
        self.center.y = self.center.y.clamp(h, 1.0 - h);
    }

    /// The visible part of the image as a texture UV rectangle.
    pub fn uv(&self) -> Rect {
        let h = self.half_extent();
        Rect::from_min_max(
            pos2(self.center.x - h, self.center.y - h),
            pos2(self.center.x + h, self.center.y + h),
        )
    }

    /// Image-normalised point to screen, for a view drawn in `rect`.
    pub fn screen_point(&self, rect: Rect, p: Vec2) -> Pos2 {
        let uv = self.uv();
        pos2(
            rect.min.x + (p.x - uv.min.x) / uv.width() * rect.width(),
            rect.min.y + (p.y - uv.min.y) / uv.height() * rect.height(),
        )
    }

    /// Screen point to image-normalised, for a view drawn in `rect` (`screen_point`'s inverse).
    pub fn image_point(&self, rect: Rect, pos: Pos2) -> Vec2 {
        let uv = self.uv();
        vec2(
            uv.min.x + (pos.x - rect.min.x) / rect.width() * uv.width(),
            uv.min.y + (pos.y - rect.min.y) / rect.height() * uv.height(),
        )
    }
}

/// Largest rectangle of the image's aspect ratio that fits `available`, centred.
pub fn fit(available: Rect, image_size: [u32; 2]) -> Rect {
    let aspect = image_size[0] as f32 / image_size[1].max(1) as f32;
    let mut size = available.size();
    if size.x / size.y.max(1.0) > aspect {
        size.x = size.y * aspect;
    } else {
        size.y = size.x / aspect;
    }
    Rect::from_center_size(available.center(), size)
}

/// Zooms (wheel or pinch, about the pointer) and pans (drag) `transform` from the pointer
/// over a view drawn in `rect`; double-click resets.
fn interact(ui: &Ui, response: &egui::Response, rect: Rect, transform: &mut ViewTransform) {
    if response.double_clicked() {
        *transform = ViewTransform::default();
    }
    if response.dragged() {
        let delta = response.drag_delta();
        transform.center -= vec2(delta.x / rect.width(), delta.y / rect.height()) / transform.zoom;
        transform.clamp();
    }
    if response.hovered() {
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let factor = (scroll / 200.0).exp() * pinch;
        if factor != 1.0
            && let Some(pointer) = response.hover_pos()
        {
            let at = transform.image_point(rect, pointer);
            let old = transform.zoom;
            transform.zoom = (old * factor).clamp(1.0, ViewTransform::MAX_ZOOM);
            // Keep the point under the pointer where it is.
            transform.center = at + (transform.center - at) * (old / transform.zoom);
            transform.clamp();
        }
    }
}

fn highlight_box(
    painter: &egui::Painter,
    rect: Rect,
    transform: &ViewTransform,
    image_size: [u32; 2],
    highlight: Option<[u32; 4]>,
) {
    if let Some([x0, y0, x1, y1]) = highlight {
        let [w, h] = image_size.map(|v| v as f32);
        let a = transform.screen_point(rect, vec2(x0 as f32 / w, y0 as f32 / h));
        let b = transform.screen_point(rect, vec2((x1 + 1) as f32 / w, (y1 + 1) as f32 / h));
        painter.rect_stroke(
            Rect::from_min_max(a, b),
            0.0,
            Stroke::new(2.0, Color32::from_rgb(0, 220, 255)),
            egui::StrokeKind::Outside,
        );
    }
}

/// The space a view takes: what is left, less `below` points for a colour scale.
fn view_size(ui: &Ui, below: f32) -> Vec2 {
    let size = ui.available_rect_before_wrap().size();
    vec2(size.x, (size.y - below).max(16.0))
}

/// A view as drawn: where the image lies on screen under the transform, to draw over it
/// in image coordinates and to map the pointer back to the image.
pub struct ViewArea {
    /// The view's whole area (click and drag); the image is fitted inside it.
    pub response: egui::Response,
    /// The whole image at zoom 1: the fitted rectangle the visible part fills.
    pub rect: Rect,
    /// The transform the view was drawn with (after this frame's zoom and pan).
    pub transform: ViewTransform,
}

impl ViewArea {
    /// An image-normalised point on screen.
    pub fn to_screen(&self, p: Vec2) -> Pos2 {
        self.transform.screen_point(self.rect, p)
    }

    /// A screen point in the image's normalised coordinates (outside [0, 1]² off the image).
    pub fn to_image(&self, pos: Pos2) -> Vec2 {
        self.transform.image_point(self.rect, pos)
    }

    /// A painter clipped to the image's part of the view.
    pub fn painter(&self, ui: &Ui) -> egui::Painter {
        ui.painter_at(self.response.rect.intersect(self.rect))
    }
}

/// Allocates a view of an image of `image_size` in `ui`'s available space (less `below`
/// points), zooms and pans `transform` from the pointer and draws `texture` through it.
/// `label` names the view in its hover text.
pub fn zoomable_ui(
    ui: &mut Ui,
    label: &str,
    texture: &TextureHandle,
    image_size: [u32; 2],
    transform: &mut ViewTransform,
    below: f32,
) -> ViewArea {
    let (outer, response) = ui.allocate_exact_size(view_size(ui, below), Sense::click_and_drag());
    let rect = fit(outer, image_size);
    let response = response.on_hover_text(format!(
        "{label}: scroll or pinch to zoom, drag to pan, double-click to reset"
    ));
    interact(ui, &response, rect, transform);
    ui.painter_at(outer)
        .image(texture.id(), rect, transform.uv(), Color32::WHITE);
    ViewArea {
        response,
        rect,
        transform: *transform,
    }
}

/// Draws one view into `ui`'s available space (less `below` points); updates `transform`
/// from the pointer. `highlight` is a box in display-image pixels.
pub fn view_ui(
    ui: &mut Ui,
    title: &str,
    texture: &TextureHandle,
    image_size: [u32; 2],
    transform: &mut ViewTransform,
    highlight: Option<[u32; 4]>,
    below: f32,
) {
    ui.vertical(|ui| {
        ui.label(egui::RichText::new(title).strong());
        let area = zoomable_ui(ui, title, texture, image_size, transform, below);
        let painter = ui.painter_at(area.response.rect);
        highlight_box(&painter, area.rect, transform, image_size, highlight);
    });
}

/// Two views over each other: `left` left of the divider at `split` (0..1 of the width),
/// `right` to its right. Dragging with the secondary button (or the slider) moves the divider.
pub struct Swipe<'a> {
    pub titles: [&'a str; 2],
    pub textures: [&'a TextureHandle; 2],
    pub split: &'a mut f32,
}

pub fn swipe_ui(
    ui: &mut Ui,
    swipe: Swipe<'_>,
    image_size: [u32; 2],
    transform: &mut ViewTransform,
    highlight: Option<[u32; 4]>,
    below: f32,
) {
    let Swipe {
        titles,
        textures,
        split,
    } = swipe;
    ui.vertical(|ui| {
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(titles[0]).strong());
            ui.add(
                egui::Slider::new(split, 0.0..=1.0)
                    .show_value(false)
                    .text("swipe"),
            );
            ui.label(egui::RichText::new(titles[1]).strong());
        });
        let (outer, response) =
            ui.allocate_exact_size(view_size(ui, below), Sense::click_and_drag());
        let rect = fit(outer, image_size);
        let response = response.on_hover_text(format!(
            "{} | {}: scroll to zoom, drag to pan, right-drag to move the divider",
            titles[0], titles[1]
        ));
        if response.dragged_by(egui::PointerButton::Secondary)
            && let Some(p) = response.interact_pointer_pos()
        {
            *split = ((p.x - rect.min.x) / rect.width()).clamp(0.0, 1.0);
        } else {
            interact(ui, &response, rect, transform);
        }
        let painter = ui.painter_at(outer);
        let uv = transform.uv();
        let x = rect.min.x + rect.width() * *split;
        let u = uv.min.x + uv.width() * *split;
        let left = Rect::from_min_max(rect.min, pos2(x, rect.max.y));
        let right = Rect::from_min_max(pos2(x, rect.min.y), rect.max);
        let left_uv = Rect::from_min_max(uv.min, pos2(u, uv.max.y));
        let right_uv = Rect::from_min_max(pos2(u, uv.min.y), uv.max);
        painter.image(textures[0].id(), left, left_uv, Color32::WHITE);
        painter.image(textures[1].id(), right, right_uv, Color32::WHITE);
        painter.line_segment(
            [pos2(x, rect.min.y), pos2(x, rect.max.y)],
            Stroke::new(2.0, Color32::WHITE),
        );
        highlight_box(&painter, rect, transform, image_size, highlight);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoomed_view_stays_inside_the_image() {
        let mut t = ViewTransform {
            zoom: 4.0,
            center: vec2(0.01, 0.99),
        };
        t.clamp();
        let uv = t.uv();
        assert!(uv.min.x >= 0.0 && uv.max.y <= 1.0);
        assert!((uv.width() - 0.25).abs() < 1e-6);
    }

    #[test]
    fn fit_keeps_aspect() {
        let r = fit(
            Rect::from_min_size(Pos2::ZERO, vec2(400.0, 100.0)),
            [200, 100],
        );
        assert_eq!(r.size(), vec2(200.0, 100.0));
    }
}
