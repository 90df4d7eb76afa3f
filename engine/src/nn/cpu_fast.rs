//! Inference shortcuts for the `flex` CPU backend: batch norm folded into the convolution
//! before it; ReLU and ReLU6; an exact GELU whose erf is a vectorisable rational approximation (within
//! 1e-6 of the exact value) and a softmax whose exp is a vectorisable polynomial (within
//! 2 ulp), both computed in place on the tensor's own buffer (straight-line loops the compiler
//! vectorises), one thread per core. Outside `flex` inference (GPU backends, autodiff)
//! they are Burn's.

use burn::module::Param;
use burn::nn::BatchNorm;
use burn::nn::conv::Conv2d;
use burn::tensor::activation;
use burn::tensor::{DType, Device, Tensor};

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
    in_place(x, 1, gelu_slice)
}

/// `max(x, 0)`, NaN kept.
pub fn relu<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    if !on_flex_inference(&x) {
        return activation::relu(x);
    }
    in_place(x, 1, |values, _| {
        for v in values {
            *v = if *v < 0.0 { 0.0 } else { *v };
        }
    })
}

/// `min(max(x, 0), 6)`, NaN kept.
pub fn relu6<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    if !on_flex_inference(&x) {
        return activation::relu6(x);
    }
    in_place(x, 1, |values, _| {
        for v in values {
            *v = v.clamp(0.0, 6.0);
        }
    })
}

/// Softmax over the last dimension.
pub fn softmax_last<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    let row = x.dims()[D - 1];
    if !on_flex_inference(&x) || row == 0 {
        return activation::softmax(x, D - 1);
    }
    in_place(x, row, softmax_rows)
}

/// Runs `kernel` over `x`'s values in place, in parts of whole `row`s, a part per core
/// when there is enough work.
fn in_place<const D: usize>(x: Tensor<D>, row: usize, kernel: fn(&mut [f32], usize)) -> Tensor<D> {
    let device = x.device();
    let mut data = x.into_data(); // flex hands over its buffer when the tensor is unshared
    let values = data
        .as_mut_slice::<f32>()
        .expect("an f32 tensor reads back as f32");
    let run = |part: &mut [f32]| kernel(part, row);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rows = values.len() / row;
    if threads < 2 || values.len() < 1 << 15 || rows < threads {
        run(values);
    } else {
        std::thread::scope(|scope| {
            for part in values.chunks_mut(rows.div_ceil(threads) * row) {
                scope.spawn(move || run(part));
            }
        });
    }
    Tensor::from_data(data, &device)
}

fn gelu_slice(values: &mut [f32], _row: usize) {
    for v in values {
        *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2));
    }
}

fn softmax_rows(values: &mut [f32], row: usize) {
    for r in values.chunks_exact_mut(row) {
        let max = reduce_in_lanes(r, f32::NEG_INFINITY, f32::max);
        for v in r.iter_mut() {
            *v = exp(*v - max);
        }
        let inv = 1.0 / reduce_in_lanes(r, 0.0, |a, b| a + b);
        for v in r.iter_mut() {
            *v *= inv;
        }
    }
}

/// `values` folded with `f` in eight interleaved lanes, then the lanes folded: an order
/// the compiler can vectorise (one running value cannot be, for sums).
fn reduce_in_lanes(values: &[f32], init: f32, f: impl Fn(f32, f32) -> f32) -> f32 {
    let mut lanes = [init; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder().iter().fold(init, |a, &b| f(a, b));
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane = f(*lane, v);
        }
    }
    lanes.into_iter().fold(rest, f)
}

/// exp for f32 (Cephes' `expf`: 2^n times a degree-6 polynomial on [-ln 2 / 2, ln 2 / 2]),
/// with the rounding done by adding 1.5 * 2^23, so loops over it vectorise. Below -87.3 it
/// gives the smallest normal float instead of a denormal or 0.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const SHIFT: f32 = 12_582_912.0; // 1.5 * 2^23: adding it rounds to an integer
    let x = x.clamp(-87.3, 88.0);
    let shifted = x * std::f32::consts::LOG2_E + SHIFT;
    let n = shifted - SHIFT;
    let r = x - n * 0.693_359_4 - n * -2.121_944_4e-4; // x - n ln 2, in two parts
    let mut p = 1.987_569_1e-4_f32;
    p = p * r + 1.398_2e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 0.166_666_65;
    p = p * r + 0.5;
    let y = p * r * r + r + 1.0;
    let exponent = (shifted.to_bits() as i32 - SHIFT.to_bits() as i32 + 127) as u32;
    y * f32::from_bits(exponent << 23)
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
    fn exp_is_within_two_ulp_and_softmax_matches_burns() {
        for i in -87_000..=88_000 {
            let x = i as f32 / 1000.0;
            let (got, exact) = (exp(x), f64::from(x).exp());
            assert!(
                ((f64::from(got) - exact) / exact).abs() < 2.5e-7,
                "exp({x}) = {got}, not {exact}"
            );
        }
        let device = Device::flex();
        let x = Tensor::<4>::random([2, 3, 70, 257], Distribution::Normal(0.0, 4.0), &device);
        let expected = activation::softmax(x.clone(), 3).into_data();
        softmax_last(x)
            .into_data()
            .assert_approx_eq::<f32>(&expected, Tolerance::absolute(5e-6));
    }

    #[test]
    fn host_relus_match_burns() {
        let device = Device::flex();
        let x = Tensor::<2>::random([300, 200], Distribution::Normal(0.0, 5.0), &device);
        let expected = activation::relu(x.clone()).into_data();
        relu(x.clone())
            .into_data()
            .assert_approx_eq::<f32>(&expected, Tolerance::absolute(0.0));
        let expected = activation::relu6(x.clone()).into_data();
        relu6(x)
            .into_data()
            .assert_approx_eq::<f32>(&expected, Tolerance::absolute(0.0));
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
