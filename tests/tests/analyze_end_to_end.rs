//! End to end through the engine: a `tiny` model directory is written and loaded back, real
//! files are analysed, odd and bad inputs give the right result or a clear error.

use std::path::PathBuf;

use burn::tensor::Device;
use forgelens_engine::image_input::{ImageInputError, ImageLimits, read_image_file};
use forgelens_engine::model::{ModelDirError, Preset, init_model_dir, load_model_dir};
use forgelens_engine::{AnalyzeError, Analyzer, AnalyzerOptions, DeviceChoice, select_device};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

fn image(name: &str) -> PathBuf {
    repo("tests/fixtures/images").join(name)
}

fn tiny_analyzer(dir: &tempfile::TempDir) -> Analyzer {
    let out = dir.path().join("tiny-model");
    let device = select_device(DeviceChoice::Cpu).expect("cpu");
    let loaded =
        init_model_dir(&Preset::Tiny.config(), None, &out, &device.device, 0).expect("init");
    assert!(!loaded.card.trained);
    Analyzer::new(loaded, device, AnalyzerOptions::default())
}

#[test]
fn analyses_a_photograph_deterministically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let analyzer = tiny_analyzer(&dir);
    let path = repo("assets/samples/chelsea.png");
    let a = analyzer.analyze_file(&path).expect("analysis");
    assert_eq!((a.input.width, a.input.height), (451, 300));
    assert_eq!(a.input.sha256.len(), 64);
    let p = a.probabilities.as_array();
    assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-4, "{p:?}");
    for (name, map) in a.maps.iter() {
        assert_eq!((map.width, map.height), (451, 300), "{name}");
        assert_eq!(map.values.len(), 451 * 300);
        assert!(
            map.values.iter().all(|v| (0.0..=1.0).contains(v)),
            "{name} leaves [0, 1]"
        );
    }
    // 300 px is above the tiny net's 64 px tile: several tiles at native resolution.
    assert!(a.tiling.tiles > 1);
    assert_eq!((a.tiling.work_width, a.tiling.work_height), (451, 300));
    assert!(
        !a.verdict.maps_meaningful,
        "an untrained model's maps are never meaningful"
    );

    let b = analyzer.analyze_file(&path).expect("second analysis");
    assert_eq!(a.probabilities, b.probabilities);
    assert_eq!(a.maps, b.maps);
    assert_eq!(a.input, b.input);
}

#[test]
fn odd_inputs_are_converted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let analyzer = tiny_analyzer(&dir);
    for (file, colour_hint) in [
        ("cmyk.jpg", None),
        ("grey16.png", Some("L16")),
        ("rgba.png", Some("Rgba8")),
        ("palette.png", None),
        ("animated.gif", None),
    ] {
        let a = analyzer
            .analyze_file(&image(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!((a.input.width, a.input.height), (96, 64), "{file}");
        if let Some(hint) = colour_hint {
            assert_eq!(a.input.colour, hint, "{file}");
        }
    }
    // Stored 64 x 96 with EXIF orientation 6: analysed upright, 96 x 64.
    let a = analyzer
        .analyze_file(&image("exif_rotated.jpg"))
        .expect("exif");
    assert_eq!(a.input.exif_orientation, 6);
    assert_eq!((a.input.width, a.input.height), (96, 64));
    assert_eq!((a.maps.fused.width, a.maps.fused.height), (96, 64));
}

#[test]
fn cmyk_and_exif_decode_to_the_right_pixels() {
    let limits = ImageLimits::default();
    let reference = image::open(repo("tests/fixtures/images/palette.png"))
        .expect("png")
        .into_rgb8();
    let cmyk = read_image_file(&image("cmyk.jpg"), &limits)
        .expect("cmyk")
        .rgb;
    // JPEG is lossy and CMYK round-trips lose a little more: compare mean colours.
    let mean = |img: &image::RgbImage| {
        let n = img.pixels().len() as f32;
        let s = img.pixels().fold([0f32; 3], |mut acc, p| {
            for (a, v) in acc.iter_mut().zip(p.0) {
                *a += f32::from(v);
            }
            acc
        });
        s.map(|v| v / n)
    };
    let (a, b) = (mean(&cmyk), mean(&reference));
    for c in 0..3 {
        assert!(
            (a[c] - b[c]).abs() < 12.0,
            "channel {c}: {} vs {}",
            a[c],
            b[c]
        );
    }
    let upright = read_image_file(&image("exif_rotated.jpg"), &limits)
        .expect("exif")
        .rgb;
    let (u, r) = (mean(&upright), mean(&reference));
    assert!((u[0] - r[0]).abs() < 12.0);
    // The top-left of the upright image matches the reference's top-left, not a corner of the
    // stored (rotated) one.
    let d: i32 = (0..3)
        .map(|c| {
            (i32::from(upright.get_pixel(2, 2).0[c]) - i32::from(reference.get_pixel(2, 2).0[c]))
                .abs()
        })
        .sum();
    assert!(d < 90, "top-left differs by {d}");
}

#[test]
fn bad_inputs_give_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let analyzer = tiny_analyzer(&dir);
    let err = |file: &str| match analyzer.analyze_file(&image(file)) {
        Err(AnalyzeError::Image(e)) => e,
        other => panic!("{file}: expected an image error, got {other:?}"),
    };
    assert!(matches!(err("empty.png"), ImageInputError::Empty { .. }));
    assert!(matches!(
        err("not_an_image.png"),
        ImageInputError::UnknownFormat { .. }
    ));
    assert!(matches!(
        err("truncated.png"),
        ImageInputError::Decode { .. }
    ));
    assert!(matches!(
        err("huge_header.png"),
        ImageInputError::TooManyPixels { .. }
    ));
    assert!(matches!(err("missing.png"), ImageInputError::Read { .. }));
    let message = err("truncated.png").to_string();
    assert!(message.contains("truncated.png"), "{message}");
}

#[test]
fn checkpoints_must_match_their_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let device = Device::flex();
    let out = dir.path().join("m");
    init_model_dir(&Preset::Tiny.config(), None, &out, &device, 0).expect("init");
    let config_path = out.join("model.json");
    let original = std::fs::read_to_string(&config_path).expect("config");

    // Another extractor than the one the weights were trained with.
    let mut json: serde_json::Value = serde_json::from_str(&original).expect("json");
    json["extractor"]["image_size"] = 96.into();
    std::fs::write(&config_path, json.to_string()).expect("write");
    let e = load_model_dir(&out, &device).expect_err("wrong extractor");
    assert!(matches!(e, ModelDirError::WrongExtractor { .. }), "{e}");

    // A wider detector than the weights.
    let mut json: serde_json::Value = serde_json::from_str(&original).expect("json");
    json["detector"]["width"] = 48.into();
    std::fs::write(&config_path, json.to_string()).expect("write");
    let e = load_model_dir(&out, &device).expect_err("wrong shape");
    assert!(matches!(e, ModelDirError::WrongShape { .. }), "{e}");
    assert!(e.to_string().contains("teacher"), "{e}");

    // Writing over a non-empty directory is refused and leaves it as it was.
    std::fs::write(&config_path, &original).expect("restore");
    let e = init_model_dir(&Preset::Tiny.config(), None, &out, &device, 0).expect_err("exists");
    assert!(matches!(e, ModelDirError::Exists { .. }));
    assert_eq!(
        std::fs::read_to_string(&config_path).expect("config"),
        original
    );
    load_model_dir(&out, &device).expect("still loads");
}
