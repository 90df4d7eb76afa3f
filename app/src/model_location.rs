//! Where the model comes from when `--model` is not given: `$FORGELENS_MODEL`, then the
//! bundled model installed beside the binary (`../share/forgelens/model`), then the
//! source tree's `assets/model`.

use std::path::PathBuf;

use anyhow::{Result, bail};

pub fn resolve_model_dir(explicit: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir);
    }
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("FORGELENS_MODEL") {
        candidates.push(PathBuf::from(dir));
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(bin) = exe.parent()
    {
        candidates.push(bin.join("../share/forgelens/model"));
    }
    candidates.push(PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../assets/model"
    )));
    if let Some(found) = candidates.iter().find(|c| c.join("model.json").is_file()) {
        return Ok(found.clone());
    }
    bail!(
        "no bundled model is installed yet; pass --model DIR \
         (a directory made by `forgelens init-model` or by training)"
    )
}
