//! Checking a report against an image: does the report describe this exact file (SHA-256,
//! size, MD5, and the decoded pixels), was it made with the installed model (id and weights
//! SHA-256), do the toolbox's tools, run again with the recorded parameters, give the same
//! maps, and, when signed, does the Ed25519 signature hold (and come from the expected key). Works on PDF, HTML and JSON reports alike through the embedded report JSON.

use ed25519_dalek::VerifyingKey;
use serde::Serialize;

use super::document::{REPORT_FORMAT, REPORT_SCHEMA_VERSION, Report};
use super::embed::{ExtractError, ReportFormat, extract_report};
use super::evidence::{md5_hex, pixels_sha256, sha256_hex};
use super::keyring::TrustedKey;
use super::signing::{ReportSignature, fingerprint, verify_signature};
use super::toolbox::check_tool_maps;
use forgelens_engine::image_input::{ImageLimits, decode_image};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Fail,
    NotChecked,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: CheckStatus,
    pub detail: String,
}

fn check(name: &'static str, pass: bool, detail: impl Into<String>) -> Check {
    Check {
        name,
        status: if pass {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        },
        detail: detail.into(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub format: ReportFormat,
    pub signed: bool,
    pub checks: Vec<Check>,
    #[serde(skip)]
    pub report: Report,
}

impl Verification {
    /// No check failed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.status != CheckStatus::Fail)
    }
}

/// The installed model, as identified in reports.
#[derive(Debug, Clone)]
pub struct InstalledModel {
    pub id: String,
    pub weights_sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Extract(#[from] ExtractError),
    #[error("the embedded report data is not a readable ForgeLens report: {0}")]
    Parse(String),
    #[error(
        "the report uses schema version {found}, newer than this ForgeLens reads ({REPORT_SCHEMA_VERSION}); use a newer ForgeLens"
    )]
    NewerSchema { found: u32 },
}

