//! The batch table's commands: choose a folder, analyse every image in it (summaries only),
//! cancel, save the table as CSV.

use std::path::PathBuf;

use forgelens_engine::files::write_atomic;

use super::super::batch::Batch;
use super::super::command::{Command, Mode};
use super::super::worker::Request;
use super::{ForgeLensApp, TaskDone};
use forgelens_engine::image_files::image_files;

impl ForgeLensApp {
    pub(super) fn batch_dialog(&self) {
        self.spawn_dialog(|| {
            rfd::FileDialog::new()
                .set_title("Analyse every image in a folder")
                .pick_folder()
                .map(Command::Batch)
        });
    }

    /// Replaces the batch table with one for `dir` (cancelling the old batch).
    pub(super) fn start_batch(&mut self, dir: PathBuf) {
        if let Some(old) = &self.batch {
            old.cancel.cancel();
        }
        match image_files(&dir) {
            Ok(files) => {
                let id = self.batch.as_ref().map_or(1, |old| old.id + 1);
                let batch = Batch::new(id, dir, files.len());
                for path in files {
                    self.worker.send(Request::Summarize {
                        batch: id,
                        path,
                        cancel: batch.cancel.clone(),
                    });
                }
                self.batch = Some(batch);
                self.mode = Mode::Batch;
            }
            Err(e) => self.error = Some(format!("cannot read the folder {}: {e}", dir.display())),
        }
    }

    pub(super) fn cancel_batch(&self) {
        if let Some(batch) = &self.batch {
            batch.cancel.cancel();
        }
    }

    pub(super) fn save_batch_csv_dialog(&self) {
        let dir = self.batch.as_ref().map(|b| b.dir.clone());
        self.spawn_dialog(move || {
            let mut dialog = rfd::FileDialog::new()
                .set_title("Save the batch table")
                .set_file_name("forgelens-batch.csv")
                .add_filter("CSV", &["csv"]);
            if let Some(dir) = dir {
                dialog = dialog.set_directory(dir);
            }
            dialog.save_file().map(Command::SaveBatchCsv)
        });
    }

    pub(super) fn save_batch_csv(&self, path: PathBuf) {
        let Some(batch) = &self.batch else { return };
        let result = batch
            .to_csv()
            .map_err(|e| e.to_string())
            .and_then(|bytes| write_atomic(&path, &bytes).map_err(|e| e.to_string()))
            .map(|()| path.clone())
            .map_err(|e| format!("cannot save {}: {e}", path.display()));
        let _ = self.tasks_tx.send(TaskDone::Saved(result));
    }
}
