//! The trainable networks of a run as one module, saved in one checkpoint: teacher,
//! students, generalizers (training only), classifier and fusion net. E is frozen and
//! lives outside (its features are cached), and joins them only in the final model.

use burn::module::Module;
use burn::tensor::Device;
use forgelens_engine::detector::{Classifier, DiscrepancyNet, Generalizer};
use forgelens_engine::extractor::Extractor;
use forgelens_engine::extractor::ImportError;
use forgelens_engine::fusion::{FusionNet, FusionStem};
use forgelens_engine::model::{ForgeLensModel, ModelConfig, bundled_mobilenet_v2};

#[derive(Module, Debug)]
pub struct Networks {
    pub teacher: DiscrepancyNet,
    pub student1: DiscrepancyNet,
    pub student2: DiscrepancyNet,
    /// G_PF.
    pub generalizer_pf: Generalizer,
    /// G_FF.
    pub generalizer_ff: Generalizer,
    pub classifier: Classifier,
    pub fusion: FusionNet,
}

/// Which parts a stage trains; everything else is frozen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trainable {
    Teacher,
    Students,
    Generalizers,
    Classifier,
    Fusion,
}

impl Networks {
    pub fn init(config: &ModelConfig, device: &Device) -> Self {
        let net = config.discrepancy_net();
        let generalizer = config.generalizer();
        Self {
            teacher: net.init(device),
            student1: net.init(device),
            student2: net.init(device),
            generalizer_pf: generalizer.init(device),
            generalizer_ff: generalizer.init(device),
            classifier: config.classifier().init(device),
            fusion: config.fusion.init(device),
        }
    }

    /// The fusion net as localisation starts: drawn from `seed` alone, so that its start does
    /// not move when the detector's shapes (and so its random draws) change, with the
    /// pretrained stem where the config asks for one.
    pub fn fresh_fusion(
        config: &ModelConfig,
        seed: u64,
        device: &Device,
    ) -> Result<FusionNet, ImportError> {
        device.seed(seed);
        let fusion = config.fusion.init(device);
        Ok(match config.fusion.stem_kind() {
            FusionStem::Conformer => fusion,
            _ => fusion.with_pretrained_stem(bundled_mobilenet_v2(device)?),
        })
    }

    /// Freezes everything but `part`.
    pub fn train_only(self, part: Trainable) -> Self {
        let mut n = self.no_grad();
        match part {
            Trainable::Teacher => n.teacher = n.teacher.set_require_grad(true),
            Trainable::Students => {
                n.student1 = n.student1.set_require_grad(true);
                n.student2 = n.student2.set_require_grad(true);
            }
            Trainable::Generalizers => {
                n.generalizer_pf = n.generalizer_pf.set_require_grad(true);
                n.generalizer_ff = n.generalizer_ff.set_require_grad(true);
            }
            Trainable::Classifier => n.classifier = n.classifier.set_require_grad(true),
            Trainable::Fusion => {
                n.fusion = n.fusion.set_require_grad(true).freeze_pretrained_stem();
            }
        }
        n
    }

    /// The inference model: these networks with E.
    pub fn into_model(self, extractor: Extractor) -> ForgeLensModel {
        ForgeLensModel {
            extractor,
            teacher: self.teacher,
            student1: self.student1,
            student2: self.student2,
            classifier: self.classifier,
            fusion: self.fusion,
        }
    }
}

#[cfg(test)]
mod tests {
    use burn::optim::{AdamWConfig, GradientsParams};
    use burn::tensor::{Distribution, Tensor};
    use forgelens_engine::fusion::FusionStem;
    use forgelens_engine::model::{Preset, bundled_mobilenet_v2};

    use super::*;

    fn values(t: Tensor<1>) -> Vec<f32> {
        t.into_data()
            .convert::<f32>()
            .try_to_vec::<f32>()
            .expect("f32 values")
    }

    #[test]
    fn fusion_training_moves_the_adapter_but_not_the_pretrained_stem() {
        let device = Device::flex().autodiff();
        let mut config = Preset::Tiny.config();
        config.fusion.stem = Some(FusionStem::MobileNetV2 { layers: 7 });
        let mut nets = Networks::init(&config, &device);
        nets.fusion = nets
            .fusion
            .with_pretrained_stem(bundled_mobilenet_v2(&device).expect("bundled weights"));
        let nets = nets.train_only(Trainable::Fusion);
        let stem = |n: &Networks| {
            let s = n
                .fusion
                .mobilenet_stem
                .as_ref()
                .expect("a MobileNetV2 stem");
            (
                values(s.blocks[5].project.conv.weight.val().flatten(0, 3)),
                values(s.blocks[5].project.bn.running_mean.value()),
                values(s.adapter.conv.weight.val().flatten(0, 3)),
            )
        };
        let (weight, mean, adapter) = stem(&nets);

        let pixels = Tensor::random([2, 3, 64, 64], Distribution::Normal(0.0, 1.0), &device);
        let out = nets.fusion.forward(pixels);
        let loss = out.cnn_logits.powf_scalar(2.0).sum() + out.transformer_logits.sum();
        let grads = GradientsParams::from_grads(loss.backward(), &nets);
        let nets = AdamWConfig::new().init().step(1e-2, nets, grads);

        let (weight_after, mean_after, adapter_after) = stem(&nets);
        assert_eq!(weight, weight_after, "ImageNet weights moved");
        assert_eq!(mean, mean_after, "ImageNet batch-norm statistics moved");
        assert_ne!(adapter, adapter_after, "the adapter did not train");
    }
}
