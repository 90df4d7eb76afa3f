//! The side panel: verdict and probabilities (inconclusive below the model card's threshold
//! or the analyst's own), what was analysed with what, the map settings (thresholds,
//! opacity, colour map, mask) and the region list.

use egui::{Color32, ProgressBar, RichText, Slider, Ui};
use forgelens_engine::Label;
use forgelens_engine::analysis::{percent, verdict};
use forgelens_engine::render::Colormap;

use super::display::Displayed;
use super::state::{Layout, State, ViewKind};

/// The map whose regions are listed: the single view's map, else the fused map.
pub fn region_map(layout: Layout) -> ViewKind {
    match layout {
        Layout::Single(kind) if kind.map_index().is_some() => kind,
        _ => ViewKind::Fused,
    }
}

/// The analyst's own inconclusive threshold, or the model card's (shown, not changed).
fn decision_ui(ui: &mut Ui, state: &mut State, card_threshold: Option<f32>) {
    let mut own = state.inconclusive_below.is_some();
    if ui
        .checkbox(&mut own, "Own inconclusive threshold")
        .on_hover_text("Call a verdict inconclusive when its top probability is below this.")
        .changed()
    {
        state.inconclusive_below = own.then(|| card_threshold.unwrap_or(0.5));
    }
    match &mut state.inconclusive_below {
        Some(t) => {
            ui.add(Slider::new(t, 0.0..=1.0).text("inconclusive below"));
        }
        None => {
            ui.label(match card_threshold {
                Some(t) => format!("Inconclusive below {} (model card)", percent(t)),
                None => "The model card sets no inconclusive threshold.".to_string(),
            });
        }
    }
}

fn verdict_ui(ui: &mut Ui, state: &mut State, displayed: &Displayed) {
    let a = &displayed.analysis;
    let card_threshold = a.verdict.inconclusive_below;
    let v = verdict(
        &a.probabilities,
        a.model.trained,
        state.inconclusive_below.or(card_threshold),
    );
    let colour = match v.label {
        _ if v.inconclusive => Color32::from_rgb(150, 150, 160),
        Label::Real => Color32::from_rgb(80, 190, 110),
        Label::Partial => Color32::from_rgb(240, 170, 40),
        Label::Full => Color32::from_rgb(230, 80, 70),
    };
    let heading = if v.inconclusive {
        "Verdict: inconclusive".to_string()
    } else {
        format!("Verdict: {}", v.label.describe())
    };
    ui.label(RichText::new(heading).heading().color(colour));
    if v.inconclusive {
        ui.label(format!(
            "Most likely {} at {}, below the {} needed to decide.",
            v.label.describe(),
            percent(v.confidence),
            v.inconclusive_below.map_or_else(String::new, percent)
        ));
    }
    if !a.model.trained {
        ui.label(
            RichText::new("Untrained model: this output is not evidence.")
                .color(Color32::from_rgb(230, 80, 70))
                .strong(),
        );
    } else if !v.maps_meaningful {
        ui.label("The maps are shown for inspection; the verdict does not call for localisation.");
    }
    let p = a.probabilities;
    for (name, value) in [("real", p.real), ("partial", p.partial), ("full", p.full)] {
        ui.add(ProgressBar::new(value).text(format!("{name} {}", percent(value))));
    }
    decision_ui(ui, state, card_threshold);
    egui::CollapsingHeader::new("Details")
        .default_open(false)
        .show(ui, |ui| {
            let i = &a.input;
            ui.label(format!("file: {}", displayed.path.display()));
            ui.label(format!(
                "{} x {} px, {} bytes, {} ({})",
                i.width, i.height, i.byte_len, i.format, i.colour
            ));
            ui.label(format!("SHA-256: {}", i.sha256));
            ui.label(format!(
                "model: {} (extractor {})",
                a.model.id, a.model.extractor
            ));
            ui.label(format!("device: {} ({})", a.device.backend, a.device.name));
            ui.label(match &a.map_scale {
                Some(scale) => format!("map values: {scale}"),
                None => "map values: min-max normalised per image (an older analysis)".into(),
            });
            ui.label(format!(
                "{} tiles of {} px at {} x {}",
                a.tiling.tiles, a.tiling.tile_size, a.tiling.work_width, a.tiling.work_height
            ));
            if let Some(note) = a.tiling.reduced_note(i.width, i.height) {
                ui.colored_label(ui.visuals().warn_fg_color, note);
            }
            ui.label(format!(
                "time: {:.0} ms (decode {:.0}, verdict {:.0}, maps {:.0})",
                a.timings.total_ms, a.timings.decode_ms, a.timings.detect_ms, a.timings.localise_ms
            ));
            ui.label(format!(
                "discrepancy d1 {:.4}, d2 {:.4}",
                a.discrepancy[0], a.discrepancy[1]
            ));
            if let Some(f) = a.fusion_probabilities {
                ui.label(format!(
                    "fusion net's own call (not the verdict{}): real {}, partial {}, full {}",
                    if a.model.trained { "" } else { "; untrained" },
                    percent(f.real),
                    percent(f.partial),
                    percent(f.full)
                ))
                .on_hover_text(
                    "The localisation network's image-level classification. The verdict is the \
                     discrepancy classifier's (N_C), which on the forge benchmark holds up much \
                     better on generators it was not trained on; see README.",
                );
            }
        });
}

