//! The `forgelens` binary as a user runs it: init a tiny model, analyse images, read the
//! JSON, find the PNGs; bad input exits with 1 and leaves no partial output.

mod common;

use common::{assert_success, forgelens, init_tiny, repo};

#[test]
fn analyze_writes_json_and_maps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let out_dir = dir.path().join("out");
    let out = forgelens()
        .arg("analyze")
        .arg(repo("assets/samples/chelsea.png"))
        .arg(repo("tests/fixtures/images/rgba.png"))
        .args(["--device", "cpu", "--json", "--model"])
        .arg(&model)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let first = &json[0];
    assert_eq!(first["input"]["width"], 451);
    assert_eq!(first["model"]["trained"], false);
    assert!(first["verdict"]["label"].is_string());
    let p = &first["probabilities"];
    let sum = p["real"].as_f64().unwrap_or(0.0)
        + p["partial"].as_f64().unwrap_or(0.0)
        + p["full"].as_f64().unwrap_or(0.0);
    assert!((sum - 1.0).abs() < 1e-3);
    for stem in ["chelsea", "rgba"] {
        for suffix in [
            "analysis.json",
            "cam.png",
            "attention.png",
            "fused.png",
            "fused-overlay.png",
        ] {
            let file = out_dir.join(format!("{stem}.{suffix}"));
            assert!(file.is_file(), "{} missing", file.display());
        }
    }
    let map = image::open(out_dir.join("chelsea.fused.png"))
        .expect("png")
        .into_luma8();
    assert_eq!(map.dimensions(), (451, 300));
    assert!(std::fs::read_dir(&out_dir).expect("dir").all(|e| {
        !e.expect("entry")
            .file_name()
            .to_string_lossy()
            .contains(".tmp-")
    }));
}

#[test]
fn analyze_json_carries_an_inconclusive_verdict_with_its_probabilities() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let run = |threshold: &str| {
        let out = forgelens()
            .arg("analyze")
            .arg(repo("assets/samples/chelsea.png"))
            .args([
                "--device",
                "cpu",
                "--json",
                "--inconclusive-below",
                threshold,
            ])
            .arg("--model")
            .arg(&model)
            .arg("--out")
            .arg(dir.path().join("out"))
            .output()
            .expect("runs");
        assert_success(&out);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        json[0].clone()
    };
    let unsure = run("1");
    assert_eq!(unsure["verdict"]["inconclusive"], true, "{unsure}");
    assert_eq!(unsure["verdict"]["inconclusive_below"], 1.0);
    assert!(unsure["verdict"]["label"].is_string());
    assert!(unsure["probabilities"]["partial"].is_f64());
    let sure = run("0");
    assert_eq!(sure["verdict"]["inconclusive"], false, "{sure}");
    assert_eq!(sure["probabilities"], unsure["probabilities"]);

    let bad = forgelens()
        .arg("analyze")
        .arg(repo("assets/samples/chelsea.png"))
        .args(["--inconclusive-below", "1.5"])
        .output()
        .expect("runs");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not between 0 and 1"));
}

#[test]
fn analyze_prints_one_verdict_line_per_image_on_stdout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let out = forgelens()
        .arg("analyze")
        .arg(repo("assets/samples/chelsea.png"))
        .arg(repo("assets/samples/coffee.png"))
        .args(["--device", "cpu", "--model"])
        .arg(&model)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .expect("runs");
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    for (line, stem) in lines.iter().zip(["chelsea.png", "coffee.png"]) {
        assert!(line.contains(stem) && line.contains("[real "), "{line}");
    }
}

#[test]
fn bad_image_fails_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let out_dir = dir.path().join("out");
    let out = forgelens()
        .arg("analyze")
        .arg(repo("tests/fixtures/images/truncated.png"))
        .args(["--device", "cpu", "--model"])
        .arg(&model)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("truncated.png") && stderr.contains("cannot decode"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(&out_dir).expect("dir").count(),
        0,
        "no partial output"
    );
}

