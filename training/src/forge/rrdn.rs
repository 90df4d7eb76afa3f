//! idealo's Residual in Residual Dense Network (RRDN, ESRGAN's generator family), the
//! GAN-trained x4 network of `@upscalerjs/models@0.9.0` `models/idealo/gans`: a 3x3 conv,
//! T residual-in-residual dense blocks with beta residual scaling, a global residual, then
//! conv / depth-to-space / conv. It takes RGB in 0..1 and returns RGB in 0..1.
//! Field names equal the keys of `assets/generators/rrdn-gans-x4.safetensors`.
//! Reference: idealo `image-super-resolution` `ISR/models/rrdn.py` (the TF.js graph follows
//! it layer by layer) and `scripts/esrgan/reference_numpy.py` (checked against TF.js).

use std::path::Path;

use burn::config::Config;
use burn::module::Module;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};
use forgelens_engine::extractor::ImportError;
use image::RgbImage;

use super::generators::load_weights;
use super::rdn::{rgb_to_tensor, tensor_to_rgb};

/// The hyper-parameters; the defaults are the shipped `gans` network's
/// (`arch_params` `{'C': 4, 'D': 3, 'G': 32, 'G0': 32, 'T': 10, 'x': 4}`, beta 0.2).
#[derive(Config, Debug, PartialEq)]
pub struct RrdnConfig {
    /// Upscaling factor (x).
    #[config(default = 4)]
    pub scale: usize,
    /// Residual-in-residual dense blocks (T).
    #[config(default = 10)]
    pub rrdbs: usize,
    /// Residual dense blocks per RRDB (D).
    #[config(default = 3)]
    pub dense_blocks: usize,
    /// Convolutions per dense block (C).
    #[config(default = 4)]
    pub convs_per_block: usize,
    /// Growth: channels each dense-block convolution adds (G).
    #[config(default = 32)]
    pub growth: usize,
    /// Feature channels (G0).
    #[config(default = 32)]
    pub features: usize,
    /// Residual scaling (beta of `MultiplyBeta`).
    #[config(default = 0.2)]
    pub beta: f64,
}

/// `_dense_block`: C convs with ReLU, each fed the concatenation of the block input and
/// all earlier outputs, then a 3x3 local fusion (`LFF`, 1x1 in RDN). No residual inside.
/// <https://github.com/idealo/image-super-resolution/blob/master/ISR/models/rrdn.py>
#[derive(Module, Debug)]
pub struct DenseBlock {
    pub convs: Vec<Conv2d>,
    pub lff: Conv2d,
}

/// `_RRDB`: D dense blocks, each added to its input scaled by beta (`LRL_t_d`); the result,
/// scaled by beta again, added to the RRDB's input (`RRDB_t_out`).
/// <https://github.com/idealo/image-super-resolution/blob/master/ISR/models/rrdn.py>
#[derive(Module, Debug)]
pub struct Rrdb {
    pub rdbs: Vec<DenseBlock>,
}

/// `_build_rdn` of `RRDN`: `Pre_blocks_conv`, the RRDBs, `post_blocks_conv` + global
/// residual (`GRL`), `PreShuffle`, `PixelShuffle`, `SR`.
/// <https://github.com/idealo/image-super-resolution/blob/master/ISR/models/rrdn.py>
#[derive(Module, Debug)]
pub struct Rrdn {
    pub pre_blocks: Conv2d,
    pub rrdbs: Vec<Rrdb>,
    pub post_blocks: Conv2d,
    pub pre_shuffle: Conv2d,
    pub sr: Conv2d,
    pub scale: usize,
    pub beta: f64,
}

/// Keras `Conv2D(kernel_size=3, padding='same')`: stride 1, bias, zero padding 1.
fn conv3(cin: usize, cout: usize, device: &Device) -> Conv2d {
    Conv2dConfig::new([cin, cout], [3, 3])
        .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
        .init(device)
}

impl RrdnConfig {
    pub fn init(&self, device: &Device) -> Rrdn {
        let (g0, g, c) = (self.features, self.growth, self.convs_per_block);
        let dense_block = || DenseBlock {
            convs: (0..c).map(|i| conv3(g0 + i * g, g, device)).collect(),
            lff: conv3(g0 + c * g, g0, device),
        };
        Rrdn {
            pre_blocks: conv3(3, g0, device),
            rrdbs: (0..self.rrdbs)
                .map(|_| Rrdb {
                    rdbs: (0..self.dense_blocks).map(|_| dense_block()).collect(),
                })
                .collect(),
            post_blocks: conv3(g0, g0, device),
            pre_shuffle: conv3(g0, 3 * self.scale * self.scale, device),
            sr: conv3(3, 3, device),
            scale: self.scale,
            beta: self.beta,
        }
    }
}

