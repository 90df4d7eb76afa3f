//! Writes an analysis as files a person can hand on: the summary JSON and, for each map,
//! a greyscale PNG and a colour overlay on the image. Used by `forgelens analyze` and by the
//! app's export. Each file is written atomically; the maps are drawn and compressed on a
//! thread each.

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
    // One thread per map: drawing and PNG compression are the export's cost.
    let per_map: Vec<std::io::Result<[PathBuf; 2]>> = std::thread::scope(|scope| {
        let jobs = analysis.maps.iter().map(|(name, map)| {
            let (grey, over) = (
                file(&format!("{name}.png")),
                file(&format!("{name}-overlay.png")),
            );
            scope.spawn(move || {
                write_png(&grey, &map_to_gray(map))?;
                write_png(&over, &overlay(image, map, colormap, opacity))?;
                Ok([grey, over])
            })
        });
        jobs.into_iter()
            .map(|job| job.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut written = Vec::new();
    for paths in per_map {
        written.extend(paths?);
    }
    let json = serde_json::to_string_pretty(&analysis.summary()).map_err(std::io::Error::other)?;
    let path = file("analysis.json");
    write_atomic(&path, json.as_bytes())?;
    written.push(path);
    Ok(written)
}
