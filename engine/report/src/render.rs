//! A report's file bytes: the JSON (optionally signed) drawn as HTML or PDF with its figures,
//! or the JSON envelope alone.

use forgelens_engine::analysis::Analysis;

use crate::figures::make_figures;
use crate::signing::{self, SigningKey};
use crate::{
    EvidenceFile, Report, ReportFormat, ReportOptions, ToolboxResults, embed, html, pdf_report,
    toolbox,
};

/// The report's JSON, as embedded and signed.
pub fn report_json(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("a report always serialises")
}

/// A report file's bytes in `format`, signed with `key` when given.
pub fn render_report(
    report: &Report,
    evidence: &EvidenceFile,
    analysis: &Analysis,
    toolbox: &ToolboxResults,
    options: &ReportOptions,
    format: ReportFormat,
    key: Option<&SigningKey>,
) -> Vec<u8> {
    let json = report_json(report);
    let signature = key.map(|k| signing::sign(json.as_bytes(), k));
    let needs_figures = format != ReportFormat::Json;
    let figures = needs_figures.then(|| {
        let mut figures = make_figures(
            &evidence.image.rgb,
            analysis,
            options.colormap,
            options.overlay_opacity,
            (options.regions_map, &report.results.regions),
        );
        figures.tools = toolbox::tool_figures(
            &figures.image,
            toolbox,
            options.colormap,
            options.overlay_opacity,
        );
        figures
    });
    match (format, figures) {
        (ReportFormat::Html, Some(figures)) => html::render_html(
            report,
            &json,
            signature.as_ref(),
            &figures,
            options.appendix,
        )
        .into_bytes(),
        (ReportFormat::Pdf, Some(figures)) => pdf_report::render_pdf(
            report,
            &json,
            signature.as_ref(),
            &figures,
            options.appendix,
        ),
        _ => embed::json_envelope(&json, signature.as_ref()).into_bytes(),
    }
}
