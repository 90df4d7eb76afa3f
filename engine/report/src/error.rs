//! The errors of writing a report, and an error written with its causes.

use std::path::PathBuf;

use forgelens_engine::image_input::ImageInputError;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Image(#[from] ImageInputError),
    #[error("cannot write the report {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create files in the output folder {dir}")]
    NotWritable {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is the evidence file itself; a report never replaces the evidence")]
    WouldOverwriteEvidence { path: PathBuf },
}

/// An error and its causes, `outer: inner: ...`.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text += &format!(": {cause}");
        source = cause.source();
    }
    text
}
