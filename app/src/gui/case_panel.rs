//! The case panel: the new / open case forms, then the open case's evidence (integrity,
//! latest verdict), each item's analyses and bookmarks, and "Bookmark this view" with a
//! region, a comment and a status. Draws and returns commands; `app/case.rs` carries them out.

use std::sync::mpsc::Receiver;

use egui::{RichText, Ui};
use forgelens_report::case::{BookmarkStatus, Case};

use super::command::Command;

/// Which form File → New case / Open case asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseForm {
    New,
    Open,
}

/// What the analysing thread reports.
#[derive(Debug)]
pub enum CaseAnalysisEvent {
    /// One item done (or failed), in a sentence.
    Item(String),
    /// All done; `Some` when the run could not start or stopped.
    Finished(Option<String>),
}

/// The thread in flight and the items reported so far.
#[derive(Debug)]
pub struct CaseAnalysis {
    pub(super) events: Receiver<CaseAnalysisEvent>,
    pub lines: Vec<String>,
}

/// The open case and what the panel's fields hold.
#[derive(Debug, Default)]
pub struct CasePanel {
    pub case: Option<Case>,
    pub form: Option<CaseForm>,
    pub new_dir: String,
    pub new_name: String,
    pub new_analyst: String,
    pub open_dir: String,
    pub add_path: String,
    /// "x,y,w,h" in image pixels; empty: the region selected in the side panel, if any.
    pub region: String,
    pub comment: String,
    pub status: BookmarkStatus,
    /// The item shown (id), when the shown image is one of the case's.
    pub current_item: Option<String>,
    /// The last verification or action result, one line.
    pub message: Option<String>,
    /// "Analyze case" in flight.
    pub analysis: Option<CaseAnalysis>,
    /// The shown analysis already logged (image path and model id).
    pub(super) logged_analysis: Option<(std::path::PathBuf, String)>,
}

impl CasePanel {
    pub fn is_shown(&self) -> bool {
        self.case.is_some() || self.form.is_some()
    }
}

fn field_ui(ui: &mut Ui, label: &str, value: &mut String) {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(egui::TextEdit::singleline(value).desired_width(180.0))
            .labelled_by(l.id);
    });
}

pub fn case_panel_ui(ui: &mut Ui, panel: &mut CasePanel, commands: &mut Vec<Command>) {
    ui.heading("Case");
    match panel.form {
        Some(CaseForm::New) => {
            ui.label("New case (a new or empty folder)");
            field_ui(ui, "Case folder", &mut panel.new_dir);
            field_ui(ui, "Case name", &mut panel.new_name);
            field_ui(ui, "Analyst", &mut panel.new_analyst);
            ui.horizontal(|ui| {
                if ui.button("Browse…").clicked() {
                    commands.push(Command::NewCaseFolderDialog);
                }
                let ready = !panel.new_dir.trim().is_empty() && !panel.new_name.trim().is_empty();
                if ui
                    .add_enabled(ready, egui::Button::new("Create case"))
                    .clicked()
                {
                    commands.push(Command::NewCase {
                        dir: panel.new_dir.trim().into(),
                        name: panel.new_name.clone(),
                        analyst: panel.new_analyst.clone(),
                    });
                }
            });
            ui.separator();
        }
        Some(CaseForm::Open) => {
            field_ui(ui, "Case folder to open", &mut panel.open_dir);
            ui.horizontal(|ui| {
                if ui.button("Browse…").clicked() {
                    commands.push(Command::OpenCaseDialog);
                }
                if ui
                    .add_enabled(
                        !panel.open_dir.trim().is_empty(),
                        egui::Button::new("Open case"),
                    )
                    .clicked()
                {
                    commands.push(Command::OpenCase(panel.open_dir.trim().into()));
                }
            });
            ui.separator();
        }
        None => {}
    }
    if let Some(message) = &panel.message {
        ui.label(message);
    }
    let Some(case) = &panel.case else {
        return;
    };
    ui.label(RichText::new(&case.manifest.name).strong());
    if let Some(analyst) = &case.manifest.analyst {
        ui.label(format!("Analyst: {analyst}"));
    }
    ui.horizontal(|ui| {
        if ui.button("Verify case").clicked() {
            commands.push(Command::VerifyCase);
        }
        if ui.button("Close case").clicked() {
            commands.push(Command::CloseCase);
        }
        if ui
            .add_enabled(panel.analysis.is_none(), egui::Button::new("Analyze case"))
            .on_hover_text("Analyse every item and record the runs, as `forgelens case analyze`")
            .clicked()
        {
            commands.push(Command::AnalyzeCase);
        }
    });
    ui.separator();
    ui.label(RichText::new(format!("Evidence ({})", case.items().len())).strong());
    field_ui(ui, "Image to add", &mut panel.add_path);
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                !panel.add_path.trim().is_empty() && panel.analysis.is_none(),
                egui::Button::new("Add to case"),
            )
            .clicked()
        {
            commands.push(Command::AddToCase(panel.add_path.trim().into()));
        }
        if ui.button("Add images…").clicked() {
            commands.push(Command::AddToCaseDialog);
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("case_items")
        .max_height(ui.available_height() - 170.0)
        .show(ui, |ui| {
            items_ui(ui, case, panel.current_item.as_deref(), commands)
        });
    ui.separator();
    bookmark_form_ui(ui, panel, commands);
}

