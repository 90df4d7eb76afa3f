//! Cases in the app: new / open / close, adding evidence, opening an item or a bookmark
//! (restoring its view, parameters and thresholds), "Bookmark this view", verify. Every
//! action inside a case goes to its audit log, as does each analysis shown of an item.

use std::path::PathBuf;

use forgelens_report::case::{
    AuditRecord, Bookmark, BookmarkRegion, BookmarkView, Case, IntakeMode, NewBookmark, verify_case,
};
use serde_json::json;

use super::super::case_panel::{CaseForm, case_panel_ui};
use super::super::command::{Command, Mode};
use super::super::side_panel::region_map;
use super::super::state::{Layout, ViewKind};
use super::super::toolbox::ToolMap;
use super::ForgeLensApp;
use crate::commands::case::actor;

impl ForgeLensApp {
    /// The case panel on the left, when a case is open or a form was asked for.
    pub(super) fn case_panel(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        self.poll_case_analysis();
        self.log_shown_analysis();
        if self.mode != Mode::Image || !self.case.is_shown() {
            return;
        }
        egui::Panel::left("case_panel")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| case_panel_ui(ui, &mut self.case, commands));
    }

    pub(super) fn execute_case(&mut self, command: Command) {
        let result = match command {
            Command::CaseForm(form) => {
                if form == CaseForm::Open && self.case.open_dir.is_empty() {
                    self.case.open_dir = self
                        .state
                        .last_case
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                }
                self.case.form = Some(form);
                self.mode = Mode::Image;
                Ok(())
            }
            Command::NewCaseFolderDialog => {
                self.spawn_dialog(|| {
                    rfd::FileDialog::new()
                        .set_title("Folder for the new case (new or empty)")
                        .pick_folder()
                        .map(Command::SetNewCaseFolder)
                });
                Ok(())
            }
            Command::SetNewCaseFolder(dir) => {
                self.case.new_dir = dir.display().to_string();
                Ok(())
            }
            Command::NewCase { dir, name, analyst } => {
                let analyst = Some(analyst.trim()).filter(|a| !a.is_empty());
                Case::init(&dir, &name, analyst, actor()).map(|case| self.set_case(case, dir))
            }
            Command::OpenCaseDialog => {
                self.spawn_dialog(|| {
                    rfd::FileDialog::new()
                        .set_title("Open a case folder")
                        .pick_folder()
                        .map(Command::OpenCase)
                });
                Ok(())
            }
            Command::OpenCase(dir) => Case::open(&dir, actor()).and_then(|case| {
                case.log(AuditRecord::new("app-open-case", json!({})))?;
                self.set_case(case, dir);
                Ok(())
            }),
            Command::CloseCase => {
                if let Some(case) = self.case.case.take() {
                    let _ = case.log(AuditRecord::new("app-close-case", json!({})));
                }
                self.case.current_item = None;
                self.case.message = None;
                Ok(())
            }
            Command::AddToCaseDialog => {
                self.spawn_dialog(|| {
                    rfd::FileDialog::new()
                        .set_title("Add images to the case")
                        .pick_file()
                        .map(Command::AddToCase)
                });
                Ok(())
            }
            Command::AddToCase(path) => self.with_case(|case| {
                let item = case.add_evidence(&path, IntakeMode::Copy)?;
                Ok(format!("{} added: SHA-256 {}", item.id, item.sha256))
            }),
            Command::OpenCaseItem(id) => self.open_case_item(&id, None),
            Command::OpenBookmark(id) => {
                let bookmark = self
                    .case
                    .case
                    .as_ref()
                    .and_then(|c| c.bookmarks.iter().find(|b| b.id == id).cloned());
                match bookmark {
                    Some(b) => self.open_case_item(&b.item_id.clone(), Some(b)),
                    None => Ok(()),
                }
            }
            Command::BookmarkThisView => self.bookmark_this_view(),
            Command::AnalyzeCase => {
                self.analyze_case();
                Ok(())
            }
            Command::VerifyCase => self.with_case(|case| {
                let verification = verify_case(case)?;
                case.log(AuditRecord::new(
                    "verify",
                    json!({ "passed": verification.passed(), "problems": verification.problems.len(), "from": "app" }),
                ))?;
                Ok(if verification.passed() {
                    format!(
                        "Verified: {} items intact, audit log intact ({} entries)",
                        verification.items.len(),
                        verification.audit.entries.len()
                    )
                } else {
                    format!("Verification FAILED: {}", verification.problems.join("; "))
                })
            }),
            _ => Ok(()),
        };
        if let Err(error) = result {
            self.error = Some(format!("case: {error}"));
        }
    }

    fn set_case(&mut self, case: Case, dir: PathBuf) {
        self.case.message = Some(format!(
            "Case `{}`: {} items",
            case.manifest.name,
            case.items().len()
        ));
        self.case.case = Some(case);
        self.case.form = None;
        self.case.current_item = None;
        self.state.last_case = Some(dir);
    }

    /// Runs `action` on the open case; its sentence becomes the panel's message.
    fn with_case(
        &mut self,
        action: impl FnOnce(&mut Case) -> Result<String, forgelens_report::case::CaseError>,
    ) -> Result<(), forgelens_report::case::CaseError> {
        if let Some(case) = self.case.case.as_mut() {
            self.case.message = Some(action(case)?);
        }
        Ok(())
    }

    /// Shows item `id`, restoring `bookmark`'s view (else its latest bookmark's), and logs it.
    fn open_case_item(
        &mut self,
        id: &str,
        bookmark: Option<Bookmark>,
    ) -> Result<(), forgelens_report::case::CaseError> {
        let Some(case) = self.case.case.as_ref() else {
            return Ok(());
        };
        let item = case.item(id)?.clone();
        let path = item.path_in(case.root());
        let restored = bookmark.or_else(|| case.bookmarks_of(&item.id).last().cloned());
        case.log(AuditRecord::new(
            "app-open-item",
            json!({ "item": item.id, "restored_bookmark": restored.as_ref().map(|b| &b.id) }),
        ))?;
        if let Some(b) = &restored {
            self.restore_view(&b.view);
            self.case.region = b.region.map(|r| r.to_string()).unwrap_or_default();
        }
        self.case.current_item = Some(item.id.clone());
        self.execute(Command::Open(path));
        Ok(())
    }

    fn restore_view(&mut self, view: &BookmarkView) {
        match view {
            BookmarkView::Image => self.state.layout = Layout::Single(ViewKind::Image),
            BookmarkView::Map { map, threshold } => {
                let kind = ViewKind::MAPS[map.index()];
                self.state.layout = Layout::Single(kind);
                if let Some(t) = threshold {
                    self.state.thresholds[map.index()] = *t;
                }
            }
            BookmarkView::Tool {
                tool,
                parameters,
                threshold,
            } => {
                let settings = &mut self.state.toolbox;
                settings.tool = *tool;
                settings.map = 0;
                settings.show_panel = true;
                if let Some(t) = threshold {
                    *settings.threshold_mut(*tool) = *t;
                }
                let mut all = serde_json::to_value(&settings.params).unwrap_or_default();
                if let Some(slot) = all.get_mut(tool.name().replace('-', "_")) {
                    *slot = parameters.clone();
                }
                if let Ok(params) = serde_json::from_value(all) {
                    settings.params = params;
                }
                self.state.layout = Layout::Single(ViewKind::Tool(ToolMap::first(*tool)));
            }
        }
    }

    /// The view on screen as a bookmark view: the single view, the right-hand side of a
    /// comparison, or in the grid the map whose regions are listed.
    fn current_view(&self) -> BookmarkView {
        let kind = match self.state.layout {
            Layout::Single(kind) => kind,
            Layout::Compare { right, .. } => right,
            Layout::Grid => region_map(self.state.layout),
        };
        match (kind, kind.map_kind()) {
            (ViewKind::Tool(m), _) => {
                let all = serde_json::to_value(&self.state.toolbox.params).unwrap_or_default();
                BookmarkView::Tool {
                    tool: m.tool,
                    parameters: all
                        .get(m.tool.name().replace('-', "_"))
                        .cloned()
                        .unwrap_or_default(),
                    threshold: Some(self.state.toolbox.threshold(m.tool)),
                }
            }
            (_, Some(map)) => BookmarkView::Map {
                map,
                threshold: Some(self.state.thresholds[map.index()]),
            },
            _ => BookmarkView::Image,
        }
    }

    /// The typed region, or the region selected in the side panel (in image pixels).
    fn bookmark_region(&mut self) -> Result<Option<BookmarkRegion>, String> {
        let typed = self.case.region.trim();
        if !typed.is_empty() {
            return typed.parse().map(Some);
        }
        let index = region_map(self.state.layout).map_index();
        let threshold = index.map(|i| self.state.thresholds[i]);
        let (Some(selected), Some(index), Some(threshold), Some(d)) = (
            self.selected_region,
            index,
            threshold,
            self.displayed.as_mut(),
        ) else {
            return Ok(None);
        };
        let scale = f64::from(d.full_image.width()) / f64::from(d.image.width().max(1));
        let Some(r) = d.regions(index, threshold).get(selected).cloned() else {
            return Ok(None);
        };
        let px = |v: u32| (f64::from(v) * scale).round() as u32;
        Ok(Some(BookmarkRegion {
            x: px(r.bbox[0]),
            y: px(r.bbox[1]),
            width: px(r.bbox[2] - r.bbox[0] + 1).max(1),
            height: px(r.bbox[3] - r.bbox[1] + 1).max(1),
        }))
    }

    fn bookmark_this_view(&mut self) -> Result<(), forgelens_report::case::CaseError> {
        let Some(item_id) = self.case.current_item.clone() else {
            return Ok(());
        };
        let region = self
            .bookmark_region()
            .map_err(forgelens_report::case::CaseError::Invalid)?;
        let new = NewBookmark {
            item_id,
            view: self.current_view(),
            region,
            comment: self.case.comment.clone(),
            status: self.case.status,
        };
        self.with_case(|case| {
            let b = case.add_bookmark(new)?;
            Ok(format!("{} saved: {}", b.id, b.view.describe()))
        })?;
        self.case.comment.clear();
        Ok(())
    }

    /// Logs each analysis of a case item once, when it is shown, with the model and the
    /// thresholds on screen; says so when the analysed bytes are not the intake's.
    fn log_shown_analysis(&mut self) {
        let (Some(case), Some(d)) = (self.case.case.as_ref(), self.displayed.as_ref()) else {
            return;
        };
        let key = (d.path.clone(), d.analysis.model.id.clone());
        if self.case.logged_analysis.as_ref() == Some(&key) {
            return;
        }
        let Some(item) = case
            .items()
            .iter()
            .find(|i| i.path_in(case.root()) == d.path)
        else {
            return;
        };
        let record = AuditRecord::new(
            "app-analysis-shown",
            json!({
                "item": item.id,
                "sha256": d.analysis.input.sha256,
                "matches_intake": d.analysis.input.sha256 == item.sha256,
                "verdict": d.analysis.verdict.call(),
                "probabilities": d.analysis.probabilities,
                "thresholds": self.state.thresholds,
                "device": d.analysis.device.name,
            }),
        )
        .with_model(d.analysis.model.id.clone());
        if d.analysis.input.sha256 != item.sha256 {
            self.error = Some(format!(
                "{} on screen does not match its intake SHA-256; run Verify case",
                item.id
            ));
        }
        if let Err(e) = case.log(record) {
            self.error = Some(format!("case: {e}"));
        }
        self.case.current_item = Some(item.id.clone());
        self.case.logged_analysis = Some(key);
    }
}
