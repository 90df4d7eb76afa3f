//! `forgelens inspect` as a user runs it: maps as PNG and findings as JSON, every tool by
//! default, evidence never written, bad input and bad flags with clear errors and exit codes.

#[allow(dead_code)]
mod common;

use std::path::Path;

use common::{assert_success, forgelens, repo};

fn no_temp_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).expect("dir").all(|e| {
        !e.expect("entry")
            .file_name()
            .to_string_lossy()
            .contains(".tmp-")
    })
}

#[test]
fn inspect_writes_maps_and_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    let image = repo("assets/samples/chelsea.png");
    let before = std::fs::read(&image).expect("sample");
    let out = forgelens()
        .arg("inspect")
        .arg(&image)
        .args([
            "--tool",
            "ela,jpeg,copy-move,metadata,structure",
            "--ela-quality",
            "80",
        ])
        .args(["--json", "--out"])
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let first = &json[0];
    assert_eq!(first["width"], 451);
    assert_eq!(first["params"]["ela"]["quality"], 80);
    let tools: Vec<&str> = first["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t["tool"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(tools, ["ela", "jpeg", "copy-move", "metadata", "structure"]);
    assert_eq!(first["tools"][2]["findings"]["detected"], false);
    assert_eq!(
        first["tools"][3]["findings"]["xmp_properties"][0][0],
        "xmp:CreatorTool"
    );
    for file in [
        "chelsea.ela.png",
        "chelsea.ela-overlay.png",
        "chelsea.jpeg-blocking.png",
        "chelsea.jpeg-grid-shift-overlay.png",
        "chelsea.copy-move.png",
        "chelsea.inspect.json",
    ] {
        assert!(out_dir.join(file).is_file(), "{file} missing");
    }
    let ela = image::open(out_dir.join("chelsea.ela.png"))
        .expect("png")
        .into_luma8();
    assert_eq!(ela.dimensions(), (451, 300));
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("chelsea.inspect.json")).expect("json"))
            .expect("valid JSON");
    assert_eq!(saved["sha256"], first["sha256"]);
    assert!(no_temp_files(&out_dir));
    assert_eq!(
        std::fs::read(&image).expect("sample"),
        before,
        "the evidence changed"
    );
}

#[test]
fn every_tool_by_default_with_a_line_each() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = forgelens()
        .arg("inspect")
        .arg(repo("assets/samples/coffee.png"))
        .arg("--out")
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for tool in [
        "ela",
        "noise",
        "jpeg",
        "ghosts",
        "copy-move",
        "metadata",
        "structure",
        "gradient",
        "pca",
        "histogram",
    ] {
        assert!(
            stdout.lines().any(|l| l.trim_start().starts_with(tool)),
            "{tool}: {stdout}"
        );
    }
    assert!(
        stdout.contains("no Content Credentials") || stdout.contains("skipped    c2pa"),
        "{stdout}"
    );
    assert!(dir.path().join("coffee.noise-inconsistency.png").is_file());
    assert!(dir.path().join("coffee.pca-pc3-overlay.png").is_file());
}

#[test]
fn bad_images_fail_clearly_and_the_rest_is_done() {
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage = dir.path().join("garbage.jpg");
    std::fs::write(&garbage, b"not an image at all").expect("write");
    let out_dir = dir.path().join("out");
    let out = forgelens()
        .arg("inspect")
        .arg(&garbage)
        .arg(dir.path().join("missing.png"))
        .arg(repo("assets/samples/chelsea.png"))
        .args(["--tool", "histogram", "--out"])
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("garbage.jpg: not an image"), "{stderr}");
    assert!(stderr.contains("cannot read"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out_dir.join("chelsea.histogram.png").is_file());
    assert!(!out_dir.join("garbage.inspect.json").exists());
}

#[test]
fn bad_flags_are_usage_errors() {
    for flags in [
        &["--ela-quality", "0"][..],
        &["--tool", "sobel"],
        &["--ghost-qualities", "90-30"],
        &["--noise-block", "7"],
        &["--ela-gain", "-1"],
    ] {
        let out = forgelens()
            .arg("inspect")
            .arg(repo("assets/samples/chelsea.png"))
            .args(flags)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn outputs_never_replace_an_input() {
    // Inspecting x.png writes x.gradient.png, which here is another input: refused.
    let dir = tempfile::tempdir().expect("tempdir");
    let x = dir.path().join("x.png");
    let other = dir.path().join("x.gradient.png");
    std::fs::copy(repo("assets/samples/chelsea.png"), &x).expect("copy");
    std::fs::copy(repo("assets/samples/coffee.png"), &other).expect("copy");
    let before = std::fs::read(&other).expect("read");
    let out = forgelens()
        .arg("inspect")
        .arg(&x)
        .arg(&other)
        .args(["--tool", "gradient", "--out"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("evidence"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&other).expect("read"), before);
    assert!(no_temp_files(dir.path()));
}
