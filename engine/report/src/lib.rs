//! Reports an investigator can hand on: what was analysed (hashes, metadata), with what
//! (tool, revision, model, device, every parameter), when (UTC), by whom, what came out
//! (verdict, maps, regions) and its limits, as PDF, HTML or JSON. Every format carries the
//! report JSON verbatim (optionally Ed25519-signed) so `verify_report` can check any of them
//! against an image. Files are written atomically; the evidence file is only ever read.
//!
//! `forgelens-report`, its own crate so the engine carries no PDF, font or signature
//! dependency; `case` (case folders, intake, audit log, case reports) lives here because its
//! reports are drawn, embedded and signed with this crate's renderers.

mod analyze;
pub mod appendix;
mod assemble;
pub mod case;
pub mod clock;
pub mod conclusion;
pub mod document;
pub mod embed;
mod error;
pub mod evidence;
mod evidence_file;
pub mod figures;
pub mod findings;
pub mod flatten;
mod font_subset;
pub mod html;
pub mod index;
pub mod keyring;
mod options;
mod output;
pub mod pdf;
mod pdf_layout;
mod pdf_report;
mod pdf_table;
mod pdf_wrap;
pub mod processing;
mod render;
pub mod result_sections;
pub mod sections;
pub mod signing;
pub mod toolbox;
pub mod toolbox_sections;
pub mod validation;
pub mod verify;

pub use analyze::{MadeReport, ReportRequest, analyze_and_report};
pub use assemble::{ReportInput, build_report};
pub use clock::{Clock, FixedClock, SystemClock, utc_string};
pub use document::{
    CaseInfo, MapThresholds, ModelRecord, REPORT_FORMAT, REPORT_SCHEMA_VERSION, Report, ToolInfo,
};
pub use embed::{EmbeddedReport, ReportFormat, extract_report};
pub use error::{ReportError, error_chain};
pub use evidence_file::{EvidenceFile, read_evidence};
pub use keyring::{Keyring, KeyringError, TrustedKey};
pub use options::ReportOptions;
pub use output::{check_writable, write_report_file};
pub use render::{render_report, report_json};
pub use signing::{
    ReportSignature, generate_key, read_signing_key, read_verifying_key, write_key_pair,
};
pub use verify::{
    Check, CheckStatus, InstalledModel, Trust, Verification, verify_report, verify_report_trusting,
};

/// The classic toolbox, for callers that depend on the reports alone.
pub use forgelens_forensics as forensics;
pub use toolbox::{ToolboxRequest, ToolboxResults, run_toolbox};
