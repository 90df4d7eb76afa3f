//! Tables in the PDF flow: columns sized to their text (hash columns share what is left and
//! wrap), a row never split across pages, and the header repeated after a page break.

use super::pdf::FontKind;
use super::pdf_layout::{BODY, BOTTOM, CONTENT_WIDTH, Flow, GREY, INK, MARGIN, RULE};

/// A table's column widths and its cells broken into lines.
struct TableLayout {
    widths: Vec<f32>,
    header: Vec<Vec<String>>,
    rows: Vec<Vec<Vec<String>>>,
}

impl Flow {
    fn table_layout(
        &self,
        headers: &[String],
        rows: &[Vec<String>],
        mono: &[usize],
    ) -> TableLayout {
        let size = BODY - 1.0;
        let font_of = |c: usize| {
            if mono.contains(&c) {
                FontKind::Mono
            } else {
                FontKind::Regular
            }
        };
        let columns = headers.len();
        // Natural width: the widest cell (at most half the page) or the header.
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
        let total: f32 = natural.iter().sum();
        let text_total: f32 = (0..columns)
            .filter(|c| !mono.contains(c))
            .map(|c| natural[c])
            .sum();
        let mono_count = (0..columns).filter(|c| mono.contains(c)).count();
        let widths: Vec<f32> = (0..columns)
            .map(|c| {
                if total <= CONTENT_WIDTH {
                    natural[c]
                } else if mono_count > 0 && text_total < 0.6 * CONTENT_WIDTH {
                    if mono.contains(&c) {
                        (CONTENT_WIDTH - text_total) / mono_count as f32
                    } else {
                        natural[c]
                    }
                } else if mono_count == 0 && columns > 1 && natural[0] < 0.4 * CONTENT_WIDTH {
                    // A label column and text: the last column takes what is left.
                    if c + 1 == columns {
                        CONTENT_WIDTH - natural[..c].iter().sum::<f32>()
                    } else {
                        natural[c].min(CONTENT_WIDTH / columns as f32)
                    }
                } else {
                    natural[c] * CONTENT_WIDTH / total
                }
            })
            .collect();
        let cells = |row: &[String], header: bool| -> Vec<Vec<String>> {
            row.iter()
                .enumerate()
                .map(|(c, cell)| {
                    let font = if header { FontKind::Bold } else { font_of(c) };
                    let width = widths.get(c).copied().unwrap_or(40.0) - 6.0;
                    self.wrap(font, size, cell, width)
                })
                .collect()
        };
        TableLayout {
            header: cells(headers, true),
            rows: rows.iter().map(|r| cells(r, false)).collect(),
            widths,
        }
    }

    fn row_height(cells: &[Vec<String>]) -> f32 {
        cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * (BODY + 2.0) + 2.0
    }

    fn draw_row(
        &mut self,
        layout: &TableLayout,
        cells: &[Vec<String>],
        header: bool,
        mono: &[usize],
    ) {
        let size = BODY - 1.0;
        let mut x = MARGIN;
        for (c, lines) in cells.iter().enumerate() {
            let font = match (header, mono.contains(&c)) {
                (true, _) => FontKind::Bold,
                (false, true) => FontKind::Mono,
                (false, false) => FontKind::Regular,
            };
            for (i, line) in lines.iter().enumerate() {
                let y = self.y + i as f32 * (size + 3.0);
                self.canvas.text(x, y, font, size, INK, line);
            }
            x += layout.widths.get(c).copied().unwrap_or(40.0);
        }
        self.y += Self::row_height(cells) - 2.0;
        self.canvas.line(
            (MARGIN, self.y - size + 1.0),
            (MARGIN + CONTENT_WIDTH, self.y - size + 1.0),
            if header { 0.6 } else { 0.3 },
            if header { GREY } else { RULE },
        );
        self.y += 2.0;
    }

    /// A table; a row never splits, and a page break repeats the header.
    pub fn table(&mut self, headers: &[String], rows: &[Vec<String>], mono: &[usize]) {
        let layout = self.table_layout(headers, rows, mono);
        let header_h = Self::row_height(&layout.header);
        let first = layout.rows.first().map_or(0.0, |r| Self::row_height(r));
        self.ensure(header_h + first);
        self.draw_row(&layout, &layout.header, true, mono);
        for cells in &layout.rows {
            let height = Self::row_height(cells);
            if self.y + height > BOTTOM {
                self.ensure(header_h + height);
                self.draw_row(&layout, &layout.header, true, mono);
            }
            self.draw_row(&layout, cells, false, mono);
        }
        self.y += 6.0;
    }

    /// The header and first row's height: what must fit below a heading.
    pub fn table_keep_height(
        &self,
        headers: &[String],
        first: &[Vec<String>],
        mono: &[usize],
    ) -> f32 {
        let layout = self.table_layout(headers, first, mono);
        Self::row_height(&layout.header) + layout.rows.first().map_or(0.0, |r| Self::row_height(r))
    }
}
