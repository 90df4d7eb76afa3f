//! A class head on the fusion net's stem map: a CAM whose cells see only their own
//! neighbourhood (about 40 px with the MobileNetV2 stem). The last-stage CAM's cells have
//! had the whole tile mixed in by the transformer couplings, and trained on image labels
//! they learn the image's class rather than the location's; this head keeps the evidence
//! local. Trained on the locations of real and fully generated images, which are
//! homogeneous (see the training crate's `homogeneous_location_loss`).

use burn::config::Config;
use burn::module::Module;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::tensor::module::avg_pool2d;
use burn::tensor::ops::AvgPoolOptions;
use burn::tensor::{Device, Tensor};

use crate::nn::cpu_fast::relu;
use crate::nn::upsampled::{conv3x3_on_upsampled, is_plain_3x3, upsample_nearest};

#[derive(Config, Debug)]
pub struct StemCamHeadConfig {
    pub channels_in: usize,
    pub num_classes: usize,
    #[config(default = 64)]
    pub hidden: usize,
}

#[derive(Module, Debug)]
pub struct StemCamHead {
    pub reduce: Conv2d,
    pub conv: Conv2d,
    pub classify: Conv2d,
}

impl StemCamHeadConfig {
    pub fn init(&self, device: &Device) -> StemCamHead {
        let conv3 = |cin, cout| {
            Conv2dConfig::new([cin, cout], [3, 3])
                .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                .init(device)
        };
        StemCamHead {
            reduce: Conv2dConfig::new([self.channels_in, self.hidden], [1, 1]).init(device),
            conv: conv3(self.hidden, self.hidden),
            classify: conv3(self.hidden, self.num_classes),
        }
    }
}

impl StemCamHead {
    /// Class logits per cell of the token grid (4 x 4 stem cells each: the stem map is at
    /// 1/4 of the input, the grid at 1/16).
    pub fn forward(&self, base: Tensor<4>) -> Tensor<4> {
        // base: [batch, stem, size / 4, size / 4]
        let x = relu(self.reduce.forward(base));
        let x = relu(self.conv.forward(x));
        let logits = self.classify.forward(x); // [batch, classes, size / 4, size / 4]
        avg_pool2d(logits, AvgPoolOptions::new([4, 4])) // [batch, classes, grid, grid]
    }

    /// `forward(upsample_nearest(low, factor))`, with the 1x1 reduction (and, at factor 2,
    /// the 3x3 convolution: `conv3x3_on_upsampled`) on the smaller map.
    pub fn forward_upsampled(&self, low: Tensor<4>, factor: usize) -> Tensor<4> {
        // low: [batch, stem, size / (4 factor), size / (4 factor)]
        let x = relu(self.reduce.forward(low));
        let x = if factor == 2 && is_plain_3x3(&self.conv) {
            relu(conv3x3_on_upsampled(&self.conv, x))
        } else {
            relu(self.conv.forward(upsample_nearest(x, factor)))
        }; // [batch, hidden, size / 4, size / 4]
        let logits = self.classify.forward(x); // [batch, classes, size / 4, size / 4]
        avg_pool2d(logits, AvgPoolOptions::new([4, 4])) // [batch, classes, grid, grid]
    }
}
