//! The EXIF thumbnail (IFD1's JPEGInterchangeFormat) decoded and compared with the image as
//! stored: the image is area-averaged to the thumbnail's size (fitted with its aspect ratio
//! and centred, as cameras letterbox), and the mean absolute difference over R, G, B inside
//! the fitted area is the measure. Editors that do not refresh the thumbnail leave the
//! original scene in it.

use exif::{Exif, In, Tag};
use image::RgbImage;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThumbnailComparison {
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// Mean absolute difference to the resized image, levels; `None` if it did not decode.
    pub mean_abs_difference: Option<f32>,
    /// Thumbnail aspect ratio over the image's (1 = same shape).
    pub aspect_ratio: f32,
    pub differs: bool,
    pub note: Option<String>,
}

pub fn compare(exif: &Exif, image: &RgbImage, threshold: f32) -> Option<ThumbnailComparison> {
    let offset = exif
        .get_field(Tag::JPEGInterchangeFormat, In::THUMBNAIL)?
        .value
        .get_uint(0)? as usize;
    let len = exif
        .get_field(Tag::JPEGInterchangeFormatLength, In::THUMBNAIL)?
        .value
        .get_uint(0)? as usize;
    let data = exif.buf().get(offset..offset.checked_add(len)?)?;
    let decoded =
        image::load_from_memory_with_format(data, image::ImageFormat::Jpeg).map(|d| d.into_rgb8());
    let Ok(thumb) = decoded else {
        return Some(ThumbnailComparison {
            width: 0,
            height: 0,
            bytes: len as u64,
            mean_abs_difference: None,
            aspect_ratio: 0.0,
            differs: false,
            note: Some("an EXIF thumbnail is present but does not decode".into()),
        });
    };
    let (tw, th) = thumb.dimensions();
    let (iw, ih) = image.dimensions();
    if tw == 0 || th == 0 || iw == 0 || ih == 0 {
        return None;
    }
    let aspect_ratio = (tw as f32 / th as f32) / (iw as f32 / ih as f32);
    // The image fitted inside the thumbnail's frame, keeping its aspect ratio.
    let scale = (tw as f32 / iw as f32).min(th as f32 / ih as f32);
    let fw = ((iw as f32 * scale).round() as u32).clamp(1, tw);
    let fh = ((ih as f32 * scale).round() as u32).clamp(1, th);
    let (ox, oy) = ((tw - fw) / 2, (th - fh) / 2);
    let small = image::imageops::thumbnail(image, fw, fh);
    let mut sum = 0f64;
    for (x, y, p) in small.enumerate_pixels() {
        let q = thumb.get_pixel(x + ox, y + oy);
        sum += (0..3).map(|c| f64::from(p[c].abs_diff(q[c]))).sum::<f64>() / 3.0;
    }
    let mad = (sum / f64::from(fw * fh)) as f32;
    let differs = mad > threshold;
    let note = if differs {
        Some(format!(
            "the EXIF thumbnail differs from the image (mean absolute difference {mad:.1} \
             levels): the image was changed after the thumbnail was made"
        ))
    } else if (aspect_ratio - 1.0).abs() > 0.05 {
        Some(
            "the EXIF thumbnail's shape differs from the image's (letterboxed by the camera, \
             or the image was cropped)"
                .into(),
        )
    } else {
        None
    };
    Some(ThumbnailComparison {
        width: tw,
        height: th,
        bytes: len as u64,
        mean_abs_difference: Some(mad),
        aspect_ratio,
        differs,
        note,
    })
}
