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

/// SplitMix64: a fixed, dependency-free stream, so a seeded test finds the same inputs again.
#[allow(dead_code)]
pub struct Stream(pub u64);

#[allow(dead_code)]
impl Stream {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
