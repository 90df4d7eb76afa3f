//! A glyph-id-preserving TrueType subsetter for PDF embedding: glyphs the document does not
//! use (and are not parts of used composite glyphs) become empty, layout and naming tables
//! are dropped, and ids stay the same so the PDF can map CIDs to glyphs by identity.
//! Shrinks an embedded DejaVu Sans from 740 KiB to a few KiB per report.

use std::collections::BTreeSet;

/// Tables a PDF viewer's TrueType rasteriser needs (outlines, metrics, hinting programs).
const KEPT_TABLES: [&[u8; 4]; 9] = [
    b"OS/2", b"cvt ", b"fpgm", b"glyf", b"head", b"hhea", b"hmtx", b"maxp", b"prep",
];

#[derive(Debug, thiserror::Error)]
#[error("cannot subset the font: {0}")]
pub struct SubsetError(&'static str);

fn u16_at(data: &[u8], at: usize) -> Result<u16, SubsetError> {
    data.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or(SubsetError("truncated"))
}

fn u32_at(data: &[u8], at: usize) -> Result<u32, SubsetError> {
    data.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or(SubsetError("truncated"))
}

fn table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Result<Option<&'a [u8]>, SubsetError> {
    let count = usize::from(u16_at(font, 4)?);
    for i in 0..count {
        let record = 12 + 16 * i;
        if font.get(record..record + 4) == Some(&tag[..]) {
            let offset = u32_at(font, record + 8)? as usize;
            let len = u32_at(font, record + 12)? as usize;
            return font
                .get(offset..offset + len)
                .map(Some)
                .ok_or(SubsetError("table outside the file"));
        }
    }
    Ok(None)
}

fn required<'a>(font: &'a [u8], tag: &[u8; 4]) -> Result<&'a [u8], SubsetError> {
    table(font, tag)?.ok_or(SubsetError("a required table is missing"))
}

/// The glyph ids referenced by a composite glyph (empty for simple glyphs).
fn components(glyph: &[u8]) -> Result<Vec<u16>, SubsetError> {
    let mut out = Vec::new();
    if glyph.len() < 10 || (u16_at(glyph, 0)? as i16) >= 0 {
        return Ok(out);
    }
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        out.push(u16_at(glyph, at + 2)?);
        at += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
        at += if flags & 0x0008 != 0 {
            2
        } else if flags & 0x0040 != 0 {
            4
        } else if flags & 0x0080 != 0 {
            8
        } else {
            0
        };
        if flags & 0x0020 == 0 {
            return Ok(out);
        }
    }
}

/// Glyph outlines by id, through `loca` (short or long offsets) into `glyf`.
struct Outlines<'a> {
    loca: &'a [u8],
    glyf: &'a [u8],
    long_loca: bool,
}

impl<'a> Outlines<'a> {
    fn offset(&self, gid: usize) -> Result<usize, SubsetError> {
        Ok(if self.long_loca {
            u32_at(self.loca, 4 * gid)? as usize
        } else {
            2 * usize::from(u16_at(self.loca, 2 * gid)?)
        })
    }

