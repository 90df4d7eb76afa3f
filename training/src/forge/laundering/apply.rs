//! Applying steps and chains to an image and its mask: JPEG (on a shifted grid), WebP
//! through libwebp, resize, blur, noise; the last encoding's bytes are kept.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::{self, FilterType};
use image::{GrayImage, ImageFormat, RgbImage};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use super::step::{Chain, LaunderingError, Step};

/// An image after processing: its pixels, its mask moved with it, and, when the last step
/// was an encoding, the encoded bytes (what is written to disk).
#[derive(Debug, Clone)]
pub struct Processed {
    pub image: RgbImage,
    pub mask: Option<GrayImage>,
    pub encoded: Option<Vec<u8>>,
}

/// Applies one step. Resizing and a shifted JPEG grid move the mask with the image (nearest
/// neighbour, so it stays binary); the other steps leave it as it is.
pub fn apply_step(
    step: &Step,
    image: &RgbImage,
    mask: Option<&GrayImage>,
    seed: u64,
) -> Result<(RgbImage, Option<GrayImage>), LaunderingError> {
    let processed = process(step, image, mask, seed)?;
    Ok((processed.image, processed.mask))
}

fn process(
    step: &Step,
    image: &RgbImage,
    mask: Option<&GrayImage>,
    seed: u64,
) -> Result<Processed, LaunderingError> {
    let (w, h) = image.dimensions();
    Ok(match *step {
        Step::Jpeg { quality, shift } => {
            let (dx, dy) = (u32::from(shift.0).min(w - 1), u32::from(shift.1).min(h - 1));
            let shifted = imageops::crop_imm(image, dx, dy, w - dx, h - dy).to_image();
            let mask = mask.map(|m| imageops::crop_imm(m, dx, dy, w - dx, h - dy).to_image());
            let bytes = encode_jpeg(&shifted, quality)?;
            Processed {
                image: decode(&bytes, ImageFormat::Jpeg, "JPEG")?,
                mask,
                encoded: Some(bytes),
            }
        }
        Step::Webp { quality } => {
            let bytes = encode_webp(image, quality)?;
            Processed {
                image: decode(&bytes, ImageFormat::WebP, "WebP")?,
                mask: mask.cloned(),
                encoded: Some(bytes),
            }
        }
        Step::Resize { factor } => {
            let nw = ((w as f32 * factor).round() as u32).max(1);
            let nh = ((h as f32 * factor).round() as u32).max(1);
            Processed {
                image: imageops::resize(image, nw, nh, FilterType::CatmullRom),
                mask: mask.map(|m| imageops::resize(m, nw, nh, FilterType::Nearest)),
                encoded: None,
            }
        }
        Step::Blur { sigma } => Processed {
            image: imageops::blur(image, sigma),
            mask: mask.cloned(),
            encoded: None,
        },
        Step::Noise { sigma } => Processed {
            image: add_noise(image, sigma, seed),
            mask: mask.cloned(),
            encoded: None,
        },
    })
}

/// Applies a chain; the result's `encoded` holds the last step's bytes when it is an encoding.
pub fn apply_chain(
    chain: &Chain,
    image: &RgbImage,
    mask: Option<&GrayImage>,
    seed: u64,
) -> Result<Processed, LaunderingError> {
    let mut current = Processed {
        image: image.clone(),
        mask: mask.cloned(),
        encoded: None,
    };
    for (i, step) in chain.0.iter().enumerate() {
        current = process(
            step,
            &current.image,
            current.mask.as_ref(),
            seed.wrapping_add(i as u64),
        )?;
    }
    Ok(current)
}

fn encode_jpeg(image: &RgbImage, quality: u8) -> Result<Vec<u8>, LaunderingError> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(image)
        .map_err(|e| LaunderingError::Encode {
            format: "JPEG",
            message: e.to_string(),
        })?;
    Ok(bytes)
}

fn encode_webp(image: &RgbImage, quality: u8) -> Result<Vec<u8>, LaunderingError> {
    // libwebp (the reference encoder): `image` writes lossless WebP only.
    webp::Encoder::from_rgb(image.as_raw(), image.width(), image.height())
        .encode_simple(false, f32::from(quality))
        .map(|memory| memory.to_vec())
        .map_err(|e| LaunderingError::Encode {
            format: "WebP",
            message: format!("{e:?}"),
        })
}

fn decode(
    bytes: &[u8],
    format: ImageFormat,
    name: &'static str,
) -> Result<RgbImage, LaunderingError> {
    image::load(Cursor::new(bytes), format)
        .map(|d| d.into_rgb8())
        .map_err(|e| LaunderingError::Encode {
            format: name,
            message: format!("the encoded image does not decode: {e}"),
        })
}

fn add_noise(image: &RgbImage, sigma: f32, seed: u64) -> RgbImage {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = image.clone();
    for v in out.iter_mut() {
        // Box-Muller: one standard normal from two uniforms in (0, 1].
        let u1: f32 = 1.0 - rng.random::<f32>();
        let u2: f32 = rng.random::<f32>();
        let z = (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos();
        *v = (f32::from(*v) + sigma * z).round().clamp(0.0, 255.0) as u8;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([
                (x * 7 % 256) as u8,
                (y * 5 % 256) as u8,
                ((x + y) % 256) as u8,
            ])
        })
    }

    #[test]
    fn each_step_changes_pixels_and_moves_the_mask_with_the_image() {
        let image = gradient(64, 48);
        let mask = GrayImage::from_fn(64, 48, |x, _| image::Luma([if x < 32 { 255 } else { 0 }]));
        for text in ["jpeg:75", "webp:80", "blur:1", "noise:3"] {
            let (out, m) =
                apply_step(&text.parse().expect("step"), &image, Some(&mask), 1).expect(text);
            assert_eq!(out.dimensions(), (64, 48), "{text}");
            assert_ne!(out, image, "{text} changed nothing");
            assert_eq!(m.as_ref(), Some(&mask), "{text} moved the mask");
        }
        let (out, m) = apply_step(&"resize:0.5".parse().expect("step"), &image, Some(&mask), 1)
            .expect("resize");
        assert_eq!(out.dimensions(), (32, 24));
        let m = m.expect("mask");
        assert_eq!(m.dimensions(), (32, 24));
        assert!(m.pixels().all(|p| p.0[0] == 0 || p.0[0] == 255));
        let (out, m) = apply_step(
            &"jpeg:90@3,2".parse().expect("step"),
            &image,
            Some(&mask),
            1,
        )
        .expect("jpeg");
        assert_eq!(out.dimensions(), (61, 46));
        assert_eq!(m.expect("mask").get_pixel(28, 0).0[0], 255);
    }

    #[test]
    fn a_chain_ending_in_an_encoding_keeps_its_bytes() {
        let image = gradient(40, 40);
        let chain: Chain = "resize:0.5+jpeg:70".parse().expect("chain");
        let out = apply_chain(&chain, &image, None, 0).expect("chain");
        let bytes = out.encoded.expect("jpeg bytes");
        assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
        assert_eq!(chain.storage_format(), ImageFormat::Jpeg);
        let again = image::load_from_memory(&bytes)
            .expect("decodes")
            .into_rgb8();
        assert_eq!(again, out.image);
        let webp = apply_chain(&"webp:70".parse().expect("chain"), &image, None, 0).expect("webp");
        assert_eq!(&webp.encoded.expect("bytes")[8..12], b"WEBP");
    }
}
