//! Export and reports: the analysis as JSON + map PNGs into a folder (on a short-lived
//! thread), and a report of the shown image written by the worker, with the toolbox's tools
//! whose results are cached for that image (the worker runs them again on the bytes it
//! re-reads, so the report's findings and hashes are of that reading).

use std::path::{Path, PathBuf};

use forgelens_engine::export::write_analysis_files;
use forgelens_forensics::Tool;
use forgelens_report::{CaseInfo, MapThresholds, ReportFormat, ReportOptions, ToolboxRequest};

use super::super::command::Command;
use super::super::toolbox::Entry;
use super::super::worker::Request;
use super::{ForgeLensApp, TaskDone};

impl ForgeLensApp {
    pub(super) fn export_dialog(&self) {
        if self.displayed.is_none() {
            return;
        }
        let start = self.state.last_export_dir.clone();
        self.spawn_dialog(move || {
            let mut dialog = rfd::FileDialog::new().set_title("Export the analysis to a folder");
            if let Some(dir) = start {
                dialog = dialog.set_directory(dir);
            }
            dialog.pick_folder().map(Command::ExportTo)
        });
    }

    pub(super) fn export_to(&mut self, dir: PathBuf) {
        let Some(d) = &self.displayed else { return };
        self.state.last_export_dir = Some(dir.clone());
        let (analysis, image) = (d.analysis.clone(), d.full_image.clone());
        let stem = stem(&d.path);
        let (colormap, opacity) = (self.state.colormap, self.state.opacity);
        let tx = self.tasks_tx.clone();
        let ctx = self.ctx.clone();
        self.status = format!("exporting to {}", dir.display());
        std::thread::spawn(move || {
            let result = write_analysis_files(&analysis, &image, &dir, &stem, colormap, opacity)
                .map_err(|e| format!("export to {} failed: {e}", dir.display()));
            let _ = tx.send(TaskDone::Exported(result));
            ctx.request_repaint();
        });
    }

    pub(super) fn report_dialog(&self, format: ReportFormat) {
        let Some(d) = &self.displayed else { return };
        let stem = stem(&d.path);
        let start = self.state.last_export_dir.clone();
        self.spawn_dialog(move || {
            let mut dialog = rfd::FileDialog::new()
                .set_title("Write a report")
                .set_file_name(format!("{stem}.report.{}", format.extension()))
                .add_filter(format.extension(), &[format.extension()]);
            if let Some(dir) = start {
                dialog = dialog.set_directory(dir);
            }
            dialog
                .save_file()
                .map(|path| Command::ReportTo(path, format))
        });
    }

    /// Asks the worker to re-read and re-analyse the shown image and write its report.
    pub(super) fn report_to(&mut self, out: PathBuf, format: ReportFormat) {
        let toolbox = self.cached_tools();
        let Some(d) = &self.displayed else { return };
        self.state.last_export_dir = out.parent().map(Path::to_path_buf);
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let [cam, attention, fused] = self.state.thresholds;
        self.worker.send(Request::Report {
            image: d.path.clone(),
            out: out.clone(),
            format,
            case: CaseInfo {
                analyst: text(&self.state.analyst),
                case_id: text(&self.state.case_id),
                notes: None,
            },
            options: Box::new(ReportOptions {
                thresholds: MapThresholds {
                    cam,
                    attention,
                    fused,
                },
                colormap: self.state.colormap,
                overlay_opacity: self.state.opacity,
                inconclusive_below: self.state.inconclusive_below,
                toolbox,
                ..ReportOptions::default()
            }),
        });
        self.status = format!("writing the report {}", out.display());
        self.report_pending = true;
    }
}

impl ForgeLensApp {
    /// The tools with a finished result for the shown image at the current parameters.
    fn cached_tools(&mut self) -> ToolboxRequest {
        let tools = Tool::ALL
            .into_iter()
            .filter(|&tool| {
                self.tool_key(tool)
                    .is_some_and(|key| matches!(self.tools.get(&key), Some(Entry::Done(_))))
            })
            .collect();
        ToolboxRequest {
            tools,
            params: self.state.toolbox.params.clone(),
        }
    }
}

/// The file name without its extension, for output names.
fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".into())
}
