//! The image file's own metadata, summarised for a report: camera, software, dates and
//! whether GPS is present (EXIF, read with `kamadak-exif` from JPEG, TIFF, PNG, WebP or
//! HEIF), plus the JPEG quality the quantisation tables correspond to.

use std::io::Cursor;

use exif::{Context, Exif, In, Tag, Value};

use super::document::ImageMetadata;
use super::jpeg_quality::estimate_jpeg_quality;

/// Summarises the metadata in `bytes`; a missing or unreadable EXIF block is recorded, not
/// an error.
pub fn image_metadata(bytes: &[u8]) -> ImageMetadata {
    let mut metadata = ImageMetadata {
        jpeg_quality: estimate_jpeg_quality(bytes),
        ..ImageMetadata::default()
    };
    match exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        Ok(exif) => fill_from_exif(&mut metadata, &exif),
        Err(exif::Error::NotFound(_)) => {}
        Err(e) => {
            // Formats kamadak-exif does not read (GIF, BMP) are simply without EXIF.
            let unsupported =
                matches!(&e, exif::Error::InvalidFormat(m) if m.contains("Unknown image format"));
            if !unsupported {
                metadata.exif_error = Some(e.to_string());
            }
        }
    }
    metadata
}

fn fill_from_exif(metadata: &mut ImageMetadata, exif: &Exif) {
    let text = |tag: Tag| -> Option<String> {
        let field = exif.get_field(tag, In::PRIMARY)?;
        let s = match &field.value {
            Value::Ascii(parts) => parts
                .iter()
                .map(|p| {
                    String::from_utf8_lossy(p)
                        .trim_end_matches('\0')
                        .trim()
                        .to_string()
                })
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
            _ => field.display_value().to_string(),
        };
        (!s.is_empty()).then_some(s)
    };
    metadata.exif_present = true;
    metadata.exif_fields = exif.fields().count();
    metadata.camera_make = text(Tag::Make);
    metadata.camera_model = text(Tag::Model);
    metadata.software = text(Tag::Software);
    metadata.date_original = text(Tag::DateTimeOriginal);
    metadata.date_digitized = text(Tag::DateTimeDigitized);
    metadata.date_modified = text(Tag::DateTime);
    metadata.gps_present = exif.fields().any(|f| f.tag.context() == Context::Gps);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_without_exif() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/samples/chelsea.png"
        ))
        .expect("sample");
        let m = image_metadata(&bytes);
        assert!(!m.exif_present);
        assert!(m.exif_error.is_none(), "{:?}", m.exif_error);
        assert!(m.jpeg_quality.is_none());
    }

    #[test]
    fn jpeg_with_orientation_exif() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/images/exif_rotated.jpg"
        ))
        .expect("fixture");
        let m = image_metadata(&bytes);
        assert!(m.exif_present);
        assert!(m.exif_fields >= 1);
        assert!(!m.gps_present);
        let quality = m.jpeg_quality.expect("a JPEG has tables");
        assert_eq!((quality.estimate, quality.standard_tables), (95, true));
    }
}
