//! Each map tool's parameters as controls, in the ranges the tools accept (the same limits
//! as `forgelens inspect`'s flags). Changing one changes the tool's cache key, so its maps
//! are computed again.

use egui::{Slider, Ui};
use forgelens_forensics::{Params, Tool};

pub fn params_ui(ui: &mut Ui, tool: Tool, params: &mut Params) {
    match tool {
        Tool::Ela => {
            let p = &mut params.ela;
            ui.add(Slider::new(&mut p.quality, 1..=100).text("JPEG quality"))
                .on_hover_text("quality of the re-compression");
            ui.add(Slider::new(&mut p.gain, 1.0..=100.0).text("gain"))
                .on_hover_text("map value 1 = 255 / gain levels of mean difference");
            ui.add(Slider::new(&mut p.block, 0..=64).text("block mean (px, 0: none)"));
        }
        Tool::Noise => {
            let p = &mut params.noise;
            let mut half = p.block / 2;
            if ui
                .add(Slider::new(&mut half, 4..=128).text("block / 2 (px)"))
                .changed()
            {
                p.block = half * 2;
            }
            ui.add(Slider::new(&mut p.residual_max, 1.0..=64.0).text("residual at 1 (levels)"));
            ui.add(Slider::new(&mut p.level_max, 1.0..=40.0).text("level at 1 (levels)"));
            ui.add(
                Slider::new(&mut p.inconsistency_max, 1.0..=20.0)
                    .text("inconsistency at 1 (sigmas)"),
            );
        }
        Tool::Jpeg => {
            let p = &mut params.jpeg;
            ui.add(Slider::new(&mut p.window, 16..=256).text("window (px)"));
            ui.add(Slider::new(&mut p.lowest_quality, 1..=95).text("lowest primary quality"));
            ui.add(Slider::new(&mut p.blocking_max, 0.05..=2.0).text("blocking at 1"));
        }
        Tool::Ghosts => {
            let p = &mut params.ghosts;
            ui.add(Slider::new(&mut p.lowest_quality, 1..=99).text("lowest quality"));
            ui.add(Slider::new(&mut p.highest_quality, 2..=100).text("highest quality"));
            p.highest_quality = p.highest_quality.max(p.lowest_quality + 1);
            ui.add(Slider::new(&mut p.step, 1..=50).text("step"));
            let mut window = p.window / 8;
            if ui
                .add(Slider::new(&mut window, 1..=8).text("region (x 8 px)"))
                .changed()
            {
                p.window = window * 8;
            }
            ui.add(Slider::new(&mut p.ghost_ratio, 0.05..=1.0).text("ghost ratio"));
            let mut show = p.show_quality.is_some();
            ui.horizontal(|ui| {
                ui.checkbox(&mut show, "difference at quality");
                let mut q = p.show_quality.unwrap_or(p.lowest_quality);
                ui.add_enabled(show, Slider::new(&mut q, 1..=100));
                p.show_quality = show.then_some(q);
            });
        }
        Tool::CopyMove => {
            let p = &mut params.copy_move;
            ui.add(Slider::new(&mut p.max_side, 64..=2048).text("longest side analysed"));
            ui.add(Slider::new(&mut p.radius, 2..=9).text("feature radius (px)"));
            ui.add(Slider::new(&mut p.min_offset, 4.0..=200.0).text("minimum offset (px)"));
            ui.add(Slider::new(&mut p.iterations, 1..=16).text("PatchMatch iterations"));
            ui.add(Slider::new(&mut p.min_area, 16..=5000).text("smallest region (px)"));
            ui.add(Slider::new(&mut p.min_texture, 0.0..=32.0).text("minimum texture"));
        }
        Tool::Gradient => {
            ui.add(Slider::new(&mut params.gradient.max, 1.0..=128.0).text("gradient at 1"));
        }
        Tool::Pca => {
            ui.add(Slider::new(&mut params.pca.sigmas, 0.5..=6.0).text("sigmas at the ends"));
        }
        Tool::Histogram => {
            let p = &mut params.histogram;
            ui.add(Slider::new(&mut p.shadow, 0..=64).text("shadow clip at or below"));
            ui.add(Slider::new(&mut p.highlight, 191..=255).text("highlight clip at or above"));
        }
        Tool::Metadata => {
            ui.add(
                Slider::new(&mut params.metadata.thumbnail_threshold, 1.0..=64.0)
                    .text("thumbnail differs above (levels)"),
            );
        }
        Tool::Structure | Tool::C2pa => {}
    }
    if ui.small_button("Defaults").clicked() {
        let defaults = Params::default();
        match tool {
            Tool::Ela => params.ela = defaults.ela,
            Tool::Noise => params.noise = defaults.noise,
            Tool::Jpeg => params.jpeg = defaults.jpeg,
            Tool::Ghosts => params.ghosts = defaults.ghosts,
            Tool::CopyMove => params.copy_move = defaults.copy_move,
            Tool::Gradient => params.gradient = defaults.gradient,
            Tool::Pca => params.pca = defaults.pca,
            Tool::Histogram => params.histogram = defaults.histogram,
            Tool::Metadata => params.metadata = defaults.metadata,
            Tool::Structure | Tool::C2pa => {}
        }
    }
}
