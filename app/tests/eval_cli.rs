//! `forgelens train --train-families` and `forgelens eval` as a user runs them on a small
//! hand-made forge-v2 dataset: per-family rows and the robustness table in `--json` and on
//! the terminal, val thresholds carried to test, and the refusals (`--write-card` off test,
//! images training used, bad flags).

#[allow(dead_code)] // Not every shared helper is used here.
mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{assert_success, forgelens};
use image::{GrayImage, Luma, Rgb, RgbImage};

fn photo(seed: u32, width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let n = ((x * 7 + y * 13 + seed * 31) % 23) as u8;
        Rgb([((x * 3 + y * 2) % 200) as u8 + n, 90 + n, 120 - n])
    })
}

/// Per photograph p0..p5: a real crop, neural-regeneration and inpainting partial fakes
/// with masks, a full fake; p4 and p5 (test) also a whole real photograph. p0-p2 train,
/// p3 val, p4-p5 test.
fn make_dataset(root: &Path) {
    for dir in ["real", "partial", "full", "masks"] {
        std::fs::create_dir_all(root.join(dir)).expect("dir");
    }
    let mask = GrayImage::from_fn(64, 64, |x, y| {
        Luma([if (16..40).contains(&x) && (20..44).contains(&y) {
            255
        } else {
            0
        }])
    });
    mask.save(root.join("masks/m.png")).expect("save");
    let mut rows =
        vec!["path,label,mask,family,generator,processing,source,split,sample".to_string()];
    for p in 0..6u32 {
        let split = ["train", "train", "train", "val", "test", "test"][p as usize];
        let crop = photo(p, 64, 64);
        crop.save(root.join(format!("real/p{p}.png")))
            .expect("save");
        rows.push(format!("real/p{p}.png,real,,real,,none,p{p},{split},crop"));
        for (family, generator, shift) in [
            ("neural-regeneration", "rdn-slim-x4", 60u8),
            ("inpainting", "patchmatch", 120u8),
        ] {
            let mut fake = crop.clone();
            for (x, y, px) in fake.enumerate_pixels_mut() {
                if mask.get_pixel(x, y).0[0] > 0 {
                    px.0[0] = px.0[0].wrapping_add(shift);
                }
            }
            fake.save(root.join(format!("partial/p{p}-{generator}.png")))
                .expect("save");
            rows.push(format!(
                "partial/p{p}-{generator}.png,partial,masks/m.png,{family},{generator},none,p{p},{split},crop"
            ));
        }
        image::imageops::blur(&crop, 1.5)
            .save(root.join(format!("full/p{p}.png")))
            .expect("save");
        rows.push(format!(
            "full/p{p}.png,full,,full-regeneration,rdn-slim-x4,none,p{p},{split},crop"
        ));
        if split == "test" {
            photo(p + 100, 150, 100)
                .save(root.join(format!("real/p{p}-whole.png")))
                .expect("save");
            rows.push(format!(
                "real/p{p}-whole.png,real,,real,,none,p{p},{split},whole"
            ));
        }
    }
    std::fs::write(root.join("manifest.csv"), rows.join("\n") + "\n").expect("manifest");
}

/// The dataset and a `tiny` model trained from the command line without inpainting.
fn trained() -> (&'static Path, &'static Path) {
    static RUN: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    let (_, data, model) = RUN.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        make_dataset(&data);
        let run = dir.path().join("run");
        let out = forgelens()
            .args([
                "train", "--config", "tiny", "--device", "cpu", "--epochs", "1",
            ])
            .args(["--max-steps-per-epoch", "2"])
            .args(["--train-families", "neural-regeneration,full-regeneration"])
            .arg("--data")
            .arg(&data)
            .arg("--out")
            .arg(&run)
            .arg("--cache-dir")
            .arg(dir.path().join("cache"))
            .output()
            .expect("runs");
        assert_success(&out);
        let model = run.join("model");
        (dir, data, model)
    });
    (data, model)
}

