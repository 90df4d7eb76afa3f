//! A case folder made, opened, read and saved (`case.json`, `bookmarks.json`, written
//! atomically), and its audit log appended to.

use std::fs;
use std::path::Path;

use forgelens_engine::files::write_atomic;
use serde_json::json;

use super::{
    Actor, AuditEntry, AuditRecord, Bookmark, CASE_FILE, CASE_FORMAT, CASE_SCHEMA_VERSION, Case,
    CaseError, CaseManifest, EvidenceItem, audit, bookmark, intake,
};

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

    /// Appends to the audit log (every action of the CLI and the app inside a case).
    pub fn log(&self, record: AuditRecord) -> Result<AuditEntry, CaseError> {
        audit::append(
            &self.root,
            record,
            self.actor.now(),
            &self.actor.tool_version,
        )
    }

    pub(super) fn save_manifest(&self) -> Result<(), CaseError> {
        let path = self.root.join(CASE_FILE);
        let json = serde_json::to_vec_pretty(&self.manifest)
            .map_err(|e| CaseError::Invalid(e.to_string()))?;
        write_atomic(&path, &json).map_err(|e| CaseError::io(&path, e))
    }

    pub(super) fn save_bookmarks(&self) -> Result<(), CaseError> {
        let path = self.root.join(bookmark::BOOKMARKS_FILE);
        let json = serde_json::to_vec_pretty(&self.bookmarks)
            .map_err(|e| CaseError::Invalid(e.to_string()))?;
        write_atomic(&path, &json).map_err(|e| CaseError::io(&path, e))
    }
}
