//! The PDF's flow: blocks of `sections.rs` set down A4 pages (headings, label/value fields,
//! wrapped paragraphs, captioned picture grids; tables in `pdf_table.rs`), with the rules
//! that keep a report readable: a heading stays with the start of what follows it, a picture
//! with its caption, a field never splits, a lead-in line ending in ':' stays with what it
//! introduces.

use super::pdf::{Canvas, FontKind, PAGE_HEIGHT, PAGE_WIDTH};
use super::pdf_wrap::wrap;
use super::sections::{Block, Field};

pub const MARGIN: f32 = 42.0;
pub const TOP: f32 = 48.0;
pub const BOTTOM: f32 = PAGE_HEIGHT - 52.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const LABEL_WIDTH: f32 = 130.0;
pub const BODY: f32 = 8.5;
const LINE: f32 = 11.5;
pub const INK: [f32; 3] = [0.1, 0.1, 0.1];
pub const GREY: [f32; 3] = [0.4, 0.4, 0.4];
pub const RULE: [f32; 3] = [0.75, 0.75, 0.75];
pub const WARNING: [f32; 3] = [0.75, 0.16, 0.12];
/// Height of a heading: space above, the title, the rule and space below.
const HEADING: f32 = 30.0;
/// Lines of a paragraph that must follow a heading on its page.
const KEEP_LINES: usize = 2;
const CAPTION_LINE: f32 = 9.5;

/// A picture already added to the canvas, with its caption.
pub struct Picture {
    pub caption: String,
    pub image: usize,
}

/// A cursor flowing content down the pages.
pub struct Flow {
    pub canvas: Canvas,
    pub y: f32,
    /// Each heading's page (0-based) and top, in order: the keep-with-next rule's record.
    pub headings: Vec<(String, usize, f32)>,
}

impl Default for Flow {
    fn default() -> Self {
        Self::new()
    }
}

impl Flow {
    pub fn new() -> Self {
        let mut canvas = Canvas::new();
        canvas.new_page();
        Self {
            canvas,
            y: TOP,
            headings: Vec::new(),
        }
    }

    pub fn page(&self) -> usize {
        self.canvas.page_count() - 1
    }

