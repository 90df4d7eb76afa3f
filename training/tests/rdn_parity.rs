//! The forge's RDN generators against the original TF.js models (UpscalerJS esrgan-slim
//! x2/x4 and esrgan-medium x4; `@upscalerjs/models@0.9.0` div2k x2/x3/x4), run with pure-JS
//! tfjs; fixtures and scripts in `tests/fixtures/esrgan/`.

use std::path::PathBuf;

use burn::tensor::{Device, Tensor, TensorData};
use forgelens_training::forge::{RdnPreset, load_rdn, upscale};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

/// An NHWC tensor from a fixture file of `tests/fixtures/esrgan/`, as NCHW.
fn read_nhwc(file: &str, name: &str, device: &Device) -> Tensor<4> {
    let bytes = std::fs::read(repo("training/tests/fixtures/esrgan").join(file)).expect("fixture");
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

#[test]
fn matches_tfjs_within_1e_3() {
    let device = Device::flex();
    for (preset, file, expected) in [
        (RdnPreset::SlimX4, "expected.safetensors", "output"),
        (RdnPreset::SlimX2, "expected.safetensors", "output_slim_x2"),
        (
            RdnPreset::MediumX4,
            "expected.safetensors",
            "output_medium_x4",
        ),
        (RdnPreset::Div2kX2, "models.safetensors", "rdn_div2k_x2"),
        (RdnPreset::Div2kX3, "models.safetensors", "rdn_div2k_x3"),
        (RdnPreset::Div2kX4, "models.safetensors", "rdn_div2k_x4"),
    ] {
        let model = preset.load_shipped(&device).expect("shipped weights load");
        let out = model.forward(read_nhwc(file, "input", &device));
        let want = read_nhwc(file, expected, &device);
        assert_eq!(out.dims(), want.dims(), "{preset:?}");
        let diff = (out - want).abs().max().into_scalar::<f32>();
        eprintln!("{preset:?}: max |Burn - TF.js| = {diff}");
        assert!(
            diff < 1e-3,
            "{preset:?}: differs from TF.js by {diff} (0..255 scale)"
        );
    }
}

#[test]
fn upscale_regenerates_every_pixel() {
    let device = Device::flex();
    let model = RdnPreset::SlimX4.load_shipped(&device).expect("weights");
    let photo = image::open(repo("assets/samples/chelsea.png"))
        .expect("sample")
        .into_rgb8();
    let crop = image::imageops::crop_imm(&photo, 160, 100, 24, 16).to_image();
    let small = image::imageops::resize(&crop, 6, 4, image::imageops::FilterType::Triangle);
    let big = upscale(&model, &small, &device);
    assert_eq!(big.dimensions(), (24, 16));
    // Close to the photograph (it is a super-resolution network), but not a copy of it.
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

#[test]
fn wrong_preset_for_the_file_is_a_clear_error() {
    let device = Device::flex();
    let path = RdnPreset::SlimX4.shipped_path();
    let err = load_rdn(&RdnPreset::MediumX4.config(), &path, &device).expect_err("medium shapes");
    assert!(err.to_string().contains("rdbs.0"), "{err}");
}
