//! A small PDF canvas over `pdf-writer` (Typst's PDF writer): A4 pages, text in embedded
//! DejaVu fonts (subset, Identity-H with a ToUnicode map so text can be searched and
//! copied), filled rectangles, lines, RGB images, and file attachments (the report JSON).
//!
//! Why `pdf-writer` and not a higher-level crate: `krilla` (built on `pdf-writer`) was the
//! first choice, but it turns on features of crates that Burn, wgpu and eframe share
//! (`indexmap/std`, `smallvec/write`), which rebuilds all of them; `printpdf` pulls in an
//! HTML layout engine. `pdf-writer` adds four small crates and no feature changes; the
//! layout a report needs (lines, wrapped paragraphs, tables, figures) is in `pdf_layout.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use forgelens_engine::fonts::{DEJAVU_SANS, DEJAVU_SANS_BOLD, DEJAVU_SANS_MONO};
use image::RgbImage;
use pdf_writer::types::{CidFontType, FontFlags, Predictor, SystemInfo};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::font_subset::subset_truetype;

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontKind {
    Regular = 0,
    Bold = 1,
    Mono = 2,
}

struct FontFace {
    base_name: &'static str,
    data: &'static [u8],
    face: ttf_parser::Face<'static>,
    /// Glyphs used, with the text they stand for (for ToUnicode).
    used: BTreeMap<u16, char>,
    mono: bool,
}

impl FontFace {
    fn load(base_name: &'static str, data: &'static [u8], mono: bool) -> Self {
        let face = ttf_parser::Face::parse(data, 0).expect("the bundled fonts parse");
        Self {
            base_name,
            data,
            face,
            used: BTreeMap::new(),
            mono,
        }
    }

    fn units_per_em(&self) -> f32 {
        f32::from(self.face.units_per_em())
    }

