//! Batch analysis: a folder in, a sortable, filterable table out (file, verdict,
//! probabilities, manipulated area, time), each row opening the single-image view, saved
//! as CSV on request. Rows arrive one by one from the worker; failures are rows too. The
//! verdict column follows the analyst's inconclusive threshold when one is set.

use std::path::{Path, PathBuf};

use egui::{Color32, RichText, Ui};
use forgelens_engine::analysis::{AnalysisSummary, Verdict, percent, verdict};
use forgelens_engine::progress::CancelToken;

use super::command::Command;

pub struct BatchRow {
    pub path: PathBuf,
    pub result: Result<Box<AnalysisSummary>, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    File,
    Verdict,
    Real,
    Partial,
    Full,
    Area,
    Time,
}

impl Column {
    const ALL: [Column; 7] = [
        Column::File,
        Column::Verdict,
        Column::Real,
        Column::Partial,
        Column::Full,
        Column::Area,
        Column::Time,
    ];

    fn title(self) -> &'static str {
        match self {
            Column::File => "File",
            Column::Verdict => "Verdict",
            Column::Real => "Real",
            Column::Partial => "Partial",
            Column::Full => "Full",
            Column::Area => "Fused area ≥ 0.5",
            Column::Time => "Time (ms)",
        }
    }
}

pub struct Batch {
    /// Tells this batch's rows from a cancelled one's that arrive late.
    pub id: u64,
    pub dir: PathBuf,
    pub total: usize,
    pub rows: Vec<BatchRow>,
    pub cancel: CancelToken,
    pub sort: (Column, bool),
    pub filter: String,
    /// The analyst's inconclusive threshold as last drawn (`None`: each model card's).
    pub inconclusive_below: Option<f32>,
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A row's verdict at the analyst's threshold, else at the one it was made with.
fn row_verdict(s: &AnalysisSummary, threshold: Option<f32>) -> Verdict {
    verdict(
        &s.probabilities,
        s.model.trained,
        threshold.or(s.verdict.inconclusive_below),
    )
}

impl BatchRow {
    fn key(&self, column: Column, threshold: Option<f32>) -> (u8, f64, String) {
        // Errors sort after results; then by number or text.
        match (&self.result, column) {
            (_, Column::File) => (0, 0.0, file_name(&self.path)),
            (Err(e), _) => (1, 0.0, e.clone()),
            (Ok(s), Column::Verdict) => (0, 0.0, row_verdict(s, threshold).call().to_string()),
            (Ok(s), Column::Real) => (0, f64::from(s.probabilities.real), String::new()),
            (Ok(s), Column::Partial) => (0, f64::from(s.probabilities.partial), String::new()),
            (Ok(s), Column::Full) => (0, f64::from(s.probabilities.full), String::new()),
            (Ok(s), Column::Area) => (0, f64::from(s.area_at_0_5.fused), String::new()),
            (Ok(s), Column::Time) => (0, s.timings.total_ms, String::new()),
        }
    }

    fn matches(&self, filter: &str, threshold: Option<f32>) -> bool {
        if filter.is_empty() {
            return true;
        }
        let filter = filter.to_lowercase();
        let verdict = match &self.result {
            Ok(s) => row_verdict(s, threshold).call().to_string(),
            Err(e) => format!("error {e}"),
        };
        file_name(&self.path).to_lowercase().contains(&filter)
            || verdict.to_lowercase().contains(&filter)
    }
}

impl Batch {
    pub fn new(id: u64, dir: PathBuf, total: usize) -> Self {
        Self {
            id,
            dir,
            total,
            rows: Vec::new(),
            cancel: CancelToken::new(),
            sort: (Column::File, true),
            filter: String::new(),
            inconclusive_below: None,
        }
    }

    pub fn done(&self) -> bool {
        self.rows.len() >= self.total || self.cancel.is_cancelled()
    }

