//! The menu bar: file, model and device, view, help (and the help window it opens).

use egui::Ui;
use forgelens_engine::DeviceChoice;
use forgelens_engine::device::cuda_built;
use forgelens_report::ReportFormat;

use super::case_panel::CaseForm;
use super::command::{Command, Mode};
use super::help;
use super::state::State;

/// `mode` is `Some` once there is a batch table to switch to.
pub fn top_bar_ui(
    ui: &mut Ui,
    state: &mut State,
    has_analysis: bool,
    mode: Mode,
    has_batch: bool,
    commands: &mut Vec<Command>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if ui.button("Open image… (Ctrl+O)").clicked() {
                commands.push(Command::OpenDialog);
            }
            if ui.button("New case…").clicked() {
                commands.push(Command::CaseForm(CaseForm::New));
            }
            if ui.button("Open case…").clicked() {
                commands.push(Command::CaseForm(CaseForm::Open));
            }
            ui.menu_button("Recent", |ui| {
                if state.recent_files.is_empty() {
                    ui.label("nothing yet");
                }
                for path in &state.recent_files {
                    if ui.button(path.display().to_string()).clicked() {
                        commands.push(Command::Open(path.clone()));
                    }
                }
                if !state.recent_files.is_empty() && ui.button("Clear").clicked() {
                    commands.push(Command::ClearRecent);
                }
            });
            if ui
                .add_enabled(has_analysis, egui::Button::new("Export… (Ctrl+E)"))
                .clicked()
            {
                commands.push(Command::ExportDialog);
            }
            ui.menu_button("Export report", |ui| {
                for format in ReportFormat::ALL {
                    let label = format!("{}…", format.extension().to_uppercase());
                    if ui
                        .add_enabled(has_analysis, egui::Button::new(label))
                        .clicked()
                    {
                        commands.push(Command::ReportDialog(format));
                    }
                }
            });
            if ui.button("Trusted keys…").clicked() {
                commands.push(Command::ShowTrustedKeys);
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        });
        ui.menu_button("Model", |ui| {
            if ui.button("Open model directory…").clicked() {
                commands.push(Command::ModelDialog);
            }
            if ui.button("Use the bundled model").clicked() {
                commands.push(Command::UseBundledModel);
            }
            if ui.button("Model card…").clicked() {
                commands.push(Command::ShowModelCard);
            }
            if ui.button("Create an untrained small model").clicked() {
                commands.push(Command::CreateUntrainedModel);
            }
            ui.separator();
            ui.label("Device");
            for choice in [
                DeviceChoice::Auto,
                DeviceChoice::Cpu,
                DeviceChoice::Wgpu,
                DeviceChoice::Cuda,
            ] {
                let enabled = choice != DeviceChoice::Cuda || cuda_built();
                let selected = state.device == choice;
                if ui
                    .add_enabled(
                        enabled,
                        egui::Button::selectable(selected, choice.to_string()),
                    )
                    .clicked()
                    && !selected
                {
                    commands.push(Command::SetDevice(choice));
                }
            }
        });
        ui.menu_button("View", |ui| {
            if ui.checkbox(&mut state.dark_mode, "Dark theme").changed() {
                ui.close();
            }
            ui.checkbox(&mut state.show_overlay, "Overlay on image (O)");
            ui.checkbox(&mut state.binary_mask, "Binary mask");
            ui.checkbox(&mut state.toolbox.show_panel, "Toolbox panel (T)");
        });
        ui.menu_button("Help", |ui| {
            if ui.button(help::TITLE).clicked() {
                help::open(ui.ctx());
            }
        });
        ui.separator();
        for (m, label) in [
            (Mode::Image, "Image view"),
            (Mode::Explorer, "Attention explorer"),
            (Mode::Batch, "Batch table"),
            (Mode::Training, "Training"),
        ] {
            if m == Mode::Batch && !has_batch {
                continue;
            }
            if ui.selectable_label(mode == m, label).clicked() && mode != m {
                commands.push(Command::ShowView(m));
            }
        }
    });
    help::window(ui.ctx());
}
