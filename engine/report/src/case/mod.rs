//! Cases: plain files in one folder, so a case can be archived, moved and opened elsewhere
//! (every path inside is relative). `case.json` (name, analyst, evidence items with their
//! intake hashes and analyses), `bookmarks.json`, `audit.jsonl` + `audit-head.json`,
//! `evidence/` (read-only copies), `analyses/<item>/run-N/` (analysis JSON, report JSON, maps).
//! Every change is written atomically and then logged in the audit log.

mod actor;
pub mod analysis;
pub mod audit;
pub mod bookmark;
mod changes;
mod error;
mod folder;
pub mod intake;
pub mod report;
mod report_html;
mod report_pdf;
mod report_sections;
pub mod verify;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use actor::Actor;
pub use analysis::{AnalysisRecord, analyze_item};
pub use audit::{AuditCheck, AuditEntry, AuditProblem, AuditRecord, verify_audit};
pub use bookmark::{Bookmark, BookmarkRegion, BookmarkStatus, BookmarkView, NewBookmark};
pub use error::CaseError;
pub use intake::{EvidenceItem, IntakeMode, hash_file};
pub use report::{CaseReport, build_case_report, render_case_report};
pub use verify::{CaseVerification, ItemCheck, ItemIntegrity, verify_case};

/// The value of `CaseManifest::format`.
pub const CASE_FORMAT: &str = "forgelens-case";
pub const CASE_SCHEMA_VERSION: u32 = 1;
pub const CASE_FILE: &str = "case.json";
/// Folder of analysis runs inside a case.
pub const ANALYSES_DIR: &str = "analyses";

/// A value as JSON through its text, so an `f32` reads as written (`0.3`, not
/// `0.30000001192092896`) in every file and audit entry.
pub(crate) fn json_value<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// `case.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseManifest {
    /// Always `forgelens-case`.
    pub format: String,
    pub schema_version: u32,
    pub name: String,
    pub analyst: Option<String>,
    pub created_utc: String,
    pub items: Vec<EvidenceItem>,
}

/// An open case.
#[derive(Debug, Clone)]
pub struct Case {
    root: PathBuf,
    pub manifest: CaseManifest,
    pub bookmarks: Vec<Bookmark>,
    actor: Actor,
}
