//! JPEG analysis: tables and quality, double compression with a known first quality, an
//! aligned grid against a shifted one, and JPEG ghosts of a region saved at another quality.

mod common;

use common::*;
use forgelens_forensics::{Evidence, Findings, Params, Tool, run};
use image::RgbImage;

fn jpeg_findings(
    evidence: &Evidence,
) -> (
    Vec<forgelens_forensics::Map>,
    forgelens_forensics::jpeg::JpegFindings,
) {
    let out = run(Tool::Jpeg, evidence, &Params::default()).expect("jpeg tool");
    let Findings::Jpeg(f) = out.findings else {
        panic!("jpeg findings")
    };
    (out.maps, *f)
}

#[test]
fn tables_and_quality_of_a_single_compression() {
    let photo = sample("coffee.png");
    let (_, f) = jpeg_findings(&evidence("q80.jpg", jpeg(&photo, 80)));
    assert!(f.is_jpeg);
    assert_eq!(f.tables.len(), 2);
    let q = f.quality.expect("quality");
    assert_eq!((q.estimate, q.standard_tables), (80, true));
    assert!(
        !f.double_compression.detected,
        "{:?}",
        f.double_compression.quality
    );
    assert_eq!(f.grid.aligned, Some(true));
}

#[test]
fn double_compression_first_quality_is_estimated_within_5() {
    let photo = sample("coffee.png");
    for (q1, q2) in [(60u8, 90u8), (50, 85), (75, 95), (40, 80)] {
        let once = decode(&jpeg(&photo, q1));
        let (maps, f) = jpeg_findings(&evidence("double.jpg", jpeg(&once, q2)));
        let d = &f.double_compression;
        let estimate = d
            .quality
            .unwrap_or_else(|| panic!("{q1}->{q2}: not detected, {d:?}"));
        assert!(
            estimate.abs_diff(q1) <= 5,
            "{q1}->{q2}: estimated {estimate}, curve {:?}",
            d.curve
        );
        let m = map(&maps, "double-compression");
        assert!(m.summary().mean > 0.5, "{q1}->{q2}: {}", m.summary().mean);
    }
}

#[test]
fn an_aligned_grid_and_a_shifted_one_are_told_apart() {
    let photo = sample("coffee.png");
    let (_, aligned) = jpeg_findings(&evidence("aligned.jpg", jpeg(&photo, 75)));
    assert_eq!(
        (
            aligned.grid.estimate.origin_x,
            aligned.grid.estimate.origin_y
        ),
        (0, 0)
    );
    assert!(aligned.grid.present);
    assert_eq!(aligned.grid.aligned, Some(true));

    // Cropped by (3, 5) after a quality-75 compression, then saved again: the old grid now
    // sits at (5, 3).
    let once = decode(&jpeg(&photo, 75));
    let cropped: RgbImage = image::imageops::crop_imm(&once, 3, 5, 590, 390).to_image();
    let (maps, shifted) = jpeg_findings(&evidence("shifted.jpg", jpeg(&cropped, 95)));
    assert_eq!(
        (
            shifted.grid.estimate.origin_x,
            shifted.grid.estimate.origin_y
        ),
        (5, 3)
    );
    assert_eq!(shifted.grid.aligned, Some(false));
    assert!(
        shifted.notes.iter().any(|n| n.contains("non-aligned")),
        "{:?}",
        shifted.notes
    );
    // Saved losslessly the crop shows the same shifted grid.
    let png = Evidence::from_rgb("shifted.png", &cropped).expect("evidence");
    let (_, lossless) = jpeg_findings(&png);
    assert_eq!(
        (
            lossless.grid.estimate.origin_x,
            lossless.grid.estimate.origin_y
        ),
        (5, 3)
    );
    assert_eq!(lossless.grid.aligned, None);
    assert!(!lossless.is_jpeg && lossless.quality.is_none() && lossless.tables.is_empty());
    assert!(
        lossless.notes.iter().any(|n| n.starts_with("not a JPEG")),
        "{:?}",
        lossless.notes
    );
    // The blocking map at (5, 3) is high where the grid is.
    assert!(map(&maps, "blocking").summary().mean > 0.1);
}

