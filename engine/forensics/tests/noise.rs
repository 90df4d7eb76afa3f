//! Noise: added noise in a region stands out in the level and inconsistency maps.

mod common;

use common::*;
use forgelens_forensics::{Evidence, Findings, Params, Tool, run};

#[test]
fn noise_added_to_a_region_stands_out() {
    let mut photo = sample("chelsea.png");
    let rect = (150u32, 80u32, 278u32, 208u32);
    let mut rng = Rng(0x5eed);
    for y in rect.1..rect.3 {
        for x in rect.0..rect.2 {
            let p = photo.get_pixel_mut(x, y);
            let n = 10.0 * rng.normal();
            for c in 0..3 {
                p[c] = (f32::from(p[c]) + n).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    let evidence = Evidence::from_rgb("noisy.png", &photo).expect("evidence");
    let out = run(Tool::Noise, &evidence, &Params::default()).expect("noise");
    for name in ["level", "inconsistency", "residual"] {
        let (inside, outside) = inside_outside(map(&out.maps, name), rect, 0);
        assert!(
            inside >= 2.0 * outside,
            "{name}: inside {inside:.3} should be at least twice outside {outside:.3}"
        );
    }
    let Findings::Noise(f) = &out.findings else {
        panic!("noise findings")
    };
    // The most deviant block lies in the noisy region.
    let top = &f.most_deviant[0];
    assert!(
        top.x >= rect.0 && top.x < rect.2 && top.y >= rect.1 && top.y < rect.3,
        "{top:?}"
    );
    assert!(top.level > 7.0, "{top:?}");
}

#[test]
fn a_flat_grey_image_has_no_noise_and_no_outliers() {
    let grey = image::RgbImage::from_pixel(64, 48, image::Rgb([128, 128, 128]));
    let evidence = Evidence::from_rgb("grey.png", &grey).expect("evidence");
    let out = run(Tool::Noise, &evidence, &Params::default()).expect("noise");
    let Findings::Noise(f) = &out.findings else {
        panic!("noise findings")
    };
    assert_eq!(f.median_level, 0.0);
    assert_eq!(f.outlier_share, 0.0);
    let mut params = Params::default();
    params.noise.block = 7;
    assert!(run(Tool::Noise, &evidence, &params).is_err());
}
