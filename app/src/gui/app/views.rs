//! The central area and the status bar: the image, learned and tool views in the chosen
//! layout (grid, single, compare side by side or swiped; one shared zoom / pan), what to do
//! before an image is open, model / batch / analysis status.

use egui::TextureHandle;
use forgelens_engine::render::Colormap;

use super::super::command::Command;
use super::super::display::Displayed;
use super::super::map_view::{MapLook, Swipe, ViewTransform, colour_scale_ui, swipe_ui, view_ui};
use super::super::side_panel::region_map;
use super::super::state::{Layout, State, ViewKind};
use super::super::toolbox::{Entry, ToolCache, ToolKey};
use super::files::file_name;
use super::{ForgeLensApp, ModelStatus};

impl ForgeLensApp {
    pub(super) fn views_ui(&mut self, ui: &mut egui::Ui) {
        if self.displayed.is_none() {
            self.empty_view_ui(ui);
            return;
        }
        let highlight = self.highlight();
        let views = self.visible_views();
        let ctx = ui.ctx().clone();
        let Some(d) = self.displayed.as_mut() else {
            return;
        };
        let size = d.size();
        let contents: Vec<Content> = views
            .iter()
            .map(|&kind| content(kind, d, &mut self.tools, &self.state, &ctx))
            .collect();
        let colormap = self.state.colormap;
        let transform = &mut self.transform;
        match self.state.layout {
            Layout::Single(_) => contents[0].ui(ui, size, transform, highlight, Some(colormap)),
            Layout::Compare { swipe: true, .. }
                if contents
                    .iter()
                    .all(|c| matches!(c, Content::Picture { .. })) =>
            {
                let [
                    Content::Picture {
                        title: a,
                        texture: ta,
                        ..
                    },
                    Content::Picture {
                        title: b,
                        texture: tb,
                        ..
                    },
                ] = &contents[..]
                else {
                    return;
                };
                let swipe = Swipe {
                    titles: [a, b],
                    textures: [ta, tb],
                    split: &mut self.state.toolbox.swipe_at,
                };
                swipe_ui(ui, swipe, size, transform, highlight, 0.0);
            }
            Layout::Compare { .. } => {
                ui.columns(2, |columns| {
                    for (column, c) in columns.iter_mut().zip(&contents) {
                        c.ui(column, size, transform, highlight, Some(colormap));
                    }
                });
            }
            Layout::Grid => {
                let columns = if contents.len() > 4 { 3 } else { 2 };
                let rows = contents.len().div_ceil(columns);
                let available = ui.available_size();
                let cell = egui::vec2(
                    available.x / columns as f32 - 6.0,
                    available.y / rows as f32 - 6.0,
                );
                egui::Grid::new("views").spacing([8.0, 8.0]).show(ui, |ui| {
                    for (n, c) in contents.iter().enumerate() {
                        ui.allocate_ui(cell, |ui| {
                            ui.set_min_size(cell);
                            c.ui(ui, size, transform, highlight, None);
                        });
                        if n % columns == columns - 1 {
                            ui.end_row();
                        }
                    }
                });
            }
        }
    }

    /// The selected region's box: the side panel's (learned map), else the toolbox's.
    fn highlight(&mut self) -> Option<[u32; 4]> {
        let key = self.tool_key(self.state.toolbox.tool);
        let d = self.displayed.as_mut()?;
        let learned = region_map(self.state.layout).map_index().expect("a map");
        let threshold = self.state.thresholds[learned];
        if let Some(i) = self.selected_region {
            return d.regions(learned, threshold).get(i).map(|r| r.bbox);
        }
        let i = self.tool_region?;
        match self.tools.get(&key?)? {
            Entry::Done(done) => done
                .maps
                .get_mut(usize::from(self.state.toolbox.map))?
                .regions(self.state.toolbox.threshold(self.state.toolbox.tool))
                .get(i)
                .map(|r| r.bbox),
            _ => None,
        }
    }

