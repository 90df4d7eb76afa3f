//! The file panel: what the file says about itself (EXIF / XMP / IPTC / PNG text, software
//! traces, GPS as text, the EXIF thumbnail), its structure (markers, chunks) and its Content
//! Credentials, or that this build cannot read them.

use egui::{Color32, RichText, Ui};
use forgelens_forensics::credentials::{self, C2paFindings};
use forgelens_forensics::metadata::MetadataFindings;
use forgelens_forensics::structure::StructureFindings;
use forgelens_forensics::{Findings, Tool};

use super::command::Command;
use super::toolbox::{Entry, ToolCache, ToolKey};

const WARN: Color32 = Color32::from_rgb(240, 170, 40);

/// `key_of(tool)` is the cache key of a tool on the shown image.
pub fn file_panel_ui(
    ui: &mut Ui,
    tools: &mut ToolCache,
    key_of: &dyn Fn(Tool) -> ToolKey,
    commands: &mut Vec<Command>,
) {
    for (tool, title) in [
        (Tool::Metadata, "Metadata"),
        (Tool::Structure, "Structure"),
        (Tool::C2pa, "Content Credentials"),
    ] {
        egui::CollapsingHeader::new(title)
            .default_open(tool != Tool::Structure)
            .show(ui, |ui| {
                if tool == Tool::C2pa && !credentials::AVAILABLE {
                    ui.label("built without Content Credentials support")
                        .on_hover_text("the `c2pa` cargo feature reads and validates them");
                    return;
                }
                match tools.get(&key_of(tool)) {
                    None | Some(Entry::Running { .. }) => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label("reading…");
                        });
                    }
                    Some(Entry::Cancelled) => {
                        if ui.button("Read again").clicked() {
                            commands.push(Command::RecomputeTool(tool));
                        }
                    }
                    Some(Entry::Failed(e)) => {
                        ui.colored_label(WARN, e.as_str());
                    }
                    Some(Entry::Done(done)) => match &done.findings {
                        Findings::Metadata(m) => metadata_ui(ui, m),
                        Findings::Structure(s) => structure_ui(ui, s),
                        Findings::C2pa(c) => c2pa_ui(ui, c, commands),
                        _ => {}
                    },
                }
            });
    }
}

fn field(ui: &mut Ui, name: &str, value: &str) {
    ui.label(RichText::new(name).weak());
    ui.label(value);
    ui.end_row();
}

fn metadata_ui(ui: &mut Ui, m: &MetadataFindings) {
    egui::Grid::new("metadata_summary")
        .num_columns(2)
        .show(ui, |ui| {
            field(ui, "format", m.format.mime_type());
            if let Some(c) = &m.camera {
                field(ui, "camera", c);
            }
            if let Some(d) = &m.date_original {
                field(ui, "taken", d);
            }
            if let Some(d) = &m.date_modified {
                field(ui, "modified", d);
            }
            if let Some((w, h)) = m.stated_size {
                field(ui, "stated size", &format!("{w} x {h}"));
            }
            if let Some(g) = &m.gps {
                field(ui, "GPS", &g.text);
            }
            for s in &m.software {
                field(ui, &format!("software ({})", s.source), &s.value);
            }
            if let Some(t) = &m.thumbnail {
                let difference = t
                    .mean_abs_difference
                    .map_or("not decodable".into(), |d| format!("{d:.1} levels"));
                field(
                    ui,
                    "EXIF thumbnail",
                    &format!(
                        "{} x {}, {}{}",
                        t.width,
                        t.height,
                        difference,
                        if t.differs { ", DIFFERS" } else { "" }
                    ),
                );
            }
        });
    for marker in &m.editor_markers {
        ui.colored_label(WARN, format!("editor or generator marker: {marker}"));
    }
    for note in &m.notes {
        ui.label(note);
    }
    if let Some(e) = &m.exif_error {
        ui.colored_label(WARN, format!("EXIF: {e}"));
    }
    let rows = |ui: &mut Ui, id: &str, items: Vec<(String, &str)>| {
        egui::Grid::new(id)
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for (name, value) in items {
                    field(ui, &name, value);
                }
            });
    };
    egui::CollapsingHeader::new(format!("EXIF ({} fields)", m.exif.len())).show(ui, |ui| {
        let items = m
            .exif
            .iter()
            .map(|e| (format!("{} {}", e.ifd, e.tag), e.value.as_str()))
            .collect();
        rows(ui, "exif", items);
    });
    if !m.xmp_properties.is_empty() {
        egui::CollapsingHeader::new(format!("XMP ({} properties)", m.xmp_properties.len())).show(
            ui,
            |ui| {
                let items = m
                    .xmp_properties
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str()))
                    .collect();
                rows(ui, "xmp", items);
            },
        );
    }
    if !m.iptc.is_empty() {
        egui::CollapsingHeader::new(format!("IPTC ({} fields)", m.iptc.len())).show(ui, |ui| {
            let items = m
                .iptc
                .iter()
                .map(|e| (format!("{} {}", e.dataset, e.name), e.value.as_str()))
                .collect();
            rows(ui, "iptc", items);
        });
    }
    if !m.png_text.is_empty() {
        egui::CollapsingHeader::new(format!("PNG text ({})", m.png_text.len())).show(ui, |ui| {
            let items = m
                .png_text
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str()))
                .collect();
            rows(ui, "png_text", items);
        });
    }
}

