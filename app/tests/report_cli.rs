//! `forgelens report`, `verify-report`, `keygen` and `analyze --report-dir` as a user runs
//! them, with a tiny untrained model: reports in each format, signed and checked; a
//! one-byte-changed image fails verification; a read-only folder, a missing image and a huge
//! image fail with a clear message and leave no file behind.

mod common;

use common::{assert_success, forgelens, init_tiny, repo};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn signed_reports_verify_and_a_changed_image_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let out = forgelens()
        .args(["keygen", "--out"])
        .arg(dir.path().join("lab"))
        .output()
        .expect("runs");
    assert_success(&out);
    let (secret, public) = (dir.path().join("lab.key"), dir.path().join("lab.pub"));
    assert!(secret.is_file() && public.is_file());

    let image = repo("assets/samples/chelsea.png");
    for format in ["pdf", "html", "json"] {
        let report = dir.path().join(format!("chelsea.{format}"));
        let out = forgelens()
            .arg("report")
            .arg(&image)
            .args([
                "--format",
                format,
                "--device",
                "cpu",
                "--analyst",
                "Dana Scully",
                "--case",
                "X-17",
            ])
            .args(["--notes", "from the cli test", "--model"])
            .arg(&model)
            .arg("--sign")
            .arg(&secret)
            .arg("--out")
            .arg(&report)
            .output()
            .expect("runs");
        assert_success(&out);
        let bytes = std::fs::read(&report).expect("report written");
        assert!(bytes.len() > 1000, "{format}: {} bytes", bytes.len());

        let out = forgelens()
            .arg("verify-report")
            .arg(&report)
            .arg(&image)
            .arg("--model")
            .arg(&model)
            .arg("--public-key")
            .arg(&public)
            .output()
            .expect("runs");
        assert_success(&out);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("PASS  file SHA-256"), "{stdout}");
        assert!(stdout.contains("PASS  model"), "{stdout}");
        assert!(stdout.contains("PASS  signature"), "{stdout}");
    }

    // One byte changed: the report no longer describes the file.
    let mut changed = std::fs::read(&image).expect("image");
    let last = changed.len() - 1;
    changed[last] ^= 0xFF;
    let changed_path = dir.path().join("chelsea-changed.png");
    std::fs::write(&changed_path, &changed).expect("write");
    // Without --public-key the signature is checked against the keyring, empty at first.
    let config = dir.path().join("config");
    let verify = |image: &Path| {
        let out = forgelens()
            .env("XDG_CONFIG_HOME", &config)
            .arg("verify-report")
            .arg(dir.path().join("chelsea.pdf"))
            .arg(image)
            .arg("--model")
            .arg(&model)
            .arg("--json")
            .output()
            .expect("runs");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let checks = json["checks"].as_array().expect("checks").clone();
        let check = |name: &str| {
            checks
                .iter()
                .find(|c| c["name"] == name)
                .map(|c| {
                    (
                        c["status"].as_str().unwrap_or("").to_string(),
                        c["detail"].as_str().unwrap_or("").to_string(),
                    )
                })
                .expect("the check is there")
        };
        (out.status.code(), check("file SHA-256"), check("signature"))
    };
    let (code, file, signature) = verify(&changed_path);
    assert_eq!(code, Some(1));
    assert_eq!(file.0, "fail");
    assert_eq!(signature.0, "fail", "{signature:?}");
    let fingerprint = fingerprint_of(&public);
    assert!(
        signature.1.contains("unknown key") && signature.1.contains(&fingerprint),
        "{signature:?}"
    );
    let (code, _, signature) = verify(&image);
    assert_eq!(code, Some(1), "an untrusted signer does not verify");
    assert_eq!(signature.0, "fail");

    // Trusted through the keyring: the unchanged image verifies, the changed one still not.
    let keys = |args: &[&str]| {
        forgelens()
            .env("XDG_CONFIG_HOME", &config)
            .arg("keys")
            .args(args)
            .output()
            .expect("runs")
    };
    let out = keys(&["add", public.to_str().expect("UTF-8"), "--name", "lab"]);
    assert_success(&out);
    let listed = String::from_utf8_lossy(&keys(&["list"]).stdout).to_string();
    assert!(
        listed.contains(&fingerprint) && listed.contains("lab"),
        "{listed}"
    );
    let (code, _, signature) = verify(&image);
    assert_eq!(code, Some(0), "{signature:?}");
    assert!(signature.1.contains("trusted key `lab`"), "{signature:?}");
    let (code, file, signature) = verify(&changed_path);
    assert_eq!(
        (code, file.0.as_str(), signature.0.as_str()),
        (Some(1), "fail", "pass")
    );
    assert_success(&keys(&["remove", &fingerprint]));
    assert_eq!(verify(&image).0, Some(1));
    let out = keys(&["remove", "lab"]);
    assert_eq!(out.status.code(), Some(1), "nothing left to remove");
}

