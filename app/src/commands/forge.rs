//! `forgelens forge`: photographs in, a labelled dataset out, with a progress bar and a
//! summary of what was made (per family, split, sample kind and processing) and skipped.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Result;
use forgelens_engine::data_dir;
use forgelens_engine::device::DeviceChoice;
use forgelens_engine::progress::{CancelToken, Progress};
use forgelens_engine::select_device;
use forgelens_training::forge::{ForgeConfig, ForgeError, LaunderingConfig, ManifestRow, forge};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::ForgeArgs;

pub fn run(args: ForgeArgs) -> Result<ExitCode> {
    let device = select_device(DeviceChoice::Cpu)?;
    let laundering = LaunderingConfig {
        enabled: !args.no_laundering,
        resize: args.p_resize,
        blur: args.p_blur,
        noise: args.p_noise,
        jpeg: args.p_jpeg,
        double_jpeg: args.p_double_jpeg,
        webp: args.p_webp,
        ..LaunderingConfig::default()
    };
    // The shipped generator weights (`data_dir`); only families that need one load it, so
    // their absence is an error only then, naming every place searched.
    let generators_dir = data_dir::locate(data_dir::GENERATORS);
    let config = ForgeConfig {
        crop_size: args.crop,
        crops_per_photo: args.crops_per_photo,
        whole_share: args.whole_share,
        seed: args.seed,
        families: args.families.clone(),
        generators: args.generators.clone(),
        laundering,
        threads: args.threads as usize,
        generators_dir: generators_dir
            .as_ref()
            .map_or_else(|_| data_dir::GENERATORS.into(), |found| found.path.clone()),
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
    let cancel = CancelToken::new();
    let on_interrupt = cancel.clone();
    // A second Ctrl-C falls through to the default handler; an error here only means one
    // is already installed.
    let _ = ctrlc::set_handler(move || on_interrupt.cancel());
    let start = std::time::Instant::now();
    let summary = forge(
        &args.photos,
        &args.out,
        &config,
        &device.device,
        &report,
        &cancel,
    )
    .map_err(|error| match (&error, &generators_dir) {
        (ForgeError::Generator { .. }, Err(not_found)) => {
            anyhow::Error::from(error).context(not_found.to_string())
        }
        _ => error.into(),
    })?;
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
    print_breakdown("family", &summary.rows, |r| r.family.name().to_string());
    print_breakdown("generator", &summary.rows, |r| r.generator.clone());
    print_breakdown("split", &summary.rows, |r| r.split.to_string());
    print_breakdown("sample", &summary.rows, |r| r.sample.name().to_string());
    print_breakdown("last processing step", &summary.rows, |r| {
        last_step_kind(&r.processing)
    });
    for (path, reason) in &summary.skipped {
        eprintln!("skipped {}: {reason}", path.display());
    }
    eprintln!("{} photographs skipped", summary.skipped.len());
    Ok(ExitCode::SUCCESS)
}

/// The kind of a chain's last step (`jpeg`, `webp`, `resize`, ... or `none`).
fn last_step_kind(processing: &str) -> String {
    processing
        .rsplit('+')
        .next()
        .and_then(|s| s.split(':').next())
        .unwrap_or("none")
        .to_string()
}

/// Counts per value of `key` and label, so a reader sees that no value predicts the label.
fn print_breakdown(what: &str, rows: &[ManifestRow], key: impl Fn(&ManifestRow) -> String) {
    let mut table: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for r in rows {
        let k = key(r);
        let k = if k.is_empty() { "-".to_string() } else { k };
        let column = match r.label {
            "real" => 0,
            "partial" => 1,
            _ => 2,
        };
        table.entry(k).or_default()[column] += 1;
    }
    eprintln!("\n{what:<24} {:>6} {:>8} {:>6}", "real", "partial", "full");
    for (k, [real, partial, full]) in table {
        eprintln!("{k:<24} {real:>6} {partial:>8} {full:>6}");
    }
}