#[test]
fn missing_model_and_bad_flags_are_explained() {
    let out = forgelens()
        .args(["analyze", "x.png", "--model", "/nonexistent/model"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a ForgeLens model directory"));
    let out = forgelens()
        .args(["init-model", "--config", "huge", "--out", "x"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = forgelens()
        .args(["init-model", "--config", "paper", "--out"])
        .arg(tempfile::tempdir().expect("tempdir").path().join("m"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing is downloaded"));
}

#[test]
fn tiling_flags_out_of_range_are_refused_not_clamped() {
    for (flag, value, says) in [
        ("--overlap", "2", "the overlap must be from 0 to 0.9"),
        ("--overlap", "-0.1", "the overlap must be from 0 to 0.9"),
        ("--overlap", "lots", "is not a number"),
        ("--max-tiles", "0", "0"),
        ("--max-megapixels", "0", "above 0 and at most 1000"),
    ] {
        let out = forgelens()
            .args(["analyze", "x.png", &format!("{flag}={value}")])
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}: {stderr}");
        assert!(
            stderr.contains(flag) && stderr.contains(says),
            "{flag} {value}: {stderr}"
        );
    }
}

#[test]
fn info_reports_devices_and_model() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let out = forgelens()
        .args(["info", "--json", "--model"])
        .arg(&model)
        .output()
        .expect("runs");
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(json["backends"].as_array().is_some_and(|b| !b.is_empty()));
    assert_eq!(json["model"]["card"]["trained"], false);
    assert!(
        json["model"]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("tiny-"))
    );
}

#[test]
fn forge_makes_a_dataset_from_photographs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("dataset");
    let out = forgelens()
        .args([
            "forge",
            "--crop",
            "64",
            "--crops-per-photo",
            "3",
            "--whole-share",
            "0",
            "--photos",
        ])
        .arg(repo("assets/samples"))
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("runs");
    assert_success(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("6 images (2 real, 2 partial, 2 full)"),
        "{stderr}"
    );
    assert!(stderr.contains("README.md: not an image file"), "{stderr}");
    let manifest = std::fs::read_to_string(out_dir.join("manifest.csv")).expect("manifest");
    assert_eq!(manifest.lines().count(), 7);
}

#[test]
fn forge_train_and_eval_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).expect("dir");
    for name in ["chelsea.png", "coffee.png"] {
        std::fs::copy(repo("assets/samples").join(name), photos.join(name)).expect("copy");
    }
    let data = dir.path().join("data");
    let out = forgelens()
        .args([
            "forge",
            "--crop",
            "64",
            "--crops-per-photo",
            "12",
            "--whole-share",
            "0",
            "--photos",
        ])
        .arg(&photos)
        .arg("--out")
        .arg(&data)
        .output()
        .expect("runs");
    assert_success(&out);
    // Two photographs: make both splits exist whatever the hash says.
    let manifest = std::fs::read_to_string(data.join("manifest.csv")).expect("manifest");
    let mut lines: Vec<String> = manifest.lines().map(String::from).collect();
    let split_col = lines[0]
        .split(',')
        .position(|c| c == "split")
        .expect("split column");
    for (i, line) in lines.iter_mut().enumerate().skip(1) {
        let split = if i % 4 == 0 { "val" } else { "train" };
        // The forge's fields hold no commas for these photographs.
        let mut fields: Vec<&str> = line.split(',').collect();
        fields[split_col] = split;
        *line = fields.join(",");
    }
    std::fs::write(data.join("manifest.csv"), lines.join("\n") + "\n").expect("write");

    let run = dir.path().join("run");
    let train = |extra: &[&str]| {
        forgelens()
            .args([
                "train",
                "--config",
                "tiny",
                "--device",
                "cpu",
                "--max-steps-per-epoch",
                "2",
            ])
            .args(extra)
            .arg("--data")
            .arg(&data)
            .arg("--out")
            .arg(&run)
            .arg("--cache-dir")
            .arg(dir.path().join("cache"))
            .output()
            .expect("runs")
    };
    let out = train(&[]);
    assert_success(&out);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("teacher epoch 1/2"), "{log}");
    assert!(run.join("model/model.bpk").is_file());
    // A second run into the same folder is refused without --resume.
    let again = train(&[]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--resume"));

    // Evaluation refuses images training used: score a set forged from a photograph the
    // model never saw (a synthetic texture whose name falls in the test split), with the
    // generator the pointers below name.
    let unseen_photos = dir.path().join("unseen-photos");
    std::fs::create_dir_all(&unseen_photos).expect("dir");
    image::RgbImage::from_fn(320, 240, |x, y| {
        let h = (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663)) % 97;
        image::Rgb([(x % 251) as u8, (y % 241) as u8, (h * 2) as u8])
    })
    .save(unseen_photos.join("unseen-texture-5.png"))
    .expect("photo");
    let unseen = dir.path().join("unseen");
    let out = forgelens()
        .args([
            "forge",
            "--crop",
            "64",
            "--crops-per-photo",
            "12",
            "--whole-share",
            "0",
            "--no-laundering",
            "--families",
            "neural-regeneration,inpainting,full-regeneration",
            "--generators",
            "rdn-slim-x4",
            "--photos",
        ])
        .arg(&unseen_photos)
        .arg("--out")
        .arg(&unseen)
        .output()
        .expect("runs");
    assert_success(&out);
    let out = forgelens()
        .args([
            "eval", "--json", "--split", "test", "--device", "cpu", "--model",
        ])
        .arg(run.join("model"))
        .arg("--data")
        .arg(&unseen)
        .output()
        .expect("runs");
    assert_success(&out);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    for pointer in [
        "/image/macro_f1",
        "/image/per_class/real/f1",
        "/image/per_class/partial/f1",
        "/image/per_class/full/f1",
        "/pixel/cam/f1_at_0_5",
        "/pixel/attention/iou_at_0_5",
        "/pixel/fused/oracle_f1",
        "/per_generator/rdn-slim-x4:full/image/macro_f1",
        "/pixel/baseline_f1_all_pixels",
        "/in_domain/image/macro_f1",
        "/fusion_net/image/macro_f1",
        "/fusion_net/in_domain/per_class/partial/f1",
    ] {
        assert!(
            report.pointer(pointer).and_then(|v| v.as_f64()).is_some(),
            "{pointer} missing in {report}"
        );
    }
    assert_eq!(report["image"]["images"], 12);
    assert_eq!(report["fusion_net"]["image"]["images"], 12);
    assert_eq!(
        report["calibration"]["bins"].as_array().map(Vec::len),
        Some(10)
    );

    calibrate_refuses_test_and_training_images_and_fits_on_val(dir.path(), &run, &data, &unseen);
}

