//! Error level analysis: a region re-saved at another JPEG quality stands out.

mod common;

use common::*;
use forgelens_forensics::{Findings, Params, Tool, run};

#[test]
fn a_region_saved_at_another_quality_stands_out() {
    let photo = sample("coffee.png");
    // The photograph saved at quality 75 with one region taken from a quality-95 save, the
    // composite saved at 95: re-compressed at 75, the rest barely moves, the region does.
    let base = decode(&jpeg(&photo, 75));
    let high = decode(&jpeg(&photo, 95));
    let rect = (200u32, 120u32, 360u32, 280u32);
    let mut composite = base.clone();
    for y in rect.1..rect.3 {
        for x in rect.0..rect.2 {
            composite.put_pixel(x, y, *high.get_pixel(x, y));
        }
    }
    let evidence = evidence("composite.jpg", jpeg(&composite, 95));
    let out = run(Tool::Ela, &evidence, &Params::default()).expect("ELA");
    let m = map(&out.maps, "difference");
    assert_eq!((m.width, m.height), (photo.width(), photo.height()));
    let (inside, outside) = inside_outside(m, rect, 8);
    assert!(
        inside >= 2.0 * outside,
        "ELA inside {inside:.4} should be at least twice outside {outside:.4}"
    );
    let Findings::Ela(f) = &out.findings else {
        panic!("ELA findings")
    };
    assert_eq!(f.quality, 75);
}

#[test]
fn block_means_are_constant_per_block_and_deterministic() {
    let evidence = evidence("chelsea.png", sample_bytes("chelsea.png"));
    let mut params = Params::default();
    params.ela.block = 16;
    params.ela.quality = 80;
    let a = run(Tool::Ela, &evidence, &params).expect("ELA");
    let b = run(Tool::Ela, &evidence, &params).expect("ELA");
    assert_eq!(a.maps, b.maps);
    let block = map(&a.maps, "block");
    assert_eq!(block.get(0, 0), block.get(15, 15));
    assert!(block.scale.quantity.contains("16x16"));
    params.ela.quality = 0;
    assert!(run(Tool::Ela, &evidence, &params).is_err());
}
