//! Reports end to end through the engine, on a fixed analysis so that every byte is known:
//! the golden JSON (fixed clock and tool), the HTML (input hash and every parameter), the
//! PDF (opens, renders a non-blank first page with poppler's `pdftoppm`, carries its JSON),
//! verification against the right image and a one-byte-changed copy, and signatures. The
//! toolbox's sections are in `report_toolbox.rs`; the fixture in `report_fixture/`.

mod report_fixture;

use std::process::Command;

use forgelens_report::html::escape;
use forgelens_report::sections::flatten_json;
use forgelens_report::signing::SigningKey;
use forgelens_report::verify::InstalledModel;
use forgelens_report::{
    CheckStatus, ReportFormat, extract_report, render_report, report_json, verify_report,
};
use report_fixture::{EVIDENCE, GOLDEN, fixture, render, repo};

#[test]
fn report_json_matches_the_golden_file() {
    let f = fixture();
    let json = report_json(&f.report);
    let golden_path = repo(GOLDEN);
    if std::env::var_os("FORGELENS_BLESS").is_some() {
        std::fs::write(&golden_path, format!("{json}\n")).expect("bless");
    }
    let golden = std::fs::read_to_string(&golden_path).expect("golden file");
    assert_eq!(
        json,
        golden.trim_end(),
        "the report JSON changed; if intended, run with FORGELENS_BLESS=1 and review the diff"
    );
    // Facts the golden file must state, whatever else changes.
    assert_eq!(
        f.report.evidence.byte_len,
        std::fs::read(repo(EVIDENCE)).expect("read").len() as u64
    );
    assert_eq!(f.report.created_utc, "2026-01-02T03:04:05.000Z");
    assert_eq!(
        f.report.results.regions.len(),
        2,
        "the two rectangles of the fused map"
    );
    assert_eq!(f.report.results.regions[0].bbox, [10, 8, 39, 29]);
}

#[test]
fn html_contains_the_hashes_and_every_parameter() {
    let f = fixture();
    let html = String::from_utf8(render(&f, ReportFormat::Html, None)).expect("UTF-8");
    let e = &f.report.evidence;
    for needle in [
        &e.sha256,
        &e.md5,
        &e.pixels_sha256,
        &f.report.model.weights_sha256,
    ] {
        assert!(html.contains(needle.as_str()), "{needle} missing");
    }
    for map in &f.report.results.maps {
        assert!(
            html.contains(&map.values_sha256),
            "{} hash missing",
            map.name
        );
    }
    let parameters = serde_json::to_value(&f.report.processing.parameters).expect("json");
    let flat = flatten_json(&parameters);
    assert!(flat.len() >= 15, "{flat:?}");
    for (key, value) in flat {
        let row = format!(
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(&key),
            escape(&value)
        );
        assert!(html.contains(&row), "parameter {key} = {value} missing");
    }
    assert!(
        html.contains("A. Analyst &lt;lab 3&gt;"),
        "the analyst, escaped"
    );
    assert!(html.contains("CASE-2026-001"));
    assert!(html.contains("UNTRAINED"));
    // Self-contained: pictures inline, nothing fetched.
    let tool_maps: usize = f
        .toolbox
        .runs
        .iter()
        .map(|r| r.result.as_ref().map_or(0, |o| o.maps.len()))
        .sum();
    assert!(tool_maps > 0, "ELA has maps");
    assert_eq!(
        html.matches("src=\"data:image/png;base64,").count(),
        5 + tool_maps
    );
    assert!(!html.contains("http://") && !html.contains("https://"));
    // The embedded report data is the report JSON, byte for byte.
    let embedded = extract_report(html.as_bytes()).expect("embedded");
    assert_eq!(embedded.format, ReportFormat::Html);
    assert_eq!(embedded.report_json, report_json(&f.report).into_bytes());

    // A model card's metrics are never dumped in the body; the appendix lists each one.
    assert!(!html.contains("<th>metric "));
    let mut with_metrics = f.report.clone();
    with_metrics.model.card.metrics = Some(serde_json::json!({
        "test": {"accuracy": 0.875, "macro_f1": 0.8125, "fused_iou_at_0_5": 0.25}
    }));
    let html_of = |appendix: bool| {
        let options = forgelens_report::ReportOptions {
            appendix,
            ..f.options.clone()
        };
        let html = render_report(
            &with_metrics,
            &f.evidence,
            &f.analysis,
            &f.toolbox,
            &options,
            ReportFormat::Html,
            None,
        );
        String::from_utf8(html).expect("UTF-8")
    };
    let body = html_of(false);
    assert!(!body.contains("test.accuracy") && !body.contains("Appendix"));
    let appendix = html_of(true);
    for (key, value) in [
        ("accuracy", "0.875"),
        ("macro_f1", "0.813"),
        ("fused_iou_at_0_5", "0.250"),
    ] {
        let row = format!("<tr><td>test.{key}</td><td>{value}</td></tr>");
        assert!(appendix.contains(&row), "{row} missing");
    }
}

