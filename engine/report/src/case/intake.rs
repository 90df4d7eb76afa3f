//! Evidence intake: SHA-256 and MD5 of the exact bytes, size, time and original path; the
//! file copied read-only into the case (and the copy hashed again), or referenced where it is.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use md5::Md5;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::CaseError;
use super::analysis::AnalysisRecord;

/// Folder of copied evidence inside a case.
pub const EVIDENCE_DIR: &str = "evidence";

/// How the case holds an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntakeMode {
    /// A read-only copy inside the case (`evidence/`).
    Copy,
    /// The file where it is, by its original path.
    Reference,
}

/// One evidence item as taken in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// `E001`, `E002`, ...: stable within the case.
    pub id: String,
    pub file_name: String,
    /// The absolute path the file was taken from.
    pub original_path: String,
    pub mode: IntakeMode,
    /// For copies, the path inside the case (`evidence/E001-name.jpg`, always relative).
    pub stored_path: Option<String>,
    pub byte_len: u64,
    pub sha256: String,
    /// For systems that index by MD5; SHA-256 is the identifier.
    pub md5: String,
    /// When it was taken in (UTC).
    pub added_utc: String,
    /// The file's modification time at intake (UTC), when the file system gives one.
    pub modified_utc: Option<String>,
    /// Every analysis of the item, oldest first.
    #[serde(default)]
    pub analyses: Vec<AnalysisRecord>,
}

impl EvidenceItem {
    /// Where the bytes are now: the copy inside `root`, or the original file.
    pub fn path_in(&self, root: &Path) -> PathBuf {
        match (&self.mode, &self.stored_path) {
            (IntakeMode::Copy, Some(rel)) => root.join(rel),
            _ => PathBuf::from(&self.original_path),
        }
    }

    pub fn latest_analysis(&self) -> Option<&AnalysisRecord> {
        self.analyses.last()
    }
}

/// SHA-256, MD5 and length of a file's bytes, read in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHashes {
    pub sha256: String,
    pub md5: String,
    pub byte_len: u64,
}

/// Hashes `path`, writing every byte read to `copy` as well when given.
pub fn hash_file(path: &Path, mut copy: Option<&mut fs::File>) -> Result<FileHashes, CaseError> {
    let mut file = fs::File::open(path).map_err(|e| CaseError::io(path, e))?;
    let mut sha = Sha256::new();
    let mut md5 = Md5::new();
    let mut byte_len = 0u64;
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer).map_err(|e| CaseError::io(path, e))?;
        if n == 0 {
            break;
        }
        sha.update(&buffer[..n]);
        md5.update(&buffer[..n]);
        byte_len += n as u64;
        if let Some(out) = copy.as_deref_mut() {
            out.write_all(&buffer[..n])
                .map_err(|e| CaseError::io(path, e))?;
        }
    }
    Ok(FileHashes {
        sha256: hex::encode(sha.finalize()),
        md5: hex::encode(md5.finalize()),
        byte_len,
    })
}

/// A name safe on every file system: letters, digits, `.`, `-`, `_`; the rest become `_`.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        "evidence".to_string()
    } else {
        trimmed.chars().take(100).collect()
    }
}

/// Copies `source` to `root/evidence/<id>-<name>` (complete or not at all), checks the copy
/// against the source's hashes and makes it read-only. Returns the relative path and hashes.
pub fn copy_in(root: &Path, id: &str, source: &Path) -> Result<(String, FileHashes), CaseError> {
    let dir = root.join(EVIDENCE_DIR);
    fs::create_dir_all(&dir).map_err(|e| CaseError::io(&dir, e))?;
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file_name = format!("{id}-{}", safe_name(&name));
    let target = dir.join(&file_name);
    if target.exists() {
        return Err(CaseError::Invalid(format!(
            "{} already exists; the case's evidence is never replaced",
            target.display()
        )));
    }
    let tmp = dir.join(format!(".{file_name}.intake-{}", std::process::id()));
    let result = (|| {
        let mut out = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| CaseError::io(&tmp, e))?;
        let hashes = hash_file(source, Some(&mut out))?;
        out.sync_all().map_err(|e| CaseError::io(&tmp, e))?;
        drop(out);
        let copied = hash_file(&tmp, None)?;
        if copied != hashes {
            return Err(CaseError::Invalid(format!(
                "the copy of {} differs from the original (SHA-256 {} vs {}); nothing was added",
                source.display(),
                copied.sha256,
                hashes.sha256
            )));
        }
        set_read_only(&tmp)?;
        fs::rename(&tmp, &target).map_err(|e| CaseError::io(&target, e))?;
        if cfg!(unix) {
            fs::File::open(&dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| CaseError::io(&dir, e))?;
        }
        Ok(hashes)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    Ok((format!("{EVIDENCE_DIR}/{file_name}"), result?))
}

/// `chmod 0444` (read-only for everyone) on Unix; the read-only flag elsewhere.
fn set_read_only(path: &Path) -> Result<(), CaseError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o444))
            .map_err(|e| CaseError::io(path, e))
    }
    #[cfg(not(unix))]
    {
        let mut permissions = fs::metadata(path)
            .map_err(|e| CaseError::io(path, e))?
            .permissions();
        permissions.set_readonly(true);
        fs::set_permissions(path, permissions).map_err(|e| CaseError::io(path, e))
    }
}

/// The file's modification time as UTC text.
pub fn modified_utc(path: &Path) -> Option<String> {
    let modified = fs::metadata(path).ok()?.modified().ok()?;
    let t = jiff::Timestamp::try_from(modified).ok()?;
    Some(crate::utc_string(t))
}

/// Only files ForgeLens can analyse are taken in (told by their first bytes, not their name).
pub fn refuse_non_image(path: &Path) -> Result<(), CaseError> {
    let mut head = [0u8; 64];
    let n = fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| CaseError::io(path, e))?;
    match image::guess_format(&head[..n]) {
        Ok(_) => Ok(()),
        Err(_) => Err(CaseError::Invalid(format!(
            "{} is not an image ForgeLens reads (PNG, JPEG, TIFF, WebP, GIF, BMP)",
            path.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("a b/c.jpg"), "a_b_c.jpg");
        assert_eq!(safe_name("..hidden"), "hidden");
        assert_eq!(safe_name(""), "evidence");
    }

    #[test]
    fn a_copy_is_exact_and_read_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let source = dir.path().join("photo one.png");
        fs::write(&source, b"not really a png").expect("written");
        let root = dir.path().join("case");
        fs::create_dir(&root).expect("case folder");
        let (rel, hashes) = copy_in(&root, "E001", &source).expect("copied");
        assert_eq!(rel, "evidence/E001-photo_one.png");
        assert_eq!(
            fs::read(root.join(&rel)).expect("read"),
            b"not really a png"
        );
        assert_eq!(hashes.byte_len, 16);
        assert!(
            fs::metadata(root.join(&rel))
                .expect("metadata")
                .permissions()
                .readonly()
        );
        assert!(copy_in(&root, "E001", &source).is_err(), "never replaced");
    }
}
