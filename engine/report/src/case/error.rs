//! What goes wrong with a case: files, a folder that is not a case, unknown or changed
//! evidence, bad input, and the image and analysis errors underneath.

use std::path::{Path, PathBuf};

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

impl CaseError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
