//! `forgelens verify-report REPORT IMAGE`: does the report describe this exact file, was it
//! made with the installed model, and is its signature valid and by a trusted key
//! (`--public-key`, else the keyring of `forgelens keys`)? One line per check; exit code 0
//! when no check failed, 1 otherwise.

use std::process::ExitCode;

use anyhow::{Context, Result};
use forgelens_engine::DeviceChoice;
use forgelens_engine::model::load_model_dir;
use forgelens_engine::select_device;
use forgelens_report::{
    CheckStatus, InstalledModel, Keyring, Trust, read_verifying_key, verify_report_trusting,
};

use crate::cli::VerifyReportArgs;
use crate::model_location::resolve_model_dir;

pub fn run(args: VerifyReportArgs) -> Result<ExitCode> {
    let report = std::fs::read(&args.report)
        .with_context(|| format!("reading the report {}", args.report.display()))?;
    let image = std::fs::read(&args.image)
        .with_context(|| format!("reading the image {}", args.image.display()))?;
    let expected_key = args
        .public_key
        .as_deref()
        .map(read_verifying_key)
        .transpose()?;
    let trusted = match expected_key {
        Some(_) => Vec::new(),
        None => Keyring::user()?.list()?,
    };
    let trust = match &expected_key {
        Some(key) => Trust::Expected(key),
        None => Trust::Keyring(&trusted),
    };
    // An explicit --model must load; without it, the bundled model is compared if installed.
    let model_dir = match &args.model {
        Some(dir) => Some(dir.clone()),
        None => resolve_model_dir(None).ok(),
    };
    let installed = match model_dir {
        Some(dir) => {
            let device = select_device(DeviceChoice::Cpu)?;
            let model = load_model_dir(&dir, &device.device)
                .with_context(|| format!("loading the model from {}", dir.display()))?;
            Some(InstalledModel {
                id: model.id(),
                weights_sha256: model.weights_sha256.clone(),
            })
        }
        None => None,
    };
    let verification = verify_report_trusting(&report, &image, installed.as_ref(), trust)
        .with_context(|| format!("reading {}", args.report.display()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&verification)?);
    } else {
        println!(
            "{} ({} report{}) against {}",
            args.report.display(),
            verification.format,
            if verification.signed { ", signed" } else { "" },
            args.image.display()
        );
        for check in &verification.checks {
            let mark = match check.status {
                CheckStatus::Pass => "PASS",
                CheckStatus::Fail => "FAIL",
                CheckStatus::NotChecked => "----",
            };
            println!("  {mark}  {}: {}", check.name, check.detail);
        }
        println!(
            "{}",
            if verification.passed() {
                "verified: no check failed"
            } else {
                "NOT verified: at least one check failed"
            }
        );
    }
    Ok(if verification.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
