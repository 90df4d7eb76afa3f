//! The case report as one self-contained HTML page (no scripts, no external resources),
//! with the case report JSON (and signature) embedded as item reports embed theirs.

use super::report::CaseReport;
use super::report_sections::case_sections;
use crate::html::{embedded_json_html, escape, text_block_html};
use crate::signing::ReportSignature;

const STYLE: &str = r#"
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; max-width: 64rem;
       margin: 2rem auto; padding: 0 1rem; font-size: 14px; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.15rem; border-bottom: 1px solid #999; margin-top: 1.6rem; }
.sub { color: #555; }
.warning { background: #fde2e1; border: 1px solid #c0392b; padding: 0.5rem 0.8rem; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 0.4rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.2rem 0.5rem; border-bottom: 1px solid #ddd; }
table.fields th { width: 13rem; font-weight: normal; color: #444; }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 0.85em; word-break: break-all; }
footer { margin-top: 2rem; font-size: 0.8rem; color: #666; }
@media print { @page { size: A4; margin: 15mm; } body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; } tr { break-inside: avoid; } }
"#;

/// The HTML page; `json` must be the exact bytes `signature` (if any) signs.
pub(super) fn render(
    report: &CaseReport,
    json: &str,
    signature: Option<&ReportSignature>,
) -> String {
    let title = format!("ForgeLens case report: {}", report.case.name);
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>Case report</h1>\n\
         <p class=\"sub\">{}</p>\n",
        escape(&title),
        escape(&report.case.name)
    );
    if !report.verification.passed {
        html += "<p class=\"warning\">Verification FAILED: see the problems below.</p>\n";
    }
    for section in case_sections(report) {
        html += &format!("<h2>{}</h2>\n", escape(&section.title));
        for block in &section.blocks {
            // The case report shows no pictures; each item report has them.
            html += &text_block_html(block);
        }
    }
    html += &format!(
        "<footer>Made by {} {} (revision {}). The data below is the case report JSON this \
         page was made from{}.</footer>\n",
        escape(&report.tool.name),
        escape(&report.tool.version),
        escape(&report.tool.source_revision),
        if signature.is_some() {
            ", signed with Ed25519"
        } else {
            ""
        }
    );
    html += &embedded_json_html(json, signature);
    html + "</body>\n</html>\n"
}
