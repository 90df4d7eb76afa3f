//! Training commands: the dataset and run folder dialogs, and starting a run in the
//! training panel.

use super::super::command::{Command, Mode};
use super::ForgeLensApp;

impl ForgeLensApp {
    pub(super) fn training_data_dialog(&self) {
        self.spawn_dialog(|| {
            rfd::FileDialog::new()
                .set_title("Dataset folder (real/, partial/, full/ or a manifest)")
                .pick_folder()
                .map(Command::SetTrainingData)
        });
    }

    pub(super) fn training_out_dialog(&self) {
        self.spawn_dialog(|| {
            rfd::FileDialog::new()
                .set_title("Run folder (new, or an earlier run to resume)")
                .pick_folder()
                .map(Command::SetTrainingOut)
        });
    }

    pub(super) fn start_training(&mut self, resume: bool) {
        self.mode = Mode::Training;
        if let Err(e) =
            self.training
                .start(&self.state.training, self.state.device, resume, &self.ctx)
        {
            self.error = Some(e);
        }
    }
}
