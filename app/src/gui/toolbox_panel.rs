//! The toolbox panel: the tool, its parameters, its state (progress and cancel, failure,
//! headline finding), its maps as views, their regions, the compare layout, and the file panel.

use egui::{Color32, ProgressBar, RichText, Slider, Ui};

use super::command::Command;
use super::display::Displayed;
use super::state::{Layout, State, ViewKind};
use super::toolbox::{Entry, MAP_TOOLS, ToolCache, ToolKey, ToolMap};
use super::toolbox_file::file_panel_ui;
use super::toolbox_params::params_ui;
use crate::findings_text::headline;

pub fn toolbox_panel_ui(
    ui: &mut Ui,
    state: &mut State,
    tools: &mut ToolCache,
    displayed: Option<&mut Displayed>,
    selected: &mut Option<usize>,
    commands: &mut Vec<Command>,
) {
    ui.heading("Toolbox");
    let Some(d) = displayed else {
        ui.label("Open an image to run the classic tools on it.");
        return;
    };
    let sha = d.analysis.input.sha256.clone();
    egui::ScrollArea::vertical().show(ui, |ui| {
        let t = &mut state.toolbox;
        let before = t.tool;
        egui::ComboBox::from_id_salt("toolbox_tool")
            .width(ui.available_width() - 12.0)
            .selected_text(t.tool.title())
            .show_ui(ui, |ui| {
                for tool in MAP_TOOLS {
                    ui.selectable_value(&mut t.tool, tool, tool.title());
                }
            });
        if t.tool != before {
            t.map = 0;
            *selected = None;
        }
        let tool = t.tool;
        egui::CollapsingHeader::new("Parameters")
            .default_open(true)
            .show(ui, |ui| params_ui(ui, tool, &mut t.params));
        ui.separator();
        let key = ToolKey::new(&sha, tool, &t.params);
        tool_state_ui(ui, state, tools, &key, d, selected, commands);
        ui.separator();
        compare_ui(ui, state, tools, &key);
        ui.separator();
        let params = state.toolbox.params.clone();
        file_panel_ui(ui, tools, &|t| ToolKey::new(&sha, t, &params), commands);
    });
}

