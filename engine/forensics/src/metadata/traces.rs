//! Software traces: the names of known editors and image generators, and the JPEG comment
//! and Adobe / Photoshop segments that mark an edit.

use super::{MetadataFindings, SoftwareTrace};
use crate::FileFormat;

/// Names that mark an editor, or an image generator, in software fields.
pub(super) const EDITORS: [&str; 21] = [
    "photoshop",
    "lightroom",
    "gimp",
    "affinity",
    "pixelmator",
    "paint.net",
    "snapseed",
    "canva",
    "picsart",
    "facetune",
    "darktable",
    "rawtherapee",
    "capture one",
    "luminar",
    "imagemagick",
    "graphicsmagick",
    "photopea",
    "krita",
    "corel",
    "acdsee",
    "topaz",
];
pub(super) const GENERATORS: [&str; 10] = [
    "midjourney",
    "dall-e",
    "dall·e",
    "stable diffusion",
    "firefly",
    "imagen",
    "novelai",
    "comfyui",
    "automatic1111",
    "trainedalgorithmicmedia",
];

/// JPEG comment segments and Adobe / Photoshop application segments.
pub(super) fn jpeg_markers(bytes: &[u8], f: &mut MetadataFindings) {
    let structure = crate::structure::parse(bytes, FileFormat::Jpeg);
    for s in &structure.segments {
        if s.name == "COM" {
            let start = s.offset as usize + 4;
            let end = (s.offset + s.size) as usize;
            if let Some(text) = bytes.get(start..end) {
                f.software.push(SoftwareTrace {
                    source: "JPEG comment".into(),
                    value: String::from_utf8_lossy(text).chars().take(300).collect(),
                });
            }
        } else if s.name == "APP13" && s.info.contains("Photoshop") {
            f.editor_markers
                .push("photoshop (APP13 Photoshop resources)".into());
        } else if s.name == "APP14" && s.info.contains("Adobe") {
            f.editor_markers.push("adobe (APP14 Adobe segment)".into());
        }
    }
}
