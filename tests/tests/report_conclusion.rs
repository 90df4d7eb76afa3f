//! The report an investigator signs: the validation table holds the model card's figures
//! (checked against fixture cards copied into `tests/fixtures/`), the conclusion's
//! likelihood-ratio scale on hand-computed values, "not calibrated" said when the card has
//! no calibration and "inconclusive" said first, a PDF of at most six pages without a raw
//! metric dump and with no heading alone at the foot of a page, the appendix on request,
//! and a schema 1 report still verified.

mod report_fixture;

use std::process::Command;

use forgelens_engine::analysis::Probabilities;
use forgelens_engine::verdict::verdict;
use forgelens_report::conclusion::{Favours, Level, conclude, likelihood_ratio, scale};
use forgelens_report::validation::{NOT_MEASURED, validation_table};
use forgelens_report::{CheckStatus, ReportFormat, render_report, verify_report};
use report_fixture::{EVIDENCE, Fixture, fixture_card, fixture_with_card, repo};

const V1_CARD: &str = "model-card-v1-metrics.json";
const V2_CARD: &str = "model-card-v2-metrics.json";

fn result(card: &str, measure: &str) -> String {
    let table = validation_table(&fixture_card(card));
    table
        .rows
        .iter()
        .find(|r| r.measure == measure)
        .unwrap_or_else(|| panic!("{measure} missing from {table:?}"))
        .result
        .clone()
}

#[test]
fn the_validation_table_holds_the_figures_of_the_model_card() {
    // Hand-read from tests/fixtures/model-card-v1-metrics.json (an older eval shape).
    for (measure, expected) in [
        (
            "Data measured on",
            "198 images of the test split: 66 real, 66 partially manipulated, 66 fully \
             generated; photographs: 60 in training, 15 for model choice, the rest for testing",
        ),
        ("Generators in training", "rdn-slim-x4"),
        // Confusion row `real` [62, 3, 1]: 4 of 66.
        ("Real images called manipulated", "6.06% of 66"),
        ("Whole real photographs called manipulated", NOT_MEASURED),
        ("Partially manipulated images found", "54.5% of 66"),
        ("Fully generated images found", "100% of 66"),
        (
            "In-domain (seen in training)",
            "rdn-slim-x4; partial found 86.4% of 22; full found 100% of 66; macro-F1 0.934",
        ),
        (
            "Held out (never seen in training)",
            "diffusion, patchmatch; partial found 38.6% of 44; macro-F1 0.666",
        ),
        (
            "Found, per held-out generator",
            "diffusion 54.5%, patchmatch 22.7%",
        ),
        ("Under JPEG and resizing", NOT_MEASURED),
        (
            "Calibration error",
            "ECE 0.0172 after temperature scaling (0.399 before), on 180 val images",
        ),
        (
            "Maps: fused pixel F1 at 0.5",
            "0.504 (marking every pixel: 0.301)",
        ),
    ] {
        assert_eq!(result(V1_CARD, measure), expected, "{measure}");
    }
    // The newer shape: the eval's own false-positive counts, robustness, families.
    for (measure, expected) in [
        (
            "Real images called manipulated",
            "15.0% of 40 (5.00% conclusively)",
        ),
        (
            "Whole real photographs called manipulated",
            "10.0% of 10 (10.0% conclusively)",
        ),
        ("Generators in training", "splicing, full-gan"),
        ("Found, per held-out family", "inpainting 30.0%"),
        (
            "Under JPEG and resizing",
            "none: macro-F1 0.274, real called manipulated 69.0%; jpeg:75: macro-F1 0.283, \
             real called manipulated 60.0%; resize:0.5: macro-F1 0.223",
        ),
        (
            "Calibration error",
            "not calibrated; ECE 0.478 on the test data",
        ),
    ] {
        assert_eq!(result(V2_CARD, measure), expected, "{measure}");
    }
    let table = validation_table(&fixture_card(V1_CARD));
    assert!(
        table
            .never_tested
            .iter()
            .any(|t| t.contains("whole real photographs"))
            && table
                .never_tested
                .iter()
                .any(|t| t.contains("recompression")),
        "{:?}",
        table.never_tested
    );
    assert!(
        validation_table(&fixture_card(V2_CARD))
            .never_tested
            .is_empty()
    );
}

fn p(real: f32, partial: f32, full: f32) -> Probabilities {
    Probabilities {
        real,
        partial,
        full,
    }
}

