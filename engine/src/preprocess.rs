//! Pixels to tensors, shared by analysis and training so that both see exactly the same
//! input: the detector's whole-image view and per-channel normalisation.

use burn::tensor::{Device, Tensor, TensorData};
use image::{RgbImage, imageops};

use crate::extractor::ExtractorConfig;

/// The whole image squashed to the extractor's square input size (the verdict's view).
pub fn detector_view(image: &RgbImage, extractor: &ExtractorConfig) -> RgbImage {
    let size = extractor.image_size() as u32;
    imageops::resize(image, size, size, imageops::FilterType::Triangle)
}

/// `[3, h, w]` values from 8-bit RGB, scaled to [0, 1] and normalised per channel.
pub fn normalized_chw(image: &RgbImage, mean: [f32; 3], std: [f32; 3]) -> Vec<f32> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut data = vec![0.0f32; 3 * w * h];
    for (i, p) in image.pixels().enumerate() {
        for c in 0..3 {
            data[c * w * h + i] = (f32::from(p.0[c]) / 255.0 - mean[c]) / std[c];
        }
    }
    data
}

/// `[1, 3, h, w]` from 8-bit RGB, see [`normalized_chw`].
pub fn to_tensor(image: &RgbImage, mean: [f32; 3], std: [f32; 3], device: &Device) -> Tensor<4> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    Tensor::from_data(
        TensorData::new(normalized_chw(image, mean, std), [1, 3, h, w]),
        device,
    )
}
