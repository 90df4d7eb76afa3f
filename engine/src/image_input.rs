//! Decoding evidence images: format sniffed from the bytes (not the extension), size limits
//! checked before pixels are allocated, EXIF orientation applied, and every colour type
//! (grey, alpha, 16-bit, CMYK JPEG, palette) converted to 8-bit RGB. Alpha is dropped, not
//! composited: the colour channels are analysed as stored. Animated files give their first
//! frame. The input bytes are never modified.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};
use serde::{Deserialize, Serialize};

use crate::analysis::InputInfo;
use crate::model::directory::sha256_hex;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ImageLimits {
    /// Largest accepted width x height.
    pub max_pixels: u64,
    /// Largest accepted file.
    pub max_file_bytes: u64,
}

impl Default for ImageLimits {
    fn default() -> Self {
        Self {
            max_pixels: 50_000_000,
            max_file_bytes: 256 * 1024 * 1024,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImageInputError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{name}: the file is empty")]
    Empty { name: String },
    #[error("{name}: {bytes} bytes is over the limit of {limit} bytes")]
    FileTooLarge {
        name: String,
        bytes: u64,
        limit: u64,
    },
    #[error("{name}: not an image in a supported format (PNG, JPEG, TIFF, WebP, GIF, BMP)")]
    UnknownFormat { name: String },
    #[error("{name}: {width}x{height} is {pixels} pixels, over the limit of {limit}")]
    TooManyPixels {
        name: String,
        width: u32,
        height: u32,
        pixels: u64,
        limit: u64,
    },
    #[error("{name}: the image has no pixels ({width}x{height})")]
    ZeroSize {
        name: String,
        width: u32,
        height: u32,
    },
    #[error("{name}: cannot decode the image (corrupt or truncated?): {message}")]
    Decode { name: String, message: String },
}

/// A decoded, upright, 8-bit RGB image and what was learnt about the file.
#[derive(Debug, Clone)]
pub struct DecodedImage {
    pub rgb: RgbImage,
    pub info: InputInfo,
    /// Time spent reading and decoding.
    pub decode_ms: f64,
}

pub fn read_image_file(path: &Path, limits: &ImageLimits) -> Result<DecodedImage, ImageInputError> {
    let start = std::time::Instant::now();
    let name = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|source| ImageInputError::Read {
        path: name.clone(),
        source,
    })?;
    if metadata.len() > limits.max_file_bytes {
        return Err(ImageInputError::FileTooLarge {
            name,
            bytes: metadata.len(),
            limit: limits.max_file_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(|source| ImageInputError::Read {
        path: name.clone(),
        source,
    })?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let mut image = decode_image(&bytes, file_name.as_deref().unwrap_or(&name), limits)?;
    image.decode_ms = start.elapsed().as_secs_f64() * 1000.0;
    Ok(image)
}

pub fn decode_image(
    bytes: &[u8],
    name: &str,
    limits: &ImageLimits,
) -> Result<DecodedImage, ImageInputError> {
    let start = std::time::Instant::now();
    let name_owned = || name.to_string();
    if bytes.is_empty() {
        return Err(ImageInputError::Empty { name: name_owned() });
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(ImageInputError::FileTooLarge {
            name: name_owned(),
            bytes: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    let decode_error = |e: image::ImageError| ImageInputError::Decode {
        name: name_owned(),
        message: e.to_string(),
    };
    let reader = || -> Result<ImageReader<Cursor<&[u8]>>, ImageInputError> {
        let reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| ImageInputError::Decode {
                name: name_owned(),
                message: e.to_string(),
            })?;
        match reader.format() {
            Some(_) => Ok(reader),
            None => Err(ImageInputError::UnknownFormat { name: name_owned() }),
        }
    };
    let format = reader()?
        .format()
        .map(|f| format!("{f:?}"))
        .unwrap_or_default();
    let (width, height) = reader()?.into_dimensions().map_err(decode_error)?;
    if width == 0 || height == 0 {
        return Err(ImageInputError::ZeroSize {
            name: name_owned(),
            width,
            height,
        });
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(ImageInputError::TooManyPixels {
            name: name_owned(),
            width,
            height,
            pixels,
            limit: limits.max_pixels,
        });
    }

    let mut reader = reader()?;
    let mut decoder_limits = image::Limits::default();
    // 16-bit RGBA is the widest we decode to: 8 bytes a pixel, plus headroom for conversion.
    decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(16).max(64 << 20));
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let orientation = decoder.orientation().map_err(decode_error)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    let colour = format!("{:?}", image.color());
    image.apply_orientation(orientation);
    let rgb = image.into_rgb8();
    Ok(DecodedImage {
        info: InputInfo {
            file_name: Some(name.to_string()),
            byte_len: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            format,
            width: rgb.width(),
            height: rgb.height(),
            exif_orientation: orientation.to_exif(),
            colour,
        },
        rgb,
        decode_ms: start.elapsed().as_secs_f64() * 1000.0,
    })
}
