//! Helpers shared by the engine's integration tests: fixture paths and reading tensors from
//! the reference `.safetensors` fixtures.

#![allow(dead_code)]

use std::path::PathBuf;

use burn::tensor::{Device, Tensor, TensorData};

pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

pub fn asset(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../assets")
        .join(path)
}

/// Reads one f32 tensor of rank `D` from a safetensors file.
pub fn read_tensor<const D: usize>(file: &str, name: &str, device: &Device) -> Tensor<D> {
    let bytes = std::fs::read(fixture(file)).expect("fixture exists");
    let tensors = safetensors::SafeTensors::deserialize(&bytes).expect("valid safetensors");
    let view = tensors.tensor(name).expect("tensor in fixture");
    assert_eq!(view.dtype(), safetensors::Dtype::F32);
    let values: Vec<f32> = view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Tensor::from_data(TensorData::new(values, view.shape().to_vec()), device)
}

/// Largest absolute difference between two tensors of the same shape.
pub fn max_abs_diff<const D: usize>(a: Tensor<D>, b: Tensor<D>) -> f32 {
    assert_eq!(a.dims(), b.dims());
    (a - b).abs().max().into_scalar::<f32>()
}
