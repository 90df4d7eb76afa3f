//! The attention explorer: one fusion tile's attention (`engine::attention_explorer`) with a
//! block slider, a head selector, a source (class token, a clicked query patch, rollout, the
//! CAM's walk with a step slider) and one line saying what is shown. The tile's attention is
//! computed by the worker (`Request::Attention`); this view only draws and asks.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use egui::{Color32, Rect, Sense, Stroke, TextureHandle, Ui, pos2, vec2};
use forgelens_engine::attention_explorer::{
    ExplorerView, Head, Source, TileAttention, mark_patch, over_tile,
};
use forgelens_engine::render::Colormap;
use image::RgbImage;

use super::map_view::to_color_image;

/// Which source the explorer shows (the query patch and walk steps are kept apart, so that
/// switching sources back and forth keeps them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourceKind {
    #[default]
    ClassToken,
    Query,
    Rollout,
    Walk,
}

/// What the worker is asked for: the attention of the tile nearest `point` of `image`.
pub struct TileRequest {
    pub image: Arc<RgbImage>,
    pub point: Option<(f32, f32)>,
    pub reply: Sender<Result<TileAttention, String>>,
}

/// Side of the overview picture's texture, pixels.
const OVERVIEW_PX: u32 = 240;

/// The tile's attention, the image it was cut from, what is chosen and what is drawn.
#[derive(Default)]
pub struct Explorer {
    pub block: usize,
    pub head: Head,
    pub source: SourceKind,
    /// The clicked patch (grid order), for `SourceKind::Query`.
    pub query: Option<usize>,
    pub steps: usize,
    /// The image point whose tile is explored (`None`: the tile nearest the centre).
    pub point: Option<(f32, f32)>,
    image: Option<Arc<RgbImage>>,
    /// A tile is wanted for `point` and not yet asked for.
    wanted: bool,
    overview: Option<TextureHandle>,
    tile: Option<TileAttention>,
    pending: Option<Receiver<Result<TileAttention, String>>>,
    error: Option<String>,
    description: String,
    texture: Option<(ExplorerView, TextureHandle)>,
    /// Show every head of the block as small multiples (class token and query sources).
    pub head_grid: bool,
    grid_textures: Option<(ExplorerView, Vec<TextureHandle>)>,
}

impl Explorer {
    /// A new image: its tiles' attention is asked for afresh.
    pub fn set_image(&mut self, image: Arc<RgbImage>) {
        *self = Self {
            block: self.block,
            head: self.head,
            source: self.source,
            steps: self.steps,
            image: Some(image),
            wanted: true,
            ..Self::default()
        };
    }

    pub fn image(&self) -> Option<&Arc<RgbImage>> {
        self.image.as_ref()
    }

    /// The worker request for the tile the explorer wants, once; the answer arrives on the
    /// request's `reply`.
    pub fn tile_request(&mut self) -> Option<TileRequest> {
        if !self.wanted {
            return None;
        }
        let image = self.image.clone()?;
        self.wanted = false;
        Some(TileRequest {
            image,
            point: self.point,
            reply: self.expect_tile(),
        })
    }

    /// The worker's answer goes to the returned sender; `poll` picks it up.
    pub fn expect_tile(&mut self) -> Sender<Result<TileAttention, String>> {
        let (tx, rx) = channel();
        self.pending = Some(rx);
        tx
    }

    pub fn is_waiting(&self) -> bool {
        self.pending.is_some()
    }

