//! `forgelens report` as an investigator runs it: a model with a fixture model card (a copy,
//! so the bundled card can change) on a 512 x 512 JPEG writes a PDF of at most six pages,
//! with the validation table and no raw metric dump; `--appendix` adds every metric;
//! `verify-report` still reads a schema 1 report.

mod common;

use common::{assert_success, forgelens, init_tiny, repo};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A `tiny` model with the fixture card in place of its own (the layout does not depend on
/// the weights; the card decides what the report says about the method).
fn model_with_fixture_card(dir: &Path) -> PathBuf {
    let model = init_tiny(dir);
    std::fs::copy(
        repo("tests/fixtures/model-card-v1-metrics.json"),
        model.join("model-card.json"),
    )
    .expect("copy the card");
    model
}

/// A 512 x 512 JPEG made from a sample photograph.
fn sample_jpeg(dir: &Path) -> PathBuf {
    let photo = image::open(repo("assets/samples/chelsea.png")).expect("sample");
    let square = photo.resize_exact(512, 512, image::imageops::FilterType::Triangle);
    let path = dir.join("chelsea-512.jpg");
    square.to_rgb8().save(&path).expect("write the JPEG");
    path
}

/// Each page's text (`pdftotext`; fails, never skips, without poppler-utils).
fn pages(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn a_single_image_report_fits_six_pages_and_the_appendix_is_on_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = model_with_fixture_card(dir.path());
    let image = sample_jpeg(dir.path());
    let report = |out: &Path, appendix: bool| {
        let mut cmd = forgelens();
        cmd.arg("report")
            .arg(&image)
            .args(["--device", "cpu", "--case", "R-6", "--model"])
            .arg(&model)
            .arg("--out")
            .arg(out);
        if appendix {
            cmd.arg("--appendix");
        }
        assert_success(&cmd.output().expect("runs"));
    };

    let pdf = dir.path().join("report.pdf");
    report(&pdf, false);
    let body = pages(&pdf);
    assert!(body.len() <= 6, "{} pages", body.len());
    let text = body.concat();
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with("metric ")),
        "a raw metric line in the report body"
    );
    for needle in [
        "Conclusion",
        "Findings",
        "The method's validation",
        "6.06% of 66",
        "Image and maps",
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    if let Some(out) = std::env::var_os("FORGELENS_REPORT_OUT") {
        std::fs::copy(&pdf, out).expect("keep the PDF for the README pictures");
    }

    let with_appendix = dir.path().join("appendix.pdf");
    report(&with_appendix, true);
    let all = pages(&with_appendix);
    assert!(all.len() > body.len());
    let text = all.concat();
    assert!(text.contains("Appendix A: model card metrics"));
    assert!(text.contains("per_generator.diffusion:partial."), "{text}");
}

#[test]
fn verify_report_still_reads_a_schema_1_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let out = forgelens()
        .arg("verify-report")
        .arg(repo("tests/fixtures/golden/report-schema1.json"))
        .arg(repo("tests/fixtures/images/rgba.png"))
        .arg("--model")
        .arg(&model)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("schema"), "{stderr}");
    for check in ["PASS  file SHA-256", "PASS  toolbox maps"] {
        assert!(stdout.contains(check), "{check}: {stdout}\n{stderr}");
    }
}
