//! The steps and chains in their text form (`jpeg:Q[@DX,DY]`, `webp:Q`, `resize:F`,
//! `blur:S`, `noise:S`, `+`-joined, `none`): parsing, writing back, and the storage format.

use std::fmt;
use std::str::FromStr;

use image::ImageFormat;

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
pub(super) fn round3(v: f32) -> f32 {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