fn settings_ui(ui: &mut Ui, state: &mut State) {
    for (i, kind) in ViewKind::MAPS.iter().enumerate() {
        ui.add(
            Slider::new(&mut state.thresholds[i], 0.0..=1.0)
                .text(format!("{} threshold", kind.title())),
        );
    }
    ui.add(Slider::new(&mut state.opacity, 0.0..=1.0).text("Overlay opacity"));
    egui::ComboBox::from_label("Colour map")
        .selected_text(format!("{:?}", state.colormap))
        .show_ui(ui, |ui| {
            for c in Colormap::ALL {
                ui.selectable_value(&mut state.colormap, c, format!("{c:?}"));
            }
        });
    ui.checkbox(&mut state.show_overlay, "Overlay on image (O)");
    ui.checkbox(&mut state.binary_mask, "Binary mask");
    ui.checkbox(&mut state.stretch_contrast, "Stretch contrast")
        .on_hover_text(
            "Spread each map's own range over the colour scale on screen. Display only: \
             thresholds, regions and reports keep the maps' fixed scales.",
        );
    ui.horizontal(|ui| {
        ui.radio_value(&mut state.layout, Layout::Grid, "Side by side");
        let single = matches!(state.layout, Layout::Single(_));
        if ui.radio(single, "Single view").clicked() && !single {
            state.layout = Layout::Single(ViewKind::Fused);
        }
    });
    if let Layout::Single(kind) = &mut state.layout {
        egui::ComboBox::from_label("View")
            .selected_text(kind.title())
            .show_ui(ui, |ui| {
                for k in ViewKind::ALL {
                    ui.selectable_value(kind, k, k.title());
                }
            });
    }
}

fn regions_ui(ui: &mut Ui, state: &State, displayed: &mut Displayed, selected: &mut Option<usize>) {
    let kind = region_map(state.layout);
    let index = kind.map_index().expect("a map view");
    let threshold = state.thresholds[index];
    let scale = displayed.display_to_input();
    let regions = displayed.regions(index, threshold);
    let total = regions.iter().fold(0.0f32, |sum, r| sum + r.area_fraction);
    ui.label(
        RichText::new(format!(
            "Regions: {} ≥ {threshold:.2} — {} regions, {:.1}% of the image",
            kind.title(),
            regions.len(),
            total * 100.0
        ))
        .strong(),
    );
    if selected.is_some_and(|s| s >= regions.len()) {
        *selected = None;
    }
    egui::ScrollArea::vertical()
        .max_height(260.0)
        .show(ui, |ui| {
            for (i, r) in regions.iter().enumerate().take(200) {
                let [x0, y0, x1, y1] = r.bbox.map(|v| (v as f32 * scale).round() as u32);
                let text = format!(
                    "#{} {:.2}% ({} px) at {x0},{y0} size {}x{}",
                    i + 1,
                    r.area_fraction * 100.0,
                    (r.pixels as f32 * scale * scale).round() as u64,
                    x1 - x0 + 1,
                    y1 - y0 + 1
                );
                if ui.selectable_label(*selected == Some(i), text).clicked() {
                    *selected = if *selected == Some(i) { None } else { Some(i) };
                }
            }
        });
}

/// Analyst and case, written into reports (File → Export report).
fn report_fields_ui(ui: &mut Ui, state: &mut State) {
    egui::CollapsingHeader::new("Report").show(ui, |ui| {
        egui::Grid::new("report_fields")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Analyst");
                ui.text_edit_singleline(&mut state.analyst);
                ui.end_row();
                ui.label("Case");
                ui.text_edit_singleline(&mut state.case_id);
                ui.end_row();
            });
    });
}

pub fn side_panel_ui(
    ui: &mut Ui,
    state: &mut State,
    displayed: Option<&mut Displayed>,
    selected_region: &mut Option<usize>,
) {
    egui::ScrollArea::vertical().show(ui, |ui| match displayed {
        Some(displayed) => {
            verdict_ui(ui, state, displayed);
            ui.separator();
            settings_ui(ui, state);
            ui.separator();
            regions_ui(ui, state, displayed, selected_region);
            ui.separator();
            report_fields_ui(ui, state);
        }
        None => {
            ui.heading("No image");
            ui.label("Open an image (Ctrl+O) or drop one on the window.");
            ui.separator();
            settings_ui(ui, state);
        }
    });
}
