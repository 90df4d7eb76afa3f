//! `forgelens report IMAGE`: analyse one image and write a report to hand on (PDF, HTML or
//! JSON; optionally signed), with the classic tools named by `--tools`. The evidence is read once and never written; the report file is
//! written atomically. Also the case and signing-key helpers that `analyze --report-dir` uses.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_engine::{Analyzer, select_device};
use forgelens_report::signing::SigningKey;
use forgelens_report::{
    CaseInfo, MapThresholds, ReportFormat, ReportOptions, ReportRequest, SystemClock,
    ToolboxRequest, analyze_and_report, check_writable, read_evidence, read_signing_key,
    write_report_file,
};

use crate::build_info::tool_info;
use crate::cli::{CaseArgs, ReportArgs};
use crate::model_location::resolve_model_dir;

pub fn case_info(args: &CaseArgs) -> CaseInfo {
    let clean = |s: &Option<String>| {
        s.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    CaseInfo {
        analyst: clean(&args.analyst),
        case_id: clean(&args.case_id),
        notes: clean(&args.notes),
    }
}

pub fn signing_key(args: &CaseArgs) -> Result<Option<SigningKey>> {
    args.sign
        .as_deref()
        .map(|path| {
            read_signing_key(path)
                .with_context(|| format!("reading the signing key {}", path.display()))
        })
        .transpose()
}

/// `<stem>.report.<ext>` in `dir`.
pub fn default_report_path(dir: &Path, image: &Path, format: ReportFormat) -> PathBuf {
    let stem = image
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".into());
    dir.join(format!("{stem}.report.{}", format.extension()))
}

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.threshold) {
        anyhow::bail!(
            "--threshold must be between 0 and 1, not {}",
            args.threshold
        );
    }
    let options = args.tiling.analyzer_options();
    // The evidence first: a missing, unreadable or oversized image fails before the model loads.
    let evidence = read_evidence(&args.image, &options.limits)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_report_path(Path::new("."), &args.image, args.format));
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        anyhow::bail!("the output folder {} does not exist", dir.display());
    }
    check_writable(dir)?;
    let key = signing_key(&args.case)?;

    let model_dir = resolve_model_dir(args.model.clone())?;
    let device = select_device(args.device.device)?;
    let analyzer = Analyzer::from_dir(&model_dir, device, options)
        .with_context(|| format!("loading the model from {}", model_dir.display()))?;
    if !analyzer.model().card.trained {
        eprintln!(
            "warning: model {} is UNTRAINED; the report will say its verdict and maps are not evidence",
            analyzer.model().id()
        );
    }
    let report_options = ReportOptions {
        thresholds: MapThresholds {
            cam: args.threshold,
            attention: args.threshold,
            fused: args.threshold,
        },
        regions_map: args.regions_map,
        inconclusive_below: args.inconclusive_below,
        toolbox: ToolboxRequest {
            tools: args.tools.clone(),
            params: args.tool_params.params()?,
        },
        appendix: args.appendix,
        ..ReportOptions::default()
    };
    let request = ReportRequest {
        case: case_info(&args.case),
        options: report_options,
        format: args.format,
        key: key.as_ref(),
        tool: tool_info(),
    };
    let made = analyze_and_report(
        &analyzer,
        &evidence,
        &request,
        &SystemClock,
        &no_progress(),
        &CancelToken::new(),
    )?;
    write_report_file(&out, &made.bytes, &args.image)?;
    eprintln!(
        "{}: {}\n  SHA-256 {}\n  {} report written to {} ({} bytes; analysis {:.0} ms, report {:.0} ms){}",
        args.image.display(),
        made.report.results.verdict.summary,
        made.report.evidence.sha256,
        args.format,
        out.display(),
        made.bytes.len(),
        made.analysis.timings.total_ms,
        made.render_ms,
        if key.is_some() { ", signed" } else { "" }
    );
    Ok(ExitCode::SUCCESS)
}
