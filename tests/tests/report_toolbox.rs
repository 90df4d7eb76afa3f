//! The classic toolbox in reports: every tool run has its section (parameters, findings,
//! maps) in the JSON, HTML and PDF; its map hashes are those of the tool run again on the
//! evidence; the metadata summary and the Content Credentials status are always there; and a
//! report made before the toolbox existed still parses and verifies.

mod report_fixture;

use std::process::Command;

use forgelens_report::forensics::{self, Evidence, Limits, Params, Tool};
use forgelens_report::toolbox::{CREDENTIALS_NOT_BUILT, tool_map_record};
use forgelens_report::toolbox_sections::findings_lines;
use forgelens_report::{
    CheckStatus, Report, ReportFormat, embed::json_envelope, extract_report, verify_report,
};
use report_fixture::{EVIDENCE, fixture, render, repo};

fn run_of(report: &Report, tool: Tool) -> &forgelens_report::document::ToolRecord {
    report
        .toolbox
        .as_ref()
        .expect("a toolbox part")
        .runs
        .iter()
        .find(|r| r.tool == tool)
        .unwrap_or_else(|| panic!("{tool} ran"))
}

/// A finding of the ELA run as the sections show it (label, value).
fn an_ela_finding(report: &Report) -> (String, String) {
    let findings = run_of(report, Tool::Ela)
        .findings
        .as_ref()
        .expect("findings");
    findings_lines(findings)
        .into_iter()
        .next()
        .expect("ELA reports something")
}

#[test]
fn the_json_records_each_tool_with_parameters_findings_and_maps() {
    let f = fixture();
    let toolbox = f.report.toolbox.as_ref().expect("a toolbox part");
    let tools: Vec<Tool> = toolbox.runs.iter().map(|r| r.tool).collect();
    assert_eq!(tools, [Tool::Ela, Tool::Gradient], "the toolbox's order");
    let ela = run_of(&f.report, Tool::Ela);
    assert!(ela.error.is_none(), "{:?}", ela.error);
    assert_eq!(ela.parameters["quality"], Params::default().ela.quality);
    assert!(!ela.maps.is_empty());
    assert_eq!(ela.findings.as_ref().expect("findings")["tool"], "ela");
    if !forensics::credentials::AVAILABLE {
        assert_eq!(toolbox.content_credentials.summary, CREDENTIALS_NOT_BUILT);
        assert!(!toolbox.content_credentials.checked);
    }
    // The PNG has no EXIF: the summary says so rather than being left out.
    assert!(toolbox.metadata.software.is_empty());
    assert!(!toolbox.metadata.notes.is_empty(), "{:?}", toolbox.metadata);
}

#[test]
fn map_hashes_are_those_of_the_tool_run_again() {
    let f = fixture();
    let evidence = Evidence::read(&repo(EVIDENCE), &Limits::default()).expect("evidence");
    let ela = run_of(&f.report, Tool::Ela);
    let params = Params {
        ela: serde_json::from_value(ela.parameters.clone()).expect("ELA parameters"),
        ..Params::default()
    };
    let again = forensics::run(Tool::Ela, &evidence, &params).expect("ELA");
    assert_eq!(again.maps.len(), ela.maps.len());
    for (map, record) in again.maps.iter().zip(&ela.maps) {
        let computed = tool_map_record(map);
        assert_eq!(computed.values_sha256, record.values_sha256, "{}", map.name);
        assert_eq!(computed.png_sha256, record.png_sha256, "{}", map.name);
    }
    // Another quality gives another map, and so another hash.
    let mut other = params.clone();
    other.ela.quality = if params.ela.quality == 60 { 90 } else { 60 };
    let different = forensics::run(Tool::Ela, &evidence, &other).expect("ELA");
    assert_ne!(
        tool_map_record(&different.maps[0]).values_sha256,
        ela.maps[0].values_sha256
    );
}

