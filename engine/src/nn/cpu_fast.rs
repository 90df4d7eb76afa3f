//! Inference shortcuts for the `flex` CPU backend: batch norm folded into the convolution
//! before it, and an exact GELU whose erf is a vectorisable rational approximation (within
//! 1e-6 of libm's) computed on the tensor's own buffer with one thread per core. Outside
//! `flex` inference (GPU backends, autodiff) the GELU is Burn's.

use burn::module::Param;
use burn::nn::BatchNorm;
use burn::nn::conv::Conv2d;
use burn::tensor::activation;
use burn::tensor::{DType, Device, Tensor, TensorData};

/// The convolution that computes `bn(conv(x))` in inference: each output channel's weights
/// and bias scaled by `gamma / sqrt(running_var + eps)`, the bias shifted by `beta - mean *
/// scale`. Exact up to rounding.
pub fn fold_batch_norm(mut conv: Conv2d, bn: &BatchNorm) -> Conv2d {
    let var = bn.running_var.value();
    let mean = bn.running_mean.value();
    let scale = bn.gamma.val() / var.add_scalar(bn.epsilon).sqrt(); // [out]
    let [out] = scale.dims();
    let weight = conv.weight.val() * scale.clone().reshape([out, 1, 1, 1]);
    let bias = match &conv.bias {
        Some(b) => b.val() * scale.clone(),
        None => Tensor::zeros([out], &scale.device()),
    } + bn.beta.val()
        - mean * scale;
    conv.weight = Param::from_tensor(weight);
    conv.bias = Some(Param::from_tensor(bias));
    conv
}

/// Whether `x` lives where the host shortcuts apply: `flex`, f32, no autodiff.
fn on_flex_inference<const D: usize>(x: &Tensor<D>) -> bool {
    let device = x.device();
    device == Device::flex() && !device.is_autodiff() && x.dtype() == DType::F32
}

/// Exact GELU, `0.5 x (1 + erf(x / sqrt 2))`, as PyTorch's default.
pub fn gelu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    if !on_flex_inference(&x) {
        return activation::gelu(x);
    }
    let device = x.device();
    let shape = x.shape();
    let mut values = x
        .into_data()
        .try_into_vec::<f32>()
        .expect("an f32 tensor reads back as f32");
    for_each_chunk(&mut values, |chunk| {
        for v in chunk {
            *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2));
        }
    });
    Tensor::from_data(TensorData::new(values, shape), &device)
}

/// Runs `f` on about equal parts of `values`, one per core when it is large.
fn for_each_chunk(values: &mut [f32], f: impl Fn(&mut [f32]) + Sync) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || values.len() < 1 << 15 {
        f(values);
        return;
    }
    let chunk = values.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let f = &f;
        for part in values.chunks_mut(chunk) {
            scope.spawn(move || f(part));
        }
    });
}

/// erf for f32: Eigen's `generic_fast_erf_float` (a rational approximation on [-4, 4],
/// beyond which erf is +-1 in f32); straight-line arithmetic, so loops over it vectorise.
pub fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let mut p = x2 * -2.726_142_3e-10 + 2.770_681_4e-8;
    p = p * x2 + -2.101_024e-6;
    p = p * x2 + -5.692_506_4e-5;
    p = p * x2 + -7.349_906_3e-4;
    p = p * x2 + -2.954_600_1e-3;
    p = p * x2 + -1.609_603_3e-2;
    p *= x;
    let mut q = x2 * -1.456_607_2e-5 + -2.133_740_6e-4;
    q = q * x2 + -1.682_827e-3;
    q = q * x2 + -7.373_329_2e-3;
    q = q * x2 + -1.426_474e-2;
    p / q
}

#[cfg(test)]
mod tests {
    use burn::nn::BatchNormConfig;
    use burn::nn::conv::Conv2dConfig;
    use burn::tensor::{Distribution, Tolerance};

    use super::*;

    /// erf in f64 by its Taylor series (|x| <= 3) or its continued fraction, as a reference.
    fn erf_reference(x: f64) -> f64 {
        if x.abs() > 3.0 {
            // erfc(x) = exp(-x^2) / sqrt(pi) * 1 / (x + 1/2 / (x + 1 / (x + 3/2 / (x + ...))))
            let a = x.abs();
            let mut frac = 0.0;
            for k in (1..60).rev() {
                frac = (k as f64 / 2.0) / (a + frac);
            }
            let erfc = (-a * a).exp() / std::f64::consts::PI.sqrt() / (a + frac);
            return (1.0 - erfc).copysign(x);
        }
        let mut term = x;
        let mut sum = x;
        for n in 1..200 {
            term *= -x * x / n as f64;
            sum += term / (2 * n + 1) as f64;
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    }

    #[test]
    fn erf_is_within_a_millionth_of_the_exact_value() {
        let mut worst = 0f64;
        for i in -6000..=6000 {
            let x = i as f64 / 1000.0;
            worst = worst.max((f64::from(erf(x as f32)) - erf_reference(x)).abs());
        }
        assert!(worst < 1e-6, "max |erf error| {worst}");
        assert!(erf(f32::NAN).is_nan());
    }

    #[test]
    fn host_gelu_matches_burns_exact_gelu() {
        let device = Device::flex();
        let x = Tensor::<3>::random([2, 300, 100], Distribution::Normal(0.0, 3.0), &device);
        let expected = activation::gelu(x.clone()).into_data();
        gelu(x)
            .into_data()
            .assert_approx_eq::<f32>(&expected, Tolerance::absolute(2e-6));
    }

    #[test]
    fn a_folded_batch_norm_computes_what_conv_then_batch_norm_did() {
        let device = Device::flex();
        let conv = Conv2dConfig::new([4, 6], [3, 3]).init(&device);
        let mut bn = BatchNormConfig::new(6).init(&device);
        let stats = |shift| {
            Tensor::<1>::random([6], Distribution::Uniform(0.5, 2.0), &device).add_scalar(shift)
        };
        bn.gamma = Param::from_tensor(stats(0.0));
        bn.beta = Param::from_tensor(stats(-1.0));
        bn.running_mean = burn::module::RunningState::new(stats(-1.2));
        bn.running_var = burn::module::RunningState::new(stats(0.0));
        let x = Tensor::<4>::random([2, 4, 9, 9], Distribution::Normal(0.0, 1.0), &device);
        let expected = bn.forward(conv.forward(x.clone())).into_data();
        fold_batch_norm(conv, &bn)
            .forward(x)
            .into_data()
            .assert_approx_eq::<f32>(&expected, Tolerance::absolute(1e-5));
    }
}