impl DenseBlock {
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        // x: [batch, g0, h, w]
        let mut cat = x;
        for conv in &self.convs {
            let y = relu(conv.forward(cat.clone())); // [batch, g, h, w]
            cat = Tensor::cat(vec![cat, y], 1); // RDB_Concat: earlier channels first
        }
        self.lff.forward(cat) // [batch, g0, h, w]
    }
}

impl Rrdb {
    fn forward(&self, x: Tensor<4>, beta: f64) -> Tensor<4> {
        // x: [batch, g0, h, w]
        let mut h = x.clone();
        for block in &self.rdbs {
            h = h.clone() + block.forward(h).mul_scalar(beta); // LRL_t_d
        }
        x + h.mul_scalar(beta) // RRDB_t_out: [batch, g0, h, w]
    }
}

/// `PixelShuffle` of ISR = `tf.nn.depth_to_space(x, s, 'NHWC')` (TF's DCR order): output
/// `[c, y s + i, x s + j]` is input channel `(i s + j) * C + c`. Not Burn's `PixelShuffle`,
/// which follows PyTorch's order (`c s² + i s + j`).
/// <https://github.com/idealo/image-super-resolution/blob/master/ISR/models/rrdn.py>
pub fn depth_to_space(x: Tensor<4>, s: usize) -> Tensor<4> {
    let [b, k, h, w] = x.dims(); // [batch, s² C, h, w]
    let c = k / (s * s);
    x.reshape([b, s, s, c, h, w]) // [batch, i, j, c, h, w]
        .permute([0, 3, 4, 1, 5, 2]) // [batch, c, h, i, w, j]
        .reshape([b, c, h * s, w * s])
}

impl Rrdn {
    /// Upscales RGB in 0..1 (not clipped: the output may overshoot a little).
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        // x: [batch, 3, h, w]
        let pre = self.pre_blocks.forward(x); // [batch, g0, h, w]
        let mut h = pre.clone();
        for rrdb in &self.rrdbs {
            h = rrdb.forward(h, self.beta); // [batch, g0, h, w]
        }
        let g = self.post_blocks.forward(h) + pre; // GRL: [batch, g0, h, w]
        let u = self.pre_shuffle.forward(g); // [batch, 3 s², h, w]
        let u = depth_to_space(u, self.scale); // [batch, 3, h s, w s]
        self.sr.forward(u) // [batch, 3, h s, w s]
    }

    /// Runs the generator on an 8-bit image (divided by 255, as UpscalerJS's `inputRange`
    /// `[0, 1]` for "rrdn" and ISR's `process_array`): every output pixel is the network's,
    /// times 255, clipped to 0..255 and rounded.
    pub fn upscale(&self, image: &RgbImage, device: &Device) -> RgbImage {
        let x = rgb_to_tensor(image, device).div_scalar(255.0);
        let y = self.forward(x).mul_scalar(255.0);
        tensor_to_rgb(y.clamp(0.0, 255.0).round())
    }
}

/// Loads the shipped generator (or any file with the same keys, float32 or uint8-quantised).
pub fn load_rrdn(config: &RrdnConfig, path: &Path, device: &Device) -> Result<Rrdn, ImportError> {
    let mut model = config.init(device);
    load_weights(&mut model, path, "the RRDN generator")?;
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::TensorData;

    /// The channel order of `tf.nn.depth_to_space` (TF documents it on a [1, 1, 1, 4] input:
    /// channels 1, 2, 3, 4 become [[1, 2], [3, 4]]); here with 2 output channels.
    #[test]
    fn depth_to_space_follows_tensorflow() {
        let device = Device::flex();
        // NHWC [1, 1, 1, 8] = channels (i, j, c) in DCR order, as NCHW [1, 8, 1, 1].
        let values: Vec<f32> = (0..8).map(|v| v as f32).collect();
        let x = Tensor::<4>::from_data(TensorData::new(values, [1, 8, 1, 1]), &device);
        let y = depth_to_space(x, 2);
        assert_eq!(y.dims(), [1, 2, 2, 2]);
        let got: Vec<f32> = y.into_data().try_to_vec().expect("f32");
        // out[c][i][j] = in[(i * 2 + j) * 2 + c]
        assert_eq!(got, [0.0, 2.0, 4.0, 6.0, 1.0, 3.0, 5.0, 7.0]);
    }
}
