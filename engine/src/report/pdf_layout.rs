//! The PDF report's layout: the sections of `sections.rs` flowed down A4 pages (headings,
//! label/value fields, tables, wrapped paragraphs, the 2 x 2 figure grid with the colour
//! scale), a title block on page 1 and a footer with the evidence hash and page numbers.

use super::document::Report;
use super::figures::Figures;
use super::pdf::{Canvas, FontKind, PAGE_HEIGHT, PAGE_WIDTH};
use super::sections::{Block, Field, sections};

const MARGIN: f32 = 42.0;
const TOP: f32 = 48.0;
const BOTTOM: f32 = PAGE_HEIGHT - 52.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const LABEL_WIDTH: f32 = 130.0;
const BODY: f32 = 8.5;
const LINE: f32 = 11.5;
const INK: [f32; 3] = [0.1, 0.1, 0.1];
const GREY: [f32; 3] = [0.4, 0.4, 0.4];
const RULE: [f32; 3] = [0.75, 0.75, 0.75];
const WARNING: [f32; 3] = [0.75, 0.16, 0.12];

/// A cursor flowing content down the pages.
struct Flow {
    canvas: Canvas,
    y: f32,
}

impl Flow {
    fn new() -> Self {
        let mut canvas = Canvas::new();
        canvas.new_page();
        Self { canvas, y: TOP }
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.canvas.new_page();
            self.y = TOP;
        }
    }

    /// `text` broken into lines no wider than `width`; words longer than a line are split.
    fn wrap(&self, font: FontKind, size: f32, text: &str, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.canvas.text_width(font, size, &candidate) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // The word alone may still be too wide: split it by characters.
                for c in word.chars() {
                    let next = format!("{line}{c}");
                    if !line.is_empty() && self.canvas.text_width(font, size, &next) > width {
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

    fn heading(&mut self, title: &str) {
        self.ensure(40.0);
        self.y += 14.0;
        self.canvas
            .text(MARGIN, self.y, FontKind::Bold, 11.5, INK, title);
        self.y += 4.0;
        self.canvas.line(
            (MARGIN, self.y),
            (MARGIN + CONTENT_WIDTH, self.y),
            0.6,
            GREY,
        );
        self.y += 12.0;
    }

    fn paragraph(&mut self, text: &str, font: FontKind, size: f32, rgb: [f32; 3]) {
        for line in self.wrap(font, size, text, CONTENT_WIDTH) {
            self.ensure(LINE);
            self.canvas.text(MARGIN, self.y, font, size, rgb, &line);
            self.y += size + 3.0;
        }
        self.y += 3.0;
    }

    fn fields(&mut self, fields: &[Field]) {
        let value_x = MARGIN + LABEL_WIDTH;
        let value_width = CONTENT_WIDTH - LABEL_WIDTH;
        for f in fields {
            let font = if f.mono {
                FontKind::Mono
            } else {
                FontKind::Regular
            };
            let size = if f.mono { BODY - 0.5 } else { BODY };
            let lines = self.wrap(font, size, &f.value, value_width);
            let label_lines = self.wrap(FontKind::Regular, BODY, &f.label, LABEL_WIDTH - 8.0);
            let rows = lines.len().max(label_lines.len());
            self.ensure(rows as f32 * LINE + 3.0);
            let rgb = if f.label == "WARNING" { WARNING } else { INK };
            for (i, line) in label_lines.iter().enumerate() {
                self.canvas.text(
                    MARGIN,
                    self.y + i as f32 * LINE,
                    FontKind::Regular,
                    BODY,
                    GREY,
                    line,
                );
            }
            for (i, line) in lines.iter().enumerate() {
                self.canvas
                    .text(value_x, self.y + i as f32 * LINE, font, size, rgb, line);
            }
            self.y += rows as f32 * LINE;
            self.canvas.line(
                (MARGIN, self.y - LINE + 3.5),
                (MARGIN + CONTENT_WIDTH, self.y - LINE + 3.5),
                0.3,
                RULE,
            );
            self.y += 1.5;
        }
        self.y += 4.0;
    }

    fn table(&mut self, headers: &[String], rows: &[Vec<String>], mono_columns: &[usize]) {
        // Column widths in proportion to the widest cell, at least the header's width.
        let columns = headers.len();
        let font_of = |c: usize| {
            if mono_columns.contains(&c) {
                FontKind::Mono
            } else {
                FontKind::Regular
            }
        };
        let size = BODY - 1.0;
        let natural: Vec<f32> = (0..columns)
            .map(|c| {
                let widest = rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| self.canvas.text_width(font_of(c), size, cell))
                    .fold(0.0f32, f32::max);
                widest
                    .max(self.canvas.text_width(FontKind::Bold, size, &headers[c]))
                    .max(20.0)
                    + 8.0
            })
            .collect();
        // Text columns keep their natural width; fixed-width (hash) columns share the rest
        // and wrap.
        let total: f32 = natural.iter().sum();
        let text_total: f32 = (0..columns)
            .filter(|c| !mono_columns.contains(c))
            .map(|c| natural[c])
            .sum();
        let mono_count = columns - (0..columns).filter(|c| !mono_columns.contains(c)).count();
        let widths: Vec<f32> = (0..columns)
            .map(|c| {
                if total <= CONTENT_WIDTH {
                    natural[c]
                } else if mono_count > 0 && text_total < 0.6 * CONTENT_WIDTH {
                    if mono_columns.contains(&c) {
                        (CONTENT_WIDTH - text_total) / mono_count as f32
                    } else {
                        natural[c]
                    }
                } else {
                    natural[c] * CONTENT_WIDTH / total
                }
            })
            .collect();
        let draw_row = |flow: &mut Flow, cells: &[String], header: bool| {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    let font = if header { FontKind::Bold } else { font_of(c) };
                    flow.wrap(
                        font,
                        size,
                        cell,
                        widths.get(c).copied().unwrap_or(40.0) - 6.0,
                    )
                })
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
            flow.ensure(lines as f32 * (size + 3.0) + 4.0);
            let mut x = MARGIN;
            for (c, cell_lines) in wrapped.iter().enumerate() {
                let font = if header { FontKind::Bold } else { font_of(c) };
                for (i, line) in cell_lines.iter().enumerate() {
                    flow.canvas
                        .text(x, flow.y + i as f32 * (size + 3.0), font, size, INK, line);
                }
                x += widths.get(c).copied().unwrap_or(40.0);
            }
            flow.y += lines as f32 * (size + 3.0);
            flow.canvas.line(
                (MARGIN, flow.y - size + 1.0),
                (MARGIN + CONTENT_WIDTH, flow.y - size + 1.0),
                if header { 0.6 } else { 0.3 },
                if header { GREY } else { RULE },
            );
            flow.y += 2.0;
        };
        draw_row(self, headers, true);
        for row in rows {
            draw_row(self, row, false);
        }
        self.y += 6.0;
    }

    /// Pictures with captions, two a row; the grid stays on one page when it fits on one.
    fn grid(&mut self, items: &[(String, usize)], cell_w: f32, cell_h: f32, draw_w: f32) {
        let gap = 10.0;
        self.ensure((2.0 * (cell_h + 30.0)).min(BOTTOM - TOP));
        for pair in items.chunks(2) {
            self.ensure(cell_h + 22.0);
            for (i, (caption, image)) in pair.iter().enumerate() {
                let x = MARGIN + i as f32 * (cell_w + gap);
                self.canvas.image(*image, x, self.y, draw_w, cell_h);
                let lines = self.wrap(FontKind::Regular, BODY - 1.0, caption, cell_w);
                for (l, line) in lines.iter().enumerate() {
                    self.canvas.text(
                        x,
                        self.y + cell_h + 10.0 + l as f32 * 9.5,
                        FontKind::Regular,
                        BODY - 1.0,
                        GREY,
                        line,
                    );
                }
            }
            self.y += cell_h + 30.0;
        }
    }

    /// A toolbox run's overlays (the same size as the learned maps' figures).
    fn tool_figures(&mut self, figures: &Figures, index: usize) {
        let Some(pictures) = figures.tools.get(index) else {
            return;
        };
        let (cell_w, cell_h, draw_w) = cell_size(figures);
        let items: Vec<(String, usize)> = pictures
            .iter()
            .map(|(caption, picture)| (caption.clone(), self.canvas.add_image(picture.clone())))
            .collect();
        self.grid(&items, cell_w, cell_h, draw_w);
    }

    fn figures(&mut self, report: &Report, figures: &Figures) {
        let (cell_w, cell_h, draw_w) = cell_size(figures);
        let mut items = vec![(
            format!(
                "The image ({} x {} px)",
                report.evidence.width, report.evidence.height
            ),
            self.canvas.add_image(figures.image.clone()),
        )];
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
            items.push((
                format!("{}{area}", name.title()),
                self.canvas.add_image(picture.clone()),
            ));
        }
        self.grid(&items, cell_w, cell_h, draw_w);
        self.ensure(24.0);
        let scale = self.canvas.add_image(figures.scale.clone());
        let params = &report.processing.parameters;
        let label = format!(
            "Colour scale ({}, overlay opacity {:.2}): 0",
            params.colormap, params.overlay_opacity
        );
        let label_w = self
            .canvas
            .text_width(FontKind::Regular, BODY - 1.0, &label);
        self.canvas.text(
            MARGIN,
            self.y + 7.0,
            FontKind::Regular,
            BODY - 1.0,
            GREY,
            &label,
        );
        let x = MARGIN + label_w + 6.0;
        self.canvas.image(scale, x, self.y, 160.0, 9.0);
        self.canvas.text(
            x + 166.0,
            self.y + 7.0,
            FontKind::Regular,
            BODY - 1.0,
            GREY,
            "1",
        );
        self.y += 20.0;
    }
}

