//! The training panel: pick a dataset and a run folder, choose a preset and edit its main
//! hyper-parameters, start / cancel / resume; per-stage progress bars, live loss curves per
//! term and validation metrics (`egui_plot`), and the paper's Figure 3 (discrepancy
//! densities) and Figure 4 (t-SNE embedding) once the run has made them, and the attention
//! snapshots of the localisation stage over epochs (`training_attention.rs`). Training runs
//! on a thread of its own that sends `TrainEvent`s over a channel and wakes the UI.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

use egui_plot::{Legend, Line, Plot, Points};
use forgelens_engine::model::Preset;
use forgelens_engine::progress::CancelToken;
use forgelens_engine::render::Colormap;
use forgelens_engine::{DeviceChoice, Label, select_device};
use forgelens_training::train::{
    EpochRecord, TrainError, TrainEvent, TrainOptions, TrainingConfig, default_cache_dir, train,
};

use super::command::Command;
use super::training_attention::AttentionSnapshots;
pub use super::training_log::TrainingLog;
pub use super::training_settings::TrainingSettings;

enum Message {
    Event(TrainEvent),
    Done(Result<PathBuf, String>),
}

struct Job {
    cancel: CancelToken,
    rx: Receiver<Message>,
}

#[derive(Default)]
pub struct TrainingPanel {
    job: Option<Job>,
    pub log: TrainingLog,
    /// The run folder's attention snapshots, read again after each epoch.
    pub snapshots: AttentionSnapshots,
    snapshots_stale: bool,
}

impl TrainingPanel {
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    pub fn start(
        &mut self,
        settings: &TrainingSettings,
        device: DeviceChoice,
        resume: bool,
        ctx: &egui::Context,
    ) -> Result<(), String> {
        if self.job.is_some() {
            return Err("a training run is already going".into());
        }
        let data = settings
            .data
            .clone()
            .ok_or("choose a dataset folder first")?;
        let out = settings.out.clone().ok_or("choose a run folder first")?;
        let config = settings.config()?;
        let cancel = CancelToken::new();
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let thread_cancel = cancel.clone();
        std::thread::Builder::new()
            .name("forgelens-training".into())
            .spawn(move || {
                let result = select_device(device)
                    .map_err(|e| e.to_string())
                    .and_then(|device| {
                        let options = TrainOptions {
                            data,
                            out,
                            resume,
                            cache_dir: default_cache_dir(),
                            device: device.device,
                        };
                        let sink = |event: TrainEvent| {
                            let _ = tx.send(Message::Event(event));
                            ctx.request_repaint();
                        };
                        train(config, &options, &sink, &thread_cancel).map_err(|e| match e {
                            TrainError::Cancelled => {
                                "cancelled; the last checkpoint is intact (Resume continues)"
                                    .to_string()
                            }
                            other => other.to_string(),
                        })
                    });
                let _ = tx.send(Message::Done(result.map(|s| s.model_dir)));
                ctx.request_repaint();
            })
            .map_err(|e| e.to_string())?;
        self.log = TrainingLog::starting();
        self.job = Some(Job { cancel, rx });
        Ok(())
    }

    pub fn cancel(&self) {
        if let Some(job) = &self.job {
            job.cancel.cancel();
        }
    }

    /// Takes in what the training thread sent.
    pub fn poll(&mut self) {
        let Some(job) = &self.job else { return };
        let mut done = None;
        while let Ok(message) = job.rx.try_recv() {
            match message {
                Message::Event(e) => {
                    // The stage writes its snapshot before the epoch's event.
                    self.snapshots_stale |=
                        matches!(&e, TrainEvent::Epoch(r) if r.stage == "localisation");
                    self.log.take(e)
                }
                Message::Done(result) => done = Some(result),
            }
        }
        if let Some(result) = done {
            self.snapshots_stale = true;
            self.job = None;
            match result {
                Ok(dir) => self.log.finished_model = Some(dir),
                Err(e) => {
                    self.log.status = e.clone();
                    self.log.error = Some(e);
                }
            }
        }
    }

