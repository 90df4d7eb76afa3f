//! What the command-line tests share: the binary, the repository's files, a tiny model.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `forgelens` binary, quiet, and blind to a `FORGELENS_MODEL` in the environment.
pub fn forgelens() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_forgelens"));
    cmd.env("RUST_LOG", "warn").env_remove("FORGELENS_MODEL");
    cmd
}

pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

pub fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `forgelens init-model --config tiny` into `dir/model`.
pub fn init_tiny(dir: &Path) -> PathBuf {
    let model = dir.join("model");
    let out = forgelens()
        .args(["init-model", "--config", "tiny", "--out"])
        .arg(&model)
        .output()
        .expect("runs");
    assert_success(&out);
    model
}
