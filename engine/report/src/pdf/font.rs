//! The embedded fonts: a bundled DejaVu face with the glyphs used on the pages, written as a
//! subset Type0 / CIDFontType2 font with an Identity-H encoding and a ToUnicode map.

use std::collections::{BTreeMap, BTreeSet};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};

use super::write::deflate;
use crate::font_subset::subset_truetype;

pub(super) struct FontFace {
    pub(super) base_name: &'static str,
    pub(super) data: &'static [u8],
    pub(super) face: ttf_parser::Face<'static>,
    /// Glyphs used, with the text they stand for (for ToUnicode).
    pub(super) used: BTreeMap<u16, char>,
    pub(super) mono: bool,
}

impl FontFace {
    pub(super) fn load(base_name: &'static str, data: &'static [u8], mono: bool) -> Self {
        let face = ttf_parser::Face::parse(data, 0).expect("the bundled fonts parse");
        Self {
            base_name,
            data,
            face,
            used: BTreeMap::new(),
            mono,
        }
    }

    pub(super) fn units_per_em(&self) -> f32 {
        f32::from(self.face.units_per_em())
    }

    /// Advance in 1/1000 em, the unit of PDF glyph widths.
    pub(super) fn advance(&self, gid: u16) -> f32 {
        let advance = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0);
        f32::from(advance) * 1000.0 / self.units_per_em()
    }

    pub(super) fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }
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
pub(super) fn write_font(
    pdf: &mut Pdf,
    face: &FontFace,
    type0_ref: Ref,
    new_ref: &mut impl FnMut() -> Ref,
) {
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