    pub fn poll(&mut self) {
        let Some(rx) = &self.pending else { return };
        match rx.try_recv() {
            Ok(result) => {
                self.pending = None;
                match result {
                    Ok(tile) => self.set_tile(tile),
                    Err(e) => self.error = Some(e),
                }
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => {
                self.pending = None;
                self.error = Some("the worker stopped before answering".into());
            }
        }
    }

    pub fn set_tile(&mut self, tile: TileAttention) {
        self.block = self.block.min(tile.blocks().saturating_sub(1));
        if let Head::Index(h) = self.head
            && h >= tile.heads
        {
            self.head = Head::Mean;
        }
        self.query = self.query.filter(|&q| q < tile.patches());
        self.tile = Some(tile);
        self.texture = None;
        self.error = None;
    }

    pub fn tile(&self) -> Option<&TileAttention> {
        self.tile.as_ref()
    }

    /// The view the controls select (none for a query source before a patch is clicked).
    pub fn view(&self) -> Option<ExplorerView> {
        let source = match self.source {
            SourceKind::ClassToken => Source::ClassToken,
            SourceKind::Query => Source::Query { patch: self.query? },
            SourceKind::Rollout => Source::Rollout,
            SourceKind::Walk => Source::Walk { steps: self.steps },
        };
        Some(ExplorerView {
            block: self.block,
            head: self.head,
            source,
        })
    }

    /// The one line under the controls: what is shown and how it was computed.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Draws the explorer; a click on the tile picks the query patch under it.
    pub fn ui(&mut self, ui: &mut Ui) {
        self.poll();
        let Some(tile) = &self.tile else {
            ui.label(match (&self.error, self.pending.is_some()) {
                (Some(e), _) => format!("Attention explorer: {e}"),
                (None, true) => "Computing the tile's attention…".to_string(),
                (None, false) => "Attention explorer: no tile yet.".to_string(),
            });
            return;
        };
        let (blocks, heads, steps_model) = (tile.blocks(), tile.heads, tile.propagation_steps);
        ui.horizontal_wrapped(|ui| {
            let mut block = self.block + 1;
            ui.add(egui::Slider::new(&mut block, 1..=blocks).text("Block"));
            self.block = block - 1;
            ui.separator();
            ui.toggle_value(&mut self.head_grid, "All heads");
            ui.selectable_value(&mut self.head, Head::Mean, "Mean of heads");
            for h in 0..heads {
                ui.selectable_value(&mut self.head, Head::Index(h), format!("Head {}", h + 1));
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("Source:");
            ui.selectable_value(&mut self.source, SourceKind::ClassToken, "Class token");
            ui.selectable_value(&mut self.source, SourceKind::Query, "Query patch");
            ui.selectable_value(&mut self.source, SourceKind::Rollout, "Rollout");
            ui.selectable_value(&mut self.source, SourceKind::Walk, "CAM walk");
            ui.separator();
            ui.add(egui::Slider::new(&mut self.steps, 0..=steps_model.max(8)).text("Walk step"));
        });
        let view = self.view();
        self.description = match view.map(|v| tile.view(&v)) {
            None => "Click a patch of the tile to see where it attends.".to_string(),
            Some(Ok(map)) => map.description,
            Some(Err(e)) => e.to_string(),
        };
        ui.label(&self.description);

        let Some(image) = &self.image else {
            return;
        };
        if let Some(view) = view
            && self.texture.as_ref().is_none_or(|(v, _)| *v != view)
            && let Ok(map) = tile.view(&view)
        {
            let picture = draw(image, tile, &view, &map.values);
            let texture = ui.ctx().load_texture(
                "attention-explorer",
                to_color_image(&picture),
                egui::TextureOptions::LINEAR,
            );
            self.texture = Some((view, texture));
        }
        let picked = overview_ui(ui, &mut self.overview, image, tile);
        let (crop_w, crop_h) = tile.size_image();
        let side = ui
            .available_width()
            .min(ui.available_height() - 8.0)
            .max(64.0);
        let size = vec2(side, side * crop_h / crop_w.max(1.0));
        let response = match &self.texture {
            Some((_, texture)) => ui.add(
                egui::Image::new(texture)
                    .fit_to_exact_size(size)
                    .sense(Sense::click())
                    .alt_text("attention tile"),
            ),
            None => {
                let (rect, response) = ui.allocate_exact_size(size, Sense::click());
                ui.painter().rect_filled(rect, 0.0, Color32::DARK_GRAY);
                response
            }
        };
        if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            let (ox, oy) = tile.origin_image();
            let rel = (pos - response.rect.min) / response.rect.size();
            let (x, y) = (ox + rel.x * crop_w, oy + rel.y * crop_h);
            if let Ok(patch) = tile.patch_at(x, y) {
                self.query = Some(patch);
                self.source = SourceKind::Query;
            }
        }
        if self.head_grid
            && let Some(view) = view
            && matches!(view.source, Source::ClassToken | Source::Query { .. })
        {
            let key = ExplorerView {
                head: Head::Mean,
                ..view
            };
            if self.grid_textures.as_ref().is_none_or(|(k, _)| *k != key) {
                let textures = (0..tile.heads)
                    .filter_map(|h| {
                        let one = ExplorerView {
                            head: Head::Index(h),
                            ..view
                        };
                        let picture = picture(image, tile, &one)?;
                        Some(ui.ctx().load_texture(
                            format!("attention-explorer-head-{h}"),
                            to_color_image(&picture),
                            egui::TextureOptions::LINEAR,
                        ))
                    })
                    .collect();
                self.grid_textures = Some((key, textures));
            }
            if let Some((_, textures)) = &self.grid_textures {
                let side = 120.0;
                ui.horizontal_wrapped(|ui| {
                    for (h, texture) in textures.iter().enumerate() {
                        ui.add(
                            egui::Image::new(texture)
                                .fit_to_exact_size(vec2(side, side * crop_h / crop_w.max(1.0)))
                                .alt_text(format!("block {}, head {}", view.block + 1, h + 1)),
                        );
                    }
                });
            }
        }
        if let Some(point) = picked {
            self.point = Some(point);
            self.query = None;
            self.wanted = true;
        }
    }
}

/// The whole image, small, with the tile outlined; returns the image point clicked (whose
/// tile is then asked for).
fn overview_ui(
    ui: &mut Ui,
    texture: &mut Option<TextureHandle>,
    image: &RgbImage,
    tile: &TileAttention,
) -> Option<(f32, f32)> {
    let (w, h) = image.dimensions();
    let texture = texture.get_or_insert_with(|| {
        let scale = f64::from(OVERVIEW_PX) / f64::from(w.max(h));
        let small = image::imageops::thumbnail(
            image,
            ((f64::from(w) * scale).round() as u32).max(1),
            ((f64::from(h) * scale).round() as u32).max(1),
        );
        ui.ctx().load_texture(
            "attention-explorer-overview",
            to_color_image(&small),
            egui::TextureOptions::LINEAR,
        )
    });
    ui.label("Tile (click the overview to explore another tile):");
    let size = vec2(160.0, 160.0 * h as f32 / w as f32);
    let response = ui.add(
        egui::Image::new(&*texture)
            .fit_to_exact_size(size)
            .sense(Sense::click())
            .alt_text("image overview"),
    );
    let to_screen = |x: f32, y: f32| {
        response.rect.min + vec2(x / w as f32, y / h as f32) * response.rect.size()
    };
    let (ox, oy) = tile.origin_image();
    let (tw, th) = tile.size_image();
    ui.painter().rect_stroke(
        Rect::from_min_max(to_screen(ox, oy), to_screen(ox + tw, oy + th)),
        0.0,
        Stroke::new(1.5, Color32::from_rgb(0, 255, 255)),
        egui::StrokeKind::Inside,
    );
    let pos = response
        .interact_pointer_pos()
        .filter(|_| response.clicked())?;
    let rel = (pos - response.rect.min) / response.rect.size();
    let point = pos2(rel.x * w as f32, rel.y * h as f32);
    Some((
        point.x.clamp(0.0, w as f32 - 1.0),
        point.y.clamp(0.0, h as f32 - 1.0),
    ))
}

/// A view's map over the tile's crop, a query patch outlined.
fn draw(image: &RgbImage, tile: &TileAttention, view: &ExplorerView, values: &[f32]) -> RgbImage {
    let mut picture = over_tile(image, tile, values, Colormap::Inferno, 0.6);
    if let Source::Query { patch } = view.source {
        mark_patch(&mut picture, tile, patch);
    }
    picture
}

fn picture(image: &RgbImage, tile: &TileAttention, view: &ExplorerView) -> Option<RgbImage> {
    let map = tile.view(view).ok()?;
    Some(draw(image, tile, view, &map.values))
}