#[test]
fn a_region_pasted_on_a_shifted_grid_shows_in_the_grid_shift_map() {
    let photo = sample("coffee.png");
    let base = decode(&jpeg(&photo, 70));
    // A region compressed on a grid shifted by (4, 4), pasted back in place.
    let shifted_src: RgbImage = image::imageops::crop_imm(&photo, 4, 4, 596, 396).to_image();
    let shifted = decode(&jpeg(&shifted_src, 60));
    let rect = (256u32, 128u32, 448u32, 320u32);
    let mut composite = base.clone();
    for y in rect.1..rect.3 {
        for x in rect.0..rect.2 {
            composite.put_pixel(x, y, *shifted.get_pixel(x - 4, y - 4));
        }
    }
    let (maps, _) = jpeg_findings(&evidence("pasted.jpg", jpeg(&composite, 95)));
    let (inside, outside) = inside_outside(map(&maps, "grid-shift"), rect, 0);
    assert!(
        inside > 0.5 && outside < 0.2,
        "grid-shift inside {inside} outside {outside}"
    );
}

#[test]
fn ghosts_find_the_quality_a_region_was_saved_at() {
    let photo = sample("coffee.png");
    let rest = decode(&jpeg(&photo, 85));
    let region = decode(&jpeg(&photo, 60));
    let rect = (192u32, 96u32, 400u32, 304u32);
    let mut composite = rest.clone();
    for y in rect.1..rect.3 {
        for x in rect.0..rect.2 {
            composite.put_pixel(x, y, *region.get_pixel(x, y));
        }
    }
    let mut params = Params::default();
    params.ghosts.show_quality = Some(60);
    let out = run(
        Tool::Ghosts,
        &evidence("ghost.jpg", jpeg(&composite, 92)),
        &params,
    )
    .expect("ghosts");
    let Findings::Ghosts(f) = &out.findings else {
        panic!("ghost findings")
    };
    assert_eq!(f.file_quality, Some(92));
    let quality = map(&out.maps, "quality");
    // Share of 16x16 regions whose ghost is at 60 +- 5, inside the region and elsewhere
    // (flat regions are not judged and show the top of the range).
    let (mut inside, mut outside) = ((0, 0), (0, 0));
    for y in (8..quality.height).step_by(16) {
        for x in (8..quality.width).step_by(16) {
            let at_60 = (quality.scale.quantity_at(quality.get(x, y)) - 60.0).abs() <= 5.0;
            let inner = x >= rect.0 + 16 && x < rect.2 - 16 && y >= rect.1 + 16 && y < rect.3 - 16;
            let outer = x + 16 < rect.0 || x >= rect.2 + 16 || y + 16 < rect.1 || y >= rect.3 + 16;
            let slot = if inner {
                &mut inside
            } else if outer {
                &mut outside
            } else {
                continue;
            };
            slot.0 += u32::from(at_60);
            slot.1 += 1;
        }
    }
    let share_in = inside.0 as f32 / inside.1 as f32;
    let share_out = outside.0 as f32 / outside.1 as f32;
    assert!(
        share_in >= 0.7,
        "ghost at 60 in {share_in:.2} of the region"
    );
    assert!(
        share_out <= 0.05,
        "ghost at 60 in {share_out:.2} of the rest"
    );
    let (ghost_q, _) = f.ghost_quality.expect("a ghost");
    assert!(ghost_q.abs_diff(60) <= 5, "{f:?}");
    let ghost = map(&out.maps, "q60");
    let (g_in, g_out) = inside_outside(ghost, rect, 16);
    assert!(
        g_in < 0.5 * g_out,
        "the ghost at 60 is darker inside: {g_in} vs {g_out}"
    );
}