/// Whose signatures authenticate a report.
#[derive(Debug, Clone, Copy)]
pub enum Trust<'a> {
    /// Only this key, and a signature is required (`--public-key`).
    Expected(&'a VerifyingKey),
    /// The user's trusted keys; an unsigned report is not checked.
    Keyring(&'a [TrustedKey]),
}

/// Verifies `report_bytes` (a PDF, HTML or JSON report) against `evidence_bytes`; a
/// signature passes only by `expected_key`, and with none given it trusts no key.
pub fn verify_report(
    report_bytes: &[u8],
    evidence_bytes: &[u8],
    installed_model: Option<&InstalledModel>,
    expected_key: Option<&VerifyingKey>,
) -> Result<Verification, VerifyError> {
    let trust = match expected_key {
        Some(key) => Trust::Expected(key),
        None => Trust::Keyring(&[]),
    };
    verify_report_trusting(report_bytes, evidence_bytes, installed_model, trust)
}

/// Verifies `report_bytes` against `evidence_bytes`, authenticating a signature by `trust`.
pub fn verify_report_trusting(
    report_bytes: &[u8],
    evidence_bytes: &[u8],
    installed_model: Option<&InstalledModel>,
    trust: Trust<'_>,
) -> Result<Verification, VerifyError> {
    let embedded = extract_report(report_bytes)?;
    let report: Report = serde_json::from_slice(&embedded.report_json)
        .map_err(|e| VerifyError::Parse(e.to_string()))?;
    if report.format != REPORT_FORMAT {
        return Err(VerifyError::Parse(format!(
            "format is `{}`, not `{REPORT_FORMAT}`",
            report.format
        )));
    }
    if report.schema_version > REPORT_SCHEMA_VERSION {
        return Err(VerifyError::NewerSchema {
            found: report.schema_version,
        });
    }
    let e = &report.evidence;
    let mut checks = Vec::new();

    let sha256 = sha256_hex(evidence_bytes);
    let same_file = sha256 == e.sha256;
    checks.push(check(
        "file SHA-256",
        same_file,
        if same_file {
            format!("the image's SHA-256 is {sha256}, as in the report: the report describes this exact file")
        } else {
            format!(
                "the image's SHA-256 is {sha256}, the report's is {}: the report does not describe this file",
                e.sha256
            )
        },
    ));
    let md5 = md5_hex(evidence_bytes);
    checks.push(check(
        "file size and MD5",
        md5 == e.md5 && evidence_bytes.len() as u64 == e.byte_len,
        format!(
            "{} bytes, MD5 {md5} (report: {} bytes, MD5 {})",
            evidence_bytes.len(),
            e.byte_len,
            e.md5
        ),
    ));
    let name = e.file_name.as_deref().unwrap_or("image");
    // At least the limits the report was made with, so an image that was analysed decodes.
    let defaults = ImageLimits::default();
    let limits = ImageLimits {
        max_pixels: defaults
            .max_pixels
            .max(report.processing.parameters.max_pixels),
        max_file_bytes: defaults
            .max_file_bytes
            .max(report.processing.parameters.max_file_bytes),
    };
    checks.push(match decode_image(evidence_bytes, name, &limits) {
        Ok(image) => {
            let pixels = pixels_sha256(&image);
            let same = pixels == e.pixels_sha256;
            check(
                "decoded pixels",
                same,
                if same {
                    "the decoded pixels are identical".to_string()
                } else {
                    format!(
                        "the decoded pixels differ (SHA-256 {pixels}, report {})",
                        e.pixels_sha256
                    )
                },
            )
        }
        Err(err) => check(
            "decoded pixels",
            false,
            format!("the image does not decode: {err}"),
        ),
    });

    if let Some(toolbox) = report
        .toolbox
        .as_ref()
        .filter(|t| t.runs.iter().any(|r| !r.maps.is_empty()))
    {
        let tool_limits = forgelens_forensics::Limits {
            max_pixels: limits.max_pixels,
            max_file_bytes: limits.max_file_bytes,
        };
        checks.push(if !same_file {
            Check {
                name: "toolbox maps",
                status: CheckStatus::NotChecked,
                detail: "not run again: the image is not the report's file".into(),
            }
        } else {
            match check_tool_maps(toolbox, evidence_bytes, name, &tool_limits) {
                Ok(maps) => check(
                    "toolbox maps",
                    true,
                    format!("the tools, run again with the report's parameters, give the same {maps} map(s)"),
                ),
                Err(why) => check("toolbox maps", false, why),
            }
        });
    }

    checks.push(match installed_model {
        Some(model) => {
            let same = model.id == report.model.id && model.weights_sha256 == report.model.weights_sha256;
            check(
                "model",
                same,
                if same {
                    format!("the installed model {} has the report's weights (SHA-256 {})", model.id, model.weights_sha256)
                } else {
                    format!(
                        "the installed model is {} (weights SHA-256 {}); the report was made with {} (weights SHA-256 {})",
                        model.id, model.weights_sha256, report.model.id, report.model.weights_sha256
                    )
                },
            )
        }
        None => Check {
            name: "model",
            status: CheckStatus::NotChecked,
            detail: format!(
                "no model installed to compare; the report names {} (weights SHA-256 {})",
                report.model.id, report.model.weights_sha256
            ),
        },
    });

    checks.push(signature_check(
        &embedded.report_json,
        embedded.signature.as_ref(),
        trust,
    ));

    Ok(Verification {
        format: embedded.format,
        signed: embedded.signature.is_some(),
        checks,
        report,
    })
}

fn signature_check(report_json: &[u8], signature: Option<&ReportSignature>, trust: Trust) -> Check {
    let Some(signature) = signature else {
        return match trust {
            Trust::Expected(expected) => check(
                "signature",
                false,
                format!(
                    "the report is not signed, but a signature by key {} was expected",
                    fingerprint(expected)
                ),
            ),
            Trust::Keyring(_) => Check {
                name: "signature",
                status: CheckStatus::NotChecked,
                detail: "the report is not signed".to_string(),
            },
        };
    };
    let key = match verify_signature(report_json, signature) {
        Ok(key) => key,
        Err(err) => return check("signature", false, err.to_string()),
    };
    match trust {
        Trust::Expected(expected) if *expected == key => check(
            "signature",
            true,
            format!(
                "valid Ed25519 signature by the expected key {}",
                fingerprint(&key)
            ),
        ),
        Trust::Expected(expected) => check(
            "signature",
            false,
            format!(
                "valid, but made with key {} and not the expected key {}",
                fingerprint(&key),
                fingerprint(expected)
            ),
        ),
        Trust::Keyring(trusted) => match trusted.iter().find(|t| t.key == key) {
            Some(t) => check(
                "signature",
                true,
                format!(
                    "valid Ed25519 signature by trusted key `{}` ({})",
                    t.name,
                    fingerprint(&key)
                ),
            ),
            None => check(
                "signature",
                false,
                format!(
                    "signed by an unknown key {}: the signature is valid, but the key is not one you trust (`forgelens keys add KEY.pub`, or --public-key KEY.pub)",
                    fingerprint(&key)
                ),
            ),
        },
    }
}
