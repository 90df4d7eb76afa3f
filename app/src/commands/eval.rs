//! `forgelens eval`: a model on one split of a dataset; tables on stderr or one JSON object
//! on stdout. Images training used are refused; `--write-card` stores test results only;
//! `--thresholds-from` applies thresholds chosen on val; `--perturb` adds robustness rows;
//! `--reliability-png` draws the reliability diagram.

mod tables;

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use forgelens_engine::files::write_atomic;
use forgelens_engine::model::directory::CARD_FILE;
use forgelens_engine::progress::CancelToken;
use forgelens_engine::{Analyzer, select_device};
use forgelens_training::data::{Dataset, Split};
use forgelens_training::eval::reliability::write_reliability_png;
use forgelens_training::eval::{
    EvalOptions, EvalReport, Protocol, evaluate_protocol, resolve_split,
};
use indicatif::{ProgressBar, ProgressStyle};

pub use self::tables::tables;
use crate::cli::EvalArgs;
use crate::model_location::resolve_model_dir;

/// An `eval --json` report of the val split, to take thresholds from.
fn read_val_report(path: &std::path::Path) -> Result<EvalReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let report: EvalReport = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a report of this version's `forgelens eval --json`",
            path.display()
        )
    })?;
    if report.split != Split::Val {
        bail!(
            "{}: thresholds are chosen on val, and this report scored split `{}`",
            path.display(),
            report.split
        );
    }
    Ok(report)
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    let model_dir = resolve_model_dir(args.model.clone())?;
    let dataset = Dataset::open(&args.data)?;
    if args.write_card {
        let (split, _) = resolve_split(&dataset, args.split);
        if split != Split::Test {
            bail!(
                "--write-card stores test results only, and this would score split `{split}`: \
                 choose on val, then write the card from --split test"
            );
        }
    }
    let val_report = args
        .thresholds_from
        .as_deref()
        .map(read_val_report)
        .transpose()?;
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
    let options = EvalOptions {
        split: args.split,
        in_domain: args.in_domain.clone(),
    };
    let protocol = Protocol {
        families: args.families.iter().map(|f| f.name().to_string()).collect(),
        perturbations: args.perturb.clone(),
    };
    let mut report = evaluate_protocol(
        &analyzer,
        &dataset,
        &options,
        &protocol,
        &progress,
        &CancelToken::new(),
    )?;
    bar.finish_and_clear();
    if report.image.images == 0 {
        bail!(
            "no image could be analysed ({} skipped)",
            report.skipped.len()
        );
    }
    if let Some(val) = &val_report {
        report
            .apply_val_thresholds(val)
            .context("applying the val thresholds")?;
    }
    if args.write_card {
        let mut card = analyzer.model().card.clone();
        card.metrics = Some(serde_json::to_value(&report)?);
        let path = model_dir.join(CARD_FILE);
        write_atomic(&path, serde_json::to_string_pretty(&card)?.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.reliability_png {
        let title = format!("Reliability, split {}", report.split);
        write_reliability_png(path, &report.calibration, &title)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if args.json {
        if let Some(note) = &report.scope.note {
            eprintln!("note: {note}");
        }
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        eprint!("{}", tables(&report));
    }
    Ok(ExitCode::SUCCESS)
}
