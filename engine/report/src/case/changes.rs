//! The changes to a case: evidence taken in, bookmarks, analysis runs; each saved, then
//! logged.

use std::fs;
use std::path::Path;

use serde_json::json;

use super::{
    AnalysisRecord, AuditRecord, Bookmark, Case, CaseError, EvidenceItem, IntakeMode, NewBookmark,
    hash_file, intake, json_value,
};

impl Case {
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
}
