//! Model configs come from files: a seeded property test mutates the `tiny` preset's fields
//! at random (zeros, odd sizes, mismatched heads) and asserts that each config is either
//! refused by `ModelConfig::check` with the field named, or builds a model that analyses an
//! image — never a panic. A `model.json` edited to zero blocks is refused when loaded.

use std::panic::{AssertUnwindSafe, catch_unwind};

use forgelens_engine::extractor::ExtractorConfig;
use forgelens_engine::model::{ModelConfig, ModelDirError, Preset, init_model_dir, load_model_dir};
use forgelens_engine::{Analyzer, AnalyzerOptions, DeviceChoice, select_device};

/// SplitMix64: a fixed, dependency-free stream, so a failing case is found again by its number.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn pick(&mut self, values: &[usize]) -> usize {
        values[(self.next() % values.len() as u64) as usize]
    }
}

const SIZES: [usize; 12] = [0, 1, 2, 3, 4, 5, 6, 8, 16, 24, 32, 48];
const IMAGE_SIZES: [usize; 8] = [0, 16, 24, 32, 48, 64, 70, 96];

fn mutate(config: &mut ModelConfig, stream: &mut Stream) {
    for _ in 0..1 + stream.next() % 3 {
        match stream.next() % 18 {
            0 => config.detector.width = stream.pick(&SIZES),
            1 => config.detector.depth = stream.pick(&SIZES[..6]),
            2 => config.detector.heads = stream.pick(&SIZES[..8]),
            3 => config.detector.mlp_ratio = stream.pick(&SIZES[..6]),
            4 => config.detector.z_width = stream.pick(&SIZES),
            5 => config.detector.classifier_hidden = stream.pick(&SIZES),
            6 => config.fusion.image_size = stream.pick(&IMAGE_SIZES),
            7 => config.fusion.stem_channels = stream.pick(&SIZES),
            8 => config.fusion.channel_ratio = stream.pick(&SIZES[..6]),
            9 => config.fusion.embed_dim = stream.pick(&SIZES),
            10 => config.fusion.heads = stream.pick(&SIZES[..8]),
            11 => config.fusion.mlp_ratio = stream.pick(&SIZES[..6]),
            12 => config.fusion.blocks_per_stage = stream.pick(&SIZES[..4]),
            13 => config.fusion.num_classes = stream.pick(&SIZES[..6]),
            14 => config.maps.propagation_steps = stream.pick(&SIZES[..4]),
            15 => config.maps.class = stream.pick(&SIZES[..5]),
            16 => config.maps.attention_layers = stream.pick(&SIZES[..6]),
            _ => {
                config.extractor = ExtractorConfig::MobileNetV2 {
                    image_size: stream.pick(&IMAGE_SIZES),
                    layers: match stream.next() % 3 {
                        0 => None,
                        _ => Some(stream.pick(&[0, 7, 8, 11, 14, 18, 19])),
                    },
                }
            }
        }
    }
}

#[test]
fn random_configs_are_refused_with_the_field_named_or_analyse_an_image() {
    let device = select_device(DeviceChoice::Cpu).expect("cpu");
    let photo = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/images/rgba.png"),
    )
    .expect("fixture");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut stream = Stream(0x5eed);
    let (mut refused, mut built) = (0, 0);
    for case in 0..80 {
        let mut config = Preset::Tiny.config();
        mutate(&mut config, &mut stream);
        let out = dir.path().join(format!("case-{case}"));
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            init_model_dir(&config, None, &out, &device.device, 0).map(|model| {
                Analyzer::new(model, device.clone(), AnalyzerOptions::default())
                    .analyze_bytes(&photo, "rgba.png")
                    .map(|_| ())
            })
        }));
        match outcome {
            Err(_) => panic!("case {case} panicked: {config:?}"),
            Ok(Err(ModelDirError::Invalid { message, .. })) => {
                assert!(
                    message.contains("must") || message.contains("takes"),
                    "case {case}: an unclear refusal: {message}"
                );
                assert_eq!(config.check(), Err(message), "case {case}");
                assert!(!out.exists(), "case {case}: a refused config wrote {out:?}");
                refused += 1;
            }
            Ok(Err(other)) => panic!("case {case}: {other} for {config:?}"),
            Ok(Ok(analysis)) => {
                analysis.unwrap_or_else(|e| panic!("case {case}: {e} for {config:?}"));
                built += 1;
            }
        }
    }
    assert!(
        refused >= 10 && built >= 10,
        "refused {refused}, built {built}"
    );
}

#[test]
fn a_model_json_with_zero_blocks_is_refused_when_loaded() {
    let device = select_device(DeviceChoice::Cpu).expect("cpu");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("model");
    init_model_dir(&Preset::Tiny.config(), None, &out, &device.device, 0).expect("init");
    let path = out.join("model.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    json["fusion"]["blocks_per_stage"] = 0.into();
    std::fs::write(&path, json.to_string()).expect("written");
    match load_model_dir(&out, &device.device) {
        Err(ModelDirError::Invalid { message, .. }) => {
            assert!(message.contains("fusion.blocks_per_stage"), "{message}")
        }
        Err(other) => panic!("another error: {other}"),
        Ok(_) => panic!("a model with zero blocks loaded"),
    }
}
