//! `forgelens forge`: photographs in, a labelled dataset out, with a progress bar and a
//! summary of what was made and what was skipped.

use std::process::ExitCode;

use anyhow::{Context, Result};
use forgelens_engine::device::DeviceChoice;
use forgelens_engine::progress::{CancelToken, Progress};
use forgelens_engine::select_device;
use forgelens_training::forge::{ForgeConfig, RdnPreset, forge};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::ForgeArgs;

pub fn run(args: ForgeArgs) -> Result<ExitCode> {
    let device = select_device(DeviceChoice::Cpu)?;
    let preset = RdnPreset::SlimX4;
    let weights = preset.shipped_path();
    let model = preset
        .load_shipped(&device.device)
        .with_context(|| format!("loading the generator {}", weights.display()))?;
    let config = ForgeConfig {
        crop_size: args.crop,
        crops_per_photo: args.crops_per_photo,
        seed: args.seed,
        partial_generators: args.partial_generators.clone(),
        ..ForgeConfig::default()
    };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} photos {elapsed} (eta {eta})")
            .expect("a valid template"),
    );
    let report = |p: Progress| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
    };
    let start = std::time::Instant::now();
    let summary = forge(
        &args.photos,
        &args.out,
        &config,
        &model,
        &device.device,
        &report,
        &CancelToken::new(),
    )?;
    bar.finish_and_clear();
    let count = |label: &str| summary.rows.iter().filter(|r| r.label == label).count();
    eprintln!(
        "{} images ({} real, {} partial, {} full) in {:.1} s into {}; {} already there from an earlier run",
        summary.rows.len(),
        count("real"),
        count("partial"),
        count("full"),
        start.elapsed().as_secs_f64(),
        args.out.display(),
        summary.resumed
    );
    for (path, reason) in &summary.skipped {
        eprintln!("skipped {}: {reason}", path.display());
    }
    eprintln!("{} photographs skipped", summary.skipped.len());
    Ok(ExitCode::SUCCESS)
}
