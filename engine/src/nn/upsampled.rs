//! Convolutions over a map that is a 2x nearest-neighbour upsampling, computed on the map
//! before upsampling: the same values up to rounding for a quarter to half of the work.
//! The fusion net's MobileNetV2 stem ends at 1/8 of the input and is upsampled to 1/4;
//! its stem CAM head (3x3) and patch embedding (4x4, stride 4) read that map.

use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2d;
use burn::tensor::Tensor;
use burn::tensor::module::{conv2d, interpolate};
use burn::tensor::ops::{ConvOptions, InterpolateMode, InterpolateOptions};

/// `x` upsampled `factor` times by repeating pixels (identity for 1).
pub fn upsample_nearest(x: Tensor<4>, factor: usize) -> Tensor<4> {
    if factor <= 1 {
        return x;
    }
    let [_, _, h, w] = x.dims();
    interpolate(
        x,
        InterpolateOptions::new(InterpolateMode::Nearest)
            .with_output_size([h * factor, w * factor]),
    )
}

/// Whether `conv` is a 3x3 convolution with stride 1 and padding 1, undilated, ungrouped.
pub fn is_plain_3x3(conv: &Conv2d) -> bool {
    conv.kernel_size == [3, 3]
        && conv.stride == [1, 1]
        && conv.dilation == [1, 1]
        && conv.groups == 1
        && matches!(
            conv.padding,
            PaddingConfig2d::Explicit(1, 1, 1, 1) | PaddingConfig2d::Same
        )
}

/// `conv(upsample_nearest(x, 2))` for a plain 3x3 convolution with padding 1 (`is_plain_3x3`).
/// Each output pixel's 3x3 window covers only 2x2 source pixels, so each of the four output
/// phases is a 2x2 convolution of `x` whose taps are sums of the 3x3 taps; the four run as
/// one convolution with four times the output channels, then interleave.
pub fn conv3x3_on_upsampled(conv: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    // x: [batch, c_in, h, w] -> [batch, c_out, 2h, 2w]
    let [batch, _, h, w] = x.dims();
    let weight = conv.weight.val(); // [c_out, c_in, 3, 3]
    let [c_out, ..] = weight.dims();
    // Phase 0 reads source offsets (-1, 0): taps (w0, w1 + w2); phase 1 reads (0, +1): (w0 + w1, w2).
    let collapse = |w: Tensor<4>, dim: usize, phase: usize| {
        let tap = |i| w.clone().narrow(dim, i, 1);
        match phase {
            0 => Tensor::cat(vec![tap(0), tap(1) + tap(2)], dim),
            _ => Tensor::cat(vec![tap(0) + tap(1), tap(2)], dim),
        }
    };
    let phases = [(0, 0), (0, 1), (1, 0), (1, 1)];
    let kernels = phases
        .iter()
        .map(|&(a, b)| collapse(collapse(weight.clone(), 2, a), 3, b))
        .collect();
    let bias = conv
        .bias
        .as_ref()
        .map(|bias| Tensor::cat(vec![bias.val(); 4], 0));
    // Output position p's window covers source rows p - 1 and p: phase 0 at p = i, phase 1 at p = i + 1.
    let y = conv2d(
        x,
        Tensor::cat(kernels, 0), // [4 c_out, c_in, 2, 2]
        bias,
        ConvOptions::new([1, 1], [1, 1], [1, 1], 1),
    ); // [batch, 4 c_out, h + 1, w + 1]
    let phase = |k: usize, a: usize, b: usize| {
        y.clone()
            .narrow(1, k * c_out, c_out)
            .narrow(2, a, h)
            .narrow(3, b, w)
    };
    let row = |a: usize| Tensor::stack::<5>(vec![phase(2 * a, a, 0), phase(2 * a + 1, a, 1)], 4); // [batch, c_out, h, w, 2]
    Tensor::stack::<6>(vec![row(0), row(1)], 3) // [batch, c_out, h, 2, w, 2]
        .reshape([batch, c_out, 2 * h, 2 * w])
}

/// Whether `conv` is a 4x4 convolution with stride 4 and no padding (a patch embedding).
pub fn is_patch_4x4(conv: &Conv2d) -> bool {
    conv.kernel_size == [4, 4]
        && conv.stride == [4, 4]
        && conv.dilation == [1, 1]
        && conv.groups == 1
        && matches!(
            conv.padding,
            PaddingConfig2d::Valid | PaddingConfig2d::Explicit(0, 0, 0, 0)
        )
}

/// `conv(upsample_nearest(x, 2))` for a 4x4, stride-4 patch embedding (`is_patch_4x4`): a 2x2,
/// stride-2 convolution of `x` whose taps are the sums of the 2x2 blocks of the 4x4 taps.
pub fn patch4_on_upsampled(conv: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    // x: [batch, c_in, h, w] -> [batch, c_out, h / 2, w / 2]
    let weight = conv.weight.val(); // [c_out, c_in, 4, 4]
    let [c_out, c_in, ..] = weight.dims();
    let summed = weight
        .reshape([c_out, c_in, 2, 2, 2, 2]) // [.., row block, row in block, column block, column in block]
        .sum_dim(5)
        .sum_dim(3)
        .reshape([c_out, c_in, 2, 2]);
    conv2d(
        x,
        summed,
        conv.bias.as_ref().map(|bias| bias.val()),
        ConvOptions::new([2, 2], [0, 0], [1, 1], 1),
    )
}

#[cfg(test)]
mod tests {
    use burn::nn::conv::Conv2dConfig;
    use burn::tensor::{Device, Distribution, Tolerance};

    use super::*;

    #[test]
    fn a_3x3_conv_on_the_source_equals_it_on_the_upsampled_map() {
        let device = Device::flex();
        let conv = Conv2dConfig::new([5, 7], [3, 3])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .init(&device);
        assert!(is_plain_3x3(&conv));
        let x = Tensor::<4>::random([2, 5, 6, 9], Distribution::Normal(0.0, 1.0), &device);
        let expected = conv.forward(upsample_nearest(x.clone(), 2)).into_data();
        let got = conv3x3_on_upsampled(&conv, x);
        assert_eq!(got.dims(), [2, 7, 12, 18]);
        got.into_data()
            .assert_approx_eq::<f32>(&expected, Tolerance::absolute(1e-5));
    }

    #[test]
    fn a_patch_embedding_on_the_source_equals_it_on_the_upsampled_map() {
        let device = Device::flex();
        let conv = Conv2dConfig::new([3, 8], [4, 4])
            .with_stride([4, 4])
            .init(&device);
        assert!(is_patch_4x4(&conv));
        let x = Tensor::<4>::random([2, 3, 8, 6], Distribution::Normal(0.0, 1.0), &device);
        let expected = conv.forward(upsample_nearest(x.clone(), 2)).into_data();
        let got = patch4_on_upsampled(&conv, x);
        assert_eq!(got.dims(), [2, 8, 4, 3]);
        got.into_data()
            .assert_approx_eq::<f32>(&expected, Tolerance::absolute(1e-5));
    }
}