    fn sorted_visible(&self) -> Vec<&BatchRow> {
        let mut rows: Vec<&BatchRow> = self
            .rows
            .iter()
            .filter(|r| r.matches(&self.filter, self.inconclusive_below))
            .collect();
        let (column, ascending) = self.sort;
        rows.sort_by(|a, b| {
            let threshold = self.inconclusive_below;
            let (ka, kb) = (a.key(column, threshold), b.key(column, threshold));
            let order =
                ka.0.cmp(&kb.0)
                    .then(ka.1.total_cmp(&kb.1))
                    .then(ka.2.cmp(&kb.2));
            if ascending { order } else { order.reverse() }
        });
        rows
    }

    /// The table as CSV, in the order and filter shown.
    pub fn to_csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "file",
            "verdict",
            "real",
            "partial",
            "full",
            "fused_area_at_0_5",
            "time_ms",
            "sha256",
            "model",
            "error",
        ])?;
        for row in self.sorted_visible() {
            let path = row.path.display().to_string();
            match &row.result {
                Ok(s) => w.write_record([
                    path,
                    row_verdict(s, self.inconclusive_below).call().to_string(),
                    format!("{:.6}", s.probabilities.real),
                    format!("{:.6}", s.probabilities.partial),
                    format!("{:.6}", s.probabilities.full),
                    format!("{:.6}", s.area_at_0_5.fused),
                    format!("{:.1}", s.timings.total_ms),
                    s.input.sha256.clone(),
                    s.model.id.clone(),
                    String::new(),
                ])?,
                Err(e) => w.write_record([
                    path,
                    "error".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    e.clone(),
                ])?,
            }
        }
        w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        inconclusive_below: Option<f32>,
        commands: &mut Vec<Command>,
    ) {
        self.inconclusive_below = inconclusive_below;
        ui.horizontal(|ui| {
            ui.heading(format!("Batch: {}", self.dir.display()));
        });
        ui.horizontal(|ui| {
            ui.label(format!("{} of {} analysed", self.rows.len(), self.total));
            ui.separator();
            ui.label("Filter:");
            ui.add(
                egui::TextEdit::singleline(&mut self.filter)
                    .hint_text("file name or verdict")
                    .desired_width(180.0),
            );
            if ui
                .add_enabled(!self.rows.is_empty(), egui::Button::new("Save as CSV…"))
                .clicked()
            {
                commands.push(Command::SaveBatchCsvDialog);
            }
        });
        ui.separator();
        let rows = self.sorted_visible();
        let mut clicked_sort = None;
        egui::ScrollArea::both()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::Grid::new("batch_table")
                    .striped(true)
                    .spacing([14.0, 4.0])
                    .show(ui, |ui| {
                        for column in Column::ALL {
                            let arrow = match self.sort {
                                (c, true) if c == column => " ^",
                                (c, false) if c == column => " v",
                                _ => "",
                            };
                            if ui.button(format!("{}{arrow}", column.title())).clicked() {
                                clicked_sort = Some(column);
                            }
                        }
                        ui.label("");
                        ui.end_row();
                        for row in rows {
                            ui.label(file_name(&row.path));
                            match &row.result {
                                Ok(s) => {
                                    let v = row_verdict(s, inconclusive_below);
                                    ui.label(v.call()).on_hover_text(&v.summary);
                                    for p in s.probabilities.as_array() {
                                        ui.label(percent(p));
                                    }
                                    ui.label(format!("{:.1}%", s.area_at_0_5.fused * 100.0));
                                    ui.label(format!("{:.0}", s.timings.total_ms));
                                    if ui.button("Open").clicked() {
                                        commands.push(Command::Open(row.path.clone()));
                                    }
                                }
                                Err(e) => {
                                    let red = Color32::from_rgb(230, 80, 70);
                                    ui.label(RichText::new("error").color(red));
                                    for _ in 0..5 {
                                        ui.label("");
                                    }
                                    // Last, so a long message does not widen the number columns.
                                    ui.label(RichText::new(e).color(red));
                                }
                            }
                            ui.end_row();
                        }
                    });
            });
        if let Some(column) = clicked_sort {
            self.sort = if self.sort.0 == column {
                (column, !self.sort.1)
            } else {
                (column, true)
            };
        }
    }
}