fn eval(extra: &[&str]) -> std::process::Output {
    let (data, model) = trained();
    forgelens()
        .args(["eval", "--device", "cpu", "--model"])
        .arg(model)
        .arg("--data")
        .arg(data)
        .args(extra)
        .output()
        .expect("runs")
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert_success(out);
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn eval_json_has_family_rows_false_positives_and_robustness() {
    let report = json(&eval(&["--json", "--perturb", "jpeg:50,resize:0.5"]));
    assert_eq!(report["split"], "test");
    for pointer in [
        "/per_family/inpainting/recall",
        "/per_family/neural-regeneration/pixel_f1_at_0_5/fused",
        "/per_family/real/recall",
        "/per_generator/patchmatch:partial/recall",
        "/per_generator/rdn-slim-x4:full/image/macro_f1",
        "/false_positives/real/rate",
        "/false_positives/real_whole/rate",
        "/calibration/ece",
        "/pixel/fused/f1_at_0_5",
        "/pixel/fused/oracle_f1",
        "/cross_domain/image/macro_f1",
        "/robustness/2/fused_f1_at_0_5",
        "/robustness/1/real_fpr",
    ] {
        let v = report.pointer(pointer).and_then(|v| v.as_f64());
        assert!(
            v.is_some_and(|v| (0.0..=1.0).contains(&v)),
            "{pointer} in {report}"
        );
    }
    assert_eq!(report["per_family"]["inpainting"]["in_domain"], false);
    assert_eq!(
        report["per_family"]["neural-regeneration"]["in_domain"],
        true
    );
    assert_eq!(report["per_family"]["real"]["images"], 4);
    assert_eq!(report["false_positives"]["real_whole"]["images"], 2);
    assert_eq!(report["cross_domain"]["decided_by"], "families");
    let conditions: Vec<&str> = report["robustness"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["condition"].as_str())
        .collect();
    assert_eq!(conditions, ["none", "jpeg:50", "resize:0.5"]);
}

#[test]
fn eval_tables_show_families_false_positives_robustness_and_label_oracles() {
    let out = eval(&["--perturb", "blur:1", "--families", "inpainting"]);
    assert_success(&out);
    let text = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "split test",
        "scored: real images and the families inpainting",
        "per family",
        "inpainting",
        "false positives on real images",
        "false positives on whole real photographs",
        "oracle",
        "robustness",
        "blur:1",
    ] {
        assert!(text.contains(needle), "`{needle}` missing in\n{text}");
    }
    assert!(!text.contains("neural-regeneration"), "{text}");
}

#[test]
fn val_thresholds_carry_over_to_test_and_the_card_takes_test_only() {
    let (_, model) = trained();
    let dir = tempfile::tempdir().expect("temp dir");
    let val_json = dir.path().join("val.json");
    let val = eval(&["--json", "--split", "val"]);
    assert_success(&val);
    std::fs::write(&val_json, &val.stdout).expect("write");
    let val: serde_json::Value = serde_json::from_slice(&val.stdout).expect("JSON");

    let test = json(&eval(&[
        "--json",
        "--thresholds-from",
        val_json.to_str().expect("utf-8"),
    ]));
    assert_eq!(
        test["pixel"]["fused"]["val_threshold"],
        val["pixel"]["fused"]["oracle_threshold"]
    );
    assert!(test["pixel"]["fused"]["f1_at_val_threshold"].is_f64());

    // A test report is not a place to choose thresholds.
    let test_json = dir.path().join("test.json");
    std::fs::write(&test_json, serde_json::to_vec(&test).expect("json")).expect("write");
    let out = eval(&["--thresholds-from", test_json.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("chosen on val"));

    let card_before = std::fs::read_to_string(model.join("model-card.json")).expect("card");
    let out = eval(&["--split", "val", "--write-card"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--write-card stores test results only"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(model.join("model-card.json")).expect("card"),
        card_before
    );
}

#[test]
fn eval_refuses_images_training_used() {
    for split in ["all", "train"] {
        let out = eval(&["--split", split]);
        assert_eq!(out.status.code(), Some(1), "{split}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("training fitted on them"), "{split}: {err}");
    }
}

#[test]
fn bad_flags_are_refused_before_any_work() {
    let (data, _) = trained();
    for args in [
        vec!["eval", "--perturb", "jpeg:500"],
        vec!["eval", "--perturb", "sepia:1"],
        vec!["eval", "--families", "splice"],
        vec!["eval", "--split", "holdout"],
        vec![
            "train",
            "--config",
            "tiny",
            "--out",
            "x",
            "--train-families",
            "gan",
        ],
    ] {
        let out = forgelens()
            .args(&args)
            .arg("--data")
            .arg(data)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
