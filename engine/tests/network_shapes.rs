//! Output shapes of every network for each config, on the CPU backend. `paper`'s CLIP
//! ViT-L/14 is covered by shape arithmetic only (its forward pass alone is ~80 GFLOPs).

use burn::tensor::{Device, Distribution, Tensor};
use forgelens_engine::detector::discrepancy_features;
use forgelens_engine::fusion::{
    AttentionMapMode, CamEvidence, FusionStem, MapOptions, compute_maps,
};
use forgelens_engine::model::{ModelConfig, Preset};

fn check_detector_and_fusion(config: &ModelConfig, batch: usize, device: &Device) {
    let tokens = Tensor::<3>::random(
        [
            batch,
            config.extractor.token_count(),
            config.extractor.token_width(),
        ],
        Distribution::Normal(0.0, 1.0),
        device,
    );
    let net = config.discrepancy_net().init(device);
    let out = net.forward(tokens.clone());
    assert_eq!(out.z.dims(), [batch, config.detector.z_width]);
    assert_eq!(out.logits.dims(), [batch, 3]);

    let generalizer = config.generalizer().init(device);
    let g = generalizer.forward(tokens.clone());
    assert_eq!(g.dims(), tokens.dims());
    // A fresh generalizer is the identity (its output projection starts at zero).
    let diff = (g - tokens).abs().max().into_scalar::<f32>();
    assert!(diff < 1e-6, "fresh generalizer changed its input by {diff}");

    let classifier = config.classifier().init(device);
    let features = discrepancy_features(out.z.clone(), out.z.clone(), out.z);
    assert_eq!(features.dims(), [batch, 2 * config.detector.z_width]);
    assert_eq!(classifier.forward(features).dims(), [batch, 3]);

    let size = config.fusion.image_size;
    let grid = config.fusion.grid();
    let fusion = config.fusion.init(device);
    let pixels = Tensor::<4>::random(
        [batch, 3, size, size],
        Distribution::Normal(0.0, 1.0),
        device,
    );
    let out = fusion.forward(pixels);
    assert_eq!(out.cam.dims(), [batch, 3, grid, grid]);
    assert_eq!(out.cnn_logits.dims(), [batch, 3]);
    assert_eq!(out.transformer_logits.dims(), [batch, 3]);
    assert_eq!(out.attention.len(), config.fusion.depth());
    for a in &out.attention {
        assert_eq!(
            a.dims(),
            [batch, config.fusion.heads, grid * grid + 1, grid * grid + 1]
        );
    }
    let modes = [
        AttentionMapMode::Affinity,
        AttentionMapMode::ClsAttention,
        AttentionMapMode::ClsAttentionGeometricMean,
    ];
    let evidence = [CamEvidence::ClassLogit, CamEvidence::NotReal];
    for (mode, evidence) in modes.into_iter().flat_map(|m| evidence.map(|e| (m, e))) {
        let maps = compute_maps(
            &out,
            &MapOptions {
                mode,
                evidence,
                ..MapOptions::default()
            },
        );
        for m in [maps.cam, maps.attention, maps.fused] {
            assert_eq!(m.dims(), [batch, grid, grid]);
            assert!(m.min().into_scalar::<f32>() >= 0.0);
        }
    }
}

#[test]
fn tiny_networks_have_the_right_shapes() {
    let device = Device::flex();
    let config = Preset::Tiny.config();
    check_detector_and_fusion(&config, 2, &device);
    let model = config.init(&device);
    let size = config.extractor.image_size();
    let pixels = Tensor::<4>::random([2, 3, size, size], Distribution::Normal(0.0, 1.0), &device);
    let tokens = model.extractor.tokens(pixels.clone());
    assert_eq!(tokens.dims(), [2, config.extractor.token_count(), 1280]);
    let detected = model.detect(pixels, config.detector_input());
    assert_eq!(detected.probabilities.dims(), [2, 3]);
    let sums = detected
        .probabilities
        .sum_dim(1)
        .into_data()
        .try_to_vec::<f32>()
        .expect("f32");
    assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-5));
    assert_eq!(detected.d1.dims(), [2]);
}

#[test]
fn a_fusion_net_with_a_mobilenet_stem_and_a_stem_cam_maps_from_the_stem_head() {
    let device = Device::flex();
    let mut config = Preset::Tiny.config();
    config.fusion.stem = Some(FusionStem::MobileNetV2 { layers: 7 });
    config.fusion.stem_cam = Some(true);
    check_detector_and_fusion(&config, 2, &device);

    let fusion = config.fusion.init(&device);
    let grid = config.fusion.grid();
    let pixels = Tensor::<4>::random([1, 3, 64, 64], Distribution::Normal(0.0, 1.0), &device);
    let out = fusion.forward(pixels);
    let stem_cam = out.stem_cam.clone().expect("a stem CAM");
    assert_eq!(stem_cam.dims(), [1, 3, grid, grid]);
    let options = MapOptions {
        evidence: CamEvidence::NotReal,
        ..MapOptions::default()
    };
    let expected = burn::tensor::activation::softmax(stem_cam, 1)
        .narrow(1, 0, 1)
        .neg()
        .add_scalar(1.0)
        .reshape([1, grid, grid]);
    compute_maps(&out, &options)
        .cam
        .into_data()
        .assert_approx_eq::<f32>(&expected.into_data(), burn::tensor::Tolerance::default());
}

#[test]
fn small_networks_have_the_right_shapes() {
    check_detector_and_fusion(&Preset::Small.config(), 1, &Device::flex());
}

#[test]
fn paper_networks_have_the_right_shapes() {
    let config = Preset::Paper.config();
    assert_eq!(config.extractor.token_count(), 257);
    assert_eq!(config.extractor.token_width(), 1024);
    assert_eq!(config.fusion.grid(), 14);
    assert_eq!(config.fusion.depth(), 12);
    check_detector_and_fusion(&config, 1, &Device::flex());
}

#[test]
fn token_grid_follows_the_input_size() {
    let device = Device::flex();
    let mut config = Preset::Tiny.config();
    config.fusion.image_size = 96;
    let fusion = config.fusion.init(&device);
    let out = fusion.forward(Tensor::random(
        [1, 3, 96, 96],
        Distribution::Normal(0.0, 1.0),
        &device,
    ));
    assert_eq!(out.cam.dims(), [1, 3, 6, 6]);
}

#[test]
fn paper_fusion_net_is_conformer_s_sized() {
    use burn::module::Module;
    // Conformer-S has 37.7M parameters. Here its two 1000-class linear heads (1.41M) become
    // TransCAM's 3x3 CAM head and a 3-class token head (0.03M), and the last block's
    // stride-2 fusion shortcut (`last_fusion`, 1.05M) is left out so the CAM stays on the
    // 14 x 14 token grid: 37.7 - 1.41 - 1.05 + 0.03 = 35.3M.
    let params = Preset::Paper
        .config()
        .fusion
        .init(&Device::flex())
        .num_params();
    assert!(
        (35_200_000..35_400_000).contains(&params),
        "{params} parameters"
    );
}
