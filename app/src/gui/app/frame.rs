//! The eframe `App` implementation: `logic` (replies, dropped files, shortcuts), `ui` (the
//! panels, the toolbox computations the screen needs, then the panels' commands), `save`
//! (the persisted `State`).

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::super::command::{Command, Mode};
use super::super::side_panel::side_panel_ui;
use super::super::toolbox_panel::toolbox_panel_ui;
use super::super::top_bar::top_bar_ui;
use super::super::worker::Request;
use super::{ForgeLensApp, ModelStatus};

const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const EXPORT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);

impl eframe::App for ForgeLensApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.take_replies();
        self.training.poll();
        ctx.set_theme(if self.state.dark_mode {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.execute(Command::Open(path));
        }
        let typing = ctx.memory(|m| m.focused().is_some());
        let mut commands = Vec::new();
        ctx.input_mut(|i| {
            if i.consume_shortcut(&OPEN) {
                commands.push(Command::OpenDialog);
            }
            if i.consume_shortcut(&EXPORT) {
                commands.push(Command::ExportDialog);
            }
            if !typing {
                if i.consume_key(Modifiers::NONE, Key::ArrowRight) {
                    commands.push(Command::OpenSibling(1));
                }
                if i.consume_key(Modifiers::NONE, Key::ArrowLeft) {
                    commands.push(Command::OpenSibling(-1));
                }
                if i.consume_key(Modifiers::NONE, Key::O) {
                    self.state.show_overlay = !self.state.show_overlay;
                }
                if i.consume_key(Modifiers::NONE, Key::T) {
                    self.state.toolbox.show_panel = !self.state.toolbox.show_panel;
                }
            }
        });
        for command in commands {
            self.execute(command);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let started = std::time::Instant::now();
        let mut commands = Vec::new();
        egui::Panel::top("top_bar").show(ui, |ui| {
            top_bar_ui(
                ui,
                &mut self.state,
                self.displayed.is_some(),
                self.mode,
                self.batch.is_some(),
                &mut commands,
            );
        });
        egui::Panel::bottom("status_bar").show(ui, |ui| self.status_bar_ui(ui, &mut commands));
        if let Some(error) = self.error.clone() {
            egui::Panel::top("error").show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.colored_label(
                        egui::Color32::from_rgb(230, 80, 70),
                        format!("Error: {error}"),
                    );
                    if ui.button("Dismiss").clicked() {
                        self.error = None;
                    }
                });
            });
        }
        if self.mode != Mode::Training {
            egui::Panel::right("side_panel")
                .resizable(true)
                .default_size(330.0)
                .show(ui, |ui| {
                    side_panel_ui(
                        ui,
                        &mut self.state,
                        self.displayed.as_mut(),
                        &mut self.selected_region,
                    );
                });
        }
        self.case_panel(ui, &mut commands);
        if self.mode == Mode::Image && self.state.toolbox.show_panel {
            egui::Panel::left("toolbox_panel")
                .resizable(true)
                .default_size(320.0)
                .show(ui, |ui| {
                    toolbox_panel_ui(
                        ui,
                        &mut self.state,
                        &mut self.tools,
                        self.displayed.as_mut(),
                        &mut self.tool_region,
                        &mut commands,
                    );
                });
        }
        self.request_visible_tools();
        egui::CentralPanel::default().show(ui, |ui| match (self.mode, self.batch.as_mut()) {
            (Mode::Training, _) => self.training.ui(
                ui,
                &mut self.state.training,
                self.state.colormap,
                &mut commands,
            ),
            (Mode::Batch, Some(batch)) => {
                batch.ui(ui, self.state.inconclusive_below, &mut commands)
            }
            (Mode::Explorer, _) => {
                if let Some(r) = self.explorer.tile_request(&self.transform) {
                    self.worker.send(Request::Attention {
                        image: r.image,
                        point: r.point,
                        reply: r.reply,
                    });
                }
                self.explorer.ui(ui, &mut self.transform, &self.state);
            }
            _ => self.views_ui(ui),
        });
        for command in commands {
            self.execute(command);
        }
        let mut key_commands = Vec::new();
        self.keys.ui(ui.ctx(), &mut key_commands);
        for command in key_commands {
            self.execute(command);
        }
        if self.show_model_card {
            let text = match &self.model {
                ModelStatus::Ready(m) => format!(
                    "{}\n\ndirectory: {}\ndevice: {}\n{}",
                    m.card,
                    m.dir.display(),
                    m.device,
                    m.device_reason
                ),
                ModelStatus::Loading => "loading…".to_string(),
                ModelStatus::Missing(e) => format!("no model: {e}"),
            };
            egui::Window::new("Model card")
                .open(&mut self.show_model_card)
                .resizable(true)
                .show(ui.ctx(), |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| ui.label(text));
                });
        }
        let busy = self.job.is_some();
        self.frames
            .record(started.elapsed().as_secs_f64() * 1000.0, busy);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}
