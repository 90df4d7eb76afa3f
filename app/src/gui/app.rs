//! `ForgeLensApp`: the eframe application. `logic` takes in what the worker and background
//! tasks sent, dropped files and shortcuts; `ui` draws the panels, which return commands;
//! `execute` hands each command to the part of the app it concerns (the files under `app/`).

mod analysis;
mod batch_table;
mod case;
mod case_analysis;
mod export;
mod files;
mod frame;
mod toolbox;
mod train;
mod views;

pub use toolbox::ToolStatus;

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

use forgelens_engine::progress::{CancelToken, Progress};

use super::batch::Batch;
use super::case_panel::CasePanel;
use super::command::{Command, Mode};
use super::display::Displayed;
use super::explorer::Explorer;
use super::frame_stats::FrameStats;
use super::keys::KeysWindow;
use super::map_view::ViewTransform;
use super::side_panel::region_map;
use super::state::State;
use super::toolbox::ToolCache;
use super::training::TrainingPanel;
use super::worker::{ModelSummary, Request, Worker};
use crate::model_location::resolve_model_dir;

#[derive(Debug, Clone)]
pub enum ModelStatus {
    Loading,
    Ready(ModelSummary),
    Missing(String),
}

struct Job {
    path: PathBuf,
    cancel: CancelToken,
    progress: Option<Progress>,
}

/// Results of work done off the UI thread other than analysis (dialogs, export).
enum TaskDone {
    Command(Command),
    Exported(Result<Vec<PathBuf>, String>),
    Saved(Result<PathBuf, String>),
}

pub struct ForgeLensApp {
    pub state: State,
    worker: Worker,
    pub model: ModelStatus,
    job: Option<Job>,
    displayed: Option<Displayed>,
    /// The zoom and pan of every view: the image view's and the attention explorer's.
    pub transform: ViewTransform,
    selected_region: Option<usize>,
    /// The last error, shown until dismissed or replaced.
    pub error: Option<String>,
    status: String,
    /// A report is being written by the worker.
    report_pending: bool,
    tasks_tx: Sender<TaskDone>,
    tasks_rx: Receiver<TaskDone>,
    ctx: egui::Context,
    frames: FrameStats,
    pub mode: Mode,
    pub batch: Option<Batch>,
    show_model_card: bool,
    pub training: TrainingPanel,
    /// The toolbox's results on the images shown this session.
    tools: ToolCache,
    /// The attention explorer's choices and the tile it shows.
    pub explorer: Explorer,
    /// The selected region of the toolbox panel's map.
    tool_region: Option<usize>,
    /// The open case and the case panel's fields.
    pub case: CasePanel,
    /// File → Trusted keys.
    pub keys: KeysWindow,
}

impl ForgeLensApp {
    /// `state_override` replaces the persisted state (tests, `--reset`).
    pub fn new(cc: &eframe::CreationContext<'_>, state_override: Option<State>) -> Self {
        let state = state_override.unwrap_or_else(|| {
            cc.storage
                .and_then(|s| eframe::get_value::<State>(s, eframe::APP_KEY))
                .unwrap_or_default()
        });
        let ctx = cc.egui_ctx.clone();
        let (tasks_tx, tasks_rx) = channel();
        let mut app = Self {
            state,
            worker: Worker::spawn(ctx.clone()),
            model: ModelStatus::Loading,
            job: None,
            displayed: None,
            transform: ViewTransform::default(),
            selected_region: None,
            error: None,
            status: String::new(),
            report_pending: false,
            tasks_tx,
            tasks_rx,
            ctx,
            frames: FrameStats::default(),
            mode: Mode::Image,
            batch: None,
            show_model_card: false,
            training: TrainingPanel::default(),
            tools: ToolCache::default(),
            explorer: Explorer::default(),
            tool_region: None,
            case: CasePanel::default(),
            keys: KeysWindow::new(forgelens_report::Keyring::user().map_err(|e| e.to_string())),
        };
        app.load_model();
        app
    }

    /// `new`, then the command line's model, device and image.
    pub fn launch(cc: &eframe::CreationContext<'_>, launch: super::Launch) -> Self {
        let mut state = launch.state.unwrap_or_else(|| {
            cc.storage
                .and_then(|s| eframe::get_value::<State>(s, eframe::APP_KEY))
                .unwrap_or_default()
        });
        if launch.model.is_some() {
            state.model_dir = launch.model;
        }
        if let Some(device) = launch.device {
            state.device = device;
        }
        let mut app = Self::new(cc, Some(state));
        if let Some(image) = launch.image {
            app.execute(Command::Open(image));
        }
        if let Some(dir) = launch.batch {
            app.execute(Command::Batch(dir));
        }
        app
    }

