//! Real-world conditions: the processing an image meets between camera and analyst (JPEG
//! re-encoding, sometimes twice on a shifted 8x8 grid, WebP, resizing, slight blur and
//! noise). The forge applies a random chain to every class alike, so that compression is never
//! the label; `eval --perturb` applies one step to a whole split.
//!
//! A step is written `jpeg:Q`, `jpeg:Q@DX,DY` (the image first loses DX columns and DY rows
//! at its top-left, so the new 8x8 grid is shifted against the old one), `webp:Q`,
//! `resize:F`, `blur:SIGMA` (Gaussian, pixels) or `noise:SIGMA` (Gaussian, grey levels); a
//! chain joins steps with `+`; `none` is the empty chain.

use std::fmt;
use std::io::Cursor;
use std::str::FromStr;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::{self, FilterType};
use image::{GrayImage, ImageFormat, RgbImage};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// One processing step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// JPEG at `quality` (1-100), after cropping `shift` = (columns, rows) off the top-left.
    Jpeg { quality: u8, shift: (u8, u8) },
    /// Lossy WebP at `quality` (1-100).
    Webp { quality: u8 },
    /// Resize by `factor` (Catmull-Rom).
    Resize { factor: f32 },
    /// Gaussian blur of `sigma` pixels.
    Blur { sigma: f32 },
    /// Additive Gaussian noise of `sigma` grey levels.
    Noise { sigma: f32 },
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum LaunderingError {
    #[error(
        "`{0}` is not a processing step (expected jpeg:Q, jpeg:Q@DX,DY, webp:Q, resize:F, blur:SIGMA or noise:SIGMA)"
    )]
    Syntax(String),
    #[error("`{step}`: {what}")]
    OutOfRange { step: String, what: &'static str },
    #[error("encoding {format} failed: {message}")]
    Encode {
        format: &'static str,
        message: String,
    },
}

impl FromStr for Step {
    type Err = LaunderingError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let syntax = || LaunderingError::Syntax(text.to_string());
        let range = |what| LaunderingError::OutOfRange {
            step: text.to_string(),
            what,
        };
        let (kind, value) = text.trim().split_once(':').ok_or_else(syntax)?;
        let number = |v: &str| v.trim().parse::<f32>().map_err(|_| syntax());
        let quality = |v: &str| -> Result<u8, LaunderingError> {
            let q = v.trim().parse::<u8>().map_err(|_| syntax())?;
            if (1..=100).contains(&q) {
                Ok(q)
            } else {
                Err(range("the quality must be 1-100"))
            }
        };
        let step = match kind.trim().to_ascii_lowercase().as_str() {
            "jpeg" | "jpg" => {
                let (q, shift) = match value.split_once('@') {
                    None => (quality(value)?, (0, 0)),
                    Some((q, shift)) => {
                        let (dx, dy) = shift.split_once(',').ok_or_else(syntax)?;
                        let cell = |v: &str| -> Result<u8, LaunderingError> {
                            let d = v.trim().parse::<u8>().map_err(|_| syntax())?;
                            if d < 8 {
                                Ok(d)
                            } else {
                                Err(range("a grid shift is 0-7 pixels"))
                            }
                        };
                        (quality(q)?, (cell(dx)?, cell(dy)?))
                    }
                };
                Step::Jpeg { quality: q, shift }
            }
            "webp" => Step::Webp {
                quality: quality(value)?,
            },
            "resize" => {
                let factor = number(value)?;
                if !(0.05..=4.0).contains(&factor) {
                    return Err(range("a resize factor is 0.05-4"));
                }
                Step::Resize { factor }
            }
            "blur" => {
                let sigma = number(value)?;
                if !(sigma > 0.0 && sigma <= 10.0) {
                    return Err(range("a blur sigma is above 0 and at most 10 pixels"));
                }
                Step::Blur { sigma }
            }
            "noise" => {
                let sigma = number(value)?;
                if !(sigma > 0.0 && sigma <= 50.0) {
                    return Err(range("a noise sigma is above 0 and at most 50 grey levels"));
                }
                Step::Noise { sigma }
            }
            _ => return Err(syntax()),
        };
        Ok(step)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Step::Jpeg {
                quality,
                shift: (0, 0),
            } => write!(f, "jpeg:{quality}"),
            Step::Jpeg {
                quality,
                shift: (dx, dy),
            } => write!(f, "jpeg:{quality}@{dx},{dy}"),
            Step::Webp { quality } => write!(f, "webp:{quality}"),
            Step::Resize { factor } => write!(f, "resize:{}", round3(factor)),
            Step::Blur { sigma } => write!(f, "blur:{}", round3(sigma)),
            Step::Noise { sigma } => write!(f, "noise:{}", round3(sigma)),
        }
    }
}

/// Three decimals, so that a recorded chain parses back to the values that were applied.
fn round3(v: f32) -> f32 {
    (v * 1000.0).round() / 1000.0
}

/// A chain of steps, applied in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chain(pub Vec<Step>);

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        let parts: Vec<String> = self.0.iter().map(Step::to_string).collect();
        f.write_str(&parts.join("+"))
    }
}

impl FromStr for Chain {
    type Err = LaunderingError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.is_empty() || text == "none" {
            return Ok(Chain::default());
        }
        text.split('+')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map(Chain)
    }
}

