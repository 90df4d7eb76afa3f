//! The fusion net's start depends on its seed alone, not on what the detector drew before it.
//! A binary of its own: burn-flex has one process-wide random generator, so a test drawing
//! on another thread between the seed and the draw would make this flaky.

use burn::tensor::Device;
use forgelens_engine::model::{ModelConfig, Preset};
use forgelens_training::train::networks::Networks;

fn start(config: &ModelConfig, seed: u64, device: &Device) -> Vec<f32> {
    let _detector = Networks::init(config, device);
    let fusion = Networks::fresh_fusion(config, seed, device).expect("fusion net");
    fusion
        .trans_cls_head
        .weight
        .val()
        .flatten::<1>(0, 1)
        .into_data()
        .convert::<f32>()
        .try_to_vec::<f32>()
        .expect("f32 values")
}

#[test]
fn the_fusion_net_starts_the_same_whatever_the_detector_drew_before_it() {
    let device = Device::flex();
    let config = Preset::Tiny.config();
    let mut deeper = config.clone();
    deeper.detector.depth += 1;
    assert_eq!(start(&config, 7, &device), start(&deeper, 7, &device));
    assert_ne!(start(&config, 7, &device), start(&config, 8, &device));
}
