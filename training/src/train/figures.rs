//! The paper's figures for a run, as data (JSON) and pictures (PNG) in `figures/`:
//! Figure 3, the densities of d1 and d2 per class before and after student training, and
//! Figure 4, a 2-D t-SNE embedding (the `bhtsne` crate) of the classifier's input features
//! coloured by class. Plots are drawn with `plotters` into an RGB buffer and written with
//! `image`, text in egui's bundled Ubuntu font (no system fonts needed).

use std::path::{Path, PathBuf};
use std::sync::Once;

use forgelens_engine::Label;
use forgelens_engine::files::{write_atomic, write_png};
use plotters::prelude::*;
use rand::RngExt;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub const FIGURES_DIR: &str = "figures";
const BINS: usize = 40;
const COLOURS: [RGBColor; 3] = [
    RGBColor(46, 139, 87),
    RGBColor(230, 140, 20),
    RGBColor(200, 40, 60),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub class: String,
    /// Bin centres.
    pub x: Vec<f32>,
    /// Density (integrates to 1 over the bins).
    pub density: Vec<f32>,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DensityFigure {
    /// `before` or `after` student training.
    pub when: String,
    pub d1: Vec<Histogram>,
    pub d2: Vec<Histogram>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingFigure {
    pub method: String,
    pub perplexity: f32,
    pub points: Vec<[f32; 2]>,
    pub labels: Vec<Label>,
}

/// Plot text in the engine's bundled DejaVu Sans (the reports' font), registered once.
pub(crate) fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            forgelens_engine::fonts::DEJAVU_SANS,
        )
        .is_err()
        {
            log::warn!("the bundled font did not load: figures will have no text");
        }
    });
}

/// Per-class histograms of `values` over one shared range.
pub fn histograms(values: &[f32], labels: &[Label]) -> Vec<Histogram> {
    let max = values.iter().copied().fold(0.0f32, f32::max).max(1e-6);
    let width = max / BINS as f32;
    Label::ALL
        .iter()
        .map(|&class| {
            let mut counts = vec![0usize; BINS];
            let mut n = 0;
            for (&v, &l) in values.iter().zip(labels) {
                if l == class {
                    counts[((v / width) as usize).min(BINS - 1)] += 1;
                    n += 1;
                }
            }
            Histogram {
                class: class.name().to_string(),
                x: (0..BINS).map(|i| (i as f32 + 0.5) * width).collect(),
                density: counts
                    .iter()
                    .map(|&c| c as f32 / (n.max(1) as f32 * width))
                    .collect(),
                count: n,
            }
        })
        .collect()
}

