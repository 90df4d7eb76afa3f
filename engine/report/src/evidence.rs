//! Identifying the evidence: SHA-256 and MD5 of the exact file bytes, SHA-256 of the decoded
//! pixels, and what the file says about itself (the toolbox's metadata reading and JPEG
//! quality, `forgelens_forensics`). Reads only; the file is never written.

use forgelens_forensics::jpeg::tables::{estimate_quality, quantisation_tables};
use forgelens_forensics::metadata::MetadataFindings;
use md5::Md5;
use sha2::Digest;

use super::document::{Evidence, ImageMetadata, JpegQuality};
use forgelens_engine::image_input::DecodedImage;
/// The engine's one SHA-256 (lower-case hex), used by every report and case module.
pub use forgelens_engine::model::directory::sha256_hex;

pub fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// SHA-256 of the decoded image as 8-bit RGB, row-major, no header: what a person gets from
/// `hashlib.sha256(numpy.asarray(PIL.ImageOps.exif_transpose(img).convert("RGB")).tobytes())`
/// when the decoders agree.
pub fn pixels_sha256(image: &DecodedImage) -> String {
    sha256_hex(image.rgb.as_raw())
}

/// The JPEG quality the file's quantisation tables correspond to.
pub fn jpeg_quality(bytes: &[u8]) -> Option<JpegQuality> {
    let tables = quantisation_tables(bytes)?;
    let estimate = estimate_quality(&tables)?;
    Some(JpegQuality {
        estimate: estimate.estimate,
        standard_tables: estimate.standard_tables,
        tables: tables.len(),
    })
}

/// The report's metadata summary of `bytes`, from the metadata tool's findings (`None` when
/// the tool could not run: then only the JPEG quality is known).
pub fn image_metadata(bytes: &[u8], findings: Option<&MetadataFindings>) -> ImageMetadata {
    let mut metadata = ImageMetadata {
        jpeg_quality: jpeg_quality(bytes),
        ..ImageMetadata::default()
    };
    if let Some(f) = findings {
        metadata.exif_present = !f.exif.is_empty();
        metadata.exif_fields = f.exif.len();
        metadata.exif_error = f.exif_error.clone();
        metadata.camera_make = f.camera_make.clone();
        metadata.camera_model = f.camera_model.clone();
        metadata.software = f
            .software
            .iter()
            .find(|t| t.source == "EXIF Software")
            .map(|t| t.value.clone());
        metadata.date_original = f.date_original.clone();
        metadata.date_digitized = f.date_digitized.clone();
        metadata.date_modified = f.date_modified.clone();
        metadata.gps_present = f.exif.iter().any(|e| e.group == "gps");
    }
    metadata
}

/// The evidence record for `bytes`, which `image` was decoded from; `metadata` is the
/// metadata tool's reading of the same bytes.
pub fn identify_evidence(
    bytes: &[u8],
    image: &DecodedImage,
    path: Option<String>,
    metadata: Option<&MetadataFindings>,
) -> Evidence {
    let info = &image.info;
    Evidence {
        file_name: info.file_name.clone(),
        path,
        byte_len: bytes.len() as u64,
        sha256: sha256_hex(bytes),
        md5: md5_hex(bytes),
        pixels_sha256: pixels_sha256(image),
        format: info.format.clone(),
        width: info.width,
        height: info.height,
        exif_orientation: info.exif_orientation,
        colour: info.colour.clone(),
        metadata: image_metadata(bytes, metadata),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        // RFC 1321 and FIPS 180-2 test vectors.
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn metadata_of(path: &str) -> ImageMetadata {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        let evidence =
            forgelens_forensics::Evidence::read(&path, &Default::default()).expect("fixture");
        let output = forgelens_forensics::run(
            forgelens_forensics::Tool::Metadata,
            &evidence,
            &Default::default(),
        )
        .expect("metadata");
        let forgelens_forensics::Findings::Metadata(findings) = output.findings else {
            panic!("metadata findings expected");
        };
        image_metadata(&evidence.bytes, Some(&findings))
    }

    #[test]
    fn png_without_exif() {
        let m = metadata_of("../../assets/samples/chelsea.png");
        assert!(!m.exif_present);
        assert!(m.exif_error.is_none(), "{:?}", m.exif_error);
        assert!(m.jpeg_quality.is_none());
    }

    #[test]
    fn jpeg_with_orientation_exif() {
        let m = metadata_of("../../tests/fixtures/images/exif_rotated.jpg");
        assert!(m.exif_present);
        assert!(m.exif_fields >= 1);
        assert!(!m.gps_present);
        let quality = m.jpeg_quality.expect("a JPEG has tables");
        assert_eq!((quality.estimate, quality.standard_tables), (95, true));
        assert_eq!(quality.tables, 2);
    }
}
