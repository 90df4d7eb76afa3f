//! Records the git commit the `forgelens` program is built from (`FORGELENS_SOURCE_REVISION`,
//! stated in reports), or `unknown` outside a git checkout. Re-runs when HEAD moves; it lives in
//! the app, the last crate in the chain, so a commit rebuilds only the app.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn main() {
    let revision = std::env::var("FORGELENS_SOURCE_REVISION")
        .ok()
        .filter(|r| !r.is_empty())
        .or_else(|| git(&["rev-parse", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=FORGELENS_SOURCE_REVISION={revision}");
    println!("cargo:rerun-if-env-changed=FORGELENS_SOURCE_REVISION");
    // HEAD itself, and the branch it points to (worktrees keep HEAD in their own git dir).
    // Only files that exist: cargo re-runs the script on every build for a missing one.
    let mut watched = vec![git(&["rev-parse", "--git-path", "HEAD"])];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(git(&["rev-parse", "--git-path", &branch]));
        watched.push(git(&["rev-parse", "--git-path", "packed-refs"]));
    }
    for path in watched.into_iter().flatten() {
        if std::path::Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