/// `calibrate` on the model trained above: never the test split, never images training
/// used; on a val split it never saw, it stores the calibration in the card, which
/// `analyze` then applies; `eval --reliability-png` draws the diagram.
fn calibrate_refuses_test_and_training_images_and_fits_on_val(
    dir: &std::path::Path,
    run: &std::path::Path,
    trained_on: &std::path::Path,
    unseen: &std::path::Path,
) {
    let model = run.join("model");
    let calibrate = |data: &std::path::Path, extra: &[&str]| {
        forgelens()
            .args(["calibrate", "--device", "cpu", "--model"])
            .arg(&model)
            .arg("--data")
            .arg(data)
            .args(extra)
            .output()
            .expect("runs")
    };
    let refused = calibrate(unseen, &["--split", "test"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("val split only"));
    let refused = calibrate(trained_on, &[]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("training fitted on them"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&std::fs::read(model.join("model-card.json")).expect("card"))
            .contains("\"calibration\""),
        "a refused calibration leaves the card alone"
    );

    let png = dir.join("reliability.png");
    let out = forgelens()
        .args(["eval", "--split", "test", "--device", "cpu", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(unseen)
        .arg("--reliability-png")
        .arg(&png)
        .output()
        .expect("runs");
    assert_success(&out);
    assert_eq!(image::open(&png).expect("a PNG").width(), 560);

    // The unseen photograph's images as a val split.
    let manifest = std::fs::read_to_string(unseen.join("manifest.csv")).expect("manifest");
    std::fs::write(
        unseen.join("manifest.csv"),
        manifest.replace(",test,", ",val,"),
    )
    .expect("write");
    let out = calibrate(unseen, &["--json"]);
    assert_success(&out);
    let fitted: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(fitted["images"], 12);
    assert_eq!(fitted["split"], "val");
    let t = fitted["temperature"].as_f64().expect("temperature");
    assert!(t > 0.0, "{fitted}");
    let card: serde_json::Value =
        serde_json::from_slice(&std::fs::read(model.join("model-card.json")).expect("card"))
            .expect("card JSON");
    assert_eq!(card["calibration"], fitted);

    let analyze = |extra: &[&str]| {
        let out = forgelens()
            .args(["analyze", "--json", "--device", "cpu", "--model"])
            .arg(&model)
            .arg("--out")
            .arg(dir.join("calibrated-out"))
            .arg(repo("assets/samples/chelsea.png"))
            .args(extra)
            .output()
            .expect("runs");
        assert_success(&out);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        json[0]["verdict"].clone()
    };
    let verdict = analyze(&[]);
    assert_eq!(verdict["inconclusive_below"], fitted["inconclusive_below"]);
    let verdict = analyze(&["--inconclusive-below", "1"]);
    assert_eq!(verdict["inconclusive"], true, "{verdict}");
    assert_eq!(verdict["inconclusive_below"], 1.0);
}

#[test]
fn analyze_uses_the_bundled_trained_model_by_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = forgelens()
        .arg("analyze")
        .arg(repo("assets/samples/coffee.png"))
        .args(["--device", "cpu", "--json", "--out"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json[0]["model"]["trained"], true);
    assert_eq!(json[0]["model"]["name"], "small");
    // The bundled card's calibration applies: its threshold is the verdict's.
    assert!(
        json[0]["verdict"]["inconclusive_below"].is_f64(),
        "{}",
        json[0]["verdict"]
    );
    let fusion: f64 = ["real", "partial", "full"]
        .iter()
        .filter_map(|k| json[0]["fusion_probabilities"][k].as_f64())
        .sum();
    assert!(
        (fusion - 1.0).abs() < 1e-4,
        "fusion-net probabilities sum to {fusion}"
    );
}
