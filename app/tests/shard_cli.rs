//! `analyze --shard K/N` and `report-index`: the parts of three shards (two sharing a report
//! folder, one in its own) merge into the index.csv and index.html a single run writes, byte
//! for byte, with every report beside the merged index; a missing or doubled shard is refused.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_success, forgelens, init_tiny, repo};

/// Eight inputs: photographs, fixtures, a file that fails, and two names with one stem.
fn images(dir: &Path) -> PathBuf {
    let images = dir.join("images");
    std::fs::create_dir_all(&images).expect("folder");
    let copies = [
        ("assets/samples/chelsea.png", "a.png"),
        ("assets/samples/coffee.png", "a.jpg"),
        ("tests/fixtures/images/rgba.png", "rgba.png"),
        ("tests/fixtures/images/palette.png", "palette.png"),
        ("tests/fixtures/images/grey16.png", "grey16.png"),
        ("tests/fixtures/images/cmyk.jpg", "cmyk.jpg"),
        ("tests/fixtures/images/exif_rotated.jpg", "rotated.jpg"),
        ("tests/fixtures/images/truncated.png", "truncated.png"),
    ];
    for (from, to) in copies {
        std::fs::copy(repo(from), images.join(to)).expect("copy");
    }
    images
}

fn analyze(model: &Path, images: &Path, out: &Path, report_dir: &Path, shard: Option<&str>) {
    let mut command = forgelens();
    command
        .arg("analyze")
        .arg(images)
        .arg("--model")
        .arg(model)
        .args(["--device", "cpu", "--report-format", "json", "--out"])
        .arg(out)
        .arg("--report-dir")
        .arg(report_dir);
    if let Some(shard) = shard {
        command.args(["--shard", shard]);
    }
    let result = command.output().expect("runs");
    // The truncated file fails, so the run (or shard) holding it exits with 1.
    assert!(
        matches!(result.status.code(), Some(0 | 1)),
        "stderr: {}",
        String::from_utf8_lossy(&result.stderr)
    );
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn merged_shards_equal_a_single_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    let model = init_tiny(dir);
    let images = images(dir);

    let single = dir.join("single");
    analyze(&model, &images, &dir.join("out"), &single, None);

    let shared = dir.join("shared");
    let own = dir.join("own");
    analyze(&model, &images, &dir.join("out-0"), &shared, Some("0/3"));
    analyze(&model, &images, &dir.join("out-1"), &shared, Some("1/3"));
    analyze(&model, &images, &dir.join("out-2"), &own, Some("2/3"));
    assert!(
        !shared.join("index.csv").exists(),
        "a shard writes only its part"
    );

    let merged = dir.join("merged");
    let out = forgelens()
        .arg("report-index")
        .arg(&shared)
        .arg(&own)
        .arg("--out")
        .arg(&merged)
        .output()
        .expect("runs");
    assert_success(&out);

    let index = read(&single.join("index.csv"));
    assert_eq!(read(&merged.join("index.csv")), index);
    assert_eq!(
        read(&merged.join("index.html")),
        read(&single.join("index.html"))
    );
    assert_eq!(
        index.lines().count(),
        9,
        "a header and eight rows:\n{index}"
    );
    assert!(
        index.contains("a-2.report.json"),
        "one stem, two names:\n{index}"
    );
    assert!(index.contains("truncated.png"), "{index}");
    let mut reports = 0;
    for line in index.lines().skip(1) {
        if let Some(name) = line.split(',').find(|f| f.ends_with(".report.json")) {
            assert!(
                merged.join(name).is_file(),
                "{name} beside the merged index"
            );
            reports += 1;
        }
    }
    assert_eq!(reports, 7);
    // The same maps under the same names as the single run.
    for k in 0..3 {
        for entry in std::fs::read_dir(dir.join(format!("out-{k}"))).expect("listing") {
            let name = entry.expect("entry").file_name();
            assert!(
                dir.join("out").join(&name).is_file(),
                "{name:?} named as a single run names it"
            );
        }
    }
}

#[test]
fn a_missing_or_doubled_shard_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    let model = init_tiny(dir);
    let images = images(dir);
    let parts = dir.join("parts");
    analyze(&model, &images, &dir.join("out"), &parts, Some("0/2"));

    let merge = |inputs: &[PathBuf]| {
        forgelens()
            .arg("report-index")
            .args(inputs)
            .arg("--out")
            .arg(dir.join("merged"))
            .output()
            .expect("runs")
    };
    let missing = merge(std::slice::from_ref(&parts));
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("shards missing: 1/2"));

    let part = parts.join("index.shard-0-of-2.json");
    let doubled = merge(&[part.clone(), part]);
    assert_eq!(doubled.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&doubled.stderr).contains("given twice"));
    assert!(!dir.join("merged/index.csv").exists());

    let usage = forgelens()
        .args(["analyze", "x.png", "--shard", "2/2", "--report-dir"])
        .arg(dir)
        .output()
        .expect("runs");
    assert_eq!(
        usage.status.code(),
        Some(2),
        "K/N with K = N is a usage error"
    );
    let no_reports = forgelens()
        .args(["analyze", "x.png", "--shard", "0/2"])
        .output()
        .expect("runs");
    assert_eq!(
        no_reports.status.code(),
        Some(2),
        "--shard needs --report-dir"
    );
}
