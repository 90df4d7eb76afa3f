//! The reliability diagram of an evaluation (`forgelens eval --reliability-png`): per
//! confidence bin, the share of right verdicts as a bar beside the diagonal of perfect
//! calibration, with the ECE in the title. Drawn with `plotters` into an RGB buffer as the
//! training figures are, text in egui's bundled Ubuntu font.

use std::path::Path;

use forgelens_engine::files::write_png;
use plotters::prelude::*;

use super::report::Calibration;
use crate::train::figures::register_font;

fn plot_error(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// Writes the diagram of `calibration` as a PNG (atomically).
pub fn write_reliability_png(
    path: &Path,
    calibration: &Calibration,
    title: &str,
) -> std::io::Result<()> {
    register_font();
    let (w, h) = (560u32, 520u32);
    let mut buffer = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buffer, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("{title} (ECE {:.3})", calibration.ece),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .build_cartesian_2d(0f32..1f32, 0f32..1f32)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_desc("confidence of the verdict")
            .y_desc("share right")
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(plot_error)?;
        let bar = RGBColor(70, 110, 200);
        chart
            .draw_series(calibration.bins.iter().filter(|b| b.images > 0).map(|b| {
                Rectangle::new([(b.from, 0.0), (b.to, b.accuracy)], bar.mix(0.7).filled())
            }))
            .map_err(plot_error)?
            .label("share right per bin")
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], bar.filled()));
        chart
            .draw_series(
                calibration
                    .bins
                    .iter()
                    .filter(|b| b.images > 0)
                    .map(|b| Circle::new((b.mean_confidence, b.accuracy), 3, BLACK.filled())),
            )
            .map_err(plot_error)?
            .label("mean confidence")
            .legend(|(x, y)| Circle::new((x + 8, y), 3, BLACK.filled()));
        chart
            .draw_series(LineSeries::new(
                [(0.0, 0.0), (1.0, 1.0)],
                RGBColor(200, 40, 60).stroke_width(2),
            ))
            .map_err(plot_error)?
            .label("perfect calibration")
            .legend(|(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + 16, y)],
                    RGBColor(200, 40, 60).stroke_width(2),
                )
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    let image = image::RgbImage::from_raw(w, h, buffer).expect("buffer sized w * h * 3");
    write_png(path, &image)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::report::ReliabilityBin;

    #[test]
    fn the_diagram_is_a_png_with_bars_where_the_bins_hold_images() {
        let bin = |i: usize, images: usize, accuracy: f32| ReliabilityBin {
            from: i as f32 / 10.0,
            to: (i + 1) as f32 / 10.0,
            images,
            mean_confidence: (i as f32 + 0.5) / 10.0,
            accuracy,
        };
        let calibration = Calibration {
            ece: 0.1,
            bins: (0..10)
                .map(|i| {
                    if i == 8 {
                        bin(i, 5, 0.9)
                    } else {
                        bin(i, 0, 0.0)
                    }
                })
                .collect(),
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("reliability.png");
        write_reliability_png(&path, &calibration, "val").expect("written");
        let image = image::open(&path).expect("a PNG").to_rgb8();
        assert_eq!(image.dimensions(), (560, 520));
        let blue = image
            .pixels()
            .filter(|p| p.0[2] > 150 && p.0[0] < 150 && p.0[1] < 170)
            .count();
        assert!(blue > 500, "the one bar is drawn ({blue} bar pixels)");
    }
}
