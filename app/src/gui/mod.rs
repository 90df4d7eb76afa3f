//! The desktop app (eframe / egui). `ForgeLensApp` owns the persisted `State`, a worker
//! thread that loads models and analyses images, and what is on screen; panels draw and
//! return `Command`s that the app carries out after drawing.

mod app;
mod batch;
mod case_panel;
mod command;
mod display;
pub mod explorer;
mod frame_stats;
pub mod help;
mod keys;
mod map_view;
mod side_panel;
mod state;
mod toolbox;
mod toolbox_file;
mod toolbox_panel;
mod toolbox_params;
mod top_bar;
pub mod training;
pub mod training_attention;
mod training_log;
mod training_settings;
mod worker;

use std::path::PathBuf;

pub use app::{ForgeLensApp, ModelStatus, ToolStatus};
pub use case_panel::{CaseForm, CasePanel};
pub use command::{Command, Mode};
pub use keys::KeysWindow;
pub use map_view::ViewTransform;
pub use state::{Layout, State, ViewKind};
pub use toolbox::{ToolMap, ToolboxSettings};

use forgelens_engine::DeviceChoice;

/// How the app starts: what the command line asked for on top of the persisted state.
#[derive(Debug, Default)]
pub struct Launch {
    pub image: Option<PathBuf>,
    pub batch: Option<PathBuf>,
    pub model: Option<PathBuf>,
    pub device: Option<DeviceChoice>,
    /// Replaces the persisted state (tests).
    pub state: Option<State>,
}

/// Opens the main window; returns when it is closed.
pub fn run(launch: Launch) -> anyhow::Result<()> {
    frame_stats::mark_launch();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("ForgeLens")
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([640.0, 420.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "ForgeLens",
        options,
        Box::new(move |cc| Ok(Box::new(ForgeLensApp::launch(cc, launch)))),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
