//! The classifier N_C (eq. 8): an MLP on `concat((z_T - z_S1)^2, (z_T - z_S2)^2)` giving
//! logits for real / partially fake / fully fake.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::gelu;
use burn::tensor::{Device, Tensor};

#[derive(Config, Debug, PartialEq)]
pub struct ClassifierConfig {
    /// Size of each z; the input is twice this.
    pub z_width: usize,
    #[config(default = 256)]
    pub hidden: usize,
    #[config(default = 3)]
    pub num_classes: usize,
}

#[derive(Module, Debug)]
pub struct Classifier {
    pub fc1: Linear,
    pub fc2: Linear,
}

impl ClassifierConfig {
    pub fn init(&self, device: &Device) -> Classifier {
        Classifier {
            fc1: LinearConfig::new(2 * self.z_width, self.hidden).init(device),
            fc2: LinearConfig::new(self.hidden, self.num_classes).init(device),
        }
    }
}

/// Eq. 8's input: the squared discrepancies of both students against the teacher.
pub fn discrepancy_features(z_t: Tensor<2>, z_s1: Tensor<2>, z_s2: Tensor<2>) -> Tensor<2> {
    // z_*: [batch, z_width] -> [batch, 2 * z_width]
    let d1 = (z_t.clone() - z_s1).powi_scalar(2);
    let d2 = (z_t - z_s2).powi_scalar(2);
    Tensor::cat(vec![d1, d2], 1)
}

impl Classifier {
    pub fn forward(&self, features: Tensor<2>) -> Tensor<2> {
        // features: [batch, 2 * z_width] -> [batch, num_classes]
        self.fc2.forward(gelu(self.fc1.forward(features)))
    }
}
