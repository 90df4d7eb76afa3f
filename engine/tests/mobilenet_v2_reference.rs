//! MobileNetV2 with the shipped ImageNet weights against torchvision (fixture and export
//! script in `tests/fixtures/mobilenet_v2/`), and a real photograph classified correctly.

mod common;

use burn::tensor::{Device, Tensor, TensorData};
use common::{asset, max_abs_diff, read_tensor};
use forgelens_engine::extractor::{IMAGENET_MEAN, IMAGENET_STD, WeightSource, load_mobilenet_v2};
use forgelens_engine::model::directory::MOBILENET_V2_WEIGHTS;

fn bundled(device: &Device) -> forgelens_engine::extractor::MobileNetV2 {
    load_mobilenet_v2(
        WeightSource::Bytes {
            name: "bundled",
            bytes: MOBILENET_V2_WEIGHTS.to_vec(),
        },
        device,
    )
    .expect("the shipped weights decode into the architecture")
}

#[test]
fn logits_and_features_match_torchvision() {
    let device = Device::flex();
    let net = bundled(&device);
    let input = read_tensor::<4>("mobilenet_v2/expected.safetensors", "input", &device);
    let features = read_tensor::<4>("mobilenet_v2/expected.safetensors", "features", &device);
    let logits = read_tensor::<2>("mobilenet_v2/expected.safetensors", "logits", &device);
    let d_features = max_abs_diff(net.features(input.clone()), features);
    let d_logits = max_abs_diff(net.forward(input).expect("whole network"), logits);
    assert!(d_features < 1e-3, "features differ by {d_features}");
    assert!(d_logits < 1e-3, "logits differ by {d_logits}");
}

#[test]
fn chelsea_is_an_egyptian_cat() {
    let device = Device::flex();
    let net = bundled(&device);
    let image = image::open(asset("samples/chelsea.png"))
        .expect("sample")
        .into_rgb8();
    let image = image::imageops::resize(&image, 224, 224, image::imageops::FilterType::Triangle);
    let mut data = vec![0.0f32; 3 * 224 * 224];
    for (i, p) in image.pixels().enumerate() {
        for c in 0..3 {
            data[c * 224 * 224 + i] =
                (f32::from(p.0[c]) / 255.0 - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
        }
    }
    let input = Tensor::<4>::from_data(TensorData::new(data, [1, 3, 224, 224]), &device);
    let logits: Vec<f32> = net
        .forward(input)
        .expect("whole network")
        .into_data()
        .try_to_vec()
        .expect("f32 logits");
    let mut order: Vec<usize> = (0..logits.len()).collect();
    order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]));
    assert!(order[..3].contains(&285), "top 3 were {:?}", &order[..3]);
}
