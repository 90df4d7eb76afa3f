//! CLIP vision tower parity against Hugging Face `transformers` on a tiny random model
//! (fixture and its export script in `tests/fixtures/clip_tiny/`), and clear errors for
//! checkpoints with a missing or mis-shaped vision key.

mod common;

use burn::tensor::Device;
use common::{fixture, max_abs_diff, read_tensor};
use forgelens_engine::extractor::{ClipVisionConfig, ImportError, WeightSource, load_clip_vision};

fn tiny_config() -> ClipVisionConfig {
    // Values of tests/fixtures/clip_tiny/config.json.
    ClipVisionConfig::new(32, 64, 2, 4, 32, 8)
}

#[test]
fn matches_transformers_within_1e_4() {
    let device = Device::flex();
    let model = load_clip_vision(
        WeightSource::File(&fixture("clip_tiny/model.safetensors")),
        &tiny_config(),
        &device,
    )
    .expect("the fixture loads; text-tower keys are ignored");
    let pixels = read_tensor::<4>("clip_tiny/expected.safetensors", "pixel_values", &device);
    let out = model.forward(pixels);
    let hidden = read_tensor::<3>(
        "clip_tiny/expected.safetensors",
        "last_hidden_state",
        &device,
    );
    let pooled = read_tensor::<2>("clip_tiny/expected.safetensors", "pooler_output", &device);
    let d_hidden = max_abs_diff(out.last_hidden_state, hidden);
    let d_pooled = max_abs_diff(out.pooler_output, pooled);
    assert!(d_hidden < 1e-4, "last_hidden_state differs by {d_hidden}");
    assert!(d_pooled < 1e-4, "pooler_output differs by {d_pooled}");
}

/// Rewrites the fixture with `edit` applied to its tensor list.
fn edited_fixture(
    edit: impl FnOnce(&mut Vec<(String, safetensors::Dtype, Vec<usize>, Vec<u8>)>),
) -> Vec<u8> {
    let bytes = std::fs::read(fixture("clip_tiny/model.safetensors")).expect("fixture");
    let st = safetensors::SafeTensors::deserialize(&bytes).expect("valid");
    let mut tensors: Vec<_> = st
        .tensors()
        .into_iter()
        .map(|(name, view)| {
            (
                name,
                view.dtype(),
                view.shape().to_vec(),
                view.data().to_vec(),
            )
        })
        .collect();
    edit(&mut tensors);
    let views: Vec<_> = tensors
        .iter()
        .map(|(name, dtype, shape, data)| {
            (
                name.clone(),
                safetensors::tensor::TensorView::new(*dtype, shape.clone(), data).expect("view"),
            )
        })
        .collect();
    safetensors::serialize(views, None).expect("serialise")
}

#[test]
fn missing_vision_key_is_named() {
    let key = "vision_model.encoder.layers.1.mlp.fc2.weight";
    let bytes = edited_fixture(|t| t.retain(|(name, ..)| name != key));
    let err = load_clip_vision(
        WeightSource::Bytes {
            name: "edited.safetensors",
            bytes,
        },
        &tiny_config(),
        &Device::flex(),
    )
    .expect_err("a vision key is missing");
    assert!(
        matches!(&err, ImportError::MissingKey { key: k, .. } if k == key),
        "{err}"
    );
    assert!(err.to_string().contains(key));
}

#[test]
fn misshaped_vision_key_is_named() {
    let key = "vision_model.pre_layrnorm.weight";
    let bytes = edited_fixture(|t| {
        let entry = t
            .iter_mut()
            .find(|(name, ..)| name == key)
            .expect("key present");
        entry.2 = vec![16];
        entry.3.truncate(16 * 4);
    });
    let err = load_clip_vision(
        WeightSource::Bytes {
            name: "edited.safetensors",
            bytes,
        },
        &tiny_config(),
        &Device::flex(),
    )
    .expect_err("a vision key has the wrong shape");
    assert!(
        matches!(&err, ImportError::ShapeMismatch { key: k, found, .. } if k == key && found == &vec![16]),
        "{err}"
    );
}

#[test]
fn presets_have_clip_sizes() {
    assert_eq!(ClipVisionConfig::vit_b32().grid(), 7);
    assert_eq!(ClipVisionConfig::vit_b16().grid(), 14);
    assert_eq!(ClipVisionConfig::vit_l14().grid(), 16);
    assert_eq!(ClipVisionConfig::vit_l14().hidden_size, 1024);
}