    fn load_model(&mut self) {
        match resolve_model_dir(self.state.model_dir.clone()) {
            Ok(dir) => {
                self.model = ModelStatus::Loading;
                self.worker.send(Request::LoadModel {
                    dir,
                    device: self.state.device,
                });
            }
            Err(e) => self.model = ModelStatus::Missing(format!("{e:#}")),
        }
    }

    pub fn is_busy(&self) -> bool {
        self.job.is_some()
            || self.report_pending
            || matches!(self.model, ModelStatus::Loading)
            || self.batch.as_ref().is_some_and(|b| !b.done())
            || self.tools.running() > 0
            || self.case.analysis.is_some()
    }

    /// The verdict line on screen, if an analysis is shown.
    pub fn verdict(&self) -> Option<&forgelens_engine::analysis::Verdict> {
        self.displayed.as_ref().map(|d| &d.analysis.verdict)
    }

    /// Pixels of the region map above its threshold, at display resolution.
    pub fn masked_pixels(&mut self) -> Option<u64> {
        let index = region_map(self.state.layout).map_index()?;
        let threshold = self.state.thresholds[index];
        let d = self.displayed.as_mut()?;
        Some(d.regions(index, threshold).iter().map(|r| r.pixels).sum())
    }

    /// Runs `make` (a file dialog) on a short-lived thread; the command it returns is
    /// executed when `logic` next takes in finished tasks.
    fn spawn_dialog(&self, make: impl FnOnce() -> Option<Command> + Send + 'static) {
        let tx = self.tasks_tx.clone();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            if let Some(command) = make() {
                let _ = tx.send(TaskDone::Command(command));
                ctx.request_repaint();
            }
        });
    }

    /// Carries out a command; each concern's commands live in its own file under `app/`.
    pub fn execute(&mut self, command: Command) {
        match command {
            // files and models: app/files.rs
            Command::OpenDialog => self.open_dialog(),
            Command::Open(path) => self.open(path),
            Command::OpenSibling(step) => self.open_sibling(step),
            Command::ClearRecent => self.state.recent_files.clear(),
            Command::ModelDialog => self.model_dialog(),
            Command::LoadModel(dir) => {
                self.state.model_dir = Some(dir);
                self.load_model();
            }
            Command::CreateUntrainedModel => self.create_untrained_model(),
            Command::UseBundledModel => {
                self.state.model_dir = None;
                self.load_model();
            }
            Command::SetDevice(device) => {
                self.state.device = device;
                self.load_model();
            }
            Command::ShowModelCard => self.show_model_card = true,
            // trusted keys: keys.rs
            Command::ShowTrustedKeys => self.keys.show(),
            Command::TrustKeyDialog => self.spawn_dialog(|| {
                rfd::FileDialog::new()
                    .set_title("Trust a public key")
                    .add_filter("Public key", &["pub"])
                    .pick_file()
                    .map(Command::TrustKey)
            }),
            Command::TrustKey(file) => self.keys.add(&file),
            Command::UntrustKey(fingerprint) => self.keys.remove(&fingerprint),
            // analysis: app/analysis.rs
            Command::CancelAnalysis => self.cancel_analysis(),
            Command::ShowView(mode) => self.mode = mode,
            // batch: app/batch_table.rs
            Command::BatchDialog => self.batch_dialog(),
            Command::Batch(dir) => self.start_batch(dir),
            Command::CancelBatch => self.cancel_batch(),
            Command::SaveBatchCsvDialog => self.save_batch_csv_dialog(),
            Command::SaveBatchCsv(path) => self.save_batch_csv(path),
            // export and reports: app/export.rs
            Command::ExportDialog => self.export_dialog(),
            Command::ExportTo(dir) => self.export_to(dir),
            Command::ReportDialog(format) => self.report_dialog(format),
            Command::ReportTo(out, format) => self.report_to(out, format),
            // training: app/train.rs
            Command::TrainingDataDialog => self.training_data_dialog(),
            Command::TrainingOutDialog => self.training_out_dialog(),
            Command::SetTrainingData(dir) => self.state.training.data = Some(dir),
            Command::SetTrainingOut(dir) => self.state.training.out = Some(dir),
            Command::StartTraining { resume } => self.start_training(resume),
            Command::CancelTraining => self.training.cancel(),
            // the classic toolbox: app/toolbox.rs
            Command::CancelTools => self.cancel_tools(),
            Command::RecomputeTool(tool) => self.recompute_tool(tool),
            Command::TrustAnchorsDialog => self.trust_anchors_dialog(),
            Command::SetTrustAnchors(path) => self.set_trust_anchors(path),
            // cases: app/case.rs
            case_command => self.execute_case(case_command),
        }
    }
}
