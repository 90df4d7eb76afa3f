//! The case report as an A4 PDF on the report's `pdf::Canvas` (embedded DejaVu fonts), the
//! case report JSON (and signature) attached as item reports attach theirs.

use super::report::CaseReport;
use super::report_sections::case_sections;
use crate::embed::{PDF_REPORT_ATTACHMENT, PDF_SIGNATURE_ATTACHMENT};
use crate::evidence::sha256_hex;
use crate::pdf::{Attachment, Canvas, DocInfo, FontKind, PAGE_HEIGHT, PAGE_WIDTH};
use crate::sections::{Block, Field};
use crate::signing::ReportSignature;

const MARGIN: f32 = 42.0;
const TOP: f32 = 48.0;
const BOTTOM: f32 = PAGE_HEIGHT - 52.0;
const WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const LABEL: f32 = 120.0;
const BODY: f32 = 8.0;
const LINE: f32 = 10.5;
const INK: [f32; 3] = [0.1, 0.1, 0.1];
const GREY: [f32; 3] = [0.4, 0.4, 0.4];
const RED: [f32; 3] = [0.75, 0.16, 0.12];

struct Flow {
    canvas: Canvas,
    y: f32,
}

impl Flow {
    fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.canvas.new_page();
            self.y = TOP;
        }
    }

    /// `text` in lines no wider than `width`; over-long words split by characters.
    fn wrap(&self, font: FontKind, text: &str, width: f32) -> Vec<String> {
        let fits = |s: &str| self.canvas.text_width(font, BODY, s) <= width;
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if fits(&candidate) {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                for c in word.chars() {
                    let next = format!("{line}{c}");
                    if !line.is_empty() && !fits(&next) {
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    } else {
                        line = next;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    fn heading(&mut self, title: &str, size: f32) {
        self.ensure(40.0);
        self.y += 12.0;
        self.canvas
            .text(MARGIN, self.y, FontKind::Bold, size, INK, title);
        self.y += 4.0;
        self.canvas
            .line((MARGIN, self.y), (MARGIN + WIDTH, self.y), 0.6, GREY);
        self.y += 11.0;
    }

    /// Cells side by side at `x` offsets with `widths`; the row as tall as its tallest cell.
    fn row(&mut self, cells: &[(String, FontKind, [f32; 3])], widths: &[f32]) {
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(widths)
            .map(|((text, font, _), w)| self.wrap(*font, text, w - 6.0))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        self.ensure(lines as f32 * LINE + 2.0);
        let mut x = MARGIN;
        for (((_, font, rgb), w), text) in cells.iter().zip(widths).zip(&wrapped) {
            for (i, line) in text.iter().enumerate() {
                self.canvas
                    .text(x, self.y + i as f32 * LINE, *font, BODY, *rgb, line);
            }
            x += w;
        }
        self.y += lines as f32 * LINE + 2.0;
    }

    fn fields(&mut self, fields: &[Field]) {
        for f in fields {
            let font = if f.mono {
                FontKind::Mono
            } else {
                FontKind::Regular
            };
            self.row(
                &[
                    (f.label.clone(), FontKind::Regular, GREY),
                    (f.value.clone(), font, INK),
                ],
                &[LABEL, WIDTH - LABEL],
            );
        }
        self.y += 4.0;
    }

    fn table(&mut self, headers: &[String], rows: &[Vec<String>], mono: &[usize]) {
        // Each column at least as wide as its header; the rest shared by the longest text.
        let n = headers.len().max(1);
        let min_widths: Vec<f32> = (0..n)
            .map(|c| {
                headers.get(c).map_or(20.0, |h| {
                    self.canvas.text_width(FontKind::Bold, BODY, h) + 8.0
                })
            })
            .collect();
        let weights: Vec<f32> = (0..n)
            .map(|c| {
                let longest = rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|t| t.chars().count())
                    .max()
                    .unwrap_or(1);
                (longest as f32).clamp(4.0, 40.0)
            })
            .collect();
        let spare = (WIDTH - min_widths.iter().sum::<f32>()).max(0.0);
        let total: f32 = weights.iter().sum();
        let widths: Vec<f32> = min_widths
            .iter()
            .zip(&weights)
            .map(|(m, w)| m + spare * w / total)
            .collect();
        let header: Vec<_> = headers
            .iter()
            .map(|h| (h.clone(), FontKind::Bold, INK))
            .collect();
        self.row(&header, &widths);
        for r in rows {
            let cells: Vec<_> = r
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let font = if mono.contains(&i) {
                        FontKind::Mono
                    } else {
                        FontKind::Regular
                    };
                    (t.clone(), font, INK)
                })
                .collect();
            self.row(&cells, &widths);
        }
        self.y += 4.0;
    }

    fn paragraphs(&mut self, texts: &[String], rgb: [f32; 3]) {
        for text in texts {
            self.row(&[(text.clone(), FontKind::Regular, rgb)], &[WIDTH]);
        }
        self.y += 3.0;
    }
}

/// The PDF file; `json` must be the exact bytes `signature` (if any) signs.
pub(super) fn render(
    report: &CaseReport,
    json: &str,
    signature: Option<&ReportSignature>,
) -> Vec<u8> {
    let mut flow = Flow {
        canvas: Canvas::new(),
        y: TOP,
    };
    flow.canvas.new_page();
    flow.heading(&format!("Case report: {}", report.case.name), 15.0);
    if !report.verification.passed {
        flow.paragraphs(
            &["Verification FAILED: see the problems below.".to_string()],
            RED,
        );
    }
    for section in case_sections(report) {
        flow.heading(&section.title, 11.0);
        for block in &section.blocks {
            match block {
                Block::Fields(fields) => flow.fields(fields),
                Block::Table {
                    headers,
                    rows,
                    mono_columns,
                } => flow.table(headers, rows, mono_columns),
                Block::Paragraphs(texts) => flow.paragraphs(texts, INK),
                _ => {}
            }
        }
    }
    let pages = flow.canvas.page_count();
    for page in 0..pages {
        flow.canvas.select_page(page);
        let footer = format!(
            "{} {} · case {} · page {} of {}",
            report.tool.name,
            report.tool.version,
            report.case.name,
            page + 1,
            pages
        );
        flow.canvas.text(
            MARGIN,
            PAGE_HEIGHT - 30.0,
            FontKind::Regular,
            7.0,
            GREY,
            &footer,
        );
    }
    let mut attachments = vec![Attachment {
        name: PDF_REPORT_ATTACHMENT.to_string(),
        mime: "application/json",
        description: "The case report data this PDF was made from".to_string(),
        bytes: json.as_bytes().to_vec(),
    }];
    if let Some(signature) = signature {
        attachments.push(Attachment {
            name: PDF_SIGNATURE_ATTACHMENT.to_string(),
            mime: "application/json",
            description: "Ed25519 signature over the case report JSON".to_string(),
            bytes: serde_json::to_vec_pretty(signature).expect("a signature serialises"),
        });
    }
    let mut file_id = [0u8; 16];
    if let Ok(bytes) = hex::decode(&sha256_hex(json.as_bytes())[..32]) {
        file_id.copy_from_slice(&bytes);
    }
    let info = DocInfo {
        title: format!("ForgeLens case report: {}", report.case.name),
        author: report.case.analyst.clone(),
        subject: format!("{} evidence items", report.items.len()),
        creator: format!("{} {}", report.tool.name, report.tool.version),
        created_utc: None,
        file_id,
    };
    flow.canvas.finish(&info, &attachments)
}
