//! A tool's findings in one line, as `forgelens inspect` prints them and the app's toolbox
//! shows them.

use forgelens_forensics::Findings;

/// The headline finding of one tool.
pub fn headline(findings: &Findings) -> String {
    match findings {
        Findings::Ela(f) => format!(
            "quality {}: mean difference {:.2}, 99th percentile {:.1} levels",
            f.quality, f.mean_difference, f.p99_difference
        ),
        Findings::Noise(f) => format!(
            "median noise {:.2} levels, {:.1}% of blocks over 3 sigmas",
            f.median_level,
            100.0 * f.outlier_share
        ),
        Findings::Jpeg(f) => f.notes.join("; "),
        Findings::Ghosts(f) => match f.ghost_quality {
            Some((q, share)) => format!(
                "ghosts in {:.1}% of the regions, most at quality {q} ({:.1}%)",
                100.0 * f.ghost_share,
                100.0 * share
            ),
            None => "no JPEG ghost".into(),
        },
        Findings::CopyMove(f) => f.notes.join("; "),
        Findings::Metadata(f) => {
            let mut parts = Vec::new();
            if let Some(c) = &f.camera {
                parts.push(c.clone());
            }
            parts.push(format!("{} EXIF fields", f.exif.len()));
            if f.xmp.is_some() {
                parts.push("XMP".into());
            }
            if let Some(g) = &f.gps {
                parts.push(format!("GPS {}", g.text));
            }
            parts.extend(f.notes.iter().cloned());
            parts.join("; ")
        }
        Findings::Structure(f) => {
            let mut s = format!("{} segments", f.segments.len());
            for w in &f.warnings {
                s.push_str(&format!("; {w}"));
            }
            s
        }
        Findings::C2pa(f) => f.summary.clone(),
        Findings::Gradient(f) => format!("mean gradient {:.2} levels/pixel", f.mean_magnitude),
        Findings::Pca(f) => format!(
            "first component explains {:.1}%",
            100.0 * f.components.first().map_or(0.0, |c| c.explained_share)
        ),
        Findings::Histogram(f) => format!(
            "{:.2}% clipped shadows, {:.2}% clipped highlights",
            100.0 * f.clipped_shadow_share,
            100.0 * f.clipped_highlight_share
        ),
    }
}
