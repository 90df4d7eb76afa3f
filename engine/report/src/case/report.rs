//! The case report: the whole case (evidence table with intake hashes and integrity now,
//! each item's verdict and findings from its latest run's report, bookmarks, the audit
//! log's summary) as JSON, HTML or PDF, optionally Ed25519-signed like item reports. The
//! content is built once as the report's `Section`s / `Block`s and drawn by both renderers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::analysis::read_run_report;
use super::bookmark::Bookmark;
use super::intake::{EvidenceItem, IntakeMode};
use super::verify::{CaseVerification, ItemIntegrity};
use super::{Case, CaseError};
use crate::document::MapRecord;
use crate::signing::{self, SigningKey};
use crate::{Clock, ReportFormat, ToolInfo, embed, utc_string};
use forgelens_engine::analysis::Probabilities;
use forgelens_engine::regions::Region;
use forgelens_engine::verdict::Verdict;

pub const CASE_REPORT_FORMAT: &str = "forgelens-case-report";
pub const CASE_REPORT_SCHEMA_VERSION: u32 = 1;
/// Regions listed per item.
const REGIONS_LISTED: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseReport {
    /// Always `forgelens-case-report`.
    pub format: String,
    pub schema_version: u32,
    pub created_utc: String,
    pub tool: ToolInfo,
    pub case: CaseSummary,
    pub items: Vec<ReportItem>,
    pub audit: AuditSummary,
    pub verification: VerificationSummary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub name: String,
    pub analyst: Option<String>,
    pub created_utc: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportItem {
    pub id: String,
    pub file_name: String,
    pub original_path: String,
    pub mode: IntakeMode,
    pub stored_path: Option<String>,
    pub byte_len: u64,
    pub sha256: String,
    pub md5: String,
    pub added_utc: String,
    /// `intact`, `changed` or `unreadable` when the report was made.
    pub integrity: String,
    pub runs: usize,
    /// From the latest analysis run; `None` when the item was never analysed.
    pub analysis: Option<ItemFindings>,
    pub bookmarks: Vec<Bookmark>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemFindings {
    pub run: u32,
    pub analysed_utc: String,
    pub model_id: String,
    pub model_trained: bool,
    pub device: String,
    pub parameters: Value,
    pub verdict: Verdict,
    pub probabilities: Probabilities,
    pub maps: Vec<MapRecord>,
    pub regions: Vec<Region>,
    pub regions_total: usize,
    /// Known editors or generators named in the file's metadata.
    pub editor_markers: Vec<String>,
    pub content_credentials: Option<String>,
    pub limitations: Vec<String>,
    /// The run's report inside the case, and its SHA-256.
    pub report_file: String,
    pub report_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditSummary {
    pub entries: usize,
    pub first_utc: Option<String>,
    pub last_utc: Option<String>,
    /// Entries per action.
    pub actions: BTreeMap<String, usize>,
    /// Every model id and tool version that wrote to the log.
    pub models: Vec<String>,
    pub tool_versions: Vec<String>,
    /// SHA-256 of the last line: the head of the chain this report describes.
    pub last_sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationSummary {
    pub passed: bool,
    pub problems: Vec<String>,
    pub notes: Vec<String>,
}

/// Assembles the case report from the case, a fresh verification and each item's latest
/// run report.
pub fn build_case_report(
    case: &Case,
    verification: &CaseVerification,
    tool: &ToolInfo,
    clock: &dyn Clock,
) -> Result<CaseReport, CaseError> {
    let mut items = Vec::new();
    for item in case.items() {
        let integrity =
            verification
                .items
                .iter()
                .find(|c| c.id == item.id)
                .map_or("not checked", |c| match c.integrity {
                    ItemIntegrity::Intact => "intact",
                    ItemIntegrity::Changed { .. } => "changed",
                    ItemIntegrity::Unreadable { .. } => "unreadable",
                });
        items.push(report_item(case, item, integrity)?);
    }
    let entries = &verification.audit.entries;
    let mut actions = BTreeMap::new();
    for e in entries {
        *actions.entry(e.action.clone()).or_insert(0) += 1;
    }
    let distinct = |values: Vec<String>| {
        let mut v = values;
        v.sort();
        v.dedup();
        v
    };
    Ok(CaseReport {
        format: CASE_REPORT_FORMAT.into(),
        schema_version: CASE_REPORT_SCHEMA_VERSION,
        created_utc: utc_string(clock.now()),
        tool: tool.clone(),
        case: CaseSummary {
            name: case.manifest.name.clone(),
            analyst: case.manifest.analyst.clone(),
            created_utc: case.manifest.created_utc.clone(),
        },
        items,
        audit: AuditSummary {
            entries: entries.len(),
            first_utc: entries.first().map(|e| e.time_utc.clone()),
            last_utc: entries.last().map(|e| e.time_utc.clone()),
            actions,
            models: distinct(entries.iter().filter_map(|e| e.model_id.clone()).collect()),
            tool_versions: distinct(entries.iter().map(|e| e.tool_version.clone()).collect()),
            last_sha256: verification.audit.last_sha256.clone(),
        },
        verification: VerificationSummary {
            passed: verification.passed(),
            problems: verification.problems.clone(),
            notes: verification.notes.clone(),
        },
    })
}

fn report_item(case: &Case, item: &EvidenceItem, integrity: &str) -> Result<ReportItem, CaseError> {
    let analysis = match item.latest_analysis() {
        None => None,
        Some(run) => {
            let report = read_run_report(case.root(), run)?;
            let toolbox = report.toolbox.as_ref();
            Some(ItemFindings {
                run: run.run,
                analysed_utc: run.analysed_utc.clone(),
                model_id: run.model_id.clone(),
                model_trained: run.model_trained,
                device: run.device.clone(),
                parameters: run.parameters.clone(),
                verdict: report.results.verdict.clone(),
                probabilities: report.results.probabilities,
                maps: report.results.maps.clone(),
                regions: report
                    .results
                    .regions
                    .iter()
                    .take(REGIONS_LISTED)
                    .cloned()
                    .collect(),
                regions_total: report.results.regions_total,
                editor_markers: toolbox
                    .map(|t| t.metadata.editor_markers.clone())
                    .unwrap_or_default(),
                content_credentials: toolbox.map(|t| t.content_credentials.summary.clone()),
                limitations: report.limitations.clone(),
                report_file: format!("{}/{}", run.folder, super::analysis::REPORT_FILE),
                report_sha256: run.report_sha256.clone(),
            })
        }
    };
    Ok(ReportItem {
        id: item.id.clone(),
        file_name: item.file_name.clone(),
        original_path: item.original_path.clone(),
        mode: item.mode,
        stored_path: item.stored_path.clone(),
        byte_len: item.byte_len,
        sha256: item.sha256.clone(),
        md5: item.md5.clone(),
        added_utc: item.added_utc.clone(),
        integrity: integrity.to_string(),
        runs: item.analyses.len(),
        analysis,
        bookmarks: case.bookmarks_of(&item.id).cloned().collect(),
    })
}

/// The case report's JSON, as embedded and signed.
pub fn case_report_json(report: &CaseReport) -> String {
    serde_json::to_string_pretty(report).expect("a case report always serialises")
}

/// The case report file's bytes in `format`, signed with `key` when given. Every format
/// carries the JSON verbatim (the JSON envelope, an HTML script element, a PDF attachment),
/// as item reports do.
pub fn render_case_report(
    report: &CaseReport,
    format: ReportFormat,
    key: Option<&SigningKey>,
) -> Vec<u8> {
    let json = case_report_json(report);
    let signature = key.map(|k| signing::sign(json.as_bytes(), k));
    match format {
        ReportFormat::Json => embed::json_envelope(&json, signature.as_ref()).into_bytes(),
        ReportFormat::Html => {
            super::report_html::render(report, &json, signature.as_ref()).into_bytes()
        }
        ReportFormat::Pdf => super::report_pdf::render(report, &json, signature.as_ref()),
    }
}

/// `Some(text)` or a dash.
pub(super) fn or_dash(value: Option<&str>) -> String {
    value.unwrap_or("—").to_string()
}
