//! `ForgeLensApp`: the eframe application. `logic` takes in what the worker and background
//! tasks sent, dropped files and shortcuts; `ui` draws the panels, which return commands;
//! `execute` carries them out.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};

use egui::{Key, KeyboardShortcut, Modifiers};
use forgelens_engine::export::write_analysis_files;
use forgelens_engine::files::write_atomic;
use forgelens_engine::progress::{CancelToken, Progress};
use forgelens_engine::report::{CaseInfo, MapThresholds, ReportOptions};

use super::batch::{Batch, BatchRow, image_files};
use super::command::{Command, Mode};
use super::display::Displayed;
use super::frame_stats::FrameStats;
use super::map_view::{ViewTransform, view_ui};
use super::side_panel::{region_map, side_panel_ui};
use super::state::{Layout, State, ViewKind};
use super::top_bar::top_bar_ui;
use super::training::TrainingPanel;
use super::worker::{ModelSummary, Reply, Request, Worker};
use crate::model_location::resolve_model_dir;

const IMAGE_EXTENSIONS: [&str; 9] = [
    "png", "jpg", "jpeg", "tif", "tiff", "webp", "gif", "bmp", "jfif",
];
const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const EXPORT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);

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
    transform: ViewTransform,
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

    pub fn execute(&mut self, command: Command) {
        match command {
            Command::OpenDialog => {
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
            Command::Open(path) => {
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
            Command::OpenSibling(step) => {
                if let Some(next) = self.displayed.as_ref().and_then(|d| sibling(&d.path, step)) {
                    self.execute(Command::Open(next));
                }
            }
            Command::CancelAnalysis => {
                if let Some(job) = &self.job {
                    job.cancel.cancel();
                    self.status = "cancelling…".into();
                }
            }
            Command::ExportDialog => {
                if self.displayed.is_none() {
                    return;
                }
                let start = self.state.last_export_dir.clone();
                self.spawn_dialog(move || {
                    let mut dialog =
                        rfd::FileDialog::new().set_title("Export the analysis to a folder");
                    if let Some(dir) = start {
                        dialog = dialog.set_directory(dir);
                    }
                    dialog.pick_folder().map(Command::ExportTo)
                });
            }
            Command::ExportTo(dir) => {
                let Some(d) = &self.displayed else { return };
                self.state.last_export_dir = Some(dir.clone());
                let (analysis, image) = (d.analysis.clone(), d.full_image.clone());
                let stem = d
                    .path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "image".into());
                let (colormap, opacity) = (self.state.colormap, self.state.opacity);
                let tx = self.tasks_tx.clone();
                let ctx = self.ctx.clone();
                self.status = format!("exporting to {}", dir.display());
                std::thread::spawn(move || {
                    let result =
                        write_analysis_files(&analysis, &image, &dir, &stem, colormap, opacity)
                            .map_err(|e| format!("export to {} failed: {e}", dir.display()));
                    let _ = tx.send(TaskDone::Exported(result));
                    ctx.request_repaint();
                });
            }
            Command::ReportDialog(format) => {
                let Some(d) = &self.displayed else { return };
                let stem = d
                    .path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "image".into());
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
            Command::ReportTo(out, format) => {
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
                    options: ReportOptions {
                        thresholds: MapThresholds {
                            cam,
                            attention,
                            fused,
                        },
                        colormap: self.state.colormap,
                        overlay_opacity: self.state.opacity,
                        ..ReportOptions::default()
                    },
                });
                self.status = format!("writing the report {}", out.display());
                self.report_pending = true;
            }
            Command::ModelDialog => self.spawn_dialog(|| {
                rfd::FileDialog::new()
                    .set_title("Choose a model directory")
                    .pick_folder()
                    .map(Command::LoadModel)
            }),
            Command::LoadModel(dir) => {
                self.state.model_dir = Some(dir);
                self.load_model();
            }
            Command::CreateUntrainedModel => {
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
            Command::SetDevice(device) => {
                self.state.device = device;
                self.load_model();
            }
            Command::ClearRecent => self.state.recent_files.clear(),
            Command::BatchDialog => self.spawn_dialog(|| {
                rfd::FileDialog::new()
                    .set_title("Analyse every image in a folder")
                    .pick_folder()
                    .map(Command::Batch)
            }),
            Command::Batch(dir) => {
                if let Some(old) = &self.batch {
                    old.cancel.cancel();
                }
                match image_files(&dir, &IMAGE_EXTENSIONS) {
                    Ok(files) => {
                        let batch = Batch::new(dir, files.len());
                        for path in files {
                            self.worker.send(Request::Summarize {
                                path,
                                cancel: batch.cancel.clone(),
                            });
                        }
                        self.batch = Some(batch);
                        self.mode = Mode::Batch;
                    }
                    Err(e) => {
                        self.error = Some(format!("cannot read the folder {}: {e}", dir.display()))
                    }
                }
            }
            Command::CancelBatch => {
                if let Some(batch) = &self.batch {
                    batch.cancel.cancel();
                }
            }
            Command::SaveBatchCsvDialog => {
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
            Command::SaveBatchCsv(path) => {
                let Some(batch) = &self.batch else { return };
                let result = batch
                    .to_csv()
                    .map_err(|e| e.to_string())
                    .and_then(|bytes| write_atomic(&path, &bytes).map_err(|e| e.to_string()))
                    .map(|()| path.clone())
                    .map_err(|e| format!("cannot save {}: {e}", path.display()));
                let _ = self.tasks_tx.send(TaskDone::Saved(result));
            }
            Command::ShowView(mode) => self.mode = mode,
            Command::UseBundledModel => {
                self.state.model_dir = None;
                self.load_model();
            }
            Command::TrainingDataDialog => self.spawn_dialog(|| {
                rfd::FileDialog::new()
                    .set_title("Dataset folder (real/, partial/, full/ or a manifest)")
                    .pick_folder()
                    .map(Command::SetTrainingData)
            }),
            Command::TrainingOutDialog => self.spawn_dialog(|| {
                rfd::FileDialog::new()
                    .set_title("Run folder (new, or an earlier run to resume)")
                    .pick_folder()
                    .map(Command::SetTrainingOut)
            }),
            Command::SetTrainingData(dir) => self.state.training.data = Some(dir),
            Command::SetTrainingOut(dir) => self.state.training.out = Some(dir),
            Command::StartTraining { resume } => {
                self.mode = Mode::Training;
                if let Err(e) =
                    self.training
                        .start(&self.state.training, self.state.device, resume, &self.ctx)
                {
                    self.error = Some(e);
                }
            }
            Command::CancelTraining => self.training.cancel(),
            Command::ShowModelCard => self.show_model_card = true,
        }
    }

    fn take_replies(&mut self) {
        while let Some(reply) = self.worker.try_recv() {
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
                Reply::BatchRow { path, result } => {
                    if let Some(batch) = &mut self.batch
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
                Reply::Cancelled { path } => {
                    if self.job.as_ref().is_some_and(|j| j.path == path) {
                        self.job = None;
                        self.status = format!("cancelled {}", path.display());
                    }
                }
            }
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

    fn views_ui(&mut self, ui: &mut egui::Ui) {
        let Some(d) = self.displayed.as_mut() else {
            self.empty_view_ui(ui);
            return;
        };
        let ctx = ui.ctx().clone();
        let size = d.size();
        let highlight_map = region_map(self.state.layout).map_index().expect("a map");
        let highlight = self.selected_region.and_then(|i| {
            let threshold = self.state.thresholds[highlight_map];
            d.regions(highlight_map, threshold).get(i).map(|r| r.bbox)
        });
        let texture = |kind: ViewKind, d: &mut Displayed| match kind.map_index() {
            None => d.image_texture(&ctx),
            Some(i) => d.map_texture(&ctx, i, &self.state),
        };
        match self.state.layout {
            Layout::Single(kind) => {
                let t = texture(kind, d);
                view_ui(ui, kind.title(), &t, size, &mut self.transform, highlight);
            }
            Layout::Grid => {
                let available = ui.available_size();
                let cell = egui::vec2(available.x / 2.0 - 6.0, available.y / 2.0 - 6.0);
                egui::Grid::new("views").spacing([8.0, 8.0]).show(ui, |ui| {
                    for (n, kind) in ViewKind::ALL.into_iter().enumerate() {
                        let t = texture(kind, d);
                        ui.allocate_ui(cell, |ui| {
                            ui.set_min_size(cell);
                            view_ui(ui, kind.title(), &t, size, &mut self.transform, highlight);
                        });
                        if n % 2 == 1 {
                            ui.end_row();
                        }
                    }
                });
            }
        }
    }

    /// What the central area says before any image is open.
    fn empty_view_ui(&mut self, ui: &mut egui::Ui) {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() / 3.0);
            if let ModelStatus::Missing(_) = self.model {
                ui.label(
                    "No model is loaded. Use the bundled model, open a model directory from the \
                     Model menu, or create an untrained `small` model to try the pipeline (its \
                     verdicts are not evidence).",
                );
                if ui.button("Use the bundled model").clicked() {
                    self.execute(Command::UseBundledModel);
                }
                if ui.button("Create an untrained small model").clicked() {
                    self.execute(Command::CreateUntrainedModel);
                }
                ui.add_space(12.0);
            }
            ui.label("Open an image (Ctrl+O) or drop one here.");
            let sample = PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../assets/samples/chelsea.png"
            ));
            if sample.is_file() && ui.button("Open the sample photograph").clicked() {
                self.execute(Command::Open(sample));
            }
        });
    }

    fn status_bar_ui(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            match &self.model {
                ModelStatus::Loading => {
                    ui.spinner();
                    ui.label("loading the model…");
                }
                ModelStatus::Ready(m) => {
                    let text = if m.trained {
                        format!("model {}", m.id)
                    } else {
                        format!("model {} (UNTRAINED)", m.id)
                    };
                    ui.label(text)
                        .on_hover_text(format!("{}\n{}\n{}", m.card, m.device, m.device_reason));
                }
                ModelStatus::Missing(_) => {
                    ui.label("no model");
                    if ui.button("Create an untrained small model").clicked() {
                        commands.push(Command::CreateUntrainedModel);
                    }
                }
            }
            ui.separator();
            if let Some(batch) = self.batch.as_ref().filter(|b| !b.done()) {
                let fraction = batch.rows.len() as f32 / batch.total.max(1) as f32;
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(160.0)
                        .show_percentage(),
                );
                ui.label(format!("batch: {} of {}", batch.rows.len(), batch.total));
                if ui.button("Cancel batch").clicked() {
                    commands.push(Command::CancelBatch);
                }
                ui.separator();
            }
            if let Some(job) = &self.job {
                let fraction = job
                    .progress
                    .as_ref()
                    .map(|p| p.done as f32 / p.total.max(1) as f32)
                    .unwrap_or(0.0);
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(160.0)
                        .show_percentage(),
                );
                ui.label(format!("analysing {}", file_name(&job.path)));
                if ui.button("Cancel").clicked() {
                    commands.push(Command::CancelAnalysis);
                }
            } else {
                ui.label(&self.status);
            }
        });
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The next or previous image file in `path`'s folder, by name, wrapping around.
fn sibling(path: &Path, step: i32) -> Option<PathBuf> {
    let files = image_files(path.parent()?, &IMAGE_EXTENSIONS).ok()?;
    let i = files.iter().position(|p| p == path)? as i32;
    let n = files.len() as i32;
    files.get((i + step).rem_euclid(n) as usize).cloned()
}