    /// What the central area says before any image is open.
    fn empty_view_ui(&mut self, ui: &mut egui::Ui) {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() / 3.0);
            if let ModelStatus::Missing(_) = self.model {
                ui.label(
                    "No model is loaded. Use the bundled model, open a model directory from the \
                     Model menu, or create an untrained `small` model to try the pipeline (its \
                     verdicts are not evidence).",
                );
                if ui.button("Use the bundled model").clicked() {
                    self.execute(Command::UseBundledModel);
                }
                if ui.button("Create an untrained small model").clicked() {
                    self.execute(Command::CreateUntrainedModel);
                }
                ui.add_space(12.0);
            }
            ui.label("Open an image (Ctrl+O) or drop one here.");
            let sample = forgelens_engine::data_dir::locate("samples/chelsea.png");
            if let Ok(sample) = sample
                && ui.button("Open the sample photograph").clicked()
            {
                self.execute(Command::Open(sample.path));
            }
        });
    }

    pub(super) fn status_bar_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            match &self.model {
                ModelStatus::Loading => {
                    ui.spinner();
                    ui.label("loading the model…");
                }
                ModelStatus::Ready(m) => {
                    let text = if m.trained {
                        format!("model {}", m.id)
                    } else {
                        format!("model {} (UNTRAINED)", m.id)
                    };
                    ui.label(text)
                        .on_hover_text(format!("{}\n{}\n{}", m.card, m.device, m.device_reason));
                }
                ModelStatus::Missing(_) => {
                    ui.label("no model");
                    if ui.button("Create an untrained small model").clicked() {
                        commands.push(Command::CreateUntrainedModel);
                    }
                }
            }
            ui.separator();
            if let Some(batch) = self.batch.as_ref().filter(|b| !b.done()) {
                let fraction = batch.rows.len() as f32 / batch.total.max(1) as f32;
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(160.0)
                        .show_percentage(),
                );
                ui.label(format!("batch: {} of {}", batch.rows.len(), batch.total));
                if ui.button("Cancel batch").clicked() {
                    commands.push(Command::CancelBatch);
                }
                ui.separator();
            }
            if let Some(job) = &self.job {
                let fraction = job
                    .progress
                    .as_ref()
                    .map(|p| p.done as f32 / p.total.max(1) as f32)
                    .unwrap_or(0.0);
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(160.0)
                        .show_percentage(),
                );
                ui.label(format!("analysing {}", file_name(&job.path)));
                if ui.button("Cancel").clicked() {
                    commands.push(Command::CancelAnalysis);
                }
            } else {
                ui.label(&self.status);
            }
        });
    }
}

/// What one view shows now: a picture, or a note (computing, cancelled, failed).
enum Content {
    Picture {
        title: String,
        texture: TextureHandle,
        /// What value 0 and value 1 mean, for maps.
        scale: Option<(String, String)>,
    },
    Note {
        title: String,
        text: String,
    },
}

impl Content {
    /// Draws the view; `legend`: the colour map, to draw the scale under a map.
    fn ui(
        &self,
        ui: &mut egui::Ui,
        size: [u32; 2],
        transform: &mut ViewTransform,
        highlight: Option<[u32; 4]>,
        legend: Option<Colormap>,
    ) {
        match self {
            Content::Picture {
                title,
                texture,
                scale,
            } => {
                let scale = scale.as_ref().zip(legend);
                let below = if scale.is_some() { 24.0 } else { 0.0 };
                ui.vertical(|ui| {
                    view_ui(ui, title, texture, size, transform, highlight, below);
                    if let Some(((low, high), colormap)) = scale {
                        colour_scale_ui(ui, colormap, low, high);
                    }
                });
            }
            Content::Note { title, text } => {
                ui.vertical(|ui| {
                    ui.label(egui::RichText::new(title).strong());
                    ui.add_space(24.0);
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(text);
                    });
                });
            }
        }
    }
}

fn content(
    kind: ViewKind,
    d: &mut Displayed,
    tools: &mut ToolCache,
    state: &State,
    ctx: &egui::Context,
) -> Content {
    let m = match (kind, kind.map_index()) {
        (ViewKind::Tool(m), _) => m,
        (_, Some(i)) => {
            // Older analyses were min-max normalised per image; newer ones record a fixed scale.
            let high = match d.analysis.map_scale {
                Some(_) => "1 (fixed scale, see the report)",
                None => "1 strongest in this image",
            };
            return Content::Picture {
                title: kind.title().into(),
                texture: d.map_texture(ctx, i, state),
                scale: Some(("0".into(), high.into())),
            };
        }
        (_, None) => {
            return Content::Picture {
                title: kind.title().into(),
                texture: d.image_texture(ctx),
                scale: None,
            };
        }
    };
    let title = m.tool.title().to_string();
    let note = |text: String| Content::Note {
        title: title.clone(),
        text,
    };
    let key = ToolKey::new(&d.analysis.input.sha256, m.tool, &state.toolbox.params);
    match tools.get(&key) {
        None | Some(Entry::Running { .. }) => note(format!("computing {}…", m.tool.name())),
        Some(Entry::Cancelled) => note("cancelled (Toolbox panel: Compute)".into()),
        Some(Entry::Failed(e)) => note(e.clone()),
        Some(Entry::Done(done)) => match done.maps.get_mut(usize::from(m.index)) {
            None => note(format!(
                "{} gives no map {} with these parameters",
                m.tool.name(),
                m.index + 1
            )),
            Some(map) => {
                let look = MapLook {
                    colormap: state.colormap,
                    opacity: if state.show_overlay {
                        state.opacity
                    } else {
                        1.0
                    },
                    threshold: state.toolbox.threshold(m.tool),
                    binary_mask: state.binary_mask,
                    show_overlay: state.show_overlay,
                };
                let s = &map.scale;
                let unit = if s.unit.is_empty() {
                    String::new()
                } else {
                    format!(" {}", s.unit)
                };
                Content::Picture {
                    title: format!("{}: {}", m.tool.name(), map.name),
                    scale: Some((
                        format!("0 = {}{unit}", s.zero),
                        format!("1 = {}{unit}", s.one),
                    )),
                    texture: map.texture(ctx, &d.image, look),
                }
            }
        },
    }
}