/// Runs one of poppler's tools; fails (never skips) when poppler-utils is missing.
fn poppler(tool: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("`{tool}` could not run ({e}): install Debian's poppler-utils (.ci/run does)")
    });
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn pdf_opens_renders_and_carries_its_json() {
    let f = fixture();
    let pdf = render(&f, ReportFormat::Pdf, None);
    assert!(pdf.starts_with(b"%PDF-"));
    let embedded = extract_report(&pdf).expect("embedded JSON");
    assert_eq!(embedded.format, ReportFormat::Pdf);
    assert_eq!(embedded.report_json, report_json(&f.report).into_bytes());
    // Same report, same bytes.
    assert_eq!(pdf, render(&f, ReportFormat::Pdf, None));

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let prefix = dir.path().join("page");
    poppler(
        "pdftoppm",
        &[
            "-png".as_ref(),
            "-r".as_ref(),
            "50".as_ref(),
            "-f".as_ref(),
            "1".as_ref(),
            "-l".as_ref(),
            "2".as_ref(),
            path.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    let mut page_pngs: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    page_pngs.sort();
    assert_eq!(page_pngs.len(), 2, "pdftoppm wrote the first two pages");
    // The conclusion opens page 1; the figures follow on page 1 or 2.
    let mut coloured = 0;
    for (i, png) in page_pngs.iter().enumerate() {
        let page = image::open(png).expect("png").into_rgb8();
        let (w, h) = page.dimensions();
        assert!(
            (400..450).contains(&w) && (560..600).contains(&h),
            "A4 at 50 dpi, got {w}x{h}"
        );
        let total = (w * h) as usize;
        let inked = page
            .pixels()
            .filter(|p| p.0.iter().any(|&c| c < 200))
            .count();
        assert!(
            inked * 50 > total,
            "page {} is almost blank: {inked} of {total} pixels inked",
            i + 1
        );
        coloured += page
            .pixels()
            .filter(|p| p.0.iter().max().unwrap_or(&0) - p.0.iter().min().unwrap_or(&0) > 60)
            .count()
            * 200
            / total;
    }
    assert!(coloured > 0, "no figure on the first two pages");

    let text = poppler("pdftotext", &[path.as_os_str(), "-".as_ref()]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Forensic image report"), "{text}");
    assert!(
        text.contains(&f.report.evidence.sha256),
        "the SHA-256 is searchable text"
    );
    assert!(text.contains("CASE-2026-001"));
}

fn tampered_copy(bytes: &[u8]) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    let middle = copy.len() / 2;
    copy[middle] ^= 0x01;
    copy
}

#[test]
fn verification_passes_on_the_image_and_fails_on_a_one_byte_change() {
    let f = fixture();
    let image = std::fs::read(repo(EVIDENCE)).expect("image");
    let installed = InstalledModel {
        id: f.report.model.id.clone(),
        weights_sha256: f.report.model.weights_sha256.clone(),
    };
    for format in ReportFormat::ALL {
        let report = render(&f, format, None);
        let ok = verify_report(&report, &image, Some(&installed), None).expect("readable");
        assert!(ok.passed(), "{format}: {:?}", ok.checks);
        assert_eq!(ok.format, format);
        let status = |v: &forgelens_report::Verification, name: &str| {
            v.checks.iter().find(|c| c.name == name).map(|c| c.status)
        };
        assert_eq!(status(&ok, "file SHA-256"), Some(CheckStatus::Pass));
        assert_eq!(status(&ok, "model"), Some(CheckStatus::Pass));
        assert_eq!(status(&ok, "signature"), Some(CheckStatus::NotChecked));

        let changed = verify_report(&report, &tampered_copy(&image), Some(&installed), None)
            .expect("readable");
        assert!(!changed.passed(), "{format}");
        assert_eq!(status(&changed, "file SHA-256"), Some(CheckStatus::Fail));

        let other_model = InstalledModel {
            id: "other-123".into(),
            weights_sha256: "33".repeat(32),
        };
        let v = verify_report(&report, &image, Some(&other_model), None).expect("readable");
        assert_eq!(status(&v, "model"), Some(CheckStatus::Fail));
        assert_eq!(status(&v, "file SHA-256"), Some(CheckStatus::Pass));
    }
}

#[test]
fn signatures_verify_and_catch_edits_and_other_keys() {
    let f = fixture();
    let image = std::fs::read(repo(EVIDENCE)).expect("image");
    let key = SigningKey::from_bytes(&[42; 32]);
    let other = SigningKey::from_bytes(&[43; 32]);
    let signature = |v: &forgelens_report::Verification| {
        v.checks
            .iter()
            .find(|c| c.name == "signature")
            .map(|c| c.status)
    };
    for format in ReportFormat::ALL {
        let signed = render(&f, format, Some(&key));
        let v = verify_report(&signed, &image, None, Some(&key.verifying_key())).expect("ok");
        assert!(v.signed && v.passed(), "{format}: {:?}", v.checks);
        assert_eq!(signature(&v), Some(CheckStatus::Pass));
        let v = verify_report(&signed, &image, None, Some(&other.verifying_key())).expect("ok");
        assert_eq!(
            signature(&v),
            Some(CheckStatus::Fail),
            "{format}: another key expected"
        );
        let unsigned = render(&f, format, None);
        let v = verify_report(&unsigned, &image, None, Some(&key.verifying_key())).expect("ok");
        assert_eq!(
            signature(&v),
            Some(CheckStatus::Fail),
            "{format}: a signature expected"
        );
    }
    // Edit the report data of a signed JSON report: the signature no longer holds.
    let signed = String::from_utf8(render(&f, ReportFormat::Json, Some(&key))).expect("UTF-8");
    let edited = signed.replace("CASE-2026-001", "CASE-2026-002");
    assert_ne!(edited, signed);
    let v = verify_report(edited.as_bytes(), &image, None, None).expect("readable");
    assert_eq!(signature(&v), Some(CheckStatus::Fail));
    // The same edit in HTML.
    let html = String::from_utf8(render(&f, ReportFormat::Html, Some(&key))).expect("UTF-8");
    let edited = html.replace("\"analyst\": \"A. Analyst", "\"analyst\": \"B. Analyst");
    assert_ne!(edited, html);
    let v = verify_report(edited.as_bytes(), &image, None, None).expect("readable");
    assert_eq!(signature(&v), Some(CheckStatus::Fail));
}

#[test]
fn a_report_is_never_written_over_the_evidence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let evidence = dir.path().join("evidence.png");
    std::fs::copy(repo(EVIDENCE), &evidence).expect("copy");
    let before = std::fs::read(&evidence).expect("read");
    let err =
        forgelens_report::write_report_file(&evidence, b"%PDF-", &evidence).expect_err("refused");
    assert!(err.to_string().contains("evidence"), "{err}");
    assert_eq!(std::fs::read(&evidence).expect("read"), before);
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let f = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = render(&f, ReportFormat::Pdf, None);
    let target = dir.path().join("no-such-folder").join("report.pdf");
    let err = forgelens_report::write_report_file(&target, &pdf, &repo(EVIDENCE))
        .expect_err("the folder does not exist");
    assert!(err.to_string().contains("report.pdf"), "{err}");
    assert!(!target.exists());
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
    // A complete write leaves exactly the report, no temporary file.
    let target = dir.path().join("report.pdf");
    forgelens_report::write_report_file(&target, &pdf, &repo(EVIDENCE)).expect("written");
    assert_eq!(std::fs::read(&target).expect("read"), pdf);
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
}

#[test]
fn figures_box_the_regions_on_the_map_they_were_listed_from() {
    use forgelens_engine::MapKind;
    use forgelens_report::figures::make_figures;
    let f = fixture();
    let boxed = |img: &image::RgbImage| img.pixels().filter(|p| p.0 == [0, 220, 255]).count();
    for kind in MapKind::ALL {
        let regions = forgelens_engine::regions::regions(f.analysis.maps.get(kind), 0.5);
        assert!(!regions.is_empty(), "{kind} has regions at 0.5");
        let figures = make_figures(
            &f.evidence.image.rgb,
            &f.analysis,
            f.options.colormap,
            f.options.overlay_opacity,
            (kind, &regions),
        );
        for (map, overlay) in &figures.overlays {
            assert_eq!(
                boxed(overlay) > 0,
                *map == kind,
                "{map} with regions of {kind}"
            );
        }
    }
}
