//! `forgelens case` on the command line: init, add (copy and reference), analyze with a tiny
//! model, bookmark, report in every format (signed), and verify, which fails with exit code 1
//! naming the line when one audit-log line is edited, removed or two are swapped, and naming
//! the item when evidence changes.

mod common;

use std::path::Path;
use std::process::Output;

use common::{assert_success, forgelens, init_tiny, repo};
use forgelens_report::extract_report;

fn case(args: &[&str], dir: &Path) -> Output {
    forgelens()
        .arg("case")
        .args(&args[..1])
        .arg(dir)
        .args(&args[1..])
        .output()
        .expect("runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A case with two images (one copied, one referenced) and one bookmark.
fn made_case(root: &Path) -> std::path::PathBuf {
    let dir = root.join("case");
    assert_success(&case(
        &["init", "--name", "Harbour", "--analyst", "Ann"],
        &dir,
    ));
    let chelsea = repo("assets/samples/chelsea.png");
    let coffee = repo("assets/samples/coffee.png");
    assert_success(&case(
        &["add", chelsea.to_str().expect("a UTF-8 path")],
        &dir,
    ));
    assert_success(&case(
        &["add", coffee.to_str().expect("a UTF-8 path"), "--reference"],
        &dir,
    ));
    let out = case(
        &[
            "bookmark",
            "E001",
            "--view",
            "fused",
            "--threshold",
            "0.4",
            "--region",
            "10,20,30,40",
            "--comment",
            "the ear",
            "--status",
            "warning",
        ],
        &dir,
    );
    assert_success(&out);
    assert!(text(&out).contains("B001 on E001"), "{}", text(&out));
    dir
}

fn audit_lines(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("audit.jsonl"))
        .expect("log")
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(dir: &Path, lines: &[String]) {
    let joined: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("audit.jsonl"), joined).expect("written");
}

fn copy_dir(from: &Path, to: &Path) {
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status()
        .expect("cp");
    assert!(status.success());
}

#[test]
fn verify_names_an_edited_a_removed_and_reordered_audit_lines() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = made_case(tmp.path());
    let out = case(&["verify"], &dir);
    assert_success(&out);
    let lines = audit_lines(&dir);
    assert_eq!(lines.len(), 5, "init, 2 adds, bookmark, verify");

    // Line 3 is the referenced image's intake: change its recorded size.
    let edited = tmp.path().join("edited");
    copy_dir(&dir, &edited);
    let mut changed = lines.clone();
    assert!(changed[2].contains("\"evidence-add\""), "{}", changed[2]);
    changed[2] = changed[2].replace("\"byte_len\":", "\"byte_len\":1");
    assert_ne!(changed[2], lines[2]);
    write_lines(&edited, &changed);
    let out = case(&["verify"], &edited);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("audit log line 3: was edited"),
        "{}",
        text(&out)
    );

    let removed = tmp.path().join("removed");
    copy_dir(&dir, &removed);
    let mut fewer = lines.clone();
    fewer.remove(3);
    write_lines(&removed, &fewer);
    let out = case(&["verify"], &removed);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("audit log line 4: entry 4 is missing"),
        "{}",
        text(&out)
    );

    let swapped = tmp.path().join("swapped");
    copy_dir(&dir, &swapped);
    let mut order = lines.clone();
    order.swap(1, 2);
    write_lines(&swapped, &order);
    let out = case(&["verify"], &swapped);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out);
    assert!(said.contains("audit log line 2: holds entry 3"), "{said}");
    assert!(said.contains("audit log line 3: holds entry 2"), "{said}");

    // The untouched case still verifies (the copies never touched it).
    assert_success(&case(&["verify"], &dir));
}

