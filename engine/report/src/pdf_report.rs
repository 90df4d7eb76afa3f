//! The PDF report: a title block, the sections of `sections.rs` set by `pdf_layout.rs`
//! (each heading kept with the start of its content, a lead-in line ending in ':' kept with
//! what it introduces), the learned maps' figure grid with the colour scale, and a footer
//! with the evidence hash and page numbers on every page.

use super::document::Report;
use super::embed;
use super::evidence::sha256_hex;
use super::figures::Figures;
use super::pdf::{self, Canvas, FontKind, PAGE_HEIGHT};
use super::pdf_layout::{
    BODY, BOTTOM, CONTENT_WIDTH, Flow, GREY, INK, MARGIN, Picture, RULE, TOP, WARNING,
};
use super::sections::{Block, sections};
use super::signing::ReportSignature;

/// Tallest figure cell, in points: two rows of pictures and the colour scale leave room on
/// their page for a section heading.
const MAX_CELL_HEIGHT: f32 = 215.0;

/// Width and height of a figure cell and the picture's drawn width (two cells a row).
fn cell_size(figures: &Figures) -> (f32, f32, f32) {
    let cell_w = (CONTENT_WIDTH - 10.0) / 2.0;
    let (iw, ih) = figures.image.dimensions();
    let cell_h = (cell_w * ih as f32 / iw.max(1) as f32).min(MAX_CELL_HEIGHT);
    let draw_w = (cell_h * iw as f32 / ih.max(1) as f32).min(cell_w);
    (cell_w, cell_h, draw_w)
}

/// The learned maps' pictures, added to the canvas, with captions.
fn map_pictures(flow: &mut Flow, report: &Report, figures: &Figures) -> Vec<Picture> {
    let mut items = vec![Picture {
        caption: format!(
            "The image ({} x {} px)",
            report.evidence.width, report.evidence.height
        ),
        image: flow.canvas.add_image(figures.image.clone()),
    }];
    for (name, picture) in &figures.overlays {
        let area = report
            .results
            .maps
            .iter()
            .find(|m| m.name == *name)
            .map(|m| {
                format!(
                    " ({:.2}% ≥ {:.2})",
                    m.area_above_threshold * 100.0,
                    m.threshold
                )
            })
            .unwrap_or_default();
        items.push(Picture {
            caption: format!("{}{area}", name.title()),
            image: flow.canvas.add_image(picture.clone()),
        });
    }
    items
}

fn tool_pictures(flow: &mut Flow, figures: &Figures, index: usize) -> Vec<Picture> {
    figures
        .tools
        .get(index)
        .into_iter()
        .flatten()
        .map(|(caption, picture)| Picture {
            caption: caption.clone(),
            image: flow.canvas.add_image(picture.clone()),
        })
        .collect()
}

/// The colour scale under the learned maps.
fn colour_scale(flow: &mut Flow, report: &Report, figures: &Figures) {
    flow.ensure(24.0);
    let scale = flow.canvas.add_image(figures.scale.clone());
    let params = &report.processing.parameters;
    let label = format!(
        "Colour scale ({}, overlay opacity {:.2}): 0",
        params.colormap, params.overlay_opacity
    );
    let small = BODY - 1.0;
    let label_w = flow.canvas.text_width(FontKind::Regular, small, &label);
    let y = flow.y;
    flow.canvas
        .text(MARGIN, y + 7.0, FontKind::Regular, small, GREY, &label);
    let x = MARGIN + label_w + 6.0;
    flow.canvas.image(scale, x, y, 160.0, 9.0);
    flow.canvas
        .text(x + 166.0, y + 7.0, FontKind::Regular, small, GREY, "1");
    flow.y += 20.0;
}

fn title_block(flow: &mut Flow, report: &Report) {
    flow.canvas.text(
        MARGIN,
        flow.y + 6.0,
        FontKind::Bold,
        17.0,
        INK,
        "Forensic image report",
    );
    flow.y += 24.0;
    let subtitle = format!(
        "{} · {} {}",
        report.evidence.file_name.as_deref().unwrap_or("image"),
        report.tool.name,
        report.tool.version
    );
    flow.paragraph(&subtitle, FontKind::Regular, 9.5, GREY);
    let hash = format!("SHA-256 {}", report.evidence.sha256);
    flow.paragraph(&hash, FontKind::Mono, 8.5, GREY);
    if !report.model.trained {
        flow.paragraph(
            "The model is UNTRAINED: its verdict and maps are not evidence.",
            FontKind::Bold,
            10.0,
            WARNING,
        );
    }
}

fn footers(canvas: &mut Canvas, report: &Report) {
    let pages = canvas.page_count();
    let small = 6.5;
    for page in 0..pages {
        canvas.select_page(page);
        let rule_y = PAGE_HEIGHT - 40.0;
        canvas.line(
            (MARGIN, rule_y),
            (MARGIN + CONTENT_WIDTH, rule_y),
            0.4,
            RULE,
        );
        let evidence = format!("Evidence SHA-256 {}", report.evidence.sha256);
        let y = PAGE_HEIGHT - 30.0;
        canvas.text(MARGIN, y, FontKind::Regular, small, GREY, &evidence);
        let made = format!(
            "ForgeLens report, {} · case {}",
            report.created_utc,
            report.case.case_id.as_deref().unwrap_or("—")
        );
        let y = PAGE_HEIGHT - 21.0;
        canvas.text(MARGIN, y, FontKind::Regular, small, GREY, &made);
        let number = format!("page {} of {pages}", page + 1);
        let w = canvas.text_width(FontKind::Regular, small, &number);
        let x = MARGIN + CONTENT_WIDTH - w;
        canvas.text(x, y, FontKind::Regular, small, GREY, &number);
    }
}