    /// Advance in 1/1000 em, the unit of PDF glyph widths.
    fn advance(&self, gid: u16) -> f32 {
        let advance = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0);
        f32::from(advance) * 1000.0 / self.units_per_em()
    }

    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }
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

    /// The finished PDF file.
    pub fn finish(mut self, info: &DocInfo, attachments: &[Attachment]) -> Vec<u8> {
        if self.pages.is_empty() {
            self.new_page();
        }
        let mut next = 1;
        let mut new_ref = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let catalog_ref = new_ref();
        let pages_ref = new_ref();
        let info_ref = new_ref();
        let font_refs: Vec<Ref> = (0..self.fonts.len()).map(|_| new_ref()).collect();
        let image_refs: Vec<Ref> = (0..self.images.len()).map(|_| new_ref()).collect();
        let page_refs: Vec<(Ref, Ref)> = (0..self.pages.len())
            .map(|_| (new_ref(), new_ref()))
            .collect();
        let attachment_refs: Vec<(Ref, Ref)> =
            attachments.iter().map(|_| (new_ref(), new_ref())).collect();

        let mut pdf = Pdf::new();
        let mut catalog = pdf.catalog(catalog_ref);
        catalog.pages(pages_ref);
        if !attachments.is_empty() {
            let mut names = catalog.names();
            let mut tree = names.embedded_files();
            let mut entries = tree.names();
            // Name trees are sorted by key.
            let mut sorted: Vec<(usize, &Attachment)> = attachments.iter().enumerate().collect();
            sorted.sort_by(|a, b| a.1.name.cmp(&b.1.name));
            for (i, attachment) in sorted {
                entries.insert(Str(attachment.name.as_bytes()), attachment_refs[i].0);
            }
        }
        catalog.finish();
        pdf.pages(pages_ref)
            .kids(page_refs.iter().map(|(page, _)| *page))
            .count(page_refs.len() as i32);

        let mut doc_info = pdf.document_info(info_ref);
        doc_info.title(TextStr(&info.title));
        doc_info.subject(TextStr(&info.subject));
        doc_info.creator(TextStr(&info.creator));
        doc_info.producer(TextStr(&info.creator));
        if let Some(author) = &info.author {
            doc_info.author(TextStr(author));
        }
        if let Some((y, mo, d, h, mi, s)) = info.created_utc {
            doc_info.creation_date(
                Date::new(y)
                    .month(mo)
                    .day(d)
                    .hour(h)
                    .minute(mi)
                    .second(s)
                    .utc_offset_hour(0)
                    .utc_offset_minute(0),
            );
        }
        doc_info.finish();

        let pages = std::mem::take(&mut self.pages);
        for (i, (content, images)) in pages.into_iter().enumerate() {
            let (page_ref, content_ref) = page_refs[i];
            let mut page = pdf.page(page_ref);
            page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
            page.parent(pages_ref);
            page.contents(content_ref);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            for (f, font_ref) in font_refs.iter().enumerate() {
                fonts.pair(Name(font_resource_index(f).as_bytes()), *font_ref);
            }
            fonts.finish();
            let mut x_objects = resources.x_objects();
            for index in images {
                x_objects.pair(Name(image_resource(index).as_bytes()), image_refs[index]);
            }
            x_objects.finish();
            resources.finish();
            page.finish();
            let data = deflate(&content.finish());
            pdf.stream(content_ref, &data).filter(Filter::FlateDecode);
        }

        for (index, image) in self.images.iter().enumerate() {
            let data = deflate(&paeth_rows(image));
            let mut xobject = pdf.image_xobject(image_refs[index], &data);
            xobject.filter(Filter::FlateDecode);
            xobject
                .decode_parms()
                .predictor(Predictor::PngOptimum)
                .colors(3)
                .bits_per_component(8)
                .columns(image.width() as i32);
            xobject.width(image.width() as i32);
            xobject.height(image.height() as i32);
            xobject.color_space().device_rgb();
            xobject.bits_per_component(8);
            xobject.interpolate(true);
        }

        for (face, &font_ref) in self.fonts.iter().zip(&font_refs) {
            write_font(&mut pdf, face, font_ref, &mut new_ref);
        }

        for (attachment, &(spec_ref, file_ref)) in attachments.iter().zip(&attachment_refs) {
            let mut spec = pdf.file_spec(spec_ref);
            spec.path(Str(attachment.name.as_bytes()));
            spec.unic_file(TextStr(&attachment.name));
            spec.description(TextStr(&attachment.description));
            spec.embedded_file_with_unicode(file_ref);
            spec.finish();
            let data = deflate(&attachment.bytes);
            let mut file = pdf.embedded_file(file_ref, &data);
            file.filter(Filter::FlateDecode);
            file.subtype(Name(attachment.mime.replace('/', "#2F").as_bytes()));
            file.params().size(attachment.bytes.len() as i32);
            file.finish();
        }
        pdf.set_file_id((info.file_id.to_vec(), info.file_id.to_vec()));
        pdf.finish()
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

/// PNG's Paeth filter on every row (a filter-type byte, then residuals), which PDF readers
/// undo with `/Predictor 15`; photographs deflate to about half the size of raw samples.
fn paeth_rows(image: &RgbImage) -> Vec<u8> {
    let stride = 3 * image.width() as usize;
    let raw = image.as_raw();
    let mut out = Vec::with_capacity(raw.len() + image.height() as usize);
    for (y, row) in raw.chunks(stride).enumerate() {
        out.push(4);
        for (i, &x) in row.iter().enumerate() {
            let a = if i >= 3 { row[i - 3] } else { 0 };
            let b = if y > 0 { raw[(y - 1) * stride + i] } else { 0 };
            let c = if y > 0 && i >= 3 {
                raw[(y - 1) * stride + i - 3]
            } else {
                0
            };
            let p = i16::from(a) + i16::from(b) - i16::from(c);
            let (pa, pb, pc) = (
                (p - i16::from(a)).abs(),
                (p - i16::from(b)).abs(),
                (p - i16::from(c)).abs(),
            );
            let predicted = if pa <= pb && pa <= pc {
                a
            } else if pb <= pc {
                b
            } else {
                c
            };
            out.push(x.wrapping_sub(predicted));
        }
    }
    out
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .expect("compressing into memory does not fail")
}

/// A six-letter subset tag from the glyphs used, as PDF requires for subset fonts.
fn subset_tag(used: &BTreeMap<u16, char>) -> String {
    let mut hash: u32 = 2_166_136_261;
    for gid in used.keys() {
        for b in gid.to_be_bytes() {
            hash = (hash ^ u32::from(b)).wrapping_mul(16_777_619);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8))
        .collect()
}

/// Type0 font with an Identity-H encoding over a CIDFontType2 whose CIDs are glyph ids.
fn write_font(pdf: &mut Pdf, face: &FontFace, type0_ref: Ref, new_ref: &mut impl FnMut() -> Ref) {
    let (cid_ref, descriptor_ref, cmap_ref, file_ref) =
        (new_ref(), new_ref(), new_ref(), new_ref());
    let base = format!("{}+{}", subset_tag(&face.used), face.base_name);
    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(type0_ref)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_ref)
        .to_unicode(cmap_ref);

    let mut cid = pdf.cid_font(cid_ref);
    cid.subtype(CidFontType::Type2);
    cid.base_font(Name(base.as_bytes()));
    cid.system_info(system_info);
    cid.font_descriptor(descriptor_ref);
    cid.default_width(0.0);
    cid.cid_to_gid_map_predefined(Name(b"Identity"));
    let mut widths = cid.widths();
    for &gid in face.used.keys() {
        widths.consecutive(gid, [face.advance(gid)]);
    }
    widths.finish();
    cid.finish();

    let scale = 1000.0 / face.units_per_em();
    let bbox = face.face.global_bounding_box();
    let mut flags = FontFlags::NON_SYMBOLIC;
    if face.mono {
        flags |= FontFlags::FIXED_PITCH;
    }
    pdf.font_descriptor(descriptor_ref)
        .name(Name(base.as_bytes()))
        .flags(flags)
        .bbox(Rect::new(
            f32::from(bbox.x_min) * scale,
            f32::from(bbox.y_min) * scale,
            f32::from(bbox.x_max) * scale,
            f32::from(bbox.y_max) * scale,
        ))
        .italic_angle(0.0)
        .ascent(f32::from(face.face.ascender()) * scale)
        .descent(f32::from(face.face.descender()) * scale)
        .cap_height(f32::from(face.face.capital_height().unwrap_or(face.face.ascender())) * scale)
        .stem_v(80.0)
        .font_file2(file_ref);

    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system_info);
    for (&gid, &c) in &face.used {
        cmap.pair(gid, c);
    }
    let cmap = cmap.finish();
    pdf.cmap(cmap_ref, cmap.as_slice());

    let used: BTreeSet<u16> = face.used.keys().copied().collect();
    // A subset the font's tables do not allow still leaves a correct PDF with the whole
    // font embedded; the tests subset the bundled fonts, so this is said, not expected.
    let font = subset_truetype(face.data, &used).unwrap_or_else(|e| {
        log::warn!(
            "{}: cannot subset the font ({e}); embedding it whole",
            face.base_name
        );
        face.data.to_vec()
    });
    let data = deflate(&font);
    pdf.stream(file_ref, &data)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), font.len() as i32);
}
