//! Identifying the evidence: SHA-256 and MD5 of the exact file bytes, SHA-256 of the decoded
//! pixels, and what the file says about itself. Reads only; the file is never written.

use md5::Md5;
use sha2::{Digest, Sha256};

use super::document::Evidence;
use super::metadata::image_metadata;
use crate::image_input::DecodedImage;

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// SHA-256 of the decoded image as 8-bit RGB, row-major, no header: what a person gets from
/// `hashlib.sha256(numpy.asarray(PIL.ImageOps.exif_transpose(img).convert("RGB")).tobytes())`
/// when the decoders agree.
pub fn pixels_sha256(image: &DecodedImage) -> String {
    sha256_hex(image.rgb.as_raw())
}

/// The evidence record for `bytes`, which `image` was decoded from.
pub fn identify_evidence(bytes: &[u8], image: &DecodedImage, path: Option<String>) -> Evidence {
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
        metadata: image_metadata(bytes),
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
}
