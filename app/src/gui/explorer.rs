//! The attention explorer, a mode of the image view: one fusion tile's attention
//! (`engine::attention_explorer`) over the image at the tile's place, zoomed and panned with
//! the image view's own `ViewTransform`; block slider, head selector, source (class token, a
//! clicked query patch, rollout, the CAM's walk with a step slider) and one line saying what
//! is shown. The worker computes the tile (`Request::Attention`); this view draws and asks.

mod tile_view;

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use egui::{Rect, TextureHandle, Ui, UiBuilder, pos2, vec2};
use forgelens_engine::attention_explorer::{ExplorerView, Head, Source, TileAttention};
use image::RgbImage;

use super::display::MAX_DISPLAY_SIDE;
use super::map_view::{MapLook, ViewTransform, colour_scale_ui, to_color_image};
use super::state::State;
pub use tile_view::VIEW_LABEL;
use tile_view::{Layers, at_most, head_grid_ui, overview_ui, tile_picture, zoomable_tile_ui};

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
    /// The image at display size (its size, pixels), drawn under the tile and as overview.
    base: Option<([u32; 2], TextureHandle)>,
    tile: Option<TileAttention>,
    pending: Option<Receiver<Result<TileAttention, String>>>,
    error: Option<String>,
    description: String,
    /// The tile's picture, with the view and look it was drawn with.
    texture: Option<((ExplorerView, MapLook), TextureHandle)>,
    /// Show every head of the block as small multiples (class token and query sources).
    pub head_grid: bool,
    grid_textures: Option<((ExplorerView, MapLook), Vec<TextureHandle>)>,
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
    /// request's `reply`. With no point picked, the tile nearest the centre of the view
    /// `transform` shows (`None`, the image's centre, when the view is not zoomed).
    pub fn tile_request(&mut self, transform: &ViewTransform) -> Option<TileRequest> {
        if !self.wanted {
            return None;
        }
        let image = self.image.clone()?;
        self.wanted = false;
        let zoomed = *transform != ViewTransform::default();
        let centre = view_centre(transform, image.width(), image.height());
        Some(TileRequest {
            image,
            point: self.point.or(zoomed.then_some(centre)),
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
        self.grid_textures = None;
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

    /// Draws the explorer: the controls, then the image view's zoomable view with `transform`
    /// (the app's, shared with the image view) and `state`'s colour map and opacity; a click
    /// on the tile picks the query patch under it.
    pub fn ui(&mut self, ui: &mut Ui, transform: &mut ViewTransform, state: &State) {
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
        let mut wanted_point = None;
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
            ui.separator();
            if ui.button("Zoom to the tile").clicked() {
                *transform = tile_transform(tile);
            }
            if ui.button("Tile at the view's centre").clicked() {
                wanted_point = Some(view_centre(transform, tile.image_width, tile.image_height));
            }
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
        let look = explorer_look(state);
        let ctx = ui.ctx().clone();
        let base = self.base.get_or_insert_with(|| {
            let small = at_most(image, MAX_DISPLAY_SIDE);
            let texture = ctx.load_texture(
                "attention-explorer-image",
                to_color_image(&small),
                egui::TextureOptions::LINEAR,
            );
            ([small.width(), small.height()], texture)
        });
        if let Some(view) = view
            && self
                .texture
                .as_ref()
                .is_none_or(|(k, _)| *k != (view, look))
            && let Some(picture) = tile_picture(image, tile, &view, look, false)
        {
            let texture = ctx.load_texture(
                "attention-explorer",
                to_color_image(&at_most(&picture, MAX_DISPLAY_SIDE)),
                egui::TextureOptions::LINEAR,
            );
            self.texture = Some(((view, look), texture));
        }
        let grid_view = view.filter(|v| {
            self.head_grid && matches!(v.source, Source::ClassToken | Source::Query { .. })
        });
        if let Some(view) = grid_view {
            let key = (
                ExplorerView {
                    head: Head::Mean,
                    ..view
                },
                look,
            );
            if self.grid_textures.as_ref().is_none_or(|(k, _)| *k != key) {
                let textures = (0..tile.heads)
                    .filter_map(|h| {
                        let one = ExplorerView {
                            head: Head::Index(h),
                            ..view
                        };
                        let picture = tile_picture(image, tile, &one, look, true)?;
                        Some(ctx.load_texture(
                            format!("attention-explorer-head-{h}"),
                            to_color_image(&at_most(&picture, HEAD_PX)),
                            egui::TextureOptions::LINEAR,
                        ))
                    })
                    .collect();
                self.grid_textures = Some((key, textures));
            }
        }

        let available = ui.available_rect_before_wrap();
        let side_width = SIDE_WIDTH.min(available.width() * 0.4);
        let side_rect = Rect::from_min_size(available.min, vec2(side_width, available.height()));
        let main_rect = Rect::from_min_max(
            pos2(available.min.x + side_width + 8.0, available.min.y),
            available.max,
        );
        let mut side = ui.new_child(UiBuilder::new().max_rect(side_rect));
        side.set_clip_rect(side_rect.intersect(ui.clip_rect()));
        side.label("The tile (click the overview to explore another):");
        let picked = overview_ui(&mut side, &base.1, tile, side_width);
        colour_scale_ui(&mut side, look.colormap, "0", "1");
        if let (Some(view), Some((_, textures))) = (grid_view, &self.grid_textures) {
            side.label(format!(
                "Every head of block {}, over the whole tile (not zoomed: the small \
                 multiples compare heads at a glance; the view on the right zooms):",
                view.block + 1
            ));
            egui::ScrollArea::vertical().show(&mut side, |ui| {
                head_grid_ui(ui, textures, tile, view.block, side_width);
            });
        }
        let mut main = ui.new_child(UiBuilder::new().max_rect(main_rect));
        let layers = Layers {
            image: &base.1,
            image_size: base.0,
            tile_picture: self
                .texture
                .as_ref()
                .filter(|(k, _)| Some(k.0) == view)
                .map(|(_, t)| t),
            query: self.query.filter(|_| self.source == SourceKind::Query),
        };
        if let Some(patch) = zoomable_tile_ui(&mut main, tile, layers, transform) {
            self.query = Some(patch);
            self.source = SourceKind::Query;
        }
        ui.advance_cursor_after_rect(available);
        if let Some(point) = picked.or(wanted_point) {
            self.point = Some(point);
            self.query = None;
            self.wanted = true;
        }
    }
}

/// Side column width, points.
const SIDE_WIDTH: f32 = 200.0;
/// Longest side of a head's small multiple, pixels.
const HEAD_PX: u32 = 256;

/// The image view's look for a continuous map (the colour map, and the opacity when the
/// overlay is on); the binary mask is the image view's, for the analysis' maps.
fn explorer_look(state: &State) -> MapLook {
    MapLook {
        colormap: state.colormap,
        opacity: if state.show_overlay {
            state.opacity
        } else {
            1.0
        },
        threshold: 0.5,
        binary_mask: false,
        show_overlay: state.show_overlay,
    }
}

/// The transform that fills the view with the tile (as far as the zoom limits allow).
fn tile_transform(tile: &TileAttention) -> ViewTransform {
    let (ox, oy) = tile.origin_image();
    let (tw, th) = tile.size_image();
    let (w, h) = (tile.image_width as f32, tile.image_height as f32);
    ViewTransform::centred(
        vec2((ox + tw / 2.0) / w, (oy + th / 2.0) / h),
        1.0 / (tw / w).max(th / h),
    )
}

/// The image point (pixels) at the centre of the view of a `width` x `height` image.
fn view_centre(transform: &ViewTransform, width: u32, height: u32) -> (f32, f32) {
    let (w, h) = (width as f32, height as f32);
    (
        (transform.center.x * w).clamp(0.0, w - 1.0),
        (transform.center.y * h).clamp(0.0, h - 1.0),
    )
}