    /// Starts a new page unless `height` more points fit on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.canvas.new_page();
            self.y = TOP;
        }
    }

    pub(super) fn wrap(&self, font: FontKind, size: f32, text: &str, width: f32) -> Vec<String> {
        wrap(text, width, &|s| self.canvas.text_width(font, size, s))
    }

    /// A section heading, on the page where `keep` points of what follows also fit.
    pub fn heading(&mut self, title: &str, keep: f32) {
        self.ensure(HEADING + keep);
        self.headings.push((title.to_string(), self.page(), self.y));
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

    fn paragraph_lines(&self, text: &str, font: FontKind, size: f32) -> Vec<String> {
        self.wrap(font, size, text, CONTENT_WIDTH)
    }

    pub fn paragraph(&mut self, text: &str, font: FontKind, size: f32, rgb: [f32; 3]) {
        let lines = self.paragraph_lines(text, font, size);
        // No single line left alone at the foot of a page.
        self.ensure(lines.len().min(KEEP_LINES) as f32 * (size + 3.0));
        for line in lines {
            self.ensure(size + 3.0);
            self.canvas.text(MARGIN, self.y, font, size, rgb, &line);
            self.y += size + 3.0;
        }
        self.y += 3.0;
    }

    /// Body paragraphs; one ending in ':' stays with the start of the next.
    pub fn paragraphs(&mut self, paragraphs: &[String]) {
        for (i, p) in paragraphs.iter().enumerate() {
            if let (true, Some(next)) = (p.ends_with(':'), paragraphs.get(i + 1)) {
                let lines = self.paragraph_lines(p, FontKind::Regular, BODY).len();
                let next_lines = self.paragraph_lines(next, FontKind::Regular, BODY).len();
                self.ensure((lines + next_lines.min(KEEP_LINES)) as f32 * (BODY + 3.0) + 3.0);
            }
            self.paragraph(p, FontKind::Regular, BODY, INK);
        }
    }

    fn field_lines(&self, f: &Field) -> (Vec<String>, Vec<String>, FontKind, f32) {
        let (font, size) = if f.mono {
            (FontKind::Mono, BODY - 0.5)
        } else {
            (FontKind::Regular, BODY)
        };
        let value = self.wrap(font, size, &f.value, CONTENT_WIDTH - LABEL_WIDTH);
        let label = self.wrap(FontKind::Regular, BODY, &f.label, LABEL_WIDTH - 8.0);
        (label, value, font, size)
    }

    fn field_height(&self, f: &Field) -> f32 {
        let (label, value, _, _) = self.field_lines(f);
        label.len().max(value.len()) as f32 * LINE + 3.0
    }

    pub fn fields(&mut self, fields: &[Field]) {
        for f in fields {
            let (label_lines, lines, font, size) = self.field_lines(f);
            let rows = lines.len().max(label_lines.len());
            self.ensure(rows as f32 * LINE + 3.0);
            let warning = matches!(f.label.as_str(), "WARNING" | "INCONCLUSIVE");
            let (label_font, label_rgb) = if warning {
                (FontKind::Bold, WARNING)
            } else {
                (FontKind::Regular, GREY)
            };
            for (i, line) in label_lines.iter().enumerate() {
                let y = self.y + i as f32 * LINE;
                self.canvas
                    .text(MARGIN, y, label_font, BODY, label_rgb, line);
            }
            let rgb = if warning { WARNING } else { INK };
            for (i, line) in lines.iter().enumerate() {
                let (x, y) = (MARGIN + LABEL_WIDTH, self.y + i as f32 * LINE);
                self.canvas.text(x, y, font, size, rgb, line);
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

    fn caption_lines(&self, caption: &str, width: f32) -> Vec<String> {
        self.wrap(FontKind::Regular, BODY - 1.0, caption, width)
    }

    /// Height of one row of the grid: the pictures and their longest caption.
    fn grid_row_height(&self, pair: &[Picture], cell_w: f32, cell_h: f32) -> f32 {
        let captions = pair
            .iter()
            .map(|p| self.caption_lines(&p.caption, cell_w).len())
            .max()
            .unwrap_or(1);
        cell_h + 6.0 + captions as f32 * CAPTION_LINE + 8.0
    }

    /// Height of the whole grid, when it is to stay on one page.
    pub fn grid_height(&self, items: &[Picture], cell_w: f32, cell_h: f32) -> f32 {
        items
            .chunks(2)
            .map(|pair| self.grid_row_height(pair, cell_w, cell_h))
            .sum()
    }

    /// Pictures with captions, two a row; a picture and its caption never part, and the
    /// grid stays on one page when it fits on one.
    pub fn grid(&mut self, items: &[Picture], cell: (f32, f32, f32)) {
        let (cell_w, cell_h, draw_w) = cell;
        let gap = 10.0;
        self.ensure(self.grid_height(items, cell_w, cell_h).min(BOTTOM - TOP));
        for pair in items.chunks(2) {
            let row_h = self.grid_row_height(pair, cell_w, cell_h);
            self.ensure(row_h);
            for (i, picture) in pair.iter().enumerate() {
                let x = MARGIN + i as f32 * (cell_w + gap);
                self.canvas.image(picture.image, x, self.y, draw_w, cell_h);
                for (l, line) in self
                    .caption_lines(&picture.caption, cell_w)
                    .iter()
                    .enumerate()
                {
                    let y = self.y + cell_h + 10.0 + l as f32 * CAPTION_LINE;
                    self.canvas
                        .text(x, y, FontKind::Regular, BODY - 1.0, GREY, line);
                }
            }
            self.y += row_h;
        }
    }

    /// Points that must fit below a heading for `block` to start on the same page: its
    /// first field, table header and row, two lines of text, or its pictures.
    pub fn keep_height(&self, block: &Block, pictures: f32) -> f32 {
        match block {
            Block::Fields(fields) => fields.first().map_or(0.0, |f| self.field_height(f)),
            Block::Table {
                headers,
                rows,
                mono_columns,
            } => {
                let first: Vec<Vec<String>> = rows.iter().take(1).cloned().collect();
                self.table_keep_height(headers, &first, mono_columns)
            }
            Block::Paragraphs(paragraphs) => paragraphs.first().map_or(0.0, |p| {
                let lines = self.paragraph_lines(p, FontKind::Regular, BODY).len();
                lines.min(KEEP_LINES) as f32 * (BODY + 3.0)
            }),
            Block::Figures | Block::ToolMaps(_) => pictures,
        }
    }

    /// Height of a paragraphs block as drawn.
    pub fn paragraphs_height(&self, paragraphs: &[String]) -> f32 {
        paragraphs
            .iter()
            .map(|p| {
                self.paragraph_lines(p, FontKind::Regular, BODY).len() as f32 * (BODY + 3.0) + 3.0
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(n: usize) -> Block {
        Block::Fields(
            (0..n)
                .map(|i| Field {
                    label: format!("label {i}"),
                    value: format!("value {i}"),
                    mono: false,
                })
                .collect(),
        )
    }

    #[test]
    fn a_heading_at_the_foot_of_a_page_moves_to_the_next_with_its_content() {
        let mut flow = Flow::new();
        let block = fields(3);
        // Room for the heading alone, not for the heading and a first field.
        flow.y = BOTTOM - HEADING - 5.0;
        let keep = flow.keep_height(&block, 0.0);
        assert!(keep > 5.0, "{keep}");
        flow.heading("Evidence", keep);
        let Block::Fields(f) = &block else {
            unreachable!()
        };
        let before = flow.page();
        flow.fields(f);
        assert_eq!(flow.headings, vec![("Evidence".to_string(), 1, TOP)]);
        assert_eq!(before, 1, "the fields start on the heading's page");
        assert_eq!(flow.canvas.page_count(), 2);

        // With room for both, the heading stays.
        let mut flow = Flow::new();
        flow.y = BOTTOM - HEADING - keep - 1.0;
        flow.heading("Evidence", keep);
        assert_eq!(flow.headings[0].1, 0);
    }

    #[test]
    fn a_table_breaks_between_rows_and_repeats_its_header() {
        let mut flow = Flow::new();
        flow.y = BOTTOM - 40.0;
        let rows: Vec<Vec<String>> = (0..10).map(|i| vec![format!("r{i}"), "x".into()]).collect();
        flow.table(&["a".into(), "b".into()], &rows, &[]);
        assert_eq!(flow.canvas.page_count(), 2);
        // One-line rows of 12.5 pt: the header and two rows fit above the foot; page 2
        // holds the header again and the other eight rows, then 6 pt after the table.
        let row = BODY + 4.0;
        assert!(
            (flow.y - (TOP + 9.0 * row + 6.0)).abs() < 1e-3,
            "{}",
            flow.y
        );
    }

    #[test]
    fn a_picture_never_parts_from_its_caption() {
        let mut flow = Flow::new();
        let image = flow.canvas.add_image(image::RgbImage::new(4, 4));
        let pictures: Vec<Picture> = ["left", "right"]
            .iter()
            .map(|caption| Picture {
                caption: caption.to_string(),
                image,
            })
            .collect();
        let (cell_w, cell_h) = (200.0, 100.0);
        // Room for the pictures, not for their captions.
        flow.y = BOTTOM - cell_h - 5.0;
        flow.grid(&pictures, (cell_w, cell_h, cell_w));
        assert_eq!(flow.canvas.page_count(), 2);
        let row = flow.grid_height(&pictures, cell_w, cell_h);
        assert!((flow.y - (TOP + row)).abs() < 1e-3, "{}", flow.y);
    }
}
