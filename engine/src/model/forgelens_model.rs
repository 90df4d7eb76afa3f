//! `ForgeLensModel`: every network used at inference, as one module saved in one `.bpk`.
//! The detector branch (E -> N_T, N_S1, N_S2 -> N_C) gives the verdict; the fusion branch
//! gives the maps. The generalizers are training-only and live in training checkpoints.

use burn::module::Module;
use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor};

use super::ModelConfig;
use crate::detector::{Classifier, DiscrepancyNet, discrepancy_features};
use crate::extractor::{DetectorInput, Extractor};
use crate::fusion::FusionNet;

/// The classes, in logit order.
pub const CLASS_NAMES: [&str; 3] = ["real", "partial", "full"];

#[derive(Module, Debug)]
pub struct ForgeLensModel {
    /// E, frozen.
    pub extractor: Extractor,
    /// N_T.
    pub teacher: DiscrepancyNet,
    /// N_S1: stays close to the teacher on real and partial fakes, diverges on full fakes.
    pub student1: DiscrepancyNet,
    /// N_S2: stays close on real and full fakes, diverges on partial fakes.
    pub student2: DiscrepancyNet,
    /// N_C.
    pub classifier: Classifier,
    pub fusion: FusionNet,
}

#[derive(Debug, Clone)]
pub struct DetectorOutput {
    /// `[batch, 3]`.
    pub probabilities: Tensor<2>,
    /// `[batch]`, mean squared discrepancy teacher vs N_S1.
    pub d1: Tensor<1>,
    /// `[batch]`, mean squared discrepancy teacher vs N_S2.
    pub d2: Tensor<1>,
}

impl ModelConfig {
    /// Fresh networks; the extractor is randomly initialised too (see
    /// `model::directory::init_model_dir` for pretrained extractor weights).
    pub fn init(&self, device: &Device) -> ForgeLensModel {
        let net = self.discrepancy_net();
        ForgeLensModel {
            extractor: self.extractor.init(device),
            teacher: net.init(device),
            student1: net.init(device),
            student2: net.init(device),
            classifier: self.classifier().init(device),
            fusion: self.fusion.init(device),
        }
    }
}

impl ForgeLensModel {
    /// Verdict branch on extractor-normalised pixels, which the extractor sees as `input`
    /// says (the model config's `detector_input`).
    pub fn detect(&self, pixels: Tensor<4>, input: DetectorInput) -> DetectorOutput {
        // pixels: [batch, 3, e_size, e_size]
        let tokens = self.extractor.tokens(input.apply(pixels)); // [batch, tokens, e_width]
        self.detect_from_tokens(tokens)
    }

    /// Verdict branch on cached extractor tokens.
    pub fn detect_from_tokens(&self, tokens: Tensor<3>) -> DetectorOutput {
        // tokens: [batch, tokens, e_width]
        let z_t = self.teacher.forward(tokens.clone()).z; // [batch, z]
        let z_s1 = self.student1.forward(tokens.clone()).z;
        let z_s2 = self.student2.forward(tokens).z;
        let [batch, _] = z_t.dims();
        let d1 = (z_t.clone() - z_s1.clone())
            .powi_scalar(2)
            .mean_dim(1)
            .reshape([batch]);
        let d2 = (z_t.clone() - z_s2.clone())
            .powi_scalar(2)
            .mean_dim(1)
            .reshape([batch]);
        let logits = self
            .classifier
            .forward(discrepancy_features(z_t, z_s1, z_s2)); // [batch, 3]
        DetectorOutput {
            probabilities: softmax(logits, 1),
            d1,
            d2,
        }
    }
}