/// Progress and cancel, or the failure, or the finding, maps and regions.
fn tool_state_ui(
    ui: &mut Ui,
    state: &mut State,
    tools: &mut ToolCache,
    key: &ToolKey,
    d: &mut Displayed,
    selected: &mut Option<usize>,
    commands: &mut Vec<Command>,
) {
    let tool = key.tool;
    match tools.get(key) {
        None => {
            ui.spinner();
        }
        Some(Entry::Running {
            progress, started, ..
        }) => {
            let (fraction, stage) = progress.as_ref().map_or((0.0, "queued"), |p| {
                (p.done as f32 / p.total as f32, p.stage)
            });
            ui.horizontal(|ui| {
                ui.spinner();
                ui.add(ProgressBar::new(fraction).desired_width(120.0).text(stage));
                ui.label(format!("{:.1} s", started.elapsed().as_secs_f32()));
                if ui.button("Cancel").clicked() {
                    commands.push(Command::CancelTools);
                }
            });
        }
        Some(Entry::Cancelled) => {
            ui.label("cancelled");
            if ui.button("Compute").clicked() {
                commands.push(Command::RecomputeTool(tool));
            }
        }
        Some(Entry::Failed(e)) => {
            ui.colored_label(
                Color32::from_rgb(230, 80, 70),
                format!("{}: {e}", tool.name()),
            );
        }
        Some(Entry::Done(done)) => {
            ui.label(format!(
                "{} ({:.0} ms)",
                headline(&done.findings),
                done.elapsed_ms
            ));
            ui.horizontal_wrapped(|ui| {
                for (i, m) in done.maps.iter().enumerate() {
                    let view = ViewKind::Tool(ToolMap {
                        tool,
                        index: i as u8,
                    });
                    let shown = state.layout == Layout::Single(view);
                    if ui.selectable_label(shown, &m.name).clicked() {
                        state.toolbox.map = i as u8;
                        state.layout = Layout::Single(view);
                        *selected = None;
                    }
                }
            });
            let index = usize::from(state.toolbox.map);
            let Some(map) = done.maps.get_mut(index) else {
                return;
            };
            ui.label(RichText::new(map.scale.describe()).weak());
            let label = format!("{} threshold", tool.name());
            ui.add(Slider::new(state.toolbox.threshold_mut(tool), 0.0..=1.0).text(label));
            let threshold = state.toolbox.threshold(tool);
            let scale = d.display_to_input();
            let name = map.name.clone();
            let regions = map.regions(threshold);
            let total: f32 = regions.iter().map(|r| r.area_fraction).sum();
            ui.label(format!(
                "Regions: {name} ≥ {threshold:.2}: {} regions, {:.1}% of the image",
                regions.len(),
                total * 100.0
            ));
            if selected.is_some_and(|s| s >= regions.len()) {
                *selected = None;
            }
            egui::ScrollArea::vertical()
                .id_salt("tool_regions")
                .max_height(140.0)
                .show(ui, |ui| {
                    for (i, r) in regions.iter().enumerate().take(100) {
                        let [x0, y0, x1, y1] = r.bbox.map(|v| (v as f32 * scale).round() as u32);
                        let text = format!(
                            "#{} {:.2}% at {x0},{y0} size {}x{}",
                            i + 1,
                            r.area_fraction * 100.0,
                            x1 - x0 + 1,
                            y1 - y0 + 1
                        );
                        if ui.selectable_label(*selected == Some(i), text).clicked() {
                            *selected = if *selected == Some(i) { None } else { Some(i) };
                        }
                    }
                });
        }
    }
}

/// Every view the compare layout can show: the image, the learned maps, the tool's maps.
fn choices(tools: &mut ToolCache, key: &ToolKey) -> Vec<(ViewKind, String)> {
    let mut views: Vec<(ViewKind, String)> = ViewKind::ALL
        .into_iter()
        .map(|k| (k, k.title().to_string()))
        .collect();
    let names: Vec<String> = match tools.get(key) {
        Some(Entry::Done(done)) => done.maps.iter().map(|m| m.name.clone()).collect(),
        _ => vec!["map".into()],
    };
    for (i, name) in names.into_iter().enumerate() {
        let view = ViewKind::Tool(ToolMap {
            tool: key.tool,
            index: i as u8,
        });
        views.push((view, format!("{}: {name}", key.tool.name())));
    }
    views
}

fn compare_ui(ui: &mut Ui, state: &mut State, tools: &mut ToolCache, key: &ToolKey) {
    let views = choices(tools, key);
    let name = |v: ViewKind| {
        views
            .iter()
            .find(|(k, _)| *k == v)
            .map_or_else(|| v.title().to_string(), |(_, n)| n.clone())
    };
    let (mut left, mut right, mut swipe) = match state.layout {
        Layout::Compare { left, right, swipe } => (left, right, swipe),
        _ => (
            ViewKind::Fused,
            ViewKind::Tool(ToolMap::first(key.tool)),
            false,
        ),
    };
    ui.label(RichText::new("Compare").strong());
    for (label, view) in [("left", &mut left), ("right", &mut right)] {
        egui::ComboBox::from_label(label)
            .selected_text(name(*view))
            .show_ui(ui, |ui| {
                for (k, n) in &views {
                    ui.selectable_value(view, *k, n);
                }
            });
    }
    ui.checkbox(&mut swipe, "Swipe (one view over the other)");
    let comparing = matches!(state.layout, Layout::Compare { .. });
    if comparing || ui.button("Compare").clicked() {
        state.layout = Layout::Compare { left, right, swipe };
    }
    if comparing && ui.button("Back to the grid").clicked() {
        state.layout = Layout::Grid;
    }
}
