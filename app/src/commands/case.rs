//! `forgelens case init|add|analyze|bookmark|verify|report DIR`: cases as plain files in one
//! folder (`forgelens_report::case`). Every action is written to the case's audit log;
//! `verify` exits with 1 naming each problem (item, file or audit-log line).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use forgelens_engine::files::write_atomic;
use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_engine::{Analyzer, select_device};
use forgelens_report::case::{
    Actor, AuditRecord, BookmarkView, Case, IntakeMode, NewBookmark, analyze_item,
    build_case_report, render_case_report, verify_case,
};
use forgelens_report::evidence::sha256_hex;
use forgelens_report::{MapThresholds, ReportFormat, ReportOptions, SystemClock, read_signing_key};
use serde_json::json;

use crate::build_info::tool_info;
use crate::cli::{CaseAction, CaseCommandArgs};
use crate::model_location::resolve_model_dir;

/// The program as the audit log names it: `0.1.0 (revision)`.
pub fn actor() -> Actor {
    let tool = tool_info();
    Actor::new(format!("{} ({})", tool.version, tool.source_revision))
}

fn open(dir: &Path) -> Result<Case> {
    Ok(Case::open(dir, actor())?)
}

pub fn run(args: CaseCommandArgs) -> Result<ExitCode> {
    match args.action {
        CaseAction::Init { dir, name, analyst } => {
            let case = Case::init(&dir, &name, analyst.as_deref(), actor())?;
            eprintln!("case `{}` created in {}", case.manifest.name, dir.display());
        }
        CaseAction::Add {
            dir,
            images,
            copy: _,
            reference,
        } => return add(&dir, &images, reference),
        CaseAction::Analyze {
            dir,
            items,
            model,
            device,
            tiling,
            threshold,
        } => return analyze(&dir, &items, model, device.device, &tiling, threshold),
        CaseAction::Bookmark {
            dir,
            item,
            view,
            threshold,
            region,
            comment,
            status,
        } => {
            let mut case = open(&dir)?;
            let view = BookmarkView::parse(&view, threshold).map_err(anyhow::Error::msg)?;
            let bookmark = case.add_bookmark(NewBookmark {
                item_id: item,
                view,
                region,
                comment,
                status,
            })?;
            println!(
                "{} on {}: {} [{}]",
                bookmark.id,
                bookmark.item_id,
                bookmark.view.describe(),
                bookmark.status.title()
            );
        }
        CaseAction::Verify { dir, json } => return verify(&dir, json),
        CaseAction::Report {
            dir,
            format,
            out,
            sign,
        } => report(&dir, format, out, sign.as_deref())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn add(dir: &Path, images: &[PathBuf], reference: bool) -> Result<ExitCode> {
    let mut case = open(dir)?;
    let mode = if reference {
        IntakeMode::Reference
    } else {
        IntakeMode::Copy
    };
    let mut failed = false;
    for image in images {
        match case.add_evidence(image, mode) {
            Ok(item) => println!(
                "{}  {}  SHA-256 {}  MD5 {}  {} bytes",
                item.id, item.file_name, item.sha256, item.md5, item.byte_len
            ),
            Err(error) => {
                failed = true;
                eprintln!("error: {}: {error}", image.display());
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn analyze(
    dir: &Path,
    items: &[String],
    model: Option<PathBuf>,
    device: forgelens_engine::DeviceChoice,
    tiling: &crate::cli::TilingArgs,
    threshold: f32,
) -> Result<ExitCode> {
    let mut case = open(dir)?;
    let keys: Vec<String> = if items.is_empty() {
        case.items().iter().map(|i| i.id.clone()).collect()
    } else {
        items
            .iter()
            .map(|k| case.item(k).map(|i| i.id.clone()))
            .collect::<Result<_, _>>()?
    };
    if keys.is_empty() {
        bail!("the case has no evidence yet; add some with `forgelens case add`");
    }
    let model_dir = resolve_model_dir(model)?;
    let device = select_device(device)?;
    let analyzer = Analyzer::from_dir(&model_dir, device, tiling.analyzer_options())
        .with_context(|| format!("loading the model from {}", model_dir.display()))?;
    if !analyzer.model().card.trained {
        eprintln!(
            "warning: model {} is UNTRAINED; its verdicts and maps are not evidence",
            analyzer.model().id()
        );
    }
    let options = ReportOptions {
        thresholds: MapThresholds {
            cam: threshold,
            attention: threshold,
            fused: threshold,
        },
        ..ReportOptions::default()
    };
    let tool = tool_info();
    let mut failed = false;
    for key in &keys {
        match analyze_item(
            &mut case,
            key,
            &analyzer,
            &options,
            &tool,
            &no_progress(),
            &CancelToken::new(),
        ) {
            Ok(record) => println!(
                "{key}: {} (run {}, model {}) -> {}",
                record.summary, record.run, record.model_id, record.folder
            ),
            Err(error) => {
                failed = true;
                eprintln!("error: {key}: {error}");
                let _ = case.log(AuditRecord::new(
                    "analyze-failed",
                    json!({ "item": key, "error": error.to_string() }),
                ));
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn verify(dir: &Path, as_json: bool) -> Result<ExitCode> {
    let case = open(dir)?;
    let verification = verify_case(&case)?;
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "passed": verification.passed(),
                "items": verification.items,
                "audit_entries": verification.audit.entries.len(),
                "problems": verification.problems,
                "notes": verification.notes,
            }))?
        );
    } else {
        for item in &verification.items {
            println!("{}  {}  {}", item.id, item.file_name, item.integrity);
        }
        println!("audit log: {} entries", verification.audit.entries.len());
        for note in &verification.notes {
            println!("note: {note}");
        }
        for problem in &verification.problems {
            println!("FAILED: {problem}");
        }
    }
    // The check itself is an action on the case; a log that cannot take it is reported.
    if let Err(error) = case.log(AuditRecord::new(
        "verify",
        json!({ "passed": verification.passed(), "problems": verification.problems.len() }),
    )) {
        eprintln!("warning: the verification was not logged: {error}");
    }
    if verification.passed() {
        eprintln!("case verified: every item and the audit log are intact");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("case verification FAILED");
        Ok(ExitCode::FAILURE)
    }
}

fn report(
    dir: &Path,
    format: ReportFormat,
    out: Option<PathBuf>,
    sign: Option<&Path>,
) -> Result<()> {
    let case = open(dir)?;
    let key = sign
        .map(|path| {
            read_signing_key(path)
                .with_context(|| format!("reading the signing key {}", path.display()))
        })
        .transpose()?;
    let verification = verify_case(&case)?;
    let report = build_case_report(&case, &verification, &tool_info(), &SystemClock)?;
    let bytes = render_case_report(&report, format, key.as_ref());
    let out = out.unwrap_or_else(|| dir.join(format!("case-report.{}", format.extension())));
    write_atomic(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    case.log(AuditRecord::new(
        "report",
        json!({
            "format": format,
            "file": out.file_name().map(|n| n.to_string_lossy().into_owned()),
            "sha256": sha256_hex(&bytes),
            "signed": key.is_some(),
            "verification_passed": verification.passed(),
        }),
    ))?;
    eprintln!(
        "case report written to {} ({} bytes{}){}",
        out.display(),
        bytes.len(),
        if key.is_some() { ", signed" } else { "" },
        if verification.passed() {
            ""
        } else {
            "; verification FAILED, as the report says"
        }
    );
    Ok(())
}
