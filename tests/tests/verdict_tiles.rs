//! The verdict's evidence from native-resolution tiles, end to end through the engine on a
//! `tiny` model: the analyzer's probabilities are recomputed here from the detector on the
//! whole-image view and on each tile cut by hand, and combined as each mode documents.

use std::path::PathBuf;

use burn::tensor::Tensor;
use forgelens_engine::image_input::{DecodedImage, ImageLimits, decode_image};
use forgelens_engine::model::{LoadedModel, Preset, init_model_dir, load_model_dir};
use forgelens_engine::preprocess::{detector_view, to_tensor};
use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_engine::tiling::plan_tiles;
use forgelens_engine::verdict_evidence::VerdictEvidence;
use forgelens_engine::{Analyzer, AnalyzerOptions, DeviceChoice, select_device};
use image::{RgbImage, imageops};

fn sample() -> RgbImage {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/samples/chelsea.png");
    image::open(path).expect("sample").to_rgb8()
}

fn analyzer(dir: &tempfile::TempDir, options: AnalyzerOptions) -> Analyzer {
    let device = select_device(DeviceChoice::Cpu).expect("cpu");
    let out = dir.path().join("tiny-model");
    let loaded = if out.exists() {
        load_model_dir(&out, &device.device).expect("load")
    } else {
        init_model_dir(&Preset::Tiny.config(), None, &out, &device.device, 0).expect("init")
    };
    Analyzer::new(loaded, device, options)
}

fn detect(model: &LoadedModel, image: &RgbImage) -> [f32; 3] {
    let device = select_device(DeviceChoice::Cpu).expect("cpu").device;
    let (mean, std) = model.config.extractor.normalization();
    let p: Tensor<2> = model
        .model
        .detect(
            to_tensor(image, mean, std, &device),
            model.config.detector_input(),
        )
        .probabilities;
    let v = p.into_data().try_to_vec::<f32>().expect("f32");
    [v[0], v[1], v[2]]
}

/// The image as analysis sees a file: encoded as PNG, then decoded.
fn decoded(image: RgbImage) -> DecodedImage {
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    decode_image(&png, "sample.png", &ImageLimits::default()).expect("decode")
}

fn with(evidence: VerdictEvidence, max_tiles: usize) -> AnalyzerOptions {
    AnalyzerOptions {
        verdict_evidence: Some(evidence),
        verdict_max_tiles: max_tiles,
        ..AnalyzerOptions::default()
    }
}

fn close(a: [f32; 3], b: [f32; 3]) {
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() < 1e-4, "{a:?} != {b:?}");
    }
}

#[test]
fn tile_modes_combine_the_view_and_the_native_tiles_as_documented() {
    let dir = tempfile::tempdir().expect("tempdir");
    let image = sample(); // 451 x 300; the tiny extractor's input is 64 px
    let global = analyzer(&dir, with(VerdictEvidence::Global, 256));
    let model = global.model();
    let view = detect(model, &detector_view(&image, &model.config.extractor));
    let plan = plan_tiles(451, 300, 64, 0.0, 256);
    assert_eq!((plan.work_width, plan.work_height), (451, 300));
    let tiles: Vec<[f32; 3]> = plan
        .origins
        .iter()
        .map(|&(x, y)| detect(model, &imageops::crop_imm(&image, x, y, 64, 64).to_image()))
        .collect();
    assert_eq!(tiles.len(), 8 * 5);

    let decoded = decoded(image.clone());
    let a = global.analyze_image(&decoded, &no_progress(), &CancelToken::default());
    let a = a.expect("global analysis");
    close(a.probabilities.as_array(), view);
    let source = a.verdict_source.expect("recorded");
    assert_eq!(
        (source.evidence, source.tiles),
        (VerdictEvidence::Global, 0)
    );

    let mean = analyzer(&dir, with(VerdictEvidence::TilesMean, 256))
        .analyze_image(&decoded, &no_progress(), &CancelToken::default())
        .expect("tiles-mean analysis");
    let n = (tiles.len() + 1) as f32;
    let expected = [0, 1, 2].map(|c| (view[c] + tiles.iter().map(|t| t[c]).sum::<f32>()) / n);
    close(mean.probabilities.as_array(), expected);
    assert_eq!(mean.verdict_source.expect("recorded").tiles, 40);

    let max = analyzer(&dir, with(VerdictEvidence::TilesMax, 256))
        .analyze_image(&decoded, &no_progress(), &CancelToken::default())
        .expect("tiles-max analysis");
    let suspicious = tiles
        .iter()
        .min_by(|a, b| a[0].total_cmp(&b[0]))
        .expect("tiles");
    close(
        max.probabilities.as_array(),
        [0, 1, 2].map(|c| (view[c] + suspicious[c]) / 2.0),
    );
    // The maps do not depend on where the verdict's evidence came from.
    assert_eq!(a.maps, max.maps);
}

#[test]
fn a_tile_budget_shrinks_the_working_image_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let decoded = decoded(sample());
    let a = analyzer(&dir, with(VerdictEvidence::TilesMean, 6))
        .analyze_image(&decoded, &no_progress(), &CancelToken::default())
        .expect("analysis");
    let source = a.verdict_source.expect("recorded");
    assert!(source.tiles <= 6 && source.tiles >= 2, "{source:?}");
    assert!(
        source.work_width < 451 && source.work_height < 300,
        "{source:?}"
    );
}

#[test]
fn an_image_no_larger_than_a_tile_has_one_view_in_every_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let small = imageops::crop_imm(&sample(), 100, 100, 64, 64).to_image();
    let decoded = decoded(small);
    let mut seen = Vec::new();
    for mode in VerdictEvidence::ALL {
        let a = analyzer(&dir, with(mode, 256))
            .analyze_image(&decoded, &no_progress(), &CancelToken::default())
            .expect("analysis");
        assert_eq!(a.verdict_source.as_ref().expect("recorded").tiles, 0);
        seen.push(a.probabilities);
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
}