/// The report's pages on a canvas, footers included; the appendix when `appendix` is set.
pub fn layout_pdf(report: &Report, figures: &Figures, appendix: bool) -> Canvas {
    let mut flow = Flow::new();
    title_block(&mut flow, report);
    let cell = cell_size(figures);
    for section in sections(report, appendix) {
        // Pictures are added to the canvas once, when their block is met.
        let mut pictures: Vec<Option<Vec<Picture>>> = section
            .blocks
            .iter()
            .map(|block| match block {
                Block::Figures => Some(map_pictures(&mut flow, report, figures)),
                Block::ToolMaps(i) => Some(tool_pictures(&mut flow, figures, *i)),
                _ => None,
            })
            .collect();
        let grid_height = |flow: &Flow, i: usize, pictures: &[Option<Vec<Picture>>]| {
            pictures[i].as_ref().map_or(0.0, |p| {
                (flow.grid_height(p, cell.0, cell.1) + 24.0).min(BOTTOM - TOP - 40.0)
            })
        };
        let keep = section.blocks.first().map_or(0.0, |b| {
            flow.keep_height(b, grid_height(&flow, 0, &pictures))
        });
        flow.heading(&section.title, keep);
        for (i, block) in section.blocks.iter().enumerate() {
            match block {
                Block::Fields(fields) => flow.fields(fields),
                Block::Table {
                    headers,
                    rows,
                    mono_columns,
                } => flow.table(headers, rows, mono_columns),
                Block::Paragraphs(paragraphs) => {
                    // A lead-in ending in ':' stays with what it introduces.
                    let lead_in = paragraphs.last().is_some_and(|p| p.ends_with(':'));
                    if let (true, Some(next)) = (lead_in, section.blocks.get(i + 1)) {
                        let next_keep =
                            flow.keep_height(next, grid_height(&flow, i + 1, &pictures));
                        flow.ensure(flow.paragraphs_height(paragraphs) + next_keep);
                    }
                    flow.paragraphs(paragraphs);
                }
                Block::Figures | Block::ToolMaps(_) => {
                    let items = pictures[i].take().unwrap_or_default();
                    flow.grid(&items, cell);
                    if matches!(block, Block::Figures) {
                        colour_scale(&mut flow, report, figures);
                    }
                }
            }
        }
    }
    let mut canvas = flow.canvas;
    footers(&mut canvas, report);
    canvas
}

/// The PDF file: the pages, the report JSON (and its signature) attached, the document info.
pub fn render_pdf(
    report: &Report,
    json: &str,
    signature: Option<&ReportSignature>,
    figures: &Figures,
    appendix: bool,
) -> Vec<u8> {
    let canvas = layout_pdf(report, figures, appendix);
    let mut attachments = vec![pdf::Attachment {
        name: embed::PDF_REPORT_ATTACHMENT.to_string(),
        mime: "application/json",
        description: "The report data this PDF was made from (ForgeLens report JSON)".to_string(),
        bytes: json.as_bytes().to_vec(),
    }];
    if let Some(signature) = signature {
        attachments.push(pdf::Attachment {
            name: embed::PDF_SIGNATURE_ATTACHMENT.to_string(),
            mime: "application/json",
            description: "Ed25519 signature over forgelens-report.json".to_string(),
            bytes: serde_json::to_vec_pretty(signature).expect("a signature serialises"),
        });
    }
    let json_sha = sha256_hex(json.as_bytes());
    let mut file_id = [0u8; 16];
    if let Ok(bytes) = hex::decode(&json_sha[..32]) {
        file_id.copy_from_slice(&bytes);
    }
    let info = pdf::DocInfo {
        title: format!(
            "ForgeLens report: {}",
            report.evidence.file_name.as_deref().unwrap_or("image")
        ),
        author: report.case.analyst.clone(),
        subject: format!("Evidence SHA-256 {}", report.evidence.sha256),
        creator: format!("{} {}", report.tool.name, report.tool.version),
        created_utc: pdf_date(&report.created_utc),
        file_id,
    };
    canvas.finish(&info, &attachments)
}

/// `(year, month, day, hour, minute, second)` of a `utc_string` (`2026-01-02T03:04:05.678Z`).
fn pdf_date(utc: &str) -> Option<(u16, u8, u8, u8, u8, u8)> {
    let part = |range: std::ops::Range<usize>| utc.get(range)?.parse::<u16>().ok();
    let small = |range| part(range).and_then(|v| u8::try_from(v).ok());
    Some((
        part(0..4)?,
        small(5..7)?,
        small(8..10)?,
        small(11..13)?,
        small(14..16)?,
        small(17..19)?,
    ))
}
