//! The UpscalerJS "ESRGAN" super-resolution networks, which are in fact idealo's Residual
//! Dense Network (RDN) with an upsampling head: shallow features, residual dense blocks
//! with local fusion, global fusion, a global residual, then conv / nearest-upsample / conv.
//! Field names equal the keys of `assets/generators/esrgan-*.safetensors` and
//! `rdn-div2k-*.safetensors` (the latter uint8-quantised, see `generators::load_weights`).
//! Reference: `scripts/esrgan/reference_numpy.py` (checked against the TF.js original) and
//! idealo `image-super-resolution` `ISR/models/rdn.py`.

use std::path::Path;

use burn::config::Config;
use burn::module::Module;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::tensor::activation::relu;
use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};
use burn::tensor::{Device, Tensor, TensorData};
use forgelens_engine::extractor::ImportError;
use image::RgbImage;

use super::generators::load_weights;

#[derive(Config, Debug, PartialEq)]
pub struct RdnConfig {
    /// Upscaling factor.
    pub scale: usize,
    /// Residual dense blocks (D).
    pub blocks: usize,
    /// Convolutions per block (C).
    pub convs_per_block: usize,
    /// Growth: channels each block convolution adds (G).
    pub growth: usize,
    /// Feature channels (G0).
    #[config(default = 64)]
    pub features: usize,
}

/// The shipped weight files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdnPreset {
    SlimX2,
    SlimX4,
    MediumX4,
    /// `@upscalerjs/models@0.9.0` `models/div2k/005-2x` (C 3, D 10, G 64).
    Div2kX2,
    /// `models/div2k/019-3x`.
    Div2kX3,
    /// `models/div2k/017-4x`.
    Div2kX4,
}

impl RdnPreset {
    pub fn config(self) -> RdnConfig {
        match self {
            RdnPreset::SlimX2 => RdnConfig::new(2, 2, 1, 4),
            RdnPreset::SlimX4 => RdnConfig::new(4, 2, 1, 4),
            RdnPreset::MediumX4 => RdnConfig::new(4, 10, 1, 64),
            RdnPreset::Div2kX2 => RdnConfig::new(2, 10, 3, 64),
            RdnPreset::Div2kX3 => RdnConfig::new(3, 10, 3, 64),
            RdnPreset::Div2kX4 => RdnConfig::new(4, 10, 3, 64),
        }
    }

    /// The shipped weight file, in `generators::shipped_dir`.
    pub fn shipped_path(self) -> std::path::PathBuf {
        super::generators::shipped_dir().join(self.file_name())
    }

    /// The shipped generator, loaded.
    pub fn load_shipped(self, device: &Device) -> Result<Rdn, ImportError> {
        load_rdn(&self.config(), &self.shipped_path(), device)
    }

    pub fn file_name(self) -> &'static str {
        match self {
            RdnPreset::SlimX2 => "esrgan-slim-x2.safetensors",
            RdnPreset::SlimX4 => "esrgan-slim-x4.safetensors",
            RdnPreset::MediumX4 => "esrgan-medium-x4.safetensors",
            RdnPreset::Div2kX2 => "rdn-div2k-x2.safetensors",
            RdnPreset::Div2kX3 => "rdn-div2k-x3.safetensors",
            RdnPreset::Div2kX4 => "rdn-div2k-x4.safetensors",
        }
    }
}

#[derive(Module, Debug)]
pub struct ResidualDenseBlock {
    pub convs: Vec<Conv2d>,
    pub lff: Conv2d,
}

#[derive(Module, Debug)]
pub struct Rdn {
    pub sfe1: Conv2d,
    pub sfe2: Conv2d,
    pub rdbs: Vec<ResidualDenseBlock>,
    pub gff1: Conv2d,
    pub gff2: Conv2d,
    pub upn1: Conv2d,
    pub upn2: Conv2d,
    pub upn3: Conv2d,
    pub sr: Conv2d,
    pub scale: usize,
}

fn conv(cin: usize, cout: usize, k: usize, device: &Device) -> Conv2d {
    let p = k / 2;
    Conv2dConfig::new([cin, cout], [k, k])
        .with_padding(PaddingConfig2d::Explicit(p, p, p, p))
        .init(device)
}