#[test]
fn html_has_a_section_per_tool_with_its_hashes_and_the_file_section() {
    let f = fixture();
    let html = String::from_utf8(render(&f, ReportFormat::Html, None)).expect("UTF-8");
    for tool in [Tool::Ela, Tool::Gradient] {
        let heading = format!("<h2>Toolbox: {}</h2>", tool.title());
        assert!(html.contains(&heading), "{heading} missing");
    }
    for map in &run_of(&f.report, Tool::Ela).maps {
        assert!(
            html.contains(&map.values_sha256),
            "{} hash",
            map.summary.name
        );
    }
    assert!(html.contains("<h2>Metadata and Content Credentials</h2>"));
    let status = &f
        .report
        .toolbox
        .as_ref()
        .expect("toolbox")
        .content_credentials
        .summary;
    assert!(html.contains(status.as_str()), "{status}");
    let (key, value) = an_ela_finding(&f.report);
    assert!(
        html.contains(&format!("<tr><th>{key}</th><td>{value}</td></tr>")),
        "finding {key} = {value} missing"
    );
}

#[test]
fn pdf_text_names_the_tools_and_a_finding() {
    let f = fixture();
    let pdf = render(&f, ReportFormat::Pdf, None);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for tool in [Tool::Ela, Tool::Gradient] {
        assert!(
            text.contains(&format!("Toolbox: {}", tool.title())),
            "{tool} section missing"
        );
    }
    assert!(text.contains("Content Credentials"));
    let (key, value) = an_ela_finding(&f.report);
    assert!(
        text.contains(&key) && text.contains(&value),
        "{key} = {value}"
    );
}

#[test]
fn a_report_from_before_the_toolbox_parses_and_verifies() {
    let f = fixture();
    let image = std::fs::read(repo(EVIDENCE)).expect("image");
    let mut value = serde_json::to_value(&f.report).expect("json");
    value.as_object_mut().expect("object").remove("toolbox");
    let old_json = serde_json::to_string_pretty(&value).expect("json");
    assert!(!old_json.contains("\"toolbox\""));
    let old: Report = serde_json::from_str(&old_json).expect("an older report parses");
    assert!(old.toolbox.is_none());
    let file = json_envelope(&old_json, None);
    let embedded = extract_report(file.as_bytes()).expect("embedded");
    assert_eq!(embedded.report_json, old_json.as_bytes());
    let v = verify_report(file.as_bytes(), &image, None, None).expect("readable");
    assert!(v.passed(), "{:?}", v.checks);
    let file_check = v.checks.iter().find(|c| c.name == "file SHA-256");
    assert_eq!(file_check.map(|c| c.status), Some(CheckStatus::Pass));
    // Without a toolbox part a report renders without its sections.
    let mut without = f;
    without.report = old;
    let html = String::from_utf8(render(&without, ReportFormat::Html, None)).expect("UTF-8");
    assert!(!html.contains("Toolbox:") && !html.contains("Metadata and Content Credentials"));
}

#[test]
fn verification_runs_the_tools_again_and_catches_a_changed_map_hash() {
    let f = fixture();
    let image = std::fs::read(repo(EVIDENCE)).expect("image");
    let status = |v: &forgelens_report::Verification| {
        v.checks
            .iter()
            .find(|c| c.name == "toolbox maps")
            .map(|c| (c.status, c.detail.clone()))
    };
    let v =
        verify_report(&render(&f, ReportFormat::Json, None), &image, None, None).expect("readable");
    assert!(v.passed(), "{:?}", v.checks);
    let (ok, detail) = status(&v).expect("a toolbox check");
    assert_eq!(ok, CheckStatus::Pass, "{detail}");
    assert!(detail.contains("2 map(s)"), "{detail}");

    let mut changed = f;
    let run = &mut changed.report.toolbox.as_mut().expect("toolbox").runs[0];
    run.maps[0].values_sha256 = "00".repeat(32);
    let v = verify_report(
        &render(&changed, ReportFormat::Json, None),
        &image,
        None,
        None,
    )
    .expect("readable");
    let (failed, detail) = status(&v).expect("a toolbox check");
    assert_eq!(failed, CheckStatus::Fail);
    assert!(detail.contains("ela map `difference`"), "{detail}");
}
