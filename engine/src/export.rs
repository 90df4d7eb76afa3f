//! Writes an analysis as files a person can hand on: the summary JSON and, for each map,
//! a greyscale PNG and a colour overlay on the image. Used by `forgelens analyze` and by the
//! app's export. Each file is written atomically.

use std::path::{Path, PathBuf};

use image::RgbImage;

use crate::analysis::Analysis;
use crate::files::{write_atomic, write_png};
use crate::render::{Colormap, map_to_gray, overlay};

/// Writes `<stem>.analysis.json`, `<stem>.<map>.png` and `<stem>.<map>-overlay.png` into
/// `dir` and returns the paths written.
pub fn write_analysis_files(
    analysis: &Analysis,
    image: &RgbImage,
    dir: &Path,
    stem: &str,
    colormap: Colormap,
    opacity: f32,
) -> std::io::Result<Vec<PathBuf>> {
    let file = |suffix: &str| dir.join(format!("{stem}.{suffix}"));
    let mut written = Vec::new();
    for (name, map) in analysis.maps.iter() {
        let grey = file(&format!("{name}.png"));
        write_png(&grey, &map_to_gray(map))?;
        let over = file(&format!("{name}-overlay.png"));
        write_png(&over, &overlay(image, map, colormap, opacity))?;
        written.extend([grey, over]);
    }
    let json = serde_json::to_string_pretty(&analysis.summary()).map_err(std::io::Error::other)?;
    let path = file("analysis.json");
    write_atomic(&path, json.as_bytes())?;
    written.push(path);
    Ok(written)
}