impl RdnConfig {
    pub fn init(&self, device: &Device) -> Rdn {
        let (g0, g) = (self.features, self.growth);
        Rdn {
            sfe1: conv(3, g0, 3, device),
            sfe2: conv(g0, g0, 3, device),
            rdbs: (0..self.blocks)
                .map(|_| ResidualDenseBlock {
                    convs: (0..self.convs_per_block)
                        .map(|c| conv(g0 + c * g, g, 3, device))
                        .collect(),
                    lff: conv(g0 + self.convs_per_block * g, g0, 1, device),
                })
                .collect(),
            gff1: conv(self.blocks * g0, g0, 1, device),
            gff2: conv(g0, g0, 3, device),
            upn1: conv(g0, 64, 5, device),
            upn2: conv(64, 32, 3, device),
            upn3: conv(32, 3 * self.scale * self.scale, 3, device),
            sr: conv(3 * self.scale * self.scale, 3, 3, device),
            scale: self.scale,
        }
    }
}

impl ResidualDenseBlock {
    fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        // x: [batch, g0, h, w]
        let mut cat = x.clone();
        for conv in &self.convs {
            let y = relu(conv.forward(cat.clone())); // [batch, g, h, w]
            cat = Tensor::cat(vec![cat, y], 1);
        }
        self.lff.forward(cat) + x // [batch, g0, h, w]
    }
}

impl Rdn {
    /// Upscales RGB in 0..255 (not clipped: the output may overshoot a little).
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        // x: [batch, 3, h, w]
        let f_m1 = self.sfe1.forward(x); // [batch, g0, h, w]
        let mut h = self.sfe2.forward(f_m1.clone());
        let mut local = Vec::with_capacity(self.rdbs.len());
        for block in &self.rdbs {
            h = block.forward(h);
            local.push(h.clone());
        }
        let g = self.gff2.forward(self.gff1.forward(Tensor::cat(local, 1))) + f_m1; // [batch, g0, h, w]
        let u = relu(self.upn1.forward(g));
        let u = relu(self.upn2.forward(u));
        let u = self.upn3.forward(u); // [batch, 3 s², h, w]
        let [_, _, h, w] = u.dims();
        let u = interpolate(
            u,
            InterpolateOptions::new(InterpolateMode::Nearest)
                .with_output_size([h * self.scale, w * self.scale]),
        ); // [batch, 3 s², h s, w s]
        self.sr.forward(u) // [batch, 3, h s, w s]
    }
}

/// Loads a shipped generator (or any file with the same keys, float32 or uint8-quantised).
pub fn load_rdn(config: &RdnConfig, path: &Path, device: &Device) -> Result<Rdn, ImportError> {
    let mut model = config.init(device);
    load_weights(&mut model, path, "the RDN generator")?;
    Ok(model)
}

/// Runs the generator on an 8-bit image: every output pixel is the network's, clipped to
/// 0..255 and rounded.
pub fn upscale(model: &Rdn, image: &RgbImage, device: &Device) -> RgbImage {
    let y = model.forward(rgb_to_tensor(image, device));
    tensor_to_rgb(y.clamp(0.0, 255.0).round())
}

/// An 8-bit image as `[1, 3, h, w]` with the raw values 0..255.
pub(crate) fn rgb_to_tensor(image: &RgbImage, device: &Device) -> Tensor<4> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut data = vec![0.0f32; 3 * w * h];
    for (i, p) in image.pixels().enumerate() {
        for c in 0..3 {
            data[c * w * h + i] = f32::from(p.0[c]);
        }
    }
    Tensor::<4>::from_data(TensorData::new(data, [1, 3, h, w]), device)
}

/// `[1, 3, h, w]` holding whole numbers in 0..255 as an 8-bit image.
pub(crate) fn tensor_to_rgb(y: Tensor<4>) -> RgbImage {
    let [_, _, oh, ow] = y.dims();
    let values: Vec<f32> = y.into_data().try_to_vec().expect("f32 output");
    RgbImage::from_fn(ow as u32, oh as u32, |x, y| {
        let i = y as usize * ow + x as usize;
        image::Rgb(std::array::from_fn(|c| values[c * oh * ow + i] as u8))
    })
}
