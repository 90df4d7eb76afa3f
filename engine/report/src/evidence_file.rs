//! The evidence file, read once: its exact bytes (the report's hashes are of these) and the
//! image decoded from them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use forgelens_engine::image_input::{DecodedImage, ImageInputError, ImageLimits, decode_image};

/// The evidence as read once: its exact bytes and the image decoded from them.
#[derive(Debug, Clone)]
pub struct EvidenceFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub image: DecodedImage,
}

/// Reads and decodes `path` (size limits checked before reading and before decoding). The
/// hashes in the report are of exactly these bytes.
pub fn read_evidence(path: &Path, limits: &ImageLimits) -> Result<EvidenceFile, ImageInputError> {
    let start = Instant::now();
    let name = path.display().to_string();
    let read_error = |source| ImageInputError::Read {
        path: name.clone(),
        source,
    };
    let len = std::fs::metadata(path).map_err(read_error)?.len();
    if len > limits.max_file_bytes {
        return Err(ImageInputError::FileTooLarge {
            name,
            bytes: len,
            limit: limits.max_file_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.clone());
    let mut image = decode_image(&bytes, &file_name, limits)?;
    image.decode_ms = start.elapsed().as_secs_f64() * 1000.0;
    Ok(EvidenceFile {
        path: path.to_path_buf(),
        bytes,
        image,
    })
}