#[test]
fn the_scale_maps_hand_computed_likelihood_ratios() {
    // LR = (P(manipulated) / P(real)) / 2, the prior odds being 2 : 1.
    for (probabilities, lr, level, favours) in [
        (p(0.1, 0.6, 0.3), 4.5, Level::Weak, Favours::Manipulated),
        (
            p(0.02, 0.49, 0.49),
            24.5,
            Level::Moderate,
            Favours::Manipulated,
        ),
        (
            p(0.0005, 0.5, 0.4995),
            999.5,
            Level::ModeratelyStrong,
            Favours::Manipulated,
        ),
        (
            p(0.0002, 0.5, 0.4998),
            2499.5,
            Level::Strong,
            Favours::Manipulated,
        ),
        (
            // 2^-16 and 0.5 - 2^-16 are exact in f32: odds 65535, LR 32767.5.
            p(1.0 / 65536.0, 0.5, 0.5 - 1.0 / 65536.0),
            32_767.5,
            Level::VeryStrong,
            Favours::Manipulated,
        ),
        (
            p(1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0),
            1.0,
            Level::NoSupport,
            Favours::Neither,
        ),
        (p(0.4, 0.3, 0.3), 0.75, Level::NoSupport, Favours::Neither),
        (p(0.8, 0.1, 0.1), 0.125, Level::Weak, Favours::Authentic),
        (
            p(0.9, 0.05, 0.05),
            1.0 / 18.0,
            Level::Moderate,
            Favours::Authentic,
        ),
    ] {
        let posterior = f64::from(probabilities.partial) + f64::from(probabilities.full);
        let got = likelihood_ratio(posterior, 2.0 / 3.0);
        assert!(
            (got - lr).abs() / lr < 1e-3,
            "{probabilities:?}: LR {got}, expected {lr}"
        );
        assert_eq!(scale(got), (level, favours), "LR {lr}");
    }

    let mut card = fixture_card(V1_CARD);
    card.calibration
        .as_mut()
        .expect("calibrated")
        .inconclusive_below = 0.4;
    let probabilities = p(0.02, 0.49, 0.49);
    // Top probability 0.49, above the threshold 0.4: a conclusive verdict.
    let v = verdict(&probabilities, true, Some(0.4));
    let c = conclude(&probabilities, &v, &card, vec![]);
    assert!(c.calibrated);
    assert_eq!(c.level, Some(Level::Moderate));
    assert_eq!(c.favours, Some(Favours::Manipulated));
    assert!((c.likelihood_ratio.expect("a ratio") - 24.5).abs() < 0.01);
    assert!(
        c.statement.contains("moderate support") && c.statement.contains("24.5"),
        "{}",
        c.statement
    );
    assert!(c.derivation.contains("2/3"), "{}", c.derivation);
}

#[test]
fn without_calibration_the_report_says_so_and_claims_no_ratio() {
    let card = fixture_card(V2_CARD);
    assert!(card.calibration.is_none());
    let probabilities = p(0.02, 0.49, 0.49);
    let c = conclude(
        &probabilities,
        &verdict(&probabilities, true, None),
        &card,
        vec![],
    );
    assert!(!c.calibrated);
    assert_eq!((c.likelihood_ratio, c.level, c.favours), (None, None, None));
    assert!(c.statement.contains("not calibrated"), "{}", c.statement);

    let f = fixture_with_card(Some(card));
    let html = String::from_utf8(render(&f, ReportFormat::Html, false)).expect("UTF-8");
    assert!(html.contains("probabilities are not calibrated"));
    assert!(
        !html.contains("this report</td>"),
        "no level marked on the scale"
    );
}

#[test]
fn an_inconclusive_verdict_is_said_first() {
    // The fixture card's threshold is 100%: every verdict is inconclusive.
    let f = fixture_with_card(Some(fixture_card(V1_CARD)));
    assert!(f.report.results.verdict.inconclusive);
    let conclusion = f.report.results.conclusion.as_ref().expect("schema 2");
    assert!(conclusion.statement.starts_with("Inconclusive"));
    assert_eq!(conclusion.level, None);
    let html = String::from_utf8(render(&f, ReportFormat::Html, false)).expect("UTF-8");
    let first_row = html.find("<tr>").expect("a row");
    assert!(
        html[first_row..].starts_with("<tr><th class=\"alert\">INCONCLUSIVE</th>"),
        "{}",
        &html[first_row..first_row + 80]
    );
}