impl Chain {
    /// The file format the chain's result is best stored in: the format of its last step
    /// when that step is an encoding (its bytes are what an analyst would receive), else PNG.
    pub fn storage_format(&self) -> ImageFormat {
        match self.0.last() {
            Some(Step::Jpeg { .. }) => ImageFormat::Jpeg,
            Some(Step::Webp { .. }) => ImageFormat::WebP,
            _ => ImageFormat::Png,
        }
    }
}

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

/// How often each step is drawn for a forge sample; every class draws from the same
/// distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunderingConfig {
    /// Off: samples are stored as PNG, untouched (the forge's v1 behaviour).
    pub enabled: bool,
    pub resize: f32,
    /// Factors drawn uniformly from this range.
    pub resize_range: (f32, f32),
    pub blur: f32,
    pub noise: f32,
    /// Probability of a final JPEG; otherwise WebP with `webp`, else none.
    pub jpeg: f32,
    pub jpeg_quality: (u8, u8),
    /// Given a JPEG, probability that a first JPEG on another grid came before it.
    pub double_jpeg: f32,
    pub webp: f32,
}

impl Default for LaunderingConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            resize: 0.3,
            resize_range: (0.5, 1.5),
            blur: 0.1,
            noise: 0.1,
            jpeg: 0.6,
            jpeg_quality: (50, 100),
            double_jpeg: 0.3,
            webp: 0.15,
        }
    }
}

impl LaunderingConfig {
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// Draws a chain: resize, blur and noise (each with its probability), then a JPEG
    /// (sometimes preceded by another on a shifted grid) or a WebP or no encoding.
    pub fn draw(&self, rng: &mut impl rand::Rng) -> Chain {
        let mut steps = Vec::new();
        // Every draw happens whether or not the step is kept, so one choice never shifts
        // the random sequence of the others.
        let (p_resize, factor): (f32, f32) = (rng.random(), rng.random());
        let (p_blur, sigma_blur): (f32, f32) = (rng.random(), rng.random());
        let (p_noise, sigma_noise): (f32, f32) = (rng.random(), rng.random());
        let (p_codec, p_double): (f32, f32) = (rng.random(), rng.random());
        let (q1, q2, q_webp): (f32, f32, f32) = (rng.random(), rng.random(), rng.random());
        let (dx, dy): (u8, u8) = (rng.random_range(1..8), rng.random_range(0..8));
        if !self.enabled {
            return Chain::default();
        }
        if p_resize < self.resize {
            let (lo, hi) = self.resize_range;
            steps.push(Step::Resize {
                factor: round3(lo + factor * (hi - lo)),
            });
        }
        if p_blur < self.blur {
            steps.push(Step::Blur {
                sigma: round3(0.3 + 0.7 * sigma_blur),
            });
        }
        if p_noise < self.noise {
            steps.push(Step::Noise {
                sigma: round3(1.0 + 2.0 * sigma_noise),
            });
        }
        let quality = |u: f32| {
            let (lo, hi) = self.jpeg_quality;
            (f32::from(lo) + u * f32::from(hi - lo)).round() as u8
        };
        if p_codec < self.jpeg {
            if p_double < self.double_jpeg {
                steps.push(Step::Jpeg {
                    quality: quality(q1),
                    shift: (0, 0),
                });
                steps.push(Step::Jpeg {
                    quality: quality(q2),
                    shift: (dx, dy),
                });
            } else {
                steps.push(Step::Jpeg {
                    quality: quality(q1),
                    shift: (0, 0),
                });
            }
        } else if p_codec < self.jpeg + self.webp {
            steps.push(Step::Webp {
                quality: (60.0 + 40.0 * q_webp).round() as u8,
            });
        }
        Chain(steps)
    }
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
    fn steps_and_chains_round_trip_through_text() {
        for text in [
            "jpeg:75",
            "jpeg:64@3,5",
            "webp:80",
            "resize:0.5",
            "blur:1",
            "noise:2.5",
        ] {
            let step: Step = text.parse().expect(text);
            assert_eq!(step.to_string(), text);
        }
        let chain: Chain = "resize:0.75+jpeg:90+jpeg:60@1,0".parse().expect("chain");
        assert_eq!(chain.0.len(), 3);
        assert_eq!(chain.to_string(), "resize:0.75+jpeg:90+jpeg:60@1,0");
        assert_eq!("none".parse::<Chain>().expect("none"), Chain::default());
        assert_eq!(Chain::default().to_string(), "none");
        for bad in [
            "jpeg",
            "jpeg:0",
            "jpeg:101",
            "jpeg:50@8,0",
            "resize:9",
            "blur:0",
            "x:1",
        ] {
            assert!(bad.parse::<Step>().is_err(), "{bad} parsed");
        }
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

    #[test]
    fn drawn_chains_are_deterministic_and_use_every_step() {
        let config = LaunderingConfig::default();
        let draw = |seed| config.draw(&mut ChaCha8Rng::seed_from_u64(seed));
        assert_eq!(draw(3), draw(3));
        let text: String = (0..400).map(|s| draw(s).to_string() + " ").collect();
        for kind in ["resize:", "blur:", "noise:", "jpeg:", "webp:", "@", "none"] {
            assert!(text.contains(kind), "{kind} never drawn");
        }
        let off = LaunderingConfig::disabled();
        assert_eq!(
            off.draw(&mut ChaCha8Rng::seed_from_u64(1)),
            Chain::default()
        );
    }
}
