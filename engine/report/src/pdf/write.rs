//! The finished file: catalog, document information, pages with their resources, images
//! (Paeth-predicted, deflated), fonts and attachments.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use image::RgbImage;
use pdf_writer::types::Predictor;
use pdf_writer::{Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::font::write_font;
use super::{
    Attachment, Canvas, DocInfo, PAGE_HEIGHT, PAGE_WIDTH, font_resource_index, image_resource,
};

impl Canvas {
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

pub(super) fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .expect("compressing into memory does not fail")
}
