//! Where the model comes from when `--model` is not given: `$FORGELENS_MODEL`, then the
//! bundled model in the data folders `engine::data_dir` searches (`$FORGELENS_DATA`, beside
//! the executable, `/usr/share/forgelens`, the source tree in development).

use std::path::PathBuf;

use anyhow::{Result, bail};
use forgelens_engine::data_dir;

pub fn resolve_model_dir(explicit: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os("FORGELENS_MODEL").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        if dir.join("model.json").is_file() {
            return Ok(dir);
        }
        bail!(
            "$FORGELENS_MODEL is {}, which holds no model.json",
            dir.display()
        );
    }
    match data_dir::locate(&format!("{}/model.json", data_dir::MODEL)) {
        Ok(found) => Ok(found.path.parent().map(PathBuf::from).unwrap_or(found.path)),
        Err(not_found) => bail!(
            "no bundled model is installed ({not_found}); pass --model DIR \
             (a directory made by `forgelens init-model` or by training)"
        ),
    }
}
