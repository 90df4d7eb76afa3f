//! One image view (the photograph or a map), drawn with a zoom/pan transform that all views
//! share: scrolling zooms about the pointer, dragging pans, double-click resets. The selected
//! region's box is drawn in every view.

use egui::{Color32, Pos2, Rect, Sense, Stroke, TextureHandle, Ui, Vec2, pos2, vec2};

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
    fn screen_point(&self, rect: Rect, p: Vec2) -> Pos2 {
        let uv = self.uv();
        pos2(
            rect.min.x + (p.x - uv.min.x) / uv.width() * rect.width(),
            rect.min.y + (p.y - uv.min.y) / uv.height() * rect.height(),
        )
    }
}

/// Largest rectangle of the image's aspect ratio that fits `available`, centred.
fn fit(available: Rect, image_size: [u32; 2]) -> Rect {
    let aspect = image_size[0] as f32 / image_size[1].max(1) as f32;
    let mut size = available.size();
    if size.x / size.y.max(1.0) > aspect {
        size.x = size.y * aspect;
    } else {
        size.y = size.x / aspect;
    }
    Rect::from_center_size(available.center(), size)
}

/// Draws one view into `ui`'s available space; updates `transform` from the pointer.
/// `highlight` is a box in display-image pixels.
pub fn view_ui(
    ui: &mut Ui,
    title: &str,
    texture: &TextureHandle,
    image_size: [u32; 2],
    transform: &mut ViewTransform,
    highlight: Option<[u32; 4]>,
) {
    ui.vertical(|ui| {
        ui.label(egui::RichText::new(title).strong());
        let available = ui.available_rect_before_wrap();
        let (outer, response) = ui.allocate_exact_size(available.size(), Sense::click_and_drag());
        let rect = fit(outer, image_size);
        let response = response.on_hover_text(format!(
            "{title}: scroll to zoom, drag to pan, double-click to reset"
        ));

        if response.double_clicked() {
            *transform = ViewTransform::default();
        }
        if response.dragged() {
            let delta = response.drag_delta();
            transform.center -=
                vec2(delta.x / rect.width(), delta.y / rect.height()) / transform.zoom;
            transform.clamp();
        }
        if response.hovered() {
            let scroll = ui.input(|i| i.smooth_scroll_delta.y);
            if scroll != 0.0
                && let Some(pointer) = response.hover_pos()
            {
                let uv = transform.uv();
                let at = vec2(
                    uv.min.x + (pointer.x - rect.min.x) / rect.width() * uv.width(),
                    uv.min.y + (pointer.y - rect.min.y) / rect.height() * uv.height(),
                );
                let old = transform.zoom;
                transform.zoom = (old * (scroll / 200.0).exp()).clamp(1.0, ViewTransform::MAX_ZOOM);
                // Keep the point under the pointer where it is.
                transform.center = at + (transform.center - at) * (old / transform.zoom);
                transform.clamp();
            }
        }

        let painter = ui.painter_at(outer);
        painter.image(texture.id(), rect, transform.uv(), Color32::WHITE);
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
