//! The central area and the status bar: the image and map views in the chosen layout (with
//! the shared zoom / pan), what to do before an image is open, model / batch / analysis status.

use std::path::PathBuf;

use super::super::command::Command;
use super::super::display::Displayed;
use super::super::map_view::view_ui;
use super::super::side_panel::region_map;
use super::super::state::{Layout, ViewKind};
use super::files::file_name;
use super::{ForgeLensApp, ModelStatus};

impl ForgeLensApp {
    pub(super) fn views_ui(&mut self, ui: &mut egui::Ui) {
        let Some(d) = self.displayed.as_mut() else {
            self.empty_view_ui(ui);
            return;
        };
        let ctx = ui.ctx().clone();
        let size = d.size();
        let highlight_map = region_map(self.state.layout).map_index().expect("a map");
        let highlight = self.selected_region.and_then(|i| {
            let threshold = self.state.thresholds[highlight_map];
            d.regions(highlight_map, threshold).get(i).map(|r| r.bbox)
        });
        let texture = |kind: ViewKind, d: &mut Displayed| match kind.map_index() {
            None => d.image_texture(&ctx),
            Some(i) => d.map_texture(&ctx, i, &self.state),
        };
        match self.state.layout {
            Layout::Single(kind) => {
                let t = texture(kind, d);
                view_ui(ui, kind.title(), &t, size, &mut self.transform, highlight);
            }
            Layout::Grid => {
                let available = ui.available_size();
                let cell = egui::vec2(available.x / 2.0 - 6.0, available.y / 2.0 - 6.0);
                egui::Grid::new("views").spacing([8.0, 8.0]).show(ui, |ui| {
                    for (n, kind) in ViewKind::ALL.into_iter().enumerate() {
                        let t = texture(kind, d);
                        ui.allocate_ui(cell, |ui| {
                            ui.set_min_size(cell);
                            view_ui(ui, kind.title(), &t, size, &mut self.transform, highlight);
                        });
                        if n % 2 == 1 {
                            ui.end_row();
                        }
                    }
                });
            }
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
            let sample = PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../assets/samples/chelsea.png"
            ));
            if sample.is_file() && ui.button("Open the sample photograph").clicked() {
                self.execute(Command::Open(sample));
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
