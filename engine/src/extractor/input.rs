//! What the frozen extractor sees of the detector's pixels: the normalised RGB image, or its
//! neighbouring-pixel relationships (NPR; Tan et al., "Rethinking the up-sampling operations
//! in CNN-based generative network for generalizable deepfake detection", CVPR 2024): each
//! pixel minus the top-left pixel of its 2x2 block, the trace that up-sampling layers leave
//! and that transfers between generators. The residual is multiplied by `NPR_GAIN` so that
//! its spread is near the normalised image's, which the ImageNet weights expect.

use burn::tensor::Tensor;
use serde::{Deserialize, Serialize};

/// Multiplies the NPR residual of ImageNet-normalised pixels (neighbour differences in
/// natural images are a fraction of a standard deviation), fixed a priori.
pub const NPR_GAIN: f32 = 4.0;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DetectorInput {
    /// The normalised image (the paper's).
    #[default]
    Rgb,
    /// `NPR_GAIN` times the neighbouring-pixel residual of the normalised image.
    Npr,
}

impl DetectorInput {
    /// A suffix for feature-cache keys and model ids; empty for `Rgb`, which older caches
    /// and models used.
    pub fn key_suffix(self) -> &'static str {
        match self {
            Self::Rgb => "",
            Self::Npr => "+npr",
        }
    }

    /// The extractor's input for normalised pixels `[batch, 3, h, w]` (h, w even).
    pub fn apply(self, pixels: Tensor<4>) -> Tensor<4> {
        match self {
            Self::Rgb => pixels,
            Self::Npr => npr_residual(pixels) * NPR_GAIN,
        }
    }
}

/// `x - up(down(x))` with nearest-neighbour resampling by 2: each pixel minus the top-left
/// pixel of its 2x2 block.
pub fn npr_residual(x: Tensor<4>) -> Tensor<4> {
    let [b, c, h, w] = x.dims();
    let anchor = x
        .clone()
        .reshape([b, c, h / 2, 2, w / 2, 2])
        .slice([0..b, 0..c, 0..h / 2, 0..1, 0..w / 2, 0..1])
        .repeat_dim(3, 2)
        .repeat_dim(5, 2)
        .reshape([b, c, h, w]); // [b, c, h, w]
    x - anchor
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, TensorData};

    use super::*;

    #[test]
    fn npr_subtracts_each_blocks_top_left_pixel() {
        let device = Device::flex();
        // One channel, 2 x 4: [[0, 1, 2, 3], [4, 5, 6, 7]].
        let x = Tensor::<4>::from_data(
            TensorData::new((0..8).map(|v| v as f32).collect::<Vec<_>>(), [1, 1, 2, 4]),
            &device,
        );
        let v = npr_residual(x.clone())
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32");
        // Blocks: {0, 1, 4, 5} anchored at 0, {2, 3, 6, 7} anchored at 2.
        assert_eq!(v, vec![0.0, 1.0, 0.0, 1.0, 4.0, 5.0, 4.0, 5.0]);
        let scaled = DetectorInput::Npr
            .apply(x.clone())
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32");
        assert_eq!(scaled[5], 5.0 * NPR_GAIN);
        let same = DetectorInput::Rgb.apply(x).into_data().try_to_vec::<f32>();
        assert_eq!(
            same.expect("f32"),
            (0..8).map(|v| v as f32).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_flat_image_has_no_residual() {
        let device = Device::flex();
        let x = Tensor::<4>::ones([2, 3, 8, 8], &device) * 0.7;
        let max: f32 = npr_residual(x).abs().max().into_scalar();
        assert_eq!(max, 0.0);
    }
}