/// The fingerprint `keygen` writes in the public key file's comment.
fn fingerprint_of(public: &Path) -> String {
    let text = std::fs::read_to_string(public).expect("public key");
    text.split("fingerprint ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a fingerprint in the comment")
        .to_string()
}

/// A folder this process cannot create files in. Permission bits do not stop root, so when
/// they do not, /sys (where no one may create files) stands in.
fn read_only_folder(base: &Path) -> PathBuf {
    let dir = base.join("read-only");
    std::fs::create_dir(&dir).expect("mkdir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    }
    let probe = dir.join("probe");
    if std::fs::write(&probe, b"x").is_ok() {
        let _ = std::fs::remove_file(&probe);
        let sys = PathBuf::from("/sys");
        assert!(
            std::fs::write(sys.join("forgelens-probe"), b"x").is_err(),
            "no read-only folder to test with"
        );
        return sys;
    }
    dir
}

#[test]
fn bad_inputs_and_read_only_output_fail_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).expect("mkdir");
    let run = |image: &Path, out: &Path| -> Output {
        forgelens()
            .arg("report")
            .arg(image)
            .args(["--device", "cpu", "--model"])
            .arg(&model)
            .arg("--out")
            .arg(out)
            .output()
            .expect("runs")
    };
    let stderr = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();

    let missing = run(&dir.path().join("nope.png"), &out_dir.join("a.pdf"));
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("cannot read") && stderr(&missing).contains("nope.png"),
        "{}",
        stderr(&missing)
    );

    let huge = run(
        &repo("tests/fixtures/images/huge_header.png"),
        &out_dir.join("b.pdf"),
    );
    assert_eq!(huge.status.code(), Some(1));
    assert!(
        stderr(&huge).contains("over the limit"),
        "{}",
        stderr(&huge)
    );

    let truncated = run(
        &repo("tests/fixtures/images/truncated.png"),
        &out_dir.join("c.pdf"),
    );
    assert_eq!(truncated.status.code(), Some(1));
    assert!(
        stderr(&truncated).contains("cannot decode"),
        "{}",
        stderr(&truncated)
    );
    assert!(
        files_in(&out_dir).is_empty(),
        "no partial output: {:?}",
        files_in(&out_dir)
    );

    let read_only = read_only_folder(dir.path());
    let before = files_in(&read_only);
    let target = read_only.join("chelsea.report.pdf");
    let denied = run(&repo("assets/samples/chelsea.png"), &target);
    assert_eq!(denied.status.code(), Some(1));
    assert!(
        stderr(&denied).contains("cannot create files in the output folder")
            && stderr(&denied).contains("denied"),
        "{}",
        stderr(&denied)
    );
    assert!(!target.exists());
    assert_eq!(
        files_in(&read_only),
        before,
        "nothing left in the read-only folder"
    );
}

#[test]
fn analyze_a_folder_into_reports_and_an_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let images = dir.path().join("images");
    std::fs::create_dir(&images).expect("mkdir");
    std::fs::copy(
        repo("assets/samples/chelsea.png"),
        images.join("chelsea.png"),
    )
    .expect("copy");
    std::fs::copy(
        repo("tests/fixtures/images/rgba.png"),
        images.join("rgba.png"),
    )
    .expect("copy");
    std::fs::copy(
        repo("tests/fixtures/images/truncated.png"),
        images.join("truncated.png"),
    )
    .expect("copy");
    let reports = dir.path().join("reports");
    let out = forgelens()
        .arg("analyze")
        .arg(&images)
        .args([
            "--device",
            "cpu",
            "--report-format",
            "html",
            "--case",
            "B-2",
            "--model",
        ])
        .arg(&model)
        .arg("--out")
        .arg(dir.path().join("maps"))
        .arg("--report-dir")
        .arg(&reports)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the truncated file fails, the others go on"
    );
    assert_eq!(
        files_in(&reports),
        [
            "chelsea.report.html",
            "index.csv",
            "index.html",
            "rgba.report.html"
        ]
    );
    let mut csv = csv_rows(&reports.join("index.csv"));
    csv.sort_by(|a, b| a[0].cmp(&b[0]));
    assert_eq!(csv.len(), 3);
    assert!(csv[0][0].ends_with("chelsea.png") && csv[0][1] == "chelsea.report.html");
    assert!(csv[2][0].ends_with("truncated.png") && csv[2][9].contains("cannot decode"));
    let index = std::fs::read_to_string(reports.join("index.html")).expect("index");
    assert!(index.contains("href=\"rgba.report.html\"") && index.contains("case B-2"));
    let sha = &csv[1][8];
    assert_eq!(sha.len(), 64);
    let report = std::fs::read_to_string(reports.join("rgba.report.html")).expect("report");
    assert!(report.contains(sha.as_str()));
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).expect("csv");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    assert_eq!(
        header,
        "image,report,verdict,summary,p_real,p_partial,p_full,fused_area,sha256,error"
    );
    // Simple CSV: the test's fields hold no quotes; commas only inside quoted messages.
    lines
        .map(|line| {
            let mut fields = Vec::new();
            let mut field = String::new();
            let mut quoted = false;
            for c in line.chars() {
                match c {
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(std::mem::take(&mut field)),
                    c => field.push(c),
                }
            }
            fields.push(field);
            fields
        })
        .collect()
}