/// Width and height of a figure cell and the picture's drawn width (two cells a row).
fn cell_size(figures: &Figures) -> (f32, f32, f32) {
    let cell_w = (CONTENT_WIDTH - 10.0) / 2.0;
    let (iw, ih) = figures.image.dimensions();
    let cell_h = (cell_w * ih as f32 / iw.max(1) as f32).min(260.0);
    let draw_w = (cell_h * iw as f32 / ih.max(1) as f32).min(cell_w);
    (cell_w, cell_h, draw_w)
}

/// The report's pages on a canvas, footers included.
pub fn layout_pdf(report: &Report, figures: &Figures) -> Canvas {
    let mut flow = Flow::new();
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
    flow.paragraph(
        &format!("SHA-256 {}", report.evidence.sha256),
        FontKind::Mono,
        8.5,
        GREY,
    );
    if !report.model.trained {
        flow.paragraph(
            "The model is UNTRAINED: its verdict and maps are not evidence.",
            FontKind::Bold,
            10.0,
            WARNING,
        );
    }
    for section in sections(report) {
        flow.heading(&section.title);
        for block in &section.blocks {
            match block {
                Block::Fields(fields) => flow.fields(fields),
                Block::Table {
                    headers,
                    rows,
                    mono_columns,
                } => flow.table(headers, rows, mono_columns),
                Block::Paragraphs(paragraphs) => {
                    for p in paragraphs {
                        flow.paragraph(p, FontKind::Regular, BODY, INK);
                    }
                }
                Block::Figures => flow.figures(report, figures),
                Block::ToolMaps(index) => flow.tool_figures(figures, *index),
            }
        }
    }
    let mut canvas = flow.canvas;
    let pages = canvas.page_count();
    for page in 0..pages {
        canvas.select_page(page);
        canvas.line(
            (MARGIN, PAGE_HEIGHT - 40.0),
            (MARGIN + CONTENT_WIDTH, PAGE_HEIGHT - 40.0),
            0.4,
            RULE,
        );
        let evidence = format!("Evidence SHA-256 {}", report.evidence.sha256);
        canvas.text(
            MARGIN,
            PAGE_HEIGHT - 30.0,
            FontKind::Regular,
            6.5,
            GREY,
            &evidence,
        );
        let made = format!(
            "ForgeLens report, {} · case {}",
            report.created_utc,
            report.case.case_id.as_deref().unwrap_or("—")
        );
        canvas.text(
            MARGIN,
            PAGE_HEIGHT - 21.0,
            FontKind::Regular,
            6.5,
            GREY,
            &made,
        );
        let number = format!("page {} of {pages}", page + 1);
        let w = canvas.text_width(FontKind::Regular, 6.5, &number);
        canvas.text(
            MARGIN + CONTENT_WIDTH - w,
            PAGE_HEIGHT - 21.0,
            FontKind::Regular,
            6.5,
            GREY,
            &number,
        );
    }
    canvas
}
