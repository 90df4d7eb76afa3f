//! The evidence a tool sees: the file's bytes, read once, and the pixels decoded from those
//! bytes as stored (not turned upright: the JPEG 8x8 grid lives in stored coordinates), with
//! the EXIF orientation kept beside them. Size limits are checked before pixels are allocated.

use std::io::Cursor;
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, RgbImage};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ForensicsError;

/// A reader positioned on the file's bytes, with the format it was recognised as.
type Probe<'a> = (ImageReader<Cursor<&'a [u8]>>, FileFormat);

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Largest accepted width x height.
    pub max_pixels: u64,
    /// Largest accepted file.
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_pixels: 50_000_000,
            max_file_bytes: 256 * 1024 * 1024,
        }
    }
}

/// The container format, sniffed from the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    Jpeg,
    Png,
    Tiff,
    Webp,
    Gif,
    Bmp,
}

impl FileFormat {
    fn from_image(format: ImageFormat) -> Option<Self> {
        Some(match format {
            ImageFormat::Jpeg => FileFormat::Jpeg,
            ImageFormat::Png => FileFormat::Png,
            ImageFormat::Tiff => FileFormat::Tiff,
            ImageFormat::WebP => FileFormat::Webp,
            ImageFormat::Gif => FileFormat::Gif,
            ImageFormat::Bmp => FileFormat::Bmp,
            _ => return None,
        })
    }

    pub fn mime_type(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "image/jpeg",
            FileFormat::Png => "image/png",
            FileFormat::Tiff => "image/tiff",
            FileFormat::Webp => "image/webp",
            FileFormat::Gif => "image/gif",
            FileFormat::Bmp => "image/bmp",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Evidence {
    /// The file name, for messages.
    pub name: String,
    pub bytes: Vec<u8>,
    pub format: FileFormat,
    /// 8-bit RGB as stored in the file (alpha dropped, grey and 16-bit converted).
    pub rgb: RgbImage,
    /// The EXIF orientation; maps are turned upright with it.
    pub orientation: Orientation,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

impl Evidence {
    /// Reads a file once and decodes it. The file is only read.
    pub fn read(path: &Path, limits: &Limits) -> Result<Self, ForensicsError> {
        let name = path.display().to_string();
        let read_error = |source| ForensicsError::Read {
            path: name.clone(),
            source,
        };
        let len = std::fs::metadata(path).map_err(read_error)?.len();
        if len > limits.max_file_bytes {
            return Err(ForensicsError::FileTooLarge {
                name,
                bytes: len,
                limit: limits.max_file_bytes,
            });
        }
        let bytes = std::fs::read(path).map_err(read_error)?;
        Self::from_bytes(&name, bytes, limits)
    }

    pub fn from_bytes(name: &str, bytes: Vec<u8>, limits: &Limits) -> Result<Self, ForensicsError> {
        let name_owned = || name.to_string();
        if bytes.is_empty() {
            return Err(ForensicsError::Empty { name: name_owned() });
        }
        if bytes.len() as u64 > limits.max_file_bytes {
            return Err(ForensicsError::FileTooLarge {
                name: name_owned(),
                bytes: bytes.len() as u64,
                limit: limits.max_file_bytes,
            });
        }
        let decode_error = |e: image::ImageError| ForensicsError::Decode {
            name: name_owned(),
            message: e.to_string(),
        };
        let reader = || -> Result<Probe, ForensicsError> {
            let reader = ImageReader::new(Cursor::new(bytes.as_slice()))
                .with_guessed_format()
                .map_err(|e| ForensicsError::Decode {
                    name: name_owned(),
                    message: e.to_string(),
                })?;
            match reader.format().and_then(FileFormat::from_image) {
                Some(format) => Ok((reader, format)),
                None => Err(ForensicsError::UnknownFormat { name: name_owned() }),
            }
        };
        let (probe, format) = reader()?;
        let (width, height) = probe.into_dimensions().map_err(decode_error)?;
        if width == 0 || height == 0 {
            return Err(ForensicsError::ZeroSize {
                name: name_owned(),
                width,
                height,
            });
        }
        let pixels = u64::from(width) * u64::from(height);
        if pixels > limits.max_pixels {
            return Err(ForensicsError::TooManyPixels {
                name: name_owned(),
                width,
                height,
                pixels,
                limit: limits.max_pixels,
            });
        }
        let (mut reader, _) = reader()?;
        let mut decoder_limits = image::Limits::default();
        // 16-bit RGBA is the widest decode: 8 bytes a pixel, with headroom for conversion.
        decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(16).max(64 << 20));
        reader.limits(decoder_limits);
        let mut decoder = reader.into_decoder().map_err(decode_error)?;
        let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
        let rgb = DynamicImage::from_decoder(decoder)
            .map_err(decode_error)?
            .into_rgb8();
        let sha256 = hex::encode(Sha256::digest(&bytes));
        Ok(Self {
            name: name_owned(),
            bytes,
            format,
            rgb,
            orientation,
            sha256,
        })
    }

    /// Evidence made from pixels alone (tests, benches): PNG-encoded in memory.
    pub fn from_rgb(name: &str, rgb: &RgbImage) -> Result<Self, ForensicsError> {
        let mut bytes = Vec::new();
        rgb.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .map_err(|e| ForensicsError::Failed {
                tool: "evidence",
                message: format!("PNG encoding failed: {e}"),
            })?;
        Self::from_bytes(name, bytes, &Limits::default())
    }

    pub fn width(&self) -> u32 {
        self.rgb.width()
    }

    pub fn height(&self) -> u32 {
        self.rgb.height()
    }

    /// The EXIF orientation value (1 = upright).
    pub fn exif_orientation(&self) -> u8 {
        self.orientation.to_exif()
    }
}
