//! Forge throughput per generator on one CPU core's worth of work
//! (`cargo bench -p forgelens-training --bench forge`): 256 x 256 crops of the sample
//! photograph, masks at 30% coverage, median of repeated runs. Set
//! `FORGELENS_FORGE_DUMP=DIR` to write the results as PNGs to look at.

use std::time::Instant;

use burn::tensor::Device;
use forgelens_training::forge::inpaint::{Inpainter, inpaint};
use forgelens_training::forge::masks::{MaskConfig, MaskShape, random_mask};
use forgelens_training::forge::{RdnPreset, upscale};
use rand::SeedableRng;

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[runs / 2]
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let photo = image::open(root.join("assets/samples/chelsea.png"))
        .expect("sample")
        .into_rgb8();
    let crop = image::imageops::crop_imm(&photo, 100, 40, 256, 256).to_image();
    let dump = std::env::var_os("FORGELENS_FORGE_DUMP").map(std::path::PathBuf::from);
    let config = MaskConfig {
        min_coverage: 0.29,
        max_coverage: 0.31,
        feather_px: 0.0,
    };
    println!("| generator (256 x 256, 30% mask) | median ms | images / s |");
    println!("|---|---|---|");
    for method in [Inpainter::Diffusion, Inpainter::PatchMatch] {
        let mut times = Vec::new();
        for shape in MaskShape::ALL {
            let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(1);
            let mask = random_mask(256, 256, shape, &config, &mut rng).expect("mask");
            times.push(median_ms(3, || {
                let out = inpaint(&crop, &mask.binary, method, 1).expect("inpaint");
                if let Some(dir) = &dump {
                    out.save(dir.join(format!("{shape:?}-{method:?}.png")))
                        .expect("dump");
                }
            }));
        }
        let ms = times.iter().sum::<f64>() / times.len() as f64;
        println!(
            "| {method:?} inpainting (mean over mask shapes) | {ms:.1} | {:.1} |",
            1000.0 / ms
        );
    }
    let device = Device::flex();
    for preset in [RdnPreset::SlimX4, RdnPreset::MediumX4] {
        let model = preset.load_shipped(&device).expect("generator");
        let small = image::imageops::resize(&crop, 64, 64, image::imageops::FilterType::Triangle);
        let ms = median_ms(3, || {
            let out = upscale(&model, &small, &device);
            if let Some(dir) = &dump {
                out.save(dir.join(format!("{preset:?}.png"))).expect("dump");
            }
        });
        println!(
            "| RDN {preset:?}: 64 -> 256 px, every pixel regenerated | {ms:.1} | {:.1} |",
            1000.0 / ms
        );
    }
}