fn plot_error(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

fn save_rgb(path: &Path, buffer: Vec<u8>, w: u32, h: u32) -> std::io::Result<()> {
    let image = image::RgbImage::from_raw(w, h, buffer).expect("buffer sized w * h * 3");
    write_png(path, &image)
}

fn draw_histograms(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    title: &str,
    hists: &[Histogram],
) -> Result<(), std::io::Error> {
    let x_max = hists
        .iter()
        .flat_map(|h| h.x.last())
        .fold(0.0f32, |a, &b| a.max(b))
        * 1.03;
    let y_max = hists
        .iter()
        .flat_map(|h| h.density.iter())
        .fold(0.0f32, |a, &b| a.max(b))
        * 1.1;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(0f32..x_max.max(1e-6), 0f32..y_max.max(1e-6))
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc("squared discrepancy")
        .y_desc("density")
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(plot_error)?;
    for (h, colour) in hists.iter().zip(COLOURS) {
        chart
            .draw_series(LineSeries::new(
                h.x.iter().copied().zip(h.density.iter().copied()),
                colour.stroke_width(2),
            ))
            .map_err(plot_error)?
            .label(format!("{} ({})", h.class, h.count))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(plot_error)?;
    Ok(())
}

/// Figure 3 for one moment (`before` / `after` student training).
pub fn write_densities(
    run: &Path,
    when: &str,
    d1: &[f32],
    d2: &[f32],
    labels: &[Label],
) -> std::io::Result<(PathBuf, PathBuf)> {
    register_font();
    let dir = run.join(FIGURES_DIR);
    std::fs::create_dir_all(&dir)?;
    let figure = DensityFigure {
        when: when.to_string(),
        d1: histograms(d1, labels),
        d2: histograms(d2, labels),
    };
    let json = dir.join(format!("figure3-discrepancy-{when}.json"));
    write_atomic(&json, serde_json::to_string_pretty(&figure)?.as_bytes())?;
    let (w, h) = (1000u32, 400u32);
    let mut buffer = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let halves = root.split_evenly((1, 2));
        draw_histograms(
            &halves[0],
            &format!("d1 = (N_T - N_S1)^2, {when} student training"),
            &figure.d1,
        )?;
        draw_histograms(
            &halves[1],
            &format!("d2 = (N_T - N_S2)^2, {when} student training"),
            &figure.d2,
        )?;
        root.present().map_err(plot_error)?;
    }
    let png = dir.join(format!("figure3-discrepancy-{when}.png"));
    save_rgb(&png, buffer, w, h)?;
    Ok((json, png))
}

/// At most this many points are embedded (t-SNE is quadratic in memory for small sets).
const MAX_POINTS: usize = 1500;

/// Figure 4: t-SNE of eq. 8's features.
pub fn write_embedding(
    run: &Path,
    points: &[Vec<f32>],
    labels: &[Label],
    seed: u64,
) -> std::io::Result<(PathBuf, PathBuf)> {
    register_font();
    let dir = run.join(FIGURES_DIR);
    std::fs::create_dir_all(&dir)?;
    let step = points.len().div_ceil(MAX_POINTS).max(1);
    let chosen: Vec<usize> = (0..points.len()).step_by(step).collect();
    let samples: Vec<&[f32]> = chosen.iter().map(|&i| points[i].as_slice()).collect();
    let labels: Vec<Label> = chosen.iter().map(|&i| labels[i]).collect();
    let perplexity = 30f32.min(((samples.len().saturating_sub(1)) as f32 / 3.0).max(1.0));
    let embedded: Vec<[f32; 2]> = if samples.len() < 4 {
        samples
            .iter()
            .map(|s| [s.first().copied().unwrap_or(0.0), 0.0])
            .collect()
    } else {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let init: Vec<f32> = (0..samples.len() * 2)
            .map(|_| rng.random_range(-1e-2f32..1e-2))
            .collect();
        let flat = bhtsne::tSNE::<f32, &[f32], 2>::new(&samples)
            .perplexity(perplexity)
            .epochs(1000)
            .initial_embedding(init)
            .barnes_hut(0.5, |a, b| {
                a.iter()
                    .zip(b.iter())
                    .map(|(x, y)| (x - y).powi(2))
                    .sum::<f32>()
                    .sqrt()
            })
            .embedding();
        flat.chunks(2).map(|c| [c[0], c[1]]).collect()
    };
    let figure = EmbeddingFigure {
        method: "t-SNE (Barnes-Hut, bhtsne)".into(),
        perplexity,
        points: embedded,
        labels,
    };
    let json = dir.join("figure4-embedding.json");
    write_atomic(&json, serde_json::to_string_pretty(&figure)?.as_bytes())?;

    let (w, h) = (640u32, 560u32);
    let mut buffer = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (mut x0, mut x1, mut y0, mut y1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in &figure.points {
            x0 = x0.min(p[0]);
            x1 = x1.max(p[0]);
            y0 = y0.min(p[1]);
            y1 = y1.max(p[1]);
        }
        let pad = |a: f32, b: f32| ((b - a) * 0.05).max(1e-3);
        let (px, py) = (pad(x0, x1), pad(y0, y1));
        let mut chart = ChartBuilder::on(&root)
            .caption(
                "Classifier input features (eq. 8), t-SNE",
                ("sans-serif", 18),
            )
            .margin(10)
            .x_label_area_size(25)
            .y_label_area_size(40)
            .build_cartesian_2d((x0 - px)..(x1 + px), (y0 - py)..(y1 + py))
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .label_style(("sans-serif", 11))
            .draw()
            .map_err(plot_error)?;
        for (class, colour) in Label::ALL.iter().zip(COLOURS) {
            let pts: Vec<(f32, f32)> = figure
                .points
                .iter()
                .zip(&figure.labels)
                .filter(|(_, l)| *l == class)
                .map(|(p, _)| (p[0], p[1]))
                .collect();
            chart
                .draw_series(
                    pts.iter()
                        .map(|&p| Circle::new(p, 3, colour.mix(0.75).filled())),
                )
                .map_err(plot_error)?
                .label(format!("{} ({})", class.name(), pts.len()))
                .legend(move |(x, y)| Circle::new((x + 8, y), 4, colour.filled()));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    let png = dir.join("figure4-embedding.png");
    save_rgb(&png, buffer, w, h)?;
    Ok((json, png))
}