impl eframe::App for ForgeLensApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.take_replies();
        self.training.poll();
        ctx.set_theme(if self.state.dark_mode {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.execute(Command::Open(path));
        }
        let typing = ctx.memory(|m| m.focused().is_some());
        let mut commands = Vec::new();
        ctx.input_mut(|i| {
            if i.consume_shortcut(&OPEN) {
                commands.push(Command::OpenDialog);
            }
            if i.consume_shortcut(&EXPORT) {
                commands.push(Command::ExportDialog);
            }
            if !typing {
                if i.consume_key(Modifiers::NONE, Key::ArrowRight) {
                    commands.push(Command::OpenSibling(1));
                }
                if i.consume_key(Modifiers::NONE, Key::ArrowLeft) {
                    commands.push(Command::OpenSibling(-1));
                }
                if i.consume_key(Modifiers::NONE, Key::O) {
                    self.state.show_overlay = !self.state.show_overlay;
                }
            }
        });
        for command in commands {
            self.execute(command);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let started = std::time::Instant::now();
        let mut commands = Vec::new();
        egui::Panel::top("top_bar").show(ui, |ui| {
            top_bar_ui(
                ui,
                &mut self.state,
                self.displayed.is_some(),
                self.mode,
                self.batch.is_some(),
                &mut commands,
            );
        });
        egui::Panel::bottom("status_bar").show(ui, |ui| self.status_bar_ui(ui, &mut commands));
        if let Some(error) = self.error.clone() {
            egui::Panel::top("error").show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.colored_label(
                        egui::Color32::from_rgb(230, 80, 70),
                        format!("Error: {error}"),
                    );
                    if ui.button("Dismiss").clicked() {
                        self.error = None;
                    }
                });
            });
        }
        if self.mode != Mode::Training {
            egui::Panel::right("side_panel")
                .resizable(true)
                .default_size(330.0)
                .show(ui, |ui| {
                    side_panel_ui(
                        ui,
                        &mut self.state,
                        self.displayed.as_mut(),
                        &mut self.selected_region,
                    );
                });
        }
        egui::CentralPanel::default().show(ui, |ui| match (self.mode, self.batch.as_mut()) {
            (Mode::Training, _) => self
                .training
                .ui(ui, &mut self.state.training, &mut commands),
            (Mode::Batch, Some(batch)) => batch.ui(ui, &mut commands),
            _ => self.views_ui(ui),
        });
        for command in commands {
            self.execute(command);
        }
        if self.show_model_card {
            let text = match &self.model {
                ModelStatus::Ready(m) => format!(
                    "{}\n\ndirectory: {}\ndevice: {}\n{}",
                    m.card,
                    m.dir.display(),
                    m.device,
                    m.device_reason
                ),
                ModelStatus::Loading => "loading…".to_string(),
                ModelStatus::Missing(e) => format!("no model: {e}"),
            };
            egui::Window::new("Model card")
                .open(&mut self.show_model_card)
                .resizable(true)
                .show(ui.ctx(), |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| ui.label(text));
                });
        }
        let busy = self.job.is_some();
        self.frames
            .record(started.elapsed().as_secs_f64() * 1000.0, busy);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}
