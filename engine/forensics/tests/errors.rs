//! Bad input: clear errors, never a panic; every tool on tiny and odd images.

mod common;

use common::*;
use forgelens_forensics::{Evidence, ForensicsError, Limits, Params, Tool, run};
use image::{Rgb, RgbImage};

#[test]
fn unreadable_evidence_is_a_clear_error() {
    let limits = Limits::default();
    let err = |bytes: Vec<u8>| {
        Evidence::from_bytes("x", bytes, &limits)
            .expect_err("an error")
            .to_string()
    };
    assert!(err(vec![]).contains("empty"));
    assert!(err(b"hello, not an image".to_vec()).contains("not an image"));
    let mut cut = jpeg(&sample("chelsea.png"), 80);
    cut.truncate(300);
    let message = err(cut);
    assert!(
        message.contains("decode") || message.contains("x:"),
        "{message}"
    );
    let mut png = sample_bytes("chelsea.png");
    png.truncate(100);
    assert!(err(png).contains("decode"));
    let small = Limits {
        max_pixels: 1000,
        ..Limits::default()
    };
    let e = Evidence::from_bytes("big", sample_bytes("chelsea.png"), &small).expect_err("too big");
    assert!(matches!(e, ForensicsError::TooManyPixels { .. }), "{e}");
    let e =
        Evidence::read(std::path::Path::new("/no/such/file.jpg"), &limits).expect_err("missing");
    assert!(
        e.to_string().contains("cannot read /no/such/file.jpg"),
        "{e}"
    );
}

#[test]
fn every_tool_survives_tiny_and_odd_images() {
    let params = Params::default();
    for (w, h) in [(1, 1), (3, 2), (8, 8), (17, 9), (64, 3), (2, 70)] {
        let img = RgbImage::from_fn(w, h, |x, y| {
            Rgb([(x * 37 % 256) as u8, (y * 91 % 256) as u8, 7])
        });
        for evidence in [
            Evidence::from_rgb("tiny.png", &img).expect("png"),
            evidence("tiny.jpg", jpeg(&img, 90)),
        ] {
            for tool in Tool::ALL {
                match run(tool, &evidence, &params) {
                    Ok(out) => {
                        for m in &out.maps {
                            assert_eq!((m.width, m.height), (w, h), "{tool} {w}x{h}");
                            assert_eq!(m.values.len(), (w * h) as usize);
                            assert!(m.values.iter().all(|v| (0.0..=1.0).contains(v)), "{tool}");
                        }
                    }
                    Err(e) => {
                        let message = e.to_string();
                        assert!(
                            message.starts_with(tool.name()),
                            "{tool} {w}x{h}: {message}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn parameters_out_of_range_are_refused_by_name() {
    let evidence = evidence("chelsea.png", sample_bytes("chelsea.png"));
    let mut p = Params::default();
    p.ghosts.lowest_quality = 90;
    p.ghosts.highest_quality = 30;
    assert!(
        run(Tool::Ghosts, &evidence, &p)
            .expect_err("range")
            .to_string()
            .starts_with("ghosts")
    );
    let mut p = Params::default();
    p.copy_move.radius = 20;
    assert!(run(Tool::CopyMove, &evidence, &p).is_err());
    let mut p = Params::default();
    p.c2pa.trust_anchors_pem = Some("not a certificate".into());
    assert!(
        run(Tool::C2pa, &evidence, &p)
            .expect_err("bad anchors")
            .to_string()
            .contains("PEM")
    );
    assert!(
        "sobel"
            .parse::<Tool>()
            .expect_err("unknown")
            .contains("copy-move")
    );
    assert_eq!("Copy-Move".parse::<Tool>(), Ok(Tool::CopyMove));
}

#[test]
fn maps_are_upright_for_rotated_jpegs() {
    // EXIF orientation 6 (rotate 90 clockwise): maps come back at the upright size.
    let img = sample("chelsea.png");
    let body = jpeg(&img, 85);
    let field = exif::Field {
        tag: exif::Tag::Orientation,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Short(vec![6]),
    };
    let mut w = exif::experimental::Writer::new();
    w.push_field(&field);
    let mut tiff = std::io::Cursor::new(Vec::new());
    w.write(&mut tiff, false).expect("EXIF");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(tiff.get_ref());
    let mut bytes = body[..2].to_vec();
    bytes.extend_from_slice(&[0xFF, 0xE1]);
    bytes.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    bytes.extend_from_slice(&app1);
    bytes.extend_from_slice(&body[2..]);
    let evidence = evidence("rotated.jpg", bytes);
    assert_eq!(evidence.exif_orientation(), 6);
    let out = run(Tool::Gradient, &evidence, &Params::default()).expect("gradient");
    assert_eq!(
        (out.maps[0].width, out.maps[0].height),
        (img.height(), img.width())
    );
}
