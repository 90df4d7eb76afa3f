//! The HTML report: one self-contained file (pictures inline as base64 PNG, no scripts, no
//! external resources), readable on screen and printable on A4. The report JSON, and its
//! signature when signed, are embedded verbatim in `application/json` script elements.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::document::Report;
use super::embed::{HTML_REPORT_ID, HTML_SIGNATURE_ID, escape_script_json};
use super::figures::{Figures, png_bytes};
use super::sections::{Block, sections};
use super::signing::ReportSignature;

const STYLE: &str = r#"
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1a1a1a;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; font-size: 14px; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.15rem; border-bottom: 1px solid #999; padding-bottom: 0.15rem; margin-top: 1.6rem; }
.sub { color: #555; }
th.alert, td.alert { color: #c0392b; font-weight: bold; }
.warning { background: #fde2e1; border: 1px solid #c0392b; padding: 0.5rem 0.8rem; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 0.4rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.2rem 0.5rem; border-bottom: 1px solid #ddd; }
table.fields th { width: 13rem; font-weight: normal; color: #444; }
.mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85em; word-break: break-all; }
.figures { display: grid; grid-template-columns: 1fr 1fr; gap: 0.8rem; }
figure { margin: 0; }
figure img { width: 100%; height: auto; border: 1px solid #ccc; }
figcaption { font-size: 0.85rem; color: #444; }
.scale img { width: 16rem; height: 0.8rem; vertical-align: middle; border: 1px solid #ccc; }
footer { margin-top: 2rem; font-size: 0.8rem; color: #666; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2, p.lead { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .figures { grid-template-columns: 1fr 1fr; }
}
"#;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn data_uri(png: &[u8]) -> String {
    format!("data:image/png;base64,{}", BASE64.encode(png))
}

fn figures_html(report: &Report, figures: &Figures) -> String {
    let mut html = String::from("<div class=\"figures\">\n");
    let image_caption = format!(
        "The image ({} x {} px; shown at {} x {})",
        report.evidence.width,
        report.evidence.height,
        figures.image.width(),
        figures.image.height()
    );
    let mut items = vec![(image_caption, png_bytes(&figures.image))];
    for (name, picture) in &figures.overlays {
        let record = report.results.maps.iter().find(|m| m.name == *name);
        let caption = match record {
            Some(m) => format!(
                "{} map over the image ({:.2}% at or above {:.2}){}",
                name.title(),
                m.area_above_threshold * 100.0,
                m.threshold,
                if *name == report.processing.parameters.regions_map
                    && !report.results.regions.is_empty()
                {
                    "; listed regions boxed"
                } else {
                    ""
                }
            ),
            None => name.title().to_string(),
        };
        items.push((caption, png_bytes(picture)));
    }
    html += &figure_items(&items);
    html += "</div>\n";
    html += &format!(
        "<p class=\"scale\">Colour scale ({}, opacity {:.2}): 0 <img src=\"{}\" alt=\"colour scale from 0 to 1\"> 1</p>\n",
        escape(&report.processing.parameters.colormap),
        report.processing.parameters.overlay_opacity,
        data_uri(&png_bytes(&figures.scale))
    );
    html
}

fn figure_items(items: &[(String, Vec<u8>)]) -> String {
    let mut html = String::new();
    for (caption, png) in items {
        html += &format!(
            "<figure><img src=\"{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>\n",
            data_uri(png),
            escape(caption),
            escape(caption)
        );
    }
    html
}

/// A toolbox run's overlays, on the report's colour scale.
fn tool_figures_html(figures: &Figures, index: usize) -> String {
    let items: Vec<(String, Vec<u8>)> = figures
        .tools
        .get(index)
        .into_iter()
        .flatten()
        .map(|(caption, picture)| (caption.clone(), png_bytes(picture)))
        .collect();
    format!("<div class=\"figures\">\n{}</div>\n", figure_items(&items))
}

/// The HTML report. `report_json` must be the exact bytes that `signature` (if any) signs.
pub fn render_html(
    report: &Report,
    report_json: &str,
    signature: Option<&ReportSignature>,
    figures: &Figures,
    appendix: bool,
) -> String {
    let title = format!(
        "ForgeLens report: {}",
        report.evidence.file_name.as_deref().unwrap_or("image")
    );
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"generator\" content=\"{} {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&report.tool.name),
        escape(&report.tool.version),
        escape(&title)
    );
    html += &format!(
        "<h1>Forensic image report</h1>\n<p class=\"sub\">{} · SHA-256 <span class=\"mono\">{}</span></p>\n",
        escape(report.evidence.file_name.as_deref().unwrap_or("image")),
        escape(&report.evidence.sha256)
    );
    if !report.model.trained {
        html += "<p class=\"warning\">The model is UNTRAINED: its verdict and maps are not evidence.</p>\n";
    }
    for section in sections(report, appendix) {
        html += &format!("<h2>{}</h2>\n", escape(&section.title));
        for block in &section.blocks {
            match block {
                Block::Figures => html += &figures_html(report, figures),
                Block::ToolMaps(index) => html += &tool_figures_html(figures, *index),
                text => html += &text_block_html(text),
            }
        }
    }
    html += &format!(
        "<footer>Made by {} {} (revision {}). The report data below is the JSON this page was \
         made from{}; <code>forgelens verify-report</code> checks it against the image.</footer>\n",
        escape(&report.tool.name),
        escape(&report.tool.version),
        escape(&report.tool.source_revision),
        if signature.is_some() {
            ", signed with Ed25519"
        } else {
            ""
        }
    );
    html += &embedded_json_html(report_json, signature);
    html += "</body>\n</html>\n";
    html
}

/// A text block (fields, a table, paragraphs) as HTML; pictures (`Figures`, `ToolMaps`) are
/// the caller's, which alone has them, and give nothing here.
pub(crate) fn text_block_html(block: &Block) -> String {
    let mut html = String::new();
    match block {
        Block::Fields(fields) => {
            html += "<table class=\"fields\">\n";
            for f in fields {
                let alert = matches!(f.label.as_str(), "WARNING" | "INCONCLUSIVE");
                html += &format!(
                    "<tr><th{}>{}</th><td{}>{}</td></tr>\n",
                    if alert { " class=\"alert\"" } else { "" },
                    escape(&f.label),
                    match (alert, f.mono) {
                        (true, _) => " class=\"alert\"",
                        (false, true) => " class=\"mono\"",
                        (false, false) => "",
                    },
                    escape(&f.value)
                );
            }
            html += "</table>\n";
        }
        Block::Table {
            headers,
            rows,
            mono_columns,
        } => {
            html += "<table>\n<thead><tr>";
            for h in headers {
                html += &format!("<th>{}</th>", escape(h));
            }
            html += "</tr></thead>\n";
            for row in rows {
                html += "<tr>";
                for (i, cell) in row.iter().enumerate() {
                    html += &format!(
                        "<td{}>{}</td>",
                        if mono_columns.contains(&i) {
                            " class=\"mono\""
                        } else {
                            ""
                        },
                        escape(cell)
                    );
                }
                html += "</tr>\n";
            }
            html += "</table>\n";
        }
        Block::Paragraphs(paragraphs) => {
            for p in paragraphs {
                let lead = if p.ends_with(':') {
                    " class=\"lead\""
                } else {
                    ""
                };
                html += &format!("<p{lead}>{}</p>\n", escape(p));
            }
        }
        Block::Figures | Block::ToolMaps(_) => {}
    }
    html
}

/// The report JSON (and its signature) as `application/json` script elements, verbatim:
/// `json` must be the exact bytes `signature` (if any) signs.
pub(crate) fn embedded_json_html(json: &str, signature: Option<&ReportSignature>) -> String {
    let mut html = format!(
        "<script type=\"application/json\" id=\"{HTML_REPORT_ID}\">\n{}\n</script>\n",
        escape_script_json(json)
    );
    if let Some(signature) = signature {
        let text = serde_json::to_string_pretty(signature).expect("a signature serialises");
        html += &format!(
            "<script type=\"application/json\" id=\"{HTML_SIGNATURE_ID}\">\n{}\n</script>\n",
            escape_script_json(&text)
        );
    }
    html
}
