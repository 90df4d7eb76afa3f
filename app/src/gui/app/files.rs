//! Files and models: the open dialog, next / previous image in the folder, the model
//! directory dialog and the untrained `small` model.

use std::path::{Path, PathBuf};

use super::super::command::Command;
use super::super::worker::Request;
use super::{ForgeLensApp, ModelStatus};
use forgelens_engine::image_files::{IMAGE_EXTENSIONS, image_files};

impl ForgeLensApp {
    pub(super) fn open_dialog(&self) {
        let start = self
            .state
            .recent_files
            .first()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        self.spawn_dialog(move || {
            let mut dialog = rfd::FileDialog::new()
                .set_title("Open an image")
                .add_filter("Images", &IMAGE_EXTENSIONS);
            if let Some(dir) = start {
                dialog = dialog.set_directory(dir);
            }
            dialog.pick_file().map(Command::Open)
        });
    }

    pub(super) fn open_sibling(&mut self, step: i32) {
        if let Some(next) = self.displayed.as_ref().and_then(|d| sibling(&d.path, step)) {
            self.execute(Command::Open(next));
        }
    }

    pub(super) fn model_dialog(&self) {
        self.spawn_dialog(|| {
            rfd::FileDialog::new()
                .set_title("Choose a model directory")
                .pick_folder()
                .map(Command::LoadModel)
        });
    }

    /// Loads the untrained `small` model in the app's folder, writing it first if needed.
    pub(super) fn create_untrained_model(&mut self) {
        let out = eframe::storage_dir("ForgeLens")
            .unwrap_or_else(std::env::temp_dir)
            .join("models/small-untrained");
        self.model = ModelStatus::Loading;
        self.state.model_dir = Some(out.clone());
        if out.join("model.json").is_file() {
            self.worker.send(Request::LoadModel {
                dir: out,
                device: self.state.device,
            });
        } else {
            self.worker.send(Request::InitModel {
                out,
                device: self.state.device,
            });
        }
    }
}

pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The next or previous image file in `path`'s folder, by name, wrapping around.
fn sibling(path: &Path, step: i32) -> Option<PathBuf> {
    let files = image_files(path.parent()?).ok()?;
    let i = files.iter().position(|p| p == path)? as i32;
    let n = files.len() as i32;
    files.get((i + step).rem_euclid(n) as usize).cloned()
}
