//! The smaller views (gradient, PCA, histogram) on images with known answers, and every tool
//! deterministic on a photograph.

mod common;

use common::*;
use forgelens_forensics::{Evidence, Findings, Params, Tool, run};
use image::{Rgb, RgbImage};

#[test]
fn gradient_of_a_step_edge() {
    let img = RgbImage::from_fn(32, 16, |x, _| {
        if x < 16 {
            Rgb([0, 0, 0])
        } else {
            Rgb([64, 64, 64])
        }
    });
    let out = run(
        Tool::Gradient,
        &Evidence::from_rgb("edge.png", &img).expect("png"),
        &Params::default(),
    )
    .expect("gradient");
    let m = &out.maps[0];
    // Sobel / 8 across a 64-level step: 32 levels/pixel on both columns next to it.
    assert!((m.scale.quantity_at(m.get(15, 8)) - 32.0).abs() < 0.5);
    assert_eq!(m.get(4, 8), 0.0);
}

#[test]
fn pca_of_a_grey_ramp_is_one_component() {
    let img = RgbImage::from_fn(64, 64, |x, y| {
        let v = ((x + y) * 2) as u8;
        Rgb([v, v, v])
    });
    let out = run(
        Tool::Pca,
        &Evidence::from_rgb("ramp.png", &img).expect("png"),
        &Params::default(),
    )
    .expect("pca");
    let Findings::Pca(f) = &out.findings else {
        panic!("pca findings")
    };
    assert!(f.components[0].explained_share > 0.999);
    let axis = f.components[0].axis;
    assert!(
        axis.iter().all(|a| (a - 1.0 / 3f32.sqrt()).abs() < 1e-3),
        "{axis:?}"
    );
    assert_eq!(out.maps.len(), 3);
}

#[test]
fn histogram_counts_clipping_and_gaps() {
    // Left quarter black, right quarter white, the middle on even levels only.
    let img = RgbImage::from_fn(100, 10, |x, _| match x {
        0..25 => Rgb([0, 0, 0]),
        75.. => Rgb([255, 255, 255]),
        _ => Rgb([(x * 2) as u8, (x * 2) as u8, (x * 2) as u8]),
    });
    let out = run(
        Tool::Histogram,
        &Evidence::from_rgb("h.png", &img).expect("png"),
        &Params::default(),
    )
    .expect("histogram");
    let Findings::Histogram(f) = &out.findings else {
        panic!("histogram findings")
    };
    assert_eq!(
        (f.clipped_shadows, f.clipped_highlights, f.pixels),
        (250, 250, 1000)
    );
    assert!(f.channels[0].gaps > 100, "{}", f.channels[0].gaps);
    assert_eq!(out.maps[0].summary().area_above_half, 0.5);
}

#[test]
fn every_tool_is_deterministic() {
    let evidence = evidence("chelsea.jpg", jpeg(&sample("chelsea.png"), 85));
    for tool in Tool::ALL {
        if tool == Tool::C2pa && !forgelens_forensics::credentials::AVAILABLE {
            continue;
        }
        let a = run(tool, &evidence, &Params::default()).expect("runs");
        let b = run(tool, &evidence, &Params::default()).expect("runs");
        assert_eq!(a.maps, b.maps, "{tool}");
        assert_eq!(a.findings, b.findings, "{tool}");
        for m in &a.maps {
            assert_eq!((m.width, m.height), (451, 300), "{tool}");
        }
    }
}