#[test]
fn verify_names_changed_evidence_and_a_missing_reference() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let image = tmp.path().join("photo.png");
    std::fs::copy(repo("assets/samples/coffee.png"), &image).expect("copied");
    let dir = tmp.path().join("case");
    assert_success(&case(&["init", "--name", "Refs"], &dir));
    assert_success(&case(
        &["add", image.to_str().expect("a UTF-8 path"), "--reference"],
        &dir,
    ));
    let mut bytes = std::fs::read(&image).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&image, &bytes).expect("changed");
    let out = case(&["verify"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("E001") && text(&out).contains("has changed"),
        "{}",
        text(&out)
    );
    std::fs::remove_file(&image).expect("removed");
    let out = case(&["verify", "--json"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["passed"], false);
    assert_eq!(json["items"][0]["integrity"]["status"], "unreadable");
}

#[test]
fn analyze_then_report_records_the_model_and_parameters_in_every_format() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(tmp.path());
    let dir = made_case(tmp.path());
    let out = forgelens()
        .args(["case", "analyze"])
        .arg(&dir)
        .arg("--model")
        .arg(&model)
        .args(["--device", "cpu", "--threshold", "0.3"])
        .output()
        .expect("runs");
    assert_success(&out);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("case.json")).expect("case.json"))
            .expect("JSON");
    for item in manifest["items"].as_array().expect("items") {
        let run = &item["analyses"][0];
        assert!(
            run["model_id"]
                .as_str()
                .expect("a model id")
                .starts_with("tiny-"),
            "{run}"
        );
        assert_eq!(run["parameters"]["report"]["thresholds"]["fused"], 0.3);
        assert!(
            run["parameters"]["analyzer"]["max_tiles"].is_number(),
            "{run}"
        );
        let folder = dir.join(run["folder"].as_str().expect("a folder"));
        let id = item["id"].as_str().expect("an id");
        assert!(folder.join(format!("{id}.analysis.json")).is_file());
        assert!(folder.join("report.json").is_file());
    }
    let analyze_lines: Vec<_> = audit_lines(&dir)
        .into_iter()
        .filter(|l| l.contains("\"action\":\"analyze\""))
        .collect();
    assert_eq!(analyze_lines.len(), 2);
    assert!(analyze_lines[0].contains("\"model_id\":\"tiny-"));

    let keys = tmp.path().join("signer");
    assert_success(
        &forgelens()
            .arg("keygen")
            .arg("--out")
            .arg(&keys)
            .output()
            .expect("runs"),
    );
    for format in ["json", "html", "pdf"] {
        let file = tmp.path().join(format!("case.{format}"));
        let out = forgelens()
            .args(["case", "report"])
            .arg(&dir)
            .args(["--format", format, "--out"])
            .arg(&file)
            .arg("--sign")
            .arg(keys.with_extension("key"))
            .output()
            .expect("runs");
        assert_success(&out);
        let embedded = extract_report(&std::fs::read(&file).expect("written")).expect("embedded");
        assert!(embedded.signature.is_some(), "{format}");
        let report: serde_json::Value =
            serde_json::from_slice(&embedded.report_json).expect("JSON");
        assert_eq!(report["format"], "forgelens-case-report");
        assert_eq!(report["items"].as_array().expect("items").len(), 2);
        assert!(report["items"][0]["analysis"]["verdict"]["summary"].is_string());
        assert_eq!(report["items"][0]["bookmarks"][0]["comment"], "the ear");
        assert_eq!(report["verification"]["passed"], true);
    }
    let pdf = tmp.path().join("case.pdf");
    if let Ok(out) = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
    {
        let words = String::from_utf8_lossy(&out.stdout);
        for needle in ["Harbour", "the ear", "Audit log", "chelsea.png"] {
            assert!(words.contains(needle), "{needle} in\n{words}");
        }
    }
    assert_success(&case(&["verify"], &dir));
}

#[test]
fn bad_input_is_a_clear_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = made_case(tmp.path());
    let again = case(&["init", "--name", "Again"], &dir);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again).contains("not empty"), "{}", text(&again));
    let unknown = case(&["bookmark", "E042", "--view", "cam"], &dir);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown).contains("E042"), "{}", text(&unknown));
    let view = case(&["bookmark", "E001", "--view", "sepia"], &dir);
    assert!(text(&view).contains("unknown view"), "{}", text(&view));
    let status = case(
        &["bookmark", "E001", "--view", "cam", "--status", "fine"],
        &dir,
    );
    assert_eq!(status.status.code(), Some(2), "a usage error");
    let region = case(
        &["bookmark", "E001", "--view", "cam", "--region", "1,2,3"],
        &dir,
    );
    assert_eq!(region.status.code(), Some(2));
    let not_case = case(&["verify"], tmp.path());
    assert_eq!(not_case.status.code(), Some(1));
    assert!(
        text(&not_case).contains("not a ForgeLens case"),
        "{}",
        text(&not_case)
    );
}
