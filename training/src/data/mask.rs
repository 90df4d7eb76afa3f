//! Ground-truth masks for evaluation: read, binarised (manipulated = true) and brought to
//! the image's size.

use image::imageops;

use super::dataset::MaskRef;

#[derive(Debug, thiserror::Error)]
#[error("mask {path}: {message}")]
pub struct MaskError {
    pub path: std::path::PathBuf,
    pub message: String,
}

/// `width * height` booleans, row-major, true where the image was manipulated.
pub fn load_mask(mask: &MaskRef, width: u32, height: u32) -> Result<Vec<bool>, MaskError> {
    let err = |message: String| MaskError {
        path: mask.path.clone(),
        message,
    };
    let grey = image::open(&mask.path)
        .map_err(|e| err(e.to_string()))?
        .to_luma8();
    let grey = if grey.dimensions() == (width, height) {
        grey
    } else {
        imageops::resize(&grey, width, height, imageops::FilterType::Nearest)
    };
    Ok(grey
        .pixels()
        .map(|p| (p.0[0] >= 128) == mask.manipulated_is_white)
        .collect())
}
