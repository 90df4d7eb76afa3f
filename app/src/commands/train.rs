//! `forgelens train`: the staged pipeline with progress bars (one for the plan, one for the
//! current epoch with its loss terms), warnings on stderr, Ctrl-C to stop cleanly (the run
//! resumes with --resume), and the final model directory's path.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::{Context, Result};
use forgelens_engine::progress::CancelToken;
use forgelens_engine::select_device;
use forgelens_training::train::{
    TrainError, TrainEvent, TrainOptions, TrainingConfig, default_cache_dir, train,
};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::cli::TrainArgs;

pub fn run(args: TrainArgs) -> Result<ExitCode> {
    let overrides = !args.train_generators.is_empty()
        || !args.train_families.is_empty()
        || args.epochs.is_some()
        || args.max_steps_per_epoch.is_some()
        || args.seed.is_some();
    if args.resume && (args.config.is_some() || overrides) {
        anyhow::bail!(
            "--resume continues with the run's own training.json; --config, --train-generators, \
             --train-families, --epochs, --max-steps-per-epoch and --seed apply to new runs only"
        );
    }
    let device = select_device(args.device.device)?;
    let mut config = match &args.config {
        Some(name) => TrainingConfig::from_name_or_file(name).map_err(anyhow::Error::msg)?,
        // With --resume the run directory's own training.json is used.
        None => TrainingConfig::for_preset(forgelens_engine::model::Preset::Tiny),
    };
    if !args.train_generators.is_empty() {
        config.train_generators = args.train_generators.clone();
    }
    if !args.train_families.is_empty() {
        config.families = Some(
            args.train_families
                .iter()
                .map(|f| f.name().to_string())
                .collect(),
        );
    }
    if let Some(epochs) = args.epochs {
        let epochs = epochs as usize;
        config.teacher_epochs = epochs;
        config.student_epochs = epochs;
        config.generalizer_epochs = epochs;
        config.classifier_epochs = epochs;
        config.localisation_epochs = epochs;
    }
    if let Some(m) = args.max_steps_per_epoch {
        config.max_steps_per_epoch = m;
    }
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    let cancel = CancelToken::new();
    {
        let cancel = cancel.clone();
        ctrlc::set_handler(move || {
            eprintln!("\nstopping after this step (resume with --resume)...");
            cancel.cancel();
        })
        .context("installing the Ctrl-C handler")?;
    }
    let options = TrainOptions {
        data: args.data.clone(),
        out: args.out.clone(),
        resume: args.resume,
        cache_dir: args.cache_dir.clone().unwrap_or_else(default_cache_dir),
        device: device.device.clone(),
    };
    eprintln!("training on {} ({})", device.name, device.backend);

    let bars = MultiProgress::new();
    let plan_bar = bars.add(
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{prefix:>14} [{bar:30}] {pos}/{len} {msg}")
                .expect("a valid template"),
        ),
    );
    plan_bar.set_prefix("run");
    let step_bar = bars.add(
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{prefix:>14} [{bar:30}] {pos}/{len} eta {msg}")
                .expect("a valid template"),
        ),
    );
    // Bars are hidden when stderr is not a terminal; lines must still reach a log.
    let tty = std::io::stderr().is_terminal();
    let println = |line: String| {
        if tty {
            let _ = bars.println(line);
        } else {
            eprintln!("{line}");
        }
    };
    let state = Mutex::new(());
    let on_event = |event: TrainEvent| {
        let _guard = state.lock();
        match event {
            TrainEvent::Started {
                phases,
                resumed,
                train_images,
                val_images,
                ..
            } => {
                plan_bar.set_length(phases.len() as u64);
                println(format!(
                    "{train_images} train / {val_images} val images; stages: {}{}",
                    phases.join(", "),
                    resumed
                        .map(|r| format!("; resuming at {r}"))
                        .unwrap_or_default()
                ));
            }
            TrainEvent::Preparing { what, done, total } => {
                step_bar.set_prefix(what);
                step_bar.set_length(total as u64);
                step_bar.set_position(done as u64);
            }
            TrainEvent::PhaseStarted { phase, name, .. } => {
                plan_bar.set_position(phase as u64);
                plan_bar.set_message(name);
            }
            TrainEvent::Step {
                name,
                epoch,
                epochs,
                step,
                steps,
                losses,
                eta_seconds,
                ..
            } => {
                step_bar.set_prefix(format!("{name} {epoch}/{epochs}"));
                step_bar.set_length(steps as u64);
                step_bar.set_position(step as u64);
                let terms: Vec<String> =
                    losses.iter().map(|(k, v)| format!("{k} {v:.4}")).collect();
                step_bar.set_message(format!("{:.0}s  {}", eta_seconds, terms.join("  ")));
            }
            TrainEvent::Epoch(record) => {
                let fmt = |m: &std::collections::BTreeMap<String, f32>| {
                    m.iter()
                        .map(|(k, v)| format!("{k} {v:.4}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                println(format!(
                    "{} epoch {}/{} ({:.1}s): loss {}; val {}{}",
                    record.name,
                    record.epoch,
                    record.epochs,
                    record.seconds,
                    fmt(&record.losses),
                    fmt(&record.val),
                    if record.best { " [best]" } else { "" }
                ));
            }
            TrainEvent::PhaseFinished { phase, .. } => plan_bar.set_position(phase as u64 + 1),
            TrainEvent::Figure { name, png, .. } => {
                println(format!("figure: {name} -> {}", png.display()));
            }
            TrainEvent::Warning(w) => {
                println(format!("warning: {w}"));
            }
            TrainEvent::Finished { .. } => {}
        }
    };
    let result = train(config, &options, &on_event, &cancel);
    step_bar.finish_and_clear();
    plan_bar.finish_and_clear();
    match result {
        Ok(summary) => {
            eprintln!(
                "trained in {:.1} min; model written to {}",
                summary.seconds / 60.0,
                summary.model_dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(TrainError::Cancelled) => {
            eprintln!(
                "cancelled; the last checkpoint in {} is intact: rerun with --resume",
                args.out.display()
            );
            Ok(ExitCode::from(130))
        }
        Err(e) => Err(e).context("training failed"),
    }
}
