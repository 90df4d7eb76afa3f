//! `case verify`: every item hashed again against its intake hashes, every analysis run's
//! report file against the hash recorded for it, the audit log's chain, and `case.json` /
//! `bookmarks.json` against what the (chained) audit log recorded when they were written.

use serde::Serialize;
use serde_json::Value;

use super::audit::{AuditCheck, AuditEntry, verify_audit};
use super::intake::{IntakeMode, hash_file};
use super::{Case, CaseError};
use crate::evidence::sha256_hex;

/// What re-hashing an item found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ItemIntegrity {
    Intact,
    Changed { sha256: String, byte_len: u64 },
    Unreadable { error: String },
}

impl std::fmt::Display for ItemIntegrity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Intact => f.write_str("intact"),
            Self::Changed { sha256, byte_len } => {
                write!(f, "CHANGED (now SHA-256 {sha256}, {byte_len} bytes)")
            }
            Self::Unreadable { error } => write!(f, "UNREADABLE ({error})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemCheck {
    pub id: String,
    pub file_name: String,
    pub path: String,
    pub integrity: ItemIntegrity,
    /// For copies: whether the file is still read-only (a note, not a failure: the hash
    /// says whether the bytes changed).
    pub read_only: Option<bool>,
}

/// Everything `verify_case` found.
#[derive(Debug, Clone)]
pub struct CaseVerification {
    pub items: Vec<ItemCheck>,
    pub audit: AuditCheck,
    /// Every failure, one sentence each, naming the item, file or audit line.
    pub problems: Vec<String>,
    /// Things worth knowing that are not failures.
    pub notes: Vec<String>,
}

impl CaseVerification {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks `case` on disk.
pub fn verify_case(case: &Case) -> Result<CaseVerification, CaseError> {
    let root = case.root();
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut items = Vec::new();
    for item in case.items() {
        let path = item.path_in(root);
        let integrity = match hash_file(&path, None) {
            Ok(h)
                if h.sha256 == item.sha256 && h.md5 == item.md5 && h.byte_len == item.byte_len =>
            {
                ItemIntegrity::Intact
            }
            Ok(h) => {
                problems.push(format!(
                    "{} ({}) has changed: SHA-256 {} ({} bytes), recorded at intake {} ({} bytes)",
                    item.id,
                    path.display(),
                    h.sha256,
                    h.byte_len,
                    item.sha256,
                    item.byte_len
                ));
                ItemIntegrity::Changed {
                    sha256: h.sha256,
                    byte_len: h.byte_len,
                }
            }
            Err(e) => {
                problems.push(format!("{} cannot be read: {e}", item.id));
                ItemIntegrity::Unreadable {
                    error: e.to_string(),
                }
            }
        };
        let read_only = (item.mode == IntakeMode::Copy)
            .then(|| std::fs::metadata(&path).ok())
            .flatten()
            .map(|m| m.permissions().readonly());
        if read_only == Some(false) {
            notes.push(format!(
                "{} ({}) is no longer read-only",
                item.id,
                path.display()
            ));
        }
        for run in &item.analyses {
            let report = root.join(&run.folder).join(super::analysis::REPORT_FILE);
            match std::fs::read(&report) {
                Ok(bytes) if sha256_hex(&bytes) == run.report_sha256 => {}
                Ok(_) => problems.push(format!(
                    "{}'s analysis run {} ({}) has changed since it was recorded",
                    item.id,
                    run.run,
                    report.display()
                )),
                Err(e) => problems.push(format!(
                    "{}'s analysis run {} ({}) cannot be read: {e}",
                    item.id,
                    run.run,
                    report.display()
                )),
            }
        }
        items.push(ItemCheck {
            id: item.id.clone(),
            file_name: item.file_name.clone(),
            path: path.display().to_string(),
            integrity,
            read_only,
        });
    }
    let audit = verify_audit(root)?;
    problems.extend(audit.problems.iter().map(|p| p.to_string()));
    cross_check(case, &audit.entries, &mut problems);
    Ok(CaseVerification {
        items,
        audit,
        problems,
        notes,
    })
}

/// `case.json` and `bookmarks.json` against the audit entries that recorded them: an item's
/// hashes changed in `case.json` to match a substituted file, a bookmark edited afterwards,
/// or an entry logged for something the case no longer has.
fn cross_check(case: &Case, entries: &[AuditEntry], problems: &mut Vec<String>) {
    let logged = |action: &str, id: &str| -> Option<&AuditEntry> {
        entries.iter().rev().find(|e| {
            e.action == action && e.parameters.get("id").and_then(Value::as_str) == Some(id)
        })
    };
    for item in case.items() {
        match logged("evidence-add", &item.id) {
            None => problems.push(format!(
                "{} is in case.json but the audit log has no intake entry for it",
                item.id
            )),
            Some(entry) => {
                let recorded = entry.parameters.get("sha256").and_then(Value::as_str);
                if recorded != Some(item.sha256.as_str()) {
                    problems.push(format!(
                        "case.json's SHA-256 of {} differs from its intake entry (audit log line {})",
                        item.id, entry.seq
                    ));
                }
            }
        }
        for run in &item.analyses {
            let found = entries.iter().any(|e| {
                e.action == "analyze"
                    && e.parameters.get("item").and_then(Value::as_str) == Some(item.id.as_str())
                    && e.parameters.get("report_sha256").and_then(Value::as_str)
                        == Some(run.report_sha256.as_str())
            });
            if !found {
                problems.push(format!(
                    "{}'s analysis run {} is not in the audit log",
                    item.id, run.run
                ));
            }
        }
    }
    for bookmark in &case.bookmarks {
        let value = super::json_value(bookmark);
        match logged("bookmark-add", &bookmark.id) {
            None => problems.push(format!(
                "bookmark {} is in bookmarks.json but not in the audit log",
                bookmark.id
            )),
            Some(entry) if entry.parameters != value => problems.push(format!(
                "bookmark {} differs from what audit log line {} recorded",
                bookmark.id, entry.seq
            )),
            Some(_) => {}
        }
    }
    for entry in entries.iter().filter(|e| e.action == "evidence-add") {
        let id = entry
            .parameters
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !case.items().iter().any(|i| i.id == id) {
            problems.push(format!(
                "audit log line {} records the intake of {id}, which case.json no longer has",
                entry.seq
            ));
        }
    }
}
