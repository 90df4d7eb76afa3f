//! Cases: plain files in one folder, so a case can be archived, moved and opened elsewhere
//! (every path inside is relative). `case.json` (name, analyst, evidence items with their
//! intake hashes and analyses), `bookmarks.json`, `audit.jsonl` + `audit-head.json`,
//! `evidence/` (read-only copies), `analyses/<item>/run-N/` (analysis JSON, report JSON, maps).
//! Every change is written atomically and then logged in the audit log.

pub mod analysis;
pub mod audit;
pub mod bookmark;
pub mod intake;
pub mod report;
mod report_html;
mod report_pdf;
mod report_sections;
pub mod verify;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{Clock, SystemClock, utc_string};
pub use analysis::{AnalysisRecord, analyze_item};
pub use audit::{AuditCheck, AuditEntry, AuditProblem, AuditRecord, verify_audit};
pub use bookmark::{Bookmark, BookmarkRegion, BookmarkStatus, BookmarkView, NewBookmark};
use forgelens_engine::files::write_atomic;
pub use intake::{EvidenceItem, IntakeMode, hash_file};
pub use report::{CaseReport, build_case_report, render_case_report};
pub use verify::{CaseVerification, ItemCheck, ItemIntegrity, verify_case};

/// The value of `CaseManifest::format`.
pub const CASE_FORMAT: &str = "forgelens-case";
pub const CASE_SCHEMA_VERSION: u32 = 1;
pub const CASE_FILE: &str = "case.json";
/// Folder of analysis runs inside a case.
pub const ANALYSES_DIR: &str = "analyses";

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} is not a ForgeLens case (no readable case.json)")]
    NotACase(PathBuf),
    #[error("{0} is not empty; a new case needs a new or empty folder")]
    NotEmpty(PathBuf),
    #[error("no evidence item `{0}` in the case (give its id, e.g. E001, or its file name)")]
    UnknownItem(String),
    #[error(
        "{id} ({path}) has changed since intake: SHA-256 {found}, recorded {expected}; it is not analysed"
    )]
    EvidenceChanged {
        id: String,
        path: String,
        expected: String,
        found: String,
    },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Image(#[from] forgelens_engine::image_input::ImageInputError),
    #[error(transparent)]
    Analyze(#[from] forgelens_engine::analyzer::AnalyzeError),
}

/// A value as JSON through its text, so an `f32` reads as written (`0.3`, not
/// `0.30000001192092896`) in every file and audit entry.
pub(crate) fn json_value<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

impl CaseError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
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

/// Who writes to the case: the program's version (in every audit entry) and its clock.
#[derive(Clone)]
pub struct Actor {
    pub tool_version: String,
    pub clock: Arc<dyn Clock>,
}

impl Actor {
    pub fn new(tool_version: impl Into<String>) -> Self {
        Self {
            tool_version: tool_version.into(),
            clock: Arc::new(SystemClock),
        }
    }

    pub fn now(&self) -> String {
        utc_string(self.clock.now())
    }
}

impl std::fmt::Debug for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Actor")
            .field("tool_version", &self.tool_version)
            .finish()
    }
}

/// An open case.
#[derive(Debug, Clone)]
pub struct Case {
    root: PathBuf,
    pub manifest: CaseManifest,
    pub bookmarks: Vec<Bookmark>,
    actor: Actor,
}

