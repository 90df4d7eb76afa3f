//! Where a report is written: the output folder checked before a long analysis, and the file
//! written atomically, never over the evidence.

use std::path::Path;

use forgelens_engine::files::write_atomic;

use crate::ReportError;

/// Fails early, before a long analysis, when no file can be created in `dir` (a read-only or
/// missing folder): creates and removes an empty probe file.
pub fn check_writable(dir: &Path) -> Result<(), ReportError> {
    let probe = dir.join(format!(".forgelens-write-probe-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(source) => Err(ReportError::NotWritable {
            dir: dir.to_path_buf(),
            source,
        }),
    }
}

/// Writes a report file atomically (complete or not at all); refuses to write over the
/// evidence.
pub fn write_report_file(path: &Path, bytes: &[u8], evidence: &Path) -> Result<(), ReportError> {
    let same_file = match (std::fs::canonicalize(path), std::fs::canonicalize(evidence)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same_file {
        return Err(ReportError::WouldOverwriteEvidence {
            path: path.to_path_buf(),
        });
    }
    write_atomic(path, bytes).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}