    fn glyph(&self, gid: usize) -> Result<&'a [u8], SubsetError> {
        self.glyf
            .get(self.offset(gid)?..self.offset(gid + 1)?)
            .ok_or(SubsetError("glyph outside glyf"))
    }
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// A TrueType font with only `used` glyphs (plus `.notdef` and composite parts) kept.
pub fn subset_truetype(font: &[u8], used: &BTreeSet<u16>) -> Result<Vec<u8>, SubsetError> {
    let head = required(font, b"head")?;
    let maxp = required(font, b"maxp")?;
    let loca = required(font, b"loca")?;
    let glyf = required(font, b"glyf")?;
    let glyph_count = usize::from(u16_at(maxp, 4)?);
    let outlines = Outlines {
        loca,
        glyf,
        long_loca: u16_at(head, 50)? == 1,
    };
    let glyph = |gid: usize| outlines.glyph(gid);

    // Close the set over composite glyphs' parts.
    let mut keep: BTreeSet<u16> = used
        .iter()
        .copied()
        .filter(|&g| usize::from(g) < glyph_count)
        .collect();
    keep.insert(0);
    let mut stack: Vec<u16> = keep.iter().copied().collect();
    while let Some(gid) = stack.pop() {
        for part in components(glyph(usize::from(gid))?)? {
            if usize::from(part) < glyph_count && keep.insert(part) {
                stack.push(part);
            }
        }
    }

    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (glyph_count + 1));
    for gid in 0..glyph_count {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if keep.contains(&(gid as u16)) {
            new_glyf.extend_from_slice(glyph(gid)?);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    let mut new_head = head.to_vec();
    new_head[50..52].copy_from_slice(&1u16.to_be_bytes()); // long loca offsets
    new_head[8..12].copy_from_slice(&[0; 4]); // checkSumAdjustment, set below

    let mut tables: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"glyf", new_glyf),
        (*b"head", new_head),
        (*b"loca", new_loca),
    ];
    for tag in KEPT_TABLES {
        if !tables.iter().any(|(t, _)| t == tag)
            && let Some(data) = table(font, tag)?
        {
            tables.push((*tag, data.to_vec()));
        }
    }
    tables.sort_by_key(|table| table.0);

    let count = tables.len() as u16;
    let power = 1u16 << (15 - count.leading_zeros());
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&(power * 16).to_be_bytes());
    out.extend_from_slice(&(power.trailing_zeros() as u16).to_be_bytes());
    out.extend_from_slice(&((count - power) * 16).to_be_bytes());
    let mut data_offset = 12 + 16 * tables.len();
    let mut head_offset = 0;
    for (tag, data) in &tables {
        if tag == b"head" {
            head_offset = data_offset;
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(data_offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        data_offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in &tables {
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
    out[head_offset + 8..head_offset + 12].copy_from_slice(&adjustment.to_be_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_font_subsets_for_latin_text() {
        // The PDF falls back to embedding a whole font when subsetting fails; with the
        // bundled fonts and the text reports hold, it must never have to.
        use forgelens_engine::fonts::{DEJAVU_SANS, DEJAVU_SANS_BOLD, DEJAVU_SANS_MONO};
        let text: String = (' '..='~')
            .chain('\u{a0}'..='\u{17f}')
            .chain("–—‘’“”•…≤≥×µ±→".chars())
            .collect();
        for font in [DEJAVU_SANS, DEJAVU_SANS_BOLD, DEJAVU_SANS_MONO] {
            let face = ttf_parser::Face::parse(font, 0).expect("font");
            let used: BTreeSet<u16> = text
                .chars()
                .filter_map(|c| face.glyph_index(c))
                .map(|g| g.0)
                .collect();
            assert!(used.len() > 300, "{} glyphs", used.len());
            let subset = subset_truetype(font, &used).expect("the bundled font subsets");
            ttf_parser::Face::parse(&subset, 0).expect("the subset parses");
        }
    }

    #[test]
    fn subset_keeps_used_outlines_and_ids() {
        let font = forgelens_engine::fonts::DEJAVU_SANS;
        let face = ttf_parser::Face::parse(font, 0).expect("font");
        let used: BTreeSet<u16> = "Report é"
            .chars()
            .filter_map(|c| face.glyph_index(c))
            .map(|g| g.0)
            .collect();
        let subset = subset_truetype(font, &used).expect("subset");
        assert!(subset.len() < font.len() / 4, "{} bytes", subset.len());
        let small = ttf_parser::Face::parse(&subset, 0).expect("the subset parses");
        assert_eq!(small.number_of_glyphs(), face.number_of_glyphs());
        let mut bbox = Bbox;
        for &gid in &used {
            let id = ttf_parser::GlyphId(gid);
            assert_eq!(small.glyph_hor_advance(id), face.glyph_hor_advance(id));
            if face.outline_glyph(id, &mut bbox).is_some() {
                assert!(
                    small.outline_glyph(id, &mut bbox).is_some(),
                    "glyph {gid} kept"
                );
            }
        }
        let unused = face.glyph_index('Z').expect("Z").0;
        assert!(
            small
                .outline_glyph(ttf_parser::GlyphId(unused), &mut bbox)
                .is_none()
        );
    }

    struct Bbox;
    impl ttf_parser::OutlineBuilder for Bbox {
        fn move_to(&mut self, _: f32, _: f32) {}
        fn line_to(&mut self, _: f32, _: f32) {}
        fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
        fn close(&mut self) {}
    }
}
