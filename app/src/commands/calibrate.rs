//! `forgelens calibrate`: fits the temperature and chooses the inconclusive threshold on the
//! val split (images training used are refused, as by `eval`; the test split never), then
//! stores both in the model card, written atomically. What was fitted goes to stderr, or as
//! JSON to stdout with `--json`.

use std::process::ExitCode;

use anyhow::{Context, Result};
use forgelens_engine::files::write_atomic;
use forgelens_engine::model::directory::CARD_FILE;
use forgelens_engine::progress::CancelToken;
use forgelens_engine::verdict::percent;
use forgelens_engine::{Analyzer, select_device};
use forgelens_training::data::Dataset;
use forgelens_training::eval::calibrate::calibrate;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::CalibrateArgs;
use crate::model_location::resolve_model_dir;

pub fn run(args: CalibrateArgs) -> Result<ExitCode> {
    let model_dir = resolve_model_dir(args.model.clone())?;
    let dataset = Dataset::open(&args.data)?;
    let device = select_device(args.device.device)?;
    let analyzer = Analyzer::from_dir(&model_dir, device, args.tiling.analyzer_options())
        .with_context(|| format!("loading the model from {}", model_dir.display()))?;
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} images (eta {eta})")
            .expect("a valid template"),
    );
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let (calibration, skipped) = calibrate(
        &analyzer,
        &dataset,
        args.split,
        &progress,
        &CancelToken::new(),
    )?;
    bar.finish_and_clear();
    for (path, why) in &skipped {
        eprintln!("skipped {}: {why}", path.display());
    }
    let mut card = analyzer.model().card.clone();
    card.calibration = Some(calibration.clone());
    let path = model_dir.join(CARD_FILE);
    write_atomic(&path, serde_json::to_string_pretty(&card)?.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&calibration)?);
    } else {
        eprintln!(
            "temperature {:.3}; inconclusive below {} ({} of the conclusive verdicts wrong, {} \
             inconclusive); ECE {:.3} -> {:.3} on {} images of {}\nstored in {}",
            calibration.temperature,
            percent(calibration.inconclusive_below),
            percent(calibration.conclusive_error),
            percent(calibration.inconclusive_share),
            calibration.ece_before,
            calibration.ece_after,
            calibration.images,
            calibration.split,
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
