//! The case's audit log, `audit.jsonl`: append-only JSON lines, each with the time, action,
//! parameters, tool version, model id and the SHA-256 of the previous line (a hash chain),
//! plus `audit-head.json` (the entry count and the last line's hash, rewritten atomically)
//! so a change to the last line or a removed tail is caught too. `verify_audit` names every
//! edited, removed or reordered line.

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::CaseError;
use crate::evidence::sha256_hex;
use forgelens_engine::files::write_atomic;

pub const AUDIT_FILE: &str = "audit.jsonl";
pub const AUDIT_HEAD_FILE: &str = "audit-head.json";
/// `prev_sha256` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of the log. Field order is the serialised order; the hash of a line is the
/// SHA-256 of its exact bytes (without the newline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// 1 for the first entry, then one more per line: the line number it belongs on.
    pub seq: u64,
    pub time_utc: String,
    pub action: String,
    pub parameters: Value,
    pub tool_version: String,
    pub model_id: Option<String>,
    pub prev_sha256: String,
}

/// What `audit-head.json` records after every append.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub entries: u64,
    pub last_sha256: String,
}

/// What to append (the log adds the number, time and chain).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub action: String,
    pub parameters: Value,
    pub model_id: Option<String>,
}

impl AuditRecord {
    pub fn new(action: &str, parameters: Value) -> Self {
        Self {
            action: action.to_string(),
            parameters,
            model_id: None,
        }
    }

    pub fn with_model(mut self, model_id: impl Into<String>) -> Self {
        self.model_id = Some(model_id.into());
        self
    }
}

/// One thing wrong with the log, on a line (1-based; 0 for the log as a whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditProblem {
    pub line: usize,
    pub problem: String,
}

impl std::fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "audit log: {}", self.problem)
        } else {
            write!(f, "audit log line {}: {}", self.line, self.problem)
        }
    }
}

/// The log as read: entries that parse, with their line numbers and hashes, and problems.
#[derive(Debug, Clone, Default)]
pub struct AuditCheck {
    pub entries: Vec<AuditEntry>,
    pub problems: Vec<AuditProblem>,
    pub last_sha256: Option<String>,
}

fn path_of(root: &Path) -> PathBuf {
    root.join(AUDIT_FILE)
}

/// The non-empty-terminated lines of the log: `(bytes, terminated by a newline)`.
fn split_lines(bytes: &[u8]) -> Vec<(&[u8], bool)> {
    let mut lines = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                lines.push((&rest[..i], true));
                rest = &rest[i + 1..];
            }
            None => {
                lines.push((rest, false));
                rest = &[];
            }
        }
    }
    lines
}

/// Appends one entry, synced to disk, then records the new head atomically.
pub fn append(
    root: &Path,
    record: AuditRecord,
    time_utc: String,
    tool_version: &str,
) -> Result<AuditEntry, CaseError> {
    let path = path_of(root);
    let existing = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(source) => return Err(CaseError::io(&path, source)),
    };
    let lines = split_lines(&existing);
    if lines.last().is_some_and(|(_, terminated)| !terminated) {
        return Err(CaseError::Invalid(format!(
            "{} ends in an unfinished line; run `forgelens case verify` before adding to it",
            path.display()
        )));
    }
    let prev_sha256 = lines
        .last()
        .map_or_else(|| GENESIS.to_string(), |(line, _)| sha256_hex(line));
    let entry = AuditEntry {
        seq: lines.len() as u64 + 1,
        time_utc,
        action: record.action,
        parameters: record.parameters,
        tool_version: tool_version.to_string(),
        model_id: record.model_id,
        prev_sha256,
    };
    let line = serde_json::to_string(&entry).map_err(|e| CaseError::Invalid(e.to_string()))?;
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| CaseError::io(&path, e))?;
    file.write_all(format!("{line}\n").as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| CaseError::io(&path, e))?;
    let head = AuditHead {
        entries: entry.seq,
        last_sha256: sha256_hex(line.as_bytes()),
    };
    let head_path = root.join(AUDIT_HEAD_FILE);
    let json = serde_json::to_vec_pretty(&head).map_err(|e| CaseError::Invalid(e.to_string()))?;
    write_atomic(&head_path, &json).map_err(|e| CaseError::io(&head_path, e))?;
    Ok(entry)
}