fn structure_ui(ui: &mut Ui, s: &StructureFindings) {
    ui.label(format!(
        "{}, {} bytes, {} segments",
        s.format.mime_type(),
        s.file_size,
        s.segments.len()
    ));
    if s.trailing_bytes > 0 {
        ui.colored_label(
            WARN,
            format!("{} bytes after the end of the image", s.trailing_bytes),
        );
    }
    for w in &s.warnings {
        ui.colored_label(WARN, w.as_str());
    }
    egui::ScrollArea::vertical()
        .id_salt("structure")
        .max_height(200.0)
        .show(ui, |ui| {
            egui::Grid::new("segments")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    for seg in &s.segments {
                        ui.monospace(format!("{:>9}", seg.offset));
                        ui.label(format!("{} ({} B)", seg.name, seg.size));
                        ui.label(&seg.info);
                        ui.end_row();
                    }
                });
        });
}

fn c2pa_ui(ui: &mut Ui, c: &C2paFindings, commands: &mut Vec<Command>) {
    let colour = match (c.present, c.signature_valid, c.ai_generated) {
        (_, _, true) | (true, Some(false), _) => Color32::from_rgb(230, 80, 70),
        (true, Some(true), _) => Color32::from_rgb(80, 190, 110),
        _ => ui.visuals().text_color(),
    };
    ui.colored_label(colour, &c.summary);
    if let Some(state) = &c.validation_state {
        ui.label(format!("validation: {state}"));
    }
    for m in &c.manifests {
        let active = c.active_manifest.as_deref() == Some(m.label.as_str());
        egui::CollapsingHeader::new(format!(
            "{}manifest {}",
            if active { "active " } else { "" },
            m.title.as_deref().unwrap_or(&m.label)
        ))
        .default_open(active)
        .show(ui, |ui| {
            egui::Grid::new(("c2pa", &m.label))
                .num_columns(2)
                .show(ui, |ui| {
                    for (name, value) in [
                        ("claim generator", &m.claim_generator),
                        ("signer", &m.signer),
                        ("issuer", &m.issuer),
                        ("signed", &m.signing_time),
                    ] {
                        if let Some(v) = value {
                            field(ui, name, v);
                        }
                    }
                    for a in &m.actions {
                        let source = a.digital_source_type.as_deref().unwrap_or("");
                        field(ui, "action", &format!("{} {source}", a.action));
                    }
                    for i in &m.ingredients {
                        field(ui, "ingredient", i.title.as_deref().unwrap_or("(untitled)"));
                    }
                });
        });
    }
    for f in &c.failures {
        ui.colored_label(
            WARN,
            format!("{}: {}", f.code, f.explanation.as_deref().unwrap_or("")),
        );
    }
    ui.horizontal(|ui| {
        match &c.trust_list {
            Some(t) => ui.label(format!("trust anchors: {} certificates", t.certificates)),
            None => ui.label("no trust anchors: every signer is untrusted"),
        };
        if ui.small_button("Trust anchors…").clicked() {
            commands.push(Command::TrustAnchorsDialog);
        }
    });
}
