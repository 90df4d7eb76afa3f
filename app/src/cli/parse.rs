//! Value parsers for flags that clap's built-in ones do not cover: ranges it cannot
//! express, and names parsed by the engine's types. Each refuses, never clamps.

use forgelens_engine::DeviceChoice;
use forgelens_engine::model::Preset;
use forgelens_report::ReportFormat;

/// Tile overlap: a number from 0 to 0.9, refused (not clamped) outside.
pub(super) fn parse_overlap(s: &str) -> Result<f32, String> {
    let v: f32 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=0.9).contains(&v) {
        Ok(v)
    } else {
        Err(format!("the overlap must be from 0 to 0.9, not {v}"))
    }
}

/// Image size limit in megapixels: above 0, at most 1000.
pub(super) fn parse_megapixels(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if v > 0.0 && v <= 1000.0 {
        Ok(v)
    } else {
        Err(format!(
            "the megapixel limit must be above 0 and at most 1000, not {v}"
        ))
    }
}

pub(super) fn parse_device(s: &str) -> Result<DeviceChoice, String> {
    s.parse()
}

pub(super) fn parse_preset(s: &str) -> Result<Preset, String> {
    s.parse()
}

/// A probability or share in 0..=1.
pub(super) fn parse_share(text: &str) -> Result<f32, String> {
    let v: f32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 1"))
    }
}

pub(super) fn parse_report_format(s: &str) -> Result<ReportFormat, String> {
    s.parse()
}

pub(super) fn parse_tool(s: &str) -> Result<forgelens_forensics::Tool, String> {
    s.parse()
}

pub(super) fn parse_positive(text: &str) -> Result<f32, String> {
    let v: f32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(format!("{v} is not a positive number"))
    }
}

pub(super) fn parse_positive_f64(text: &str) -> Result<f64, String> {
    parse_positive(text).map(f64::from)
}

pub(super) fn parse_min_offset(text: &str) -> Result<f32, String> {
    let v = parse_positive(text)?;
    if v >= 1.0 {
        Ok(v)
    } else {
        Err(format!("{v} is below 1 pixel"))
    }
}

pub(super) fn parse_noise_block(text: &str) -> Result<u32, String> {
    let v: u32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    if (8..=512).contains(&v) && v.is_multiple_of(2) {
        Ok(v)
    } else {
        Err(format!("{v} is not an even number from 8 to 512"))
    }
}

/// `LOW-HIGH`, two JPEG qualities with 1 <= LOW <= HIGH <= 100.
pub(super) fn parse_quality_range(text: &str) -> Result<(u8, u8), String> {
    let (low, high) = text
        .split_once('-')
        .ok_or_else(|| format!("`{text}` is not LOW-HIGH (e.g. 30-95)"))?;
    let parse = |t: &str| -> Result<u8, String> {
        t.trim()
            .parse::<u8>()
            .ok()
            .filter(|q| (1..=100).contains(q))
            .ok_or_else(|| format!("`{t}` is not a JPEG quality from 1 to 100"))
    };
    let (low, high) = (parse(low)?, parse(high)?);
    if low > high {
        return Err(format!("{low} is above {high}"));
    }
    Ok((low, high))
}
