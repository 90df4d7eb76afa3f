//! The forge's RRDN generator (idealo's GAN-trained RRDN x4 from `@upscalerjs/models@0.9.0`)
//! against the original uint8-quantised TF.js model, run with pure-JS tfjs; fixture and
//! script in `tests/fixtures/esrgan/` (`models.safetensors`, `export_models.mjs`).

use std::path::PathBuf;

use burn::tensor::{Device, Tensor, TensorData};
use forgelens_training::forge::generators::shipped_dir;
use forgelens_training::forge::{GeneratorPreset, RrdnConfig, load_rrdn};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

/// An NHWC tensor from the fixture, as NCHW.
fn read_nhwc(name: &str, device: &Device) -> Tensor<4> {
    let bytes =
        std::fs::read(repo("training/tests/fixtures/esrgan/models.safetensors")).expect("fixture");
    let st = safetensors::SafeTensors::deserialize(&bytes).expect("valid");
    let view = st.tensor(name).expect("tensor");
    let values: Vec<f32> = view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Tensor::<4>::from_data(TensorData::new(values, view.shape().to_vec()), device)
        .permute([0, 3, 1, 2])
}

fn shipped(device: &Device) -> forgelens_training::forge::Rrdn {
    let path = shipped_dir().join(GeneratorPreset::RrdnGansX4.file_name());
    load_rrdn(&RrdnConfig::new(), &path, device).expect("shipped weights load")
}

#[test]
fn matches_tfjs_within_1e_3() {
    let device = Device::flex();
    // The network takes 0..1 and returns 0..1; the tolerance is on the 0..255 scale.
    let out = shipped(&device).forward(read_nhwc("input_unit", &device));
    let want = read_nhwc("rrdn_gans_x4", &device);
    assert_eq!(out.dims(), [1, 3, 40, 48]);
    assert_eq!(out.dims(), want.dims());
    let diff = (out - want).abs().max().into_scalar::<f32>() * 255.0;
    eprintln!("RrdnGansX4: max |Burn - TF.js| = {diff} (0..255 scale)");
    assert!(diff < 1e-3, "differs from TF.js by {diff} (0..255 scale)");
}

#[test]
fn upscale_regenerates_nearly_every_pixel() {
    let device = Device::flex();
    let generator = GeneratorPreset::RrdnGansX4
        .load(&shipped_dir(), &device)
        .expect("weights");
    assert!(GeneratorPreset::RrdnGansX4.gan_trained());
    let photo = image::open(repo("assets/samples/chelsea.png"))
        .expect("sample")
        .into_rgb8();
    let crop = image::imageops::crop_imm(&photo, 160, 100, 32, 24).to_image();
    let small = image::imageops::resize(&crop, 8, 6, image::imageops::FilterType::Triangle);
    let big = generator.upscale(&small, &device);
    assert_eq!(big.dimensions(), (32, 24));
    // Against the nearest-neighbour enlargement of its input: a generator that copied its
    // input would leave most pixels unchanged.
    let nearest = image::imageops::resize(&small, 32, 24, image::imageops::FilterType::Nearest);
    let changed = big
        .pixels()
        .zip(nearest.pixels())
        .filter(|(a, b)| a != b)
        .count();
    let share = changed as f64 / f64::from(32 * 24);
    assert!(share > 0.95, "only {share} of the pixels changed");
    // Close to the photograph (a super-resolution network), but not a copy of it.
    let mean_abs: f64 = big
        .as_raw()
        .iter()
        .zip(crop.as_raw())
        .map(|(a, b)| f64::from((i16::from(*a) - i16::from(*b)).unsigned_abs()))
        .sum::<f64>()
        / big.as_raw().len() as f64;
    assert!(
        mean_abs > 0.5 && mean_abs < 40.0,
        "mean absolute difference {mean_abs}"
    );
}
