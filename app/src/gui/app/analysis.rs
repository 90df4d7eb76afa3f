//! Analysis: starting and cancelling the worker's analysis of the shown image, and taking in
//! what the worker and the background tasks sent back.

use std::path::PathBuf;

use forgelens_engine::progress::CancelToken;

use super::super::batch::BatchRow;
use super::super::command::Mode;
use super::super::display::Displayed;
use super::super::worker::{Reply, Request};
use super::files::file_name;
use super::{ForgeLensApp, Job, ModelStatus, TaskDone};

impl ForgeLensApp {
    /// Analyses `path` (cancelling the analysis in flight) and shows it when done.
    pub(super) fn open(&mut self, path: PathBuf) {
        if let Some(job) = &self.job {
            job.cancel.cancel();
        }
        let cancel = CancelToken::new();
        self.state.remember(path.clone());
        self.error = None;
        self.status = format!("analysing {}", path.display());
        self.job = Some(Job {
            path: path.clone(),
            cancel: cancel.clone(),
            progress: None,
        });
        self.worker.send(Request::Analyze { path, cancel });
        self.mode = Mode::Image;
    }

    pub(super) fn cancel_analysis(&mut self) {
        if let Some(job) = &self.job {
            job.cancel.cancel();
            self.status = "cancelling…".into();
        }
    }

    /// Takes in every reply from the worker and every finished background task.
    pub(super) fn take_replies(&mut self) {
        while let Some(reply) = self.worker.try_recv() {
            self.take_reply(reply);
        }
        while let Ok(done) = self.tasks_rx.try_recv() {
            match done {
                TaskDone::Command(command) => self.execute(command),
                TaskDone::Exported(Ok(files)) => {
                    self.status = format!("exported {} files", files.len());
                }
                TaskDone::Exported(Err(e)) | TaskDone::Saved(Err(e)) => self.error = Some(e),
                TaskDone::Saved(Ok(path)) => self.status = format!("saved {}", path.display()),
            }
        }
    }

    fn take_reply(&mut self, reply: Reply) {
        match reply {
            Reply::ModelLoaded(summary) => {
                self.status = format!("model {} on {}", summary.id, summary.device);
                self.model = ModelStatus::Ready(summary);
            }
            Reply::ModelFailed(e) => {
                self.error = Some(format!("cannot load the model: {e}"));
                self.model = ModelStatus::Missing(e);
            }
            Reply::Progress { path, progress } => {
                if let Some(job) = self.job.as_mut().filter(|j| j.path == path) {
                    job.progress = Some(progress);
                }
            }
            Reply::Analysed {
                path,
                analysis,
                image,
            } => {
                if self.job.as_ref().is_some_and(|j| j.path == path) {
                    self.job = None;
                }
                self.status = format!("{}: {}", file_name(&path), analysis.verdict.summary);
                self.explorer.set_image(std::sync::Arc::new(image.clone()));
                self.displayed = Some(Displayed::new(path, *analysis, image));
                self.selected_region = None;
            }
            Reply::Failed { path, error } => {
                if self.job.as_ref().is_some_and(|j| j.path == path) {
                    self.job = None;
                }
                self.status = String::new();
                self.error = Some(error);
            }
            Reply::BatchRow {
                batch: id,
                path,
                result,
            } => {
                if let Some(batch) = &mut self.batch
                    && batch.id == id
                    && !batch.cancel.is_cancelled()
                {
                    batch.rows.push(BatchRow { path, result });
                }
            }
            Reply::ReportWritten(Ok(path)) => {
                self.report_pending = false;
                self.status = format!("report written: {}", path.display());
            }
            Reply::ReportWritten(Err(e)) => {
                self.report_pending = false;
                self.error = Some(format!("report failed: {e}"));
            }
            Reply::ToolProgress { key, progress } => self.tools.progress(&key, progress),
            Reply::ToolDone { key, result } => self.tool_done(key, result),
            Reply::Cancelled { path } => {
                if self.job.as_ref().is_some_and(|j| j.path == path) {
                    self.job = None;
                    self.status = format!("cancelled {}", path.display());
                }
            }
        }
    }
}
