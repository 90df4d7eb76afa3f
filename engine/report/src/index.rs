//! The index of a batch of reports: one row per image (verdict, probabilities, fused area,
//! SHA-256, the report file, or the error), as `index.csv` and a self-contained
//! `index.html`, both written atomically.

use std::path::{Path, PathBuf};

use super::html::escape;
use forgelens_engine::files::write_atomic;
use forgelens_engine::verdict::percent;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IndexRow {
    /// The image as given.
    pub image: String,
    /// Report file name, relative to the index; empty when the image failed.
    pub report: String,
    /// `real`, `partial`, `full` or `inconclusive` (`Verdict::call`).
    pub verdict: String,
    pub summary: String,
    pub p_real: Option<f32>,
    pub p_partial: Option<f32>,
    pub p_full: Option<f32>,
    /// Share of the fused map at or above its threshold.
    pub fused_area: Option<f32>,
    pub sha256: String,
    pub error: String,
}

fn percentage(v: Option<f32>) -> String {
    v.map(percent).unwrap_or_default()
}

/// Writes `index.csv` and `index.html` into `dir`; returns their paths.
pub fn write_index(dir: &Path, title: &str, rows: &[IndexRow]) -> std::io::Result<[PathBuf; 2]> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    for row in rows {
        csv.serialize(row).map_err(std::io::Error::other)?;
    }
    let csv = csv
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let csv_path = dir.join("index.csv");
    write_atomic(&csv_path, &csv)?;

    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n\
         <style>body {{ font-family: sans-serif; margin: 2rem; font-size: 14px; }} \
         table {{ border-collapse: collapse; }} th, td {{ padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left; }} \
         .mono {{ font-family: monospace; font-size: 0.85em; }} .error {{ color: #b03020; }}</style>\n</head>\n<body>\n\
         <h1>{}</h1>\n<p>{} images, {} failed.</p>\n<table>\n<tr><th>image</th><th>verdict</th><th>real</th>\
         <th>partial</th><th>full</th><th>fused area</th><th>SHA-256</th><th>report</th></tr>\n",
        escape(title),
        escape(title),
        rows.len(),
        rows.iter().filter(|r| !r.error.is_empty()).count()
    );
    for row in rows {
        if row.error.is_empty() {
            html += &format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td class=\"mono\">{}</td><td><a href=\"{}\">{}</a></td></tr>\n",
                escape(&row.image),
                escape(&row.summary),
                percentage(row.p_real),
                percentage(row.p_partial),
                percentage(row.p_full),
                row.fused_area
                    .map(|a| format!("{:.1}%", a * 100.0))
                    .unwrap_or_default(),
                escape(&row.sha256),
                escape(&row.report),
                escape(&row.report)
            );
        } else {
            html += &format!(
                "<tr><td>{}</td><td class=\"error\" colspan=\"7\">{}</td></tr>\n",
                escape(&row.image),
                escape(&row.error)
            );
        }
    }
    html += "</table>\n</body>\n</html>\n";
    let html_path = dir.join("index.html");
    write_atomic(&html_path, html.as_bytes())?;
    Ok([csv_path, html_path])
}
