//! Which layout a dataset folder is in, and reading it: a `manifest.csv`, Dolos-style
//! `real/` + `fake/`, or plain `real/`, `partial/`, `full/` folders.

use std::path::Path;

use super::dataset::{DataError, Dataset, read_folders, read_manifest};
use super::dolos;

impl Dataset {
    /// Reads a dataset folder in any supported layout.
    pub fn open(root: &Path) -> Result<Dataset, DataError> {
        if !root.is_dir() {
            return Err(DataError::Missing(root.to_path_buf()));
        }
        let dataset = if root.join("manifest.csv").is_file() {
            read_manifest(root)?
        } else if dolos::looks_like_dolos(root) {
            dolos::read(root)?
        } else if ["real", "partial", "full"]
            .iter()
            .any(|f| root.join(f).is_dir())
        {
            read_folders(root)?
        } else {
            return Err(DataError::UnknownLayout(root.to_path_buf()));
        };
        if dataset.samples.is_empty() {
            return Err(DataError::Empty(root.to_path_buf()));
        }
        Ok(dataset)
    }
}
