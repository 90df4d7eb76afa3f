//! `forgelens analyze`: for each image (folders are expanded), the analysis JSON (without map
//! values) and the maps as PNG (greyscale and overlaid on the image) in `--out`; with
//! `--report-dir`, also a report per image and an index (CSV, HTML) of all verdicts; with
//! `--shard K/N`, only this shard's images and its part of the index (`report-index` merges
//! the parts). A line per image on stderr, or a JSON array on stdout with `--json`. Exit code
//! 1 if any image failed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use forgelens_engine::analysis::{AnalysisSummary, percent, verdict};
use forgelens_engine::export::write_analysis_files;
use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_engine::render::Colormap;
use forgelens_engine::{Analyzer, select_device};
use forgelens_report::index::{IndexRow, write_index};
use forgelens_report::{
    Clock, ModelRecord, ReportInput, ReportOptions, SystemClock, build_report, check_writable,
    read_evidence, render_report, run_toolbox, write_report_file,
};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::report::{case_info, signing_key};
use crate::build_info::tool_info;
use crate::cli::AnalyzeArgs;
use crate::model_location::resolve_model_dir;
use crate::shard_index::IndexPart;

/// The images to analyse: files as given, folders expanded to the images directly inside,
/// sorted by name.
fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let found = forgelens_engine::image_files::image_files(input)
                .with_context(|| format!("listing {}", input.display()))?;
            if found.is_empty() {
                eprintln!("warning: no images in {}", input.display());
            }
            out.extend(found);
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

#[derive(Serialize)]
#[serde(untagged)]
enum Outcome {
    Ok(Box<AnalysisSummary>),
    Failed { file: String, error: String },
}

pub fn run(args: AnalyzeArgs) -> Result<ExitCode> {
    let all_images = expand_inputs(&args.images)?;
    // Output names come from the whole input list, so a shard names an image's files as a
    // single run would.
    let mut stems = HashSet::new();
    let all_stems: Vec<String> = all_images
        .iter()
        .map(|path| unique_stem(path, &mut stems))
        .collect();
    let (positions, images): (Vec<usize>, Vec<&PathBuf>) = all_images
        .iter()
        .enumerate()
        .filter(|(_, path)| args.shard.is_none_or(|shard| shard.takes(path)))
        .unzip();
    let key = signing_key(&args.case)?;
    let model_dir = resolve_model_dir(args.model.clone())?;
    let device = select_device(args.device.device)?;
    let options = args.tiling.analyzer_options();
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
    if let Some(dir) = &args.report_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the report directory {}", dir.display()))?;
        check_writable(dir)?;
    }
    let report_options = ReportOptions {
        inconclusive_below: args.inconclusive_below,
        ..ReportOptions::default()
    };
    let clock = SystemClock;
    let mut index = Vec::new();

    let bar = ProgressBar::new(images.len() as u64).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("a valid template"),
    );
    if images.len() < 2 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut outcomes = Vec::new();
    let mut failed = false;
    for (&position, path) in positions.iter().zip(&images) {
        bar.set_message(path.display().to_string());
        let mut report_file = String::new();
        let result = read_evidence(path, &options.limits)
            .map_err(anyhow::Error::from)
            .and_then(|evidence| {
                let started = clock.now();
                let mut analysis =
                    analyzer.analyze_image(&evidence.image, &no_progress(), &CancelToken::new())?;
                if let Some(t) = args.inconclusive_below {
                    analysis.verdict =
                        verdict(&analysis.probabilities, analysis.model.trained, Some(t));
                }
                let finished = clock.now();
                let stem = &all_stems[position];
                write_analysis_files(
                    &analysis,
                    &evidence.image.rgb,
                    &args.out,
                    stem,
                    Colormap::Inferno,
                    0.5,
                )
                .with_context(|| format!("writing results to {}", args.out.display()))?;
                if let Some(dir) = &args.report_dir {
                    let toolbox = run_toolbox(&evidence, &report_options.toolbox);
                    let input = ReportInput {
                        evidence: &evidence,
                        analysis: &analysis,
                        toolbox: &toolbox,
                        model: ModelRecord::from_loaded(analyzer.model()),
                        analyzer_options: options,
                        case: case_info(&args.case),
                        tool: tool_info(),
                        started,
                        finished,
                    };
                    let report = build_report(&input, &report_options, &clock);
                    let bytes = render_report(
                        &report,
                        &evidence,
                        &analysis,
                        &toolbox,
                        &report_options,
                        args.report_format,
                        key.as_ref(),
                    );
                    let out = dir.join(format!("{stem}.report.{}", args.report_format.extension()));
                    write_report_file(&out, &bytes, path)?;
                    report_file = out
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                }
                Ok(analysis)
            });
        match result {
            Ok(analysis) => {
                index.push(IndexRow {
                    image: path.display().to_string(),
                    report: report_file,
                    verdict: analysis.verdict.call().to_string(),
                    summary: analysis.verdict.summary.clone(),
                    p_real: Some(analysis.probabilities.real),
                    p_partial: Some(analysis.probabilities.partial),
                    p_full: Some(analysis.probabilities.full),
                    fused_area: Some(
                        analysis
                            .maps
                            .fused
                            .area_above(report_options.thresholds.fused),
                    ),
                    sha256: analysis.input.sha256.clone(),
                    error: String::new(),
                });
                if !args.json {
                    // The verdicts are the output (stdout); progress and errors go to stderr.
                    bar.suspend(|| {
                        println!(
                            "{}: {} [real {} / partial {} / full {}] {:.0} ms",
                            path.display(),
                            analysis.verdict.summary,
                            percent(analysis.probabilities.real),
                            percent(analysis.probabilities.partial),
                            percent(analysis.probabilities.full),
                            analysis.timings.total_ms
                        )
                    });
                }
                outcomes.push(Outcome::Ok(Box::new(analysis.summary())));
            }
            Err(error) => {
                failed = true;
                bar.suspend(|| eprintln!("error: {error:#}"));
                index.push(IndexRow {
                    image: path.display().to_string(),
                    report: String::new(),
                    verdict: String::new(),
                    summary: String::new(),
                    p_real: None,
                    p_partial: None,
                    p_full: None,
                    fused_area: None,
                    sha256: String::new(),
                    error: format!("{error:#}"),
                });
                outcomes.push(Outcome::Failed {
                    file: path.display().to_string(),
                    error: format!("{error:#}"),
                });
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if let Some(dir) = &args.report_dir {
        let title = match &args.case.case_id {
            Some(case) => format!("ForgeLens reports, case {case}"),
            None => "ForgeLens reports".to_string(),
        };
        let written = match args.shard {
            Some(shard) => {
                let rows: Vec<_> = positions.iter().copied().zip(index).collect();
                IndexPart::new(shard, all_images.len(), &title, &rows).write(dir)?
            }
            None => write_index(dir, &title, &index)
                .with_context(|| format!("writing the index to {}", dir.display()))?[1]
                .clone(),
        };
        if !args.json {
            eprintln!("reports and index in {}", written.display());
        }
    }
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