/// `verify-report REPORT IMAGE --model MODEL`, its output.
fn verify_report(report: &Path, image: &Path, model: &Path) -> Output {
    forgelens()
        .arg("verify-report")
        .arg(report)
        .arg(image)
        .arg("--model")
        .arg(model)
        .output()
        .expect("runs")
}

/// The `toolbox.runs[].tool` names of a JSON report file.
fn tool_runs(report: &Path) -> Vec<String> {
    let bytes = std::fs::read(report).expect("report written");
    let envelope: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    let runs = envelope
        .pointer("/report/toolbox/runs")
        .and_then(|r| r.as_array())
        .cloned()
        .unwrap_or_default();
    for run in &runs {
        let maps = run["maps"].as_array().cloned().unwrap_or_default();
        for map in maps {
            let hash = map["values_sha256"].as_str().unwrap_or_default();
            assert_eq!(hash.len(), 64, "{run}");
        }
        assert!(run["findings"].is_object(), "{run}");
    }
    runs.iter()
        .filter_map(|r| r["tool"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn report_tools_are_included_and_bad_names_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let image = repo("tests/fixtures/images/exif_rotated.jpg");
    let report = |format: &str, tools: &str, out: &Path| -> Output {
        forgelens()
            .arg("report")
            .arg(&image)
            .args(["--format", format, "--device", "cpu", "--tools", tools])
            .arg("--model")
            .arg(&model)
            .arg("--out")
            .arg(out)
            .output()
            .expect("runs")
    };

    let json = dir.path().join("r.json");
    assert_success(&report("json", "jpeg,ela", &json));
    assert_eq!(tool_runs(&json), ["ela", "jpeg"], "the toolbox's order");
    let envelope: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("read")).expect("JSON");
    let credentials = envelope
        .pointer("/report/toolbox/content_credentials/summary")
        .and_then(|s| s.as_str())
        .expect("the Content Credentials status, always");
    assert!(!credentials.is_empty());
    let out = verify_report(&json, &image, &model);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("PASS  file SHA-256") && stdout.contains("PASS  toolbox maps"),
        "{stdout}"
    );

    let pdf = dir.path().join("r.pdf");
    assert_success(&report("pdf", "ela", &pdf));
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Toolbox: Error level analysis"), "{text}");
    assert!(text.contains("mean_difference"), "an ELA finding: {text}");

    let bad = dir.path().join("bad.json");
    let out = report("json", "ela,bogus", &bad);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown tool `bogus`") && stderr.contains("copy-move"),
        "{stderr}"
    );
    assert!(!bad.exists());
}

#[test]
fn report_tools_take_inspects_parameters_and_verify_reruns_with_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let image = repo("tests/fixtures/images/exif_rotated.jpg");
    let report = |extra: &[&str], out: &Path| -> Output {
        forgelens()
            .arg("report")
            .arg(&image)
            .args(["--format", "json", "--device", "cpu", "--tools", "ela"])
            .args(extra)
            .arg("--model")
            .arg(&model)
            .arg("--out")
            .arg(out)
            .output()
            .expect("runs")
    };
    let json = dir.path().join("r.json");
    assert_success(&report(
        &["--ela-quality", "90", "--ela-block", "16"],
        &json,
    ));
    let envelope: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("read")).expect("JSON");
    let ela = envelope
        .pointer("/report/toolbox/runs/0/parameters")
        .expect("the ELA parameters recorded");
    assert_eq!(
        (ela["quality"].as_u64(), ela["block"].as_u64()),
        (Some(90), Some(16)),
        "{ela}"
    );
    let out = verify_report(&json, &image, &model);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("PASS  toolbox maps"), "{stdout}");

    let bad = dir.path().join("bad.json");
    let out = report(&["--ela-quality", "0"], &bad);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(!bad.exists());
}
