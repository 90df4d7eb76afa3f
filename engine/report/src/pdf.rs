//! A small PDF canvas over `pdf-writer` (Typst's PDF writer): A4 pages, text in embedded
//! DejaVu fonts (subset, Identity-H with a ToUnicode map so text can be searched and
//! copied), filled rectangles, lines, RGB images, and file attachments (the report JSON).
//!
//! Why `pdf-writer` and not a higher-level crate: `krilla` (built on `pdf-writer`) was the
//! first choice, but it turns on features of crates that Burn, wgpu and eframe share
//! (`indexmap/std`, `smallvec/write`), which rebuilds all of them; `printpdf` pulls in an
//! HTML layout engine. `pdf-writer` adds four small crates and no feature changes; the
//! layout a report needs (lines, wrapped paragraphs, tables, figures) is in `pdf_layout.rs`.

mod font;
mod write;

use std::collections::BTreeSet;

use forgelens_engine::fonts::{DEJAVU_SANS, DEJAVU_SANS_BOLD, DEJAVU_SANS_MONO};
use image::RgbImage;
use pdf_writer::{Content, Name, Str};

use font::FontFace;

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontKind {
    Regular = 0,
    Bold = 1,
    Mono = 2,
}

/// An attachment embedded in the PDF (shown in viewers' attachment panes).
#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub mime: &'static str,
    pub description: String,
    pub bytes: Vec<u8>,
}

/// Document information written into the PDF.
#[derive(Debug, Clone, Default)]
pub struct DocInfo {
    pub title: String,
    pub author: Option<String>,
    pub subject: String,
    pub creator: String,
    /// UTC `(year, month, day, hour, minute, second)`.
    pub created_utc: Option<(u16, u8, u8, u8, u8, u8)>,
    /// The file identifier (the trailer's `/ID`); derived from the content, so the same
    /// report gives the same bytes.
    pub file_id: [u8; 16],
}

/// Pages being drawn. Coordinates are in points from the page's top-left corner.
pub struct Canvas {
    fonts: [FontFace; 3],
    images: Vec<RgbImage>,
    pages: Vec<(Content, BTreeSet<usize>)>,
    /// The page being drawn on.
    current: usize,
}

impl std::fmt::Debug for Canvas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Canvas")
            .field("pages", &self.pages.len())
            .field("images", &self.images.len())
            .finish()
    }
}

impl Default for Canvas {
    fn default() -> Self {
        Self::new()
    }
}

impl Canvas {
    pub fn new() -> Self {
        Self {
            fonts: [
                FontFace::load("DejaVuSans", DEJAVU_SANS, false),
                FontFace::load("DejaVuSans-Bold", DEJAVU_SANS_BOLD, false),
                FontFace::load("DejaVuSansMono", DEJAVU_SANS_MONO, true),
            ],
            images: Vec::new(),
            pages: Vec::new(),
            current: 0,
        }
    }

    /// Adds a page and draws on it from now on.
    pub fn new_page(&mut self) {
        self.pages.push((Content::new(), BTreeSet::new()));
        self.current = self.pages.len() - 1;
    }

    /// Draws on an earlier page (footers once the page count is known).
    pub fn select_page(&mut self, index: usize) {
        if index < self.pages.len() {
            self.current = index;
        }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn content(&mut self) -> &mut (Content, BTreeSet<usize>) {
        if self.pages.is_empty() {
            self.new_page();
        }
        &mut self.pages[self.current]
    }

    /// Width of `text` in points.
    pub fn text_width(&self, font: FontKind, size: f32, text: &str) -> f32 {
        let face = &self.fonts[font as usize];
        text.chars()
            .map(|c| face.advance(face.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// One line of text with its baseline at `y`.
    pub fn text(&mut self, x: f32, y: f32, font: FontKind, size: f32, rgb: [f32; 3], text: &str) {
        let face = &mut self.fonts[font as usize];
        let mut encoded = Vec::with_capacity(text.len() * 2);
        for c in text.chars().filter(|c| !c.is_control()) {
            let gid = face.glyph(c);
            face.used.entry(gid).or_insert(c);
            encoded.extend_from_slice(&gid.to_be_bytes());
        }
        let name = font_resource(font);
        let (content, _) = self.content();
        content
            .set_fill_rgb(rgb[0], rgb[1], rgb[2])
            .begin_text()
            .set_font(Name(name.as_bytes()), size)
            .next_line(x, PAGE_HEIGHT - y)
            .show(Str(&encoded))
            .end_text();
    }

    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, rgb: [f32; 3]) {
        let (content, _) = self.content();
        content
            .set_fill_rgb(rgb[0], rgb[1], rgb[2])
            .rect(x, PAGE_HEIGHT - y - h, w, h)
            .fill_nonzero();
    }

    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32, rgb: [f32; 3]) {
        let (content, _) = self.content();
        content
            .set_stroke_rgb(rgb[0], rgb[1], rgb[2])
            .set_line_width(width)
            .move_to(from.0, PAGE_HEIGHT - from.1)
            .line_to(to.0, PAGE_HEIGHT - to.1)
            .stroke();
    }

    /// Registers an image; draw it with `image`.
    pub fn add_image(&mut self, image: RgbImage) -> usize {
        self.images.push(image);
        self.images.len() - 1
    }

    /// Draws image `index` into the box with top-left `(x, y)`.
    pub fn image(&mut self, index: usize, x: f32, y: f32, w: f32, h: f32) {
        let (content, images) = self.content();
        images.insert(index);
        content
            .save_state()
            .transform([w, 0.0, 0.0, h, x, PAGE_HEIGHT - y - h])
            .x_object(Name(image_resource(index).as_bytes()))
            .restore_state();
    }
}

fn font_resource(font: FontKind) -> String {
    font_resource_index(font as usize)
}

fn font_resource_index(index: usize) -> String {
    format!("F{index}")
}

fn image_resource(index: usize) -> String {
    format!("Im{index}")
}
