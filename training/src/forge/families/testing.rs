//! Shared test fixtures for the families (the sample photographs, a feathered object mask,
//! the check that a blend keeps every pixel outside the mask) and an ignored timing run.

use std::path::PathBuf;
use std::time::Instant;

use image::RgbImage;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

use super::{Retouch, Tone, copy_move, resample, splice};
use crate::forge::masks::{Mask, MaskConfig, MaskShape, random_mask_on};

pub(super) fn photo(name: &str) -> RgbImage {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/samples");
    image::open(path.join(name))
        .expect("sample photo")
        .into_rgb8()
}

pub(super) fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// A feathered mask of `shape` on `image`, 5-25% of it.
pub(super) fn mask_on(image: &RgbImage, shape: MaskShape, seed: u64) -> Mask {
    let config = MaskConfig {
        min_coverage: 0.05,
        max_coverage: 0.25,
        feather_px: 3.0,
    };
    random_mask_on(image, shape, &config, &mut rng(seed)).expect("mask")
}

/// Blends `manipulated` in under `mask`, asserts that every pixel outside the mask is the
/// original's, and returns the share of masked pixels that changed.
pub(super) fn blend_and_check(original: &RgbImage, manipulated: &RgbImage, mask: &Mask) -> f32 {
    let blended = mask.blend(original, manipulated).expect("same sizes");
    let (mut inside, mut changed) = (0, 0);
    for (x, y, p) in blended.enumerate_pixels() {
        if mask.binary.get_pixel(x, y).0[0] == 0 {
            assert_eq!(
                p,
                original.get_pixel(x, y),
                "({x}, {y}) outside the mask changed"
            );
        } else {
            inside += 1;
            changed += usize::from(p != original.get_pixel(x, y));
        }
    }
    changed as f32 / inside.max(1) as f32
}

/// `cargo test --release -p forgelens-training --lib forge::families::testing -- --ignored
/// --nocapture` prints how long each step takes on a 2048x1536 photograph.
#[test]
#[ignore = "a timing run, not a check"]
fn timings_at_2048x1536() {
    use image::imageops::{FilterType, resize};
    let big = resize(&photo("coffee.png"), 2048, 1536, FilterType::Triangle);
    let donor = resize(&photo("chelsea.png"), 1200, 800, FilterType::Triangle);
    let time = |what: &str, runs: u64, f: &mut dyn FnMut(u64)| {
        let (mut total, mut worst) = (0.0f64, 0.0f64);
        for seed in 0..runs {
            let start = Instant::now();
            f(seed);
            let t = start.elapsed().as_secs_f64() * 1e3;
            (total, worst) = (total + t, worst.max(t));
        }
        println!(
            "{what:<28} mean {:7.1} ms  worst {worst:7.1} ms",
            total / runs as f64
        );
    };
    let config = MaskConfig {
        feather_px: 0.0,
        ..MaskConfig::default()
    };
    for shape in MaskShape::ALL_WITH_OBJECT {
        time(&format!("mask {}", shape.name()), 10, &mut |seed| {
            random_mask_on(&big, shape, &config, &mut rng(seed)).expect("mask");
        });
    }
    let mask = mask_on(&big, MaskShape::Object, 1);
    time("mask object, feather 3 px", 10, &mut |seed| {
        mask_on(&big, MaskShape::Object, seed);
    });
    time("blend", 3, &mut |_| {
        mask.blend(&big, &big).expect("same sizes");
    });
    time("splice", 5, &mut |seed| {
        splice(&big, &donor, &mask, &mut rng(seed)).expect("splice");
    });
    time("copy-move", 5, &mut |seed| {
        copy_move(&big, &mask, &mut rng(seed)).expect("copy-move");
    });
    time("resample", 10, &mut |seed| {
        resample(&big, &mut rng(seed));
    });
    for operation in [
        Retouch::Blur { sigma: 3.0 },
        Retouch::Sharpen {
            sigma: 2.5,
            amount: 1.0,
        },
        Retouch::Median { radius: 2 },
        Retouch::Noise {
            sigma: 10.0,
            seed: 1,
        },
        Retouch::Tone(Tone::Gamma(1.3)),
    ] {
        time(&format!("retouch {}", operation.name()), 3, &mut |_| {
            operation.apply(&big);
        });
    }
}