fn items_ui(ui: &mut Ui, case: &Case, current: Option<&str>, commands: &mut Vec<Command>) {
    for item in case.items() {
        let shown = current == Some(item.id.as_str());
        let verdict = item.latest_analysis().map_or(
            "no recorded run (forgelens case analyze)".to_string(),
            |a| format!("{} (run {})", a.summary, a.run),
        );
        ui.horizontal(|ui| {
            let title = format!("{}  {}", item.id, item.file_name);
            ui.label(if shown {
                RichText::new(title).strong()
            } else {
                RichText::new(title)
            });
            if ui
                .small_button(format!("Open {}", item.id))
                .on_hover_text("Show it, with the view of its latest bookmark")
                .clicked()
            {
                commands.push(Command::OpenCaseItem(item.id.clone()));
            }
        });
        ui.add(
            egui::Label::new(format!(
                "    {} · {}",
                match item.mode {
                    forgelens_report::case::IntakeMode::Copy => "read-only copy",
                    forgelens_report::case::IntakeMode::Reference => "referenced",
                },
                verdict
            ))
            .wrap(),
        );
        for bookmark in case.bookmarks_of(&item.id) {
            ui.add(
                egui::Label::new(format!(
                    "    {} [{}] {}{}{}",
                    bookmark.id,
                    bookmark.status.title(),
                    bookmark.view.describe(),
                    bookmark
                        .region
                        .map_or(String::new(), |r| format!(" region {r}")),
                    if bookmark.comment.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", bookmark.comment)
                    }
                ))
                .wrap(),
            );
            if ui.small_button(format!("Go to {}", bookmark.id)).clicked() {
                commands.push(Command::OpenBookmark(bookmark.id.clone()));
            }
        }
    }
}

fn bookmark_form_ui(ui: &mut Ui, panel: &mut CasePanel, commands: &mut Vec<Command>) {
    let Some(item) = panel.current_item.clone() else {
        ui.label("Open an item to bookmark its view.");
        return;
    };
    ui.label(RichText::new(format!("Bookmark {item}")).strong());
    field_ui(ui, "Region x,y,w,h", &mut panel.region);
    field_ui(ui, "Comment", &mut panel.comment);
    ui.horizontal(|ui| {
        ui.label("Status");
        for status in BookmarkStatus::ALL {
            ui.selectable_value(&mut panel.status, status, status.title());
        }
    });
    if ui.button("Bookmark this view").clicked() {
        commands.push(Command::BookmarkThisView);
    }
}