/// Reads and checks the whole log against its chain and head.
pub fn verify_audit(root: &Path) -> Result<AuditCheck, CaseError> {
    let path = path_of(root);
    let bytes = fs::read(&path).map_err(|e| CaseError::io(&path, e))?;
    let head_path = root.join(AUDIT_HEAD_FILE);
    let head: Option<AuditHead> = match fs::read(&head_path) {
        Ok(b) => Some(serde_json::from_slice(&b).map_err(|e| {
            CaseError::Invalid(format!("{} is not readable: {e}", head_path.display()))
        })?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(CaseError::io(&head_path, source)),
    };
    Ok(check_lines(&bytes, head.as_ref()))
}

/// The checks of `verify_audit` on the log's bytes.
pub fn check_lines(bytes: &[u8], head: Option<&AuditHead>) -> AuditCheck {
    let mut problems = Vec::new();
    let mut problem = |line: usize, text: String| {
        problems.push(AuditProblem {
            line,
            problem: text,
        })
    };
    let lines = split_lines(bytes);
    let hashes: Vec<String> = lines.iter().map(|(l, _)| sha256_hex(l)).collect();
    // Parsed entries by line index.
    let mut parsed: Vec<Option<AuditEntry>> = Vec::with_capacity(lines.len());
    for (i, (line, terminated)) in lines.iter().enumerate() {
        if !terminated {
            problem(
                i + 1,
                "not terminated by a newline (a write was cut short)".into(),
            );
        }
        match serde_json::from_slice::<AuditEntry>(line) {
            Ok(entry) => parsed.push(Some(entry)),
            Err(e) => {
                problem(i + 1, format!("not a valid audit entry ({e})"));
                parsed.push(None);
            }
        }
    }
    // Where each entry number is.
    let mut line_of: BTreeMap<u64, usize> = BTreeMap::new();
    for (i, entry) in parsed.iter().enumerate() {
        let Some(entry) = entry else { continue };
        if let Some(&first) = line_of.get(&entry.seq) {
            problem(
                i + 1,
                format!(
                    "repeats entry {} (also on line {}): a line was duplicated",
                    entry.seq,
                    first + 1
                ),
            );
        } else {
            line_of.insert(entry.seq, i);
        }
    }
    let highest = line_of.keys().next_back().copied().unwrap_or(0);
    let expected_total = head.map_or(highest, |h| h.entries.max(highest));
    let missing: Vec<u64> = (1..=expected_total)
        .filter(|s| !line_of.contains_key(s))
        .collect();
    let unreadable = parsed.iter().filter(|e| e.is_none()).count();
    // Entries missing while no unreadable line could stand for them were removed.
    let removed: Vec<u64> = if missing.len() > unreadable {
        missing
    } else {
        Vec::new()
    };
    let removed_before = |seq: u64| removed.iter().filter(|&&m| m < seq).count() as u64;
    for &seq in &removed {
        problem(
            (seq - removed_before(seq)) as usize,
            format!("entry {seq} is missing: the line that belonged here was removed"),
        );
    }
    // Order: entry s belongs on line s minus the removed entries before it.
    for (&seq, &i) in &line_of {
        let expected_line = (seq - removed_before(seq)) as usize;
        if expected_line != i + 1 {
            problem(
                i + 1,
                format!(
                    "holds entry {seq}, which belongs on line {expected_line}: lines were reordered"
                ),
            );
        }
    }
    // The chain: entry s records the hash of the line holding entry s - 1.
    for (&seq, &i) in &line_of {
        let entry = parsed[i].as_ref().expect("indexed lines parsed");
        if seq == 1 {
            if entry.prev_sha256 != GENESIS {
                problem(
                    i + 1,
                    "entry 1 does not start the chain (its previous-entry hash is not zero)".into(),
                );
            }
            continue;
        }
        let Some(&prev_line) = line_of.get(&(seq - 1)) else {
            continue;
        };
        if entry.prev_sha256 != hashes[prev_line] {
            problem(
                prev_line + 1,
                format!(
                    "was edited: entry {} hashes to {} but entry {seq} (line {}) recorded {}",
                    seq - 1,
                    short(&hashes[prev_line]),
                    i + 1,
                    short(&entry.prev_sha256)
                ),
            );
        }
    }
    // The head: the last entry's hash and the count, for edits and removals at the end.
    if let (Some(head), Some(&last_line)) = (head, line_of.get(&highest)) {
        if head.entries == highest && hashes[last_line] != head.last_sha256 {
            problem(
                last_line + 1,
                format!(
                    "was edited: the last entry hashes to {} but the case recorded {}",
                    short(&hashes[last_line]),
                    short(&head.last_sha256)
                ),
            );
        }
        if highest > head.entries {
            problem(
                0,
                format!(
                    "has {highest} entries but the case recorded {}: entries were added outside ForgeLens",
                    head.entries
                ),
            );
        }
    }
    if lines.is_empty() {
        problem(
            0,
            "is empty; every case starts with its creation entry".into(),
        );
    }
    problems.sort_by_key(|p| p.line);
    problems.dedup();
    AuditCheck {
        entries: parsed.into_iter().flatten().collect(),
        problems,
        last_sha256: hashes.last().cloned(),
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