#[test]
fn a_conclusive_report_states_its_level_and_marks_it_on_the_scale() {
    let mut card = fixture_card(V1_CARD);
    card.calibration
        .as_mut()
        .expect("calibrated")
        .inconclusive_below = 0.5;
    // The fixture's probabilities: real 0.125, partial 0.75, full 0.125; posterior odds
    // 0.875 / 0.125 = 7, LR = 7 / 2 = 3.5: weak support for manipulation.
    let f = fixture_with_card(Some(card));
    let c = f.report.results.conclusion.as_ref().expect("schema 2");
    assert_eq!(
        (c.level, c.favours),
        (Some(Level::Weak), Some(Favours::Manipulated))
    );
    assert!((c.likelihood_ratio.expect("a ratio") - 3.5).abs() < 1e-4);
    let html = String::from_utf8(render(&f, ReportFormat::Html, false)).expect("UTF-8");
    assert!(html.contains("<td>weak support  ◀ this report</td>"));
    assert!(html.contains("weak support to the proposition that the image was manipulated"));
    assert!(!html.contains(">INCONCLUSIVE<"));
    let text = pages(&render(&f, ReportFormat::Pdf, false)).concat();
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("weak support to the proposition"), "{words}");
    assert!(
        words.contains("likelihood ratio 3.50, in the band 2 to 10"),
        "{words}"
    );
}

fn render(f: &Fixture, format: ReportFormat, appendix: bool) -> Vec<u8> {
    let mut options = f.options.clone();
    options.appendix = appendix;
    render_report(
        &f.report,
        &f.evidence,
        &f.analysis,
        &f.toolbox,
        &options,
        format,
        None,
    )
}

/// `pdftotext` of each page (fails, never skips, without poppler-utils).
fn pages(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs (install poppler-utils)");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(String::from).collect();
    pages.retain(|p| !p.trim().is_empty());
    pages
}

#[test]
fn the_pdf_fits_six_pages_with_no_metric_dump_and_no_orphan_heading() {
    let f = fixture_with_card(Some(fixture_card(V1_CARD)));
    let pdf = render(&f, ReportFormat::Pdf, false);
    if let Some(out) = std::env::var_os("FORGELENS_REPORT_OUT") {
        std::fs::write(out, &pdf).expect("write the PDF for inspection");
    }
    let pages = pages(&pdf);
    assert!(pages.len() <= 6, "{} pages", pages.len());
    let text = pages.concat();
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with("metric ")),
        "a raw metric line in the body"
    );
    for needle in [
        "The method's validation",
        "6.06% of 66",
        "0.0172",
        "INCONCLUSIVE",
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    let titles: Vec<String> = forgelens_report::sections::sections(&f.report, false)
        .into_iter()
        .map(|s| s.title)
        .collect();
    for (i, page) in pages.iter().enumerate() {
        let body: Vec<&str> = page
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .filter(|l| {
                !l.starts_with("Evidence SHA-256")
                    && !l.starts_with("ForgeLens report,")
                    && !l.starts_with("page ")
            })
            .collect();
        let last = body.last().copied().unwrap_or_default();
        assert!(
            !titles.iter().any(|t| t == last),
            "page {}: the heading `{last}` is alone at its foot",
            i + 1
        );
    }

    // The appendix, when asked for, lists every metric by its key.
    let with_appendix = render(&f, ReportFormat::Pdf, true);
    let appendix_pages = self::pages(&with_appendix);
    assert!(appendix_pages.len() > pages.len());
    let text = appendix_pages.concat();
    assert!(text.contains("Appendix A: model card metrics"));
    assert!(
        text.contains("cross_domain.image.per_class.partial."),
        "a key, whole"
    );
}

#[test]
fn a_schema_1_report_still_verifies() {
    let report = std::fs::read(repo("tests/fixtures/golden/report-schema1.json")).expect("fixture");
    let image = std::fs::read(repo(EVIDENCE)).expect("image");
    let v = verify_report(&report, &image, None, None).expect("a schema 1 report reads");
    assert!(v.passed(), "{:?}", v.checks);
    let status = |name: &str| v.checks.iter().find(|c| c.name == name).map(|c| c.status);
    assert_eq!(status("file SHA-256"), Some(CheckStatus::Pass));
}