    /// `colormap`: the main view's, for the attention snapshots.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        settings: &mut TrainingSettings,
        colormap: Colormap,
        commands: &mut Vec<Command>,
    ) {
        if self.snapshots_stale || self.snapshots.run_dir() != settings.out.as_deref() {
            self.snapshots.refresh(settings.out.as_deref());
            self.snapshots_stale = false;
        }
        ui.columns(2, |columns| {
            egui::ScrollArea::vertical()
                .id_salt("training_form")
                .show(&mut columns[0], |ui| {
                    self.form_ui(ui, settings, commands);
                });
            egui::ScrollArea::vertical()
                .id_salt("training_results")
                .show(&mut columns[1], |ui| self.results_ui(ui, colormap));
        });
    }

    fn form_ui(
        &mut self,
        ui: &mut egui::Ui,
        s: &mut TrainingSettings,
        commands: &mut Vec<Command>,
    ) {
        let running = self.is_running();
        ui.heading("Training");
        ui.add_enabled_ui(!running, |ui| {
            folder_row(ui, "Dataset", &s.data, || {
                commands.push(Command::TrainingDataDialog)
            });
            folder_row(ui, "Run folder", &s.out, || {
                commands.push(Command::TrainingOutDialog)
            });
            ui.horizontal(|ui| {
                ui.label("Config");
                let mut preset = s.preset.clone();
                egui::ComboBox::from_id_salt("training_preset")
                    .selected_text(preset.clone())
                    .show_ui(ui, |ui| {
                        for p in Preset::ALL {
                            ui.selectable_value(&mut preset, p.to_string(), p.to_string());
                        }
                    });
                if preset != s.preset
                    && let Ok(p) = preset.parse::<Preset>()
                {
                    let keep = (s.data.clone(), s.out.clone());
                    *s = TrainingSettings::from_config(&preset, &TrainingConfig::for_preset(p));
                    (s.data, s.out) = keep;
                }
            });
            egui::Grid::new("training_params")
                .num_columns(2)
                .show(ui, |ui| {
                    let count = |ui: &mut egui::Ui, label: &str, v: &mut usize, min: usize| {
                        ui.label(label);
                        ui.add(egui::DragValue::new(v).range(min..=10_000));
                        ui.end_row();
                    };
                    count(ui, "Teacher epochs", &mut s.teacher_epochs, 1);
                    count(ui, "Student epochs", &mut s.student_epochs, 1);
                    count(ui, "Generalizer epochs", &mut s.generalizer_epochs, 1);
                    count(ui, "Rounds (students, then generalizers)", &mut s.rounds, 1);
                    count(ui, "Classifier epochs", &mut s.classifier_epochs, 1);
                    count(ui, "Localisation epochs", &mut s.localisation_epochs, 1);
                    count(ui, "Batch size", &mut s.batch_size, 1);
                    count(
                        ui,
                        "Max steps per epoch (0 = all)",
                        &mut s.max_steps_per_epoch,
                        0,
                    );
                    ui.label("Detector learning rate");
                    ui.add(
                        egui::DragValue::new(&mut s.detector_lr)
                            .speed(1e-5)
                            .range(1e-7..=1.0),
                    );
                    ui.end_row();
                    ui.label("Localisation learning rate");
                    ui.add(
                        egui::DragValue::new(&mut s.localisation_lr)
                            .speed(1e-5)
                            .range(1e-7..=1.0),
                    );
                    ui.end_row();
                    ui.label("Margin M");
                    ui.add(
                        egui::DragValue::new(&mut s.margin)
                            .speed(0.1)
                            .range(0.0..=100.0),
                    );
                    ui.end_row();
                    ui.label("Train generators");
                    ui.text_edit_singleline(&mut s.train_generators)
                        .on_hover_text("comma-separated; empty trains on every generator");
                    ui.end_row();
                });
        });
        ui.horizontal(|ui| {
            if running {
                if ui.button("Cancel training").clicked() {
                    commands.push(Command::CancelTraining);
                }
            } else {
                if ui.button("Start training").clicked() {
                    commands.push(Command::StartTraining { resume: false });
                }
                let resumable = s
                    .out
                    .as_deref()
                    .is_some_and(|o| o.join("training.json").is_file());
                if ui
                    .add_enabled(resumable, egui::Button::new("Resume"))
                    .on_disabled_hover_text("the run folder holds no run to resume")
                    .clicked()
                {
                    commands.push(Command::StartTraining { resume: true });
                }
            }
        });
        if let Some(model) = self.log.finished_model.clone()
            && !running
        {
            ui.label(format!("Model written to {}", model.display()));
            if ui.button("Use this model for analysis").clicked() {
                commands.push(Command::LoadModel(model));
            }
        }
        if let Some(error) = &self.log.error {
            ui.colored_label(egui::Color32::from_rgb(230, 80, 70), error);
        }
        for w in self.log.warnings.iter().rev().take(5) {
            ui.small(w);
        }
    }

    fn results_ui(&mut self, ui: &mut egui::Ui, colormap: Colormap) {
        if self.snapshots.has_content() {
            ui.horizontal(|ui| {
                ui.strong("Attention during training");
                if ui.small_button("Reload").clicked() {
                    self.snapshots_stale = true;
                }
            });
            self.snapshots.ui(ui, colormap);
            ui.separator();
        }
        let log = &self.log;
        ui.label(format!("Status: {}", log.status));
        for (name, progress) in log.phases.iter().zip(&log.phase_progress) {
            ui.add(egui::ProgressBar::new(*progress).text(name.as_str()));
        }
        if let Some(phase) = log.current_phase.as_ref().or(log.losses.keys().last())
            && let Some(curves) = log.losses.get(phase)
        {
            ui.label(format!("Loss terms: {phase}"));
            Plot::new("training_losses")
                .height(180.0)
                .legend(Legend::default())
                .show(ui, |plot| {
                    for (term, points) in curves {
                        plot.line(Line::new(term.clone(), points.clone()));
                    }
                });
        }
        if !log.epochs.is_empty() {
            ui.label("Validation (last epoch of each stage)");
            let mut last: BTreeMap<usize, &EpochRecord> = BTreeMap::new();
            for r in &log.epochs {
                last.insert(r.phase, r);
            }
            egui::Grid::new("val_metrics").striped(true).show(ui, |ui| {
                for r in last.values() {
                    ui.label(format!("{} {}/{}", r.name, r.epoch, r.epochs));
                    let text: Vec<String> =
                        r.val.iter().map(|(k, v)| format!("{k} {v:.3}")).collect();
                    ui.label(text.join("  "));
                    ui.end_row();
                }
            });
        }
        for figure in &log.densities {
            ui.label(format!(
                "Figure 3: d1 and d2 per class, {} student training",
                figure.when
            ));
            for (which, hists) in [("d1", &figure.d1), ("d2", &figure.d2)] {
                Plot::new(format!("density_{}_{which}", figure.when))
                    .height(120.0)
                    .legend(Legend::default())
                    .show(ui, |plot| {
                        for h in hists {
                            let pts: Vec<[f64; 2]> =
                                h.x.iter()
                                    .zip(&h.density)
                                    .map(|(&x, &y)| [f64::from(x), f64::from(y)])
                                    .collect();
                            plot.line(Line::new(format!("{which} {}", h.class), pts));
                        }
                    });
            }
        }
        if let Some(e) = &log.embedding {
            ui.label("Figure 4: classifier input features, t-SNE");
            Plot::new("embedding")
                .height(220.0)
                .data_aspect(1.0)
                .legend(Legend::default())
                .show(ui, |plot| {
                    for class in Label::ALL {
                        let pts: Vec<[f64; 2]> = e
                            .points
                            .iter()
                            .zip(&e.labels)
                            .filter(|(_, l)| **l == class)
                            .map(|(p, _)| [f64::from(p[0]), f64::from(p[1])])
                            .collect();
                        plot.points(Points::new(class.name(), pts).radius(2.0));
                    }
                });
        }
    }
}

fn folder_row(ui: &mut egui::Ui, label: &str, value: &Option<PathBuf>, mut pick: impl FnMut()) {
    ui.horizontal(|ui| {
        ui.label(label);
        let text = value
            .as_deref()
            .map(Path::display)
            .map(|d| d.to_string())
            .unwrap_or_else(|| "(none)".into());
        ui.monospace(text);
        if ui
            .button(format!("Choose {}…", label.to_lowercase()))
            .clicked()
        {
            pick();
        }
    });
}
