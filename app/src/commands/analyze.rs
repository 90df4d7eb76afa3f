//! `forgelens analyze`: for each image, the analysis JSON (without map values) and the maps
//! as PNG (greyscale and overlaid on the image) in `--out`; a line per image on stderr, or a
//! JSON array on stdout with `--json`. Exit code 1 if any image failed.

use std::collections::HashSet;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use forgelens_engine::analysis::AnalysisSummary;
use forgelens_engine::export::write_analysis_files;
use forgelens_engine::image_input::{ImageLimits, read_image_file};
use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_engine::render::Colormap;
use forgelens_engine::{Analyzer, AnalyzerOptions, select_device};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cli::AnalyzeArgs;
use crate::model_location::resolve_model_dir;

#[derive(Serialize)]
#[serde(untagged)]
enum Outcome {
    Ok(Box<AnalysisSummary>),
    Failed { file: String, error: String },
}

pub fn run(args: AnalyzeArgs) -> Result<ExitCode> {
    let model_dir = resolve_model_dir(args.model.clone())?;
    let device = select_device(args.device.device)?;
    let options = AnalyzerOptions {
        limits: ImageLimits {
            max_pixels: (args.max_megapixels * 1e6) as u64,
            ..ImageLimits::default()
        },
        tile_overlap: args.overlap,
        max_tiles: args.max_tiles.max(1),
        ..AnalyzerOptions::default()
    };
    let analyzer = Analyzer::from_dir(&model_dir, device, options)
        .with_context(|| format!("loading the model from {}", model_dir.display()))?;
    if !analyzer.model().card.trained {
        eprintln!(
            "warning: model {} is UNTRAINED; its verdicts and maps are not evidence",
            analyzer.model().id()
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating the output directory {}", args.out.display()))?;

    let bar = ProgressBar::new(args.images.len() as u64).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("a valid template"),
    );
    if args.images.len() < 2 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut stems = HashSet::new();
    let mut outcomes = Vec::new();
    let mut failed = false;
    for path in &args.images {
        bar.set_message(path.display().to_string());
        let result = read_image_file(path, &options.limits)
            .map_err(anyhow::Error::from)
            .and_then(|image| {
                let analysis =
                    analyzer.analyze_image(&image, &no_progress(), &CancelToken::new())?;
                let stem = unique_stem(path, &mut stems);
                write_analysis_files(
                    &analysis,
                    &image.rgb,
                    &args.out,
                    &stem,
                    Colormap::Inferno,
                    0.5,
                )
                .with_context(|| format!("writing results to {}", args.out.display()))?;
                Ok(analysis)
            });
        match result {
            Ok(analysis) => {
                if !args.json {
                    bar.suspend(|| {
                        eprintln!(
                            "{}: {} [real {:.3} / partial {:.3} / full {:.3}] {:.0} ms",
                            path.display(),
                            analysis.verdict.summary,
                            analysis.probabilities.real,
                            analysis.probabilities.partial,
                            analysis.probabilities.full,
                            analysis.timings.total_ms
                        )
                    });
                }
                outcomes.push(Outcome::Ok(Box::new(analysis.summary())));
            }
            Err(error) => {
                failed = true;
                bar.suspend(|| eprintln!("error: {error:#}"));
                outcomes.push(Outcome::Failed {
                    file: path.display().to_string(),
                    error: format!("{error:#}"),
                });
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&outcomes)?);
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The file stem, made unique among this run's inputs (`a.png` and `a.jpg` -> `a`, `a-2`).
fn unique_stem(path: &Path, seen: &mut HashSet<String>) -> String {
    let base = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".into());
    let mut stem = base.clone();
    let mut n = 2;
    while !seen.insert(stem.clone()) {
        stem = format!("{base}-{n}");
        n += 1;
    }
    stem
}