impl Case {
    /// Makes a new case in `dir` (created, or empty).
    pub fn init(
        dir: &Path,
        name: &str,
        analyst: Option<&str>,
        actor: Actor,
    ) -> Result<Self, CaseError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(CaseError::Invalid("a case needs a name".into()));
        }
        if dir.exists() {
            let mut entries = fs::read_dir(dir).map_err(|e| CaseError::io(dir, e))?;
            if entries.next().is_some() {
                return Err(CaseError::NotEmpty(dir.to_path_buf()));
            }
        }
        for sub in [dir.to_path_buf(), dir.join(intake::EVIDENCE_DIR)] {
            fs::create_dir_all(&sub).map_err(|e| CaseError::io(&sub, e))?;
        }
        let analyst = analyst.map(str::trim).filter(|a| !a.is_empty());
        let case = Self {
            root: dir.to_path_buf(),
            manifest: CaseManifest {
                format: CASE_FORMAT.into(),
                schema_version: CASE_SCHEMA_VERSION,
                name: name.into(),
                analyst: analyst.map(str::to_string),
                created_utc: actor.now(),
                items: Vec::new(),
            },
            bookmarks: Vec::new(),
            actor,
        };
        case.save_manifest()?;
        case.save_bookmarks()?;
        case.log(AuditRecord::new(
            "case-init",
            json!({ "name": name, "analyst": analyst }),
        ))?;
        Ok(case)
    }

    /// Opens the case in `dir`.
    pub fn open(dir: &Path, actor: Actor) -> Result<Self, CaseError> {
        let path = dir.join(CASE_FILE);
        let bytes = fs::read(&path).map_err(|_| CaseError::NotACase(dir.to_path_buf()))?;
        let manifest: CaseManifest = serde_json::from_slice(&bytes)
            .map_err(|e| CaseError::Invalid(format!("{} is not readable: {e}", path.display())))?;
        if manifest.format != CASE_FORMAT {
            return Err(CaseError::NotACase(dir.to_path_buf()));
        }
        if manifest.schema_version > CASE_SCHEMA_VERSION {
            return Err(CaseError::Invalid(format!(
                "{} is a version {} case; this ForgeLens reads up to version {CASE_SCHEMA_VERSION}",
                dir.display(),
                manifest.schema_version
            )));
        }
        let bookmarks_path = dir.join(bookmark::BOOKMARKS_FILE);
        let bookmarks = match fs::read(&bookmarks_path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                CaseError::Invalid(format!("{} is not readable: {e}", bookmarks_path.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(CaseError::io(&bookmarks_path, e)),
        };
        Ok(Self {
            root: dir.to_path_buf(),
            manifest,
            bookmarks,
            actor,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn items(&self) -> &[EvidenceItem] {
        &self.manifest.items
    }

    /// An item by id (`E001`, case-insensitive), file name, or the start of its SHA-256
    /// (at least 8 hex digits).
    pub fn item(&self, key: &str) -> Result<&EvidenceItem, CaseError> {
        let key = key.trim();
        let items = &self.manifest.items;
        items
            .iter()
            .find(|i| i.id.eq_ignore_ascii_case(key))
            .or_else(|| {
                let named: Vec<_> = items.iter().filter(|i| i.file_name == key).collect();
                (named.len() == 1).then(|| named[0])
            })
            .or_else(|| {
                (key.len() >= 8)
                    .then(|| items.iter().find(|i| i.sha256.starts_with(key)))
                    .flatten()
            })
            .ok_or_else(|| CaseError::UnknownItem(key.to_string()))
    }

    pub fn bookmarks_of<'a>(&'a self, item_id: &'a str) -> impl Iterator<Item = &'a Bookmark> {
        self.bookmarks.iter().filter(move |b| b.item_id == item_id)
    }

    /// Takes in one file: hashes it, copies it read-only into the case or references it,
    /// records it and logs the intake. The same bytes twice are refused.
    pub fn add_evidence(
        &mut self,
        source: &Path,
        mode: IntakeMode,
    ) -> Result<EvidenceItem, CaseError> {
        let original = fs::canonicalize(source).map_err(|e| CaseError::io(source, e))?;
        if !original.is_file() {
            return Err(CaseError::Invalid(format!(
                "{} is not a file",
                source.display()
            )));
        }
        if original.starts_with(fs::canonicalize(&self.root).unwrap_or(self.root.clone())) {
            return Err(CaseError::Invalid(format!(
                "{} is inside the case folder; add evidence from outside it",
                source.display()
            )));
        }
        intake::refuse_non_image(&original)?;
        let id = format!("E{:03}", self.manifest.items.len() + 1);
        let (stored_path, hashes) = match mode {
            IntakeMode::Copy => {
                // Hash first, so a duplicate is refused before anything is copied.
                let hashes = hash_file(&original, None)?;
                self.refuse_duplicate(&hashes.sha256, source)?;
                let (rel, copied) = intake::copy_in(&self.root, &id, &original)?;
                if copied != hashes {
                    let _ = fs::remove_file(self.root.join(&rel));
                    return Err(CaseError::Invalid(format!(
                        "{} changed while it was taken in",
                        source.display()
                    )));
                }
                (Some(rel), copied)
            }
            IntakeMode::Reference => {
                let hashes = hash_file(&original, None)?;
                self.refuse_duplicate(&hashes.sha256, source)?;
                (None, hashes)
            }
        };
        let item = EvidenceItem {
            id,
            file_name: original
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            original_path: original.display().to_string(),
            mode,
            stored_path,
            byte_len: hashes.byte_len,
            sha256: hashes.sha256,
            md5: hashes.md5,
            added_utc: self.actor.now(),
            modified_utc: intake::modified_utc(&original),
            analyses: Vec::new(),
        };
        self.manifest.items.push(item.clone());
        self.save_manifest()?;
        self.log(AuditRecord::new(
            "evidence-add",
            json!({
                "id": item.id,
                "file_name": item.file_name,
                "original_path": item.original_path,
                "mode": item.mode,
                "stored_path": item.stored_path,
                "byte_len": item.byte_len,
                "sha256": item.sha256,
                "md5": item.md5,
                "modified_utc": item.modified_utc,
            }),
        ))?;
        Ok(item)
    }

    fn refuse_duplicate(&self, sha256: &str, source: &Path) -> Result<(), CaseError> {
        match self.manifest.items.iter().find(|i| i.sha256 == sha256) {
            Some(existing) => Err(CaseError::Invalid(format!(
                "{} has the same bytes as {} ({}), already in the case",
                source.display(),
                existing.id,
                existing.file_name
            ))),
            None => Ok(()),
        }
    }

    /// Saves a bookmark and logs it.
    pub fn add_bookmark(&mut self, new: NewBookmark) -> Result<Bookmark, CaseError> {
        let item_id = self.item(&new.item_id)?.id.clone();
        if let Some(r) = new.region
            && (r.width == 0 || r.height == 0)
        {
            return Err(CaseError::Invalid("an empty region".into()));
        }
        let bookmark = Bookmark {
            id: format!("B{:03}", self.bookmarks.len() + 1),
            item_id,
            created_utc: self.actor.now(),
            view: new.view,
            region: new.region,
            comment: new.comment.trim().to_string(),
            status: new.status,
        };
        self.bookmarks.push(bookmark.clone());
        self.save_bookmarks()?;
        let parameters = json_value(&bookmark);
        self.log(AuditRecord::new("bookmark-add", parameters))?;
        Ok(bookmark)
    }

    /// Records a finished analysis run of an item and logs it with its model.
    pub fn record_analysis(
        &mut self,
        item_id: &str,
        record: AnalysisRecord,
    ) -> Result<(), CaseError> {
        let index = self
            .manifest
            .items
            .iter()
            .position(|i| i.id == item_id)
            .ok_or_else(|| CaseError::UnknownItem(item_id.to_string()))?;
        self.manifest.items[index].analyses.push(record.clone());
        self.save_manifest()?;
        let model_id = record.model_id.clone();
        let mut parameters = json_value(&record);
        if let Some(object) = parameters.as_object_mut() {
            object.insert("item".into(), json!(item_id));
        }
        self.log(AuditRecord::new("analyze", parameters).with_model(model_id))?;
        Ok(())
    }

    /// Appends to the audit log (every action of the CLI and the app inside a case).
    pub fn log(&self, record: AuditRecord) -> Result<AuditEntry, CaseError> {
        audit::append(
            &self.root,
            record,
            self.actor.now(),
            &self.actor.tool_version,
        )
    }

    fn save_manifest(&self) -> Result<(), CaseError> {
        let path = self.root.join(CASE_FILE);
        let json = serde_json::to_vec_pretty(&self.manifest)
            .map_err(|e| CaseError::Invalid(e.to_string()))?;
        write_atomic(&path, &json).map_err(|e| CaseError::io(&path, e))
    }

    fn save_bookmarks(&self) -> Result<(), CaseError> {
        let path = self.root.join(bookmark::BOOKMARKS_FILE);
        let json = serde_json::to_vec_pretty(&self.bookmarks)
            .map_err(|e| CaseError::Invalid(e.to_string()))?;
        write_atomic(&path, &json).map_err(|e| CaseError::io(&path, e))
    }
}
