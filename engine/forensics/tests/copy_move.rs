//! Copy-move: a feathered copy of a textured region is found (IoU >= 0.7 against both copies),
//! and the plain photographs give no match.

mod common;

use common::*;
use forgelens_forensics::{Evidence, Findings, Params, Tool, run};

/// Alpha of a `w` x `h` patch feathered over `feather` pixels at its border.
fn alpha(x: u32, y: u32, w: u32, h: u32, feather: f32) -> f32 {
    let d = x.min(y).min(w - 1 - x).min(h - 1 - y) as f32 + 0.5;
    (d / feather).min(1.0)
}

#[test]
fn a_feathered_copy_is_found() {
    let mut photo = sample("chelsea.png");
    let (w, h) = (photo.width(), photo.height());
    // Fur from the forehead, pasted on the cheek.
    let (sx, sy, pw, ph) = (180u32, 20u32, 90u32, 70u32);
    let (dx, dy) = (40u32, 190u32);
    let original = photo.clone();
    let feather = 6.0;
    let mut truth = vec![false; (w * h) as usize];
    for y in 0..ph {
        for x in 0..pw {
            let a = alpha(x, y, pw, ph, feather);
            let s = original.get_pixel(sx + x, sy + y);
            let d = photo.get_pixel_mut(dx + x, dy + y);
            for c in 0..3 {
                d[c] = (a * f32::from(s[c]) + (1.0 - a) * f32::from(d[c])).round() as u8;
            }
            if a >= 0.5 {
                truth[((dy + y) * w + dx + x) as usize] = true;
                truth[((sy + y) * w + sx + x) as usize] = true;
            }
        }
    }
    let evidence = Evidence::from_rgb("copy-move.png", &photo).expect("evidence");
    let out = run(Tool::CopyMove, &evidence, &Params::default()).expect("copy-move");
    let m = map(&out.maps, "mask");
    let (mut inter, mut union) = (0u32, 0u32);
    for y in 0..h {
        for x in 0..w {
            let found = m.get(x, y) >= 0.5;
            let t = truth[(y * w + x) as usize];
            inter += u32::from(found && t);
            union += u32::from(found || t);
        }
    }
    let iou = inter as f32 / union as f32;
    let Findings::CopyMove(f) = &out.findings else {
        panic!("copy-move findings")
    };
    assert!(f.detected);
    assert!(iou >= 0.7, "IoU {iou:.3}, regions {:?}", f.regions);
    // The regions point at each other, with the offset of the copy.
    let paired = f.regions.iter().any(|r| {
        r.matches.is_some()
            && (r.offset.0.abs() - (dx as f32 - sx as f32).abs()).abs() <= 2.0
            && (r.offset.1.abs() - (dy as f32 - sy as f32).abs()).abs() <= 2.0
    });
    assert!(paired, "{:?}", f.regions);
}

#[test]
fn plain_photographs_give_no_match() {
    for name in ["chelsea.png", "coffee.png"] {
        let evidence = evidence(name, sample_bytes(name));
        let out = run(Tool::CopyMove, &evidence, &Params::default()).expect("copy-move");
        let Findings::CopyMove(f) = &out.findings else {
            panic!("copy-move findings")
        };
        assert!(!f.detected, "{name}: {:?}", f.regions);
        assert_eq!(map(&out.maps, "mask").summary().max, 0.0);
    }
}

#[test]
fn large_images_are_analysed_reduced_and_say_so() {
    let photo = sample("coffee.png");
    let mut params = Params::default();
    params.copy_move.max_side = 300;
    let evidence = Evidence::from_rgb("coffee.png", &photo).expect("evidence");
    let out = run(Tool::CopyMove, &evidence, &params).expect("copy-move");
    let Findings::CopyMove(f) = &out.findings else {
        panic!("copy-move findings")
    };
    assert_eq!((f.analysed_width, f.analysed_height), (300, 200));
    assert!(
        f.notes.iter().any(|n| n.contains("reduced")),
        "{:?}",
        f.notes
    );
    let m = map(&out.maps, "mask");
    assert_eq!((m.width, m.height), (600, 400));
}

#[test]
fn progress_rises_to_one_and_a_cancel_stops_the_search_between_passes() {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};

    use forgelens_forensics::{Control, ForensicsError, run_with};

    let evidence = Evidence::from_rgb("chelsea.png", &sample("chelsea.png")).expect("evidence");
    let seen = Mutex::new(Vec::new());
    let record = |done: f32| seen.lock().expect("lock").push(done);
    let out = run_with(
        Tool::CopyMove,
        &evidence,
        &Params::default(),
        &Control::new(&record, &|| false),
    );
    assert!(out.is_ok());
    let seen = seen.into_inner().expect("lock");
    let passes = Params::default().copy_move.iterations as usize;
    assert!(seen.len() >= passes + 2, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert_eq!((seen[0], seen[seen.len() - 1]), (0.0, 1.0));

    // Asked to stop once the search has begun: no result, and no further pass is reported.
    let stop = AtomicBool::new(false);
    let steps = Mutex::new(Vec::new());
    let progress = |done: f32| {
        steps.lock().expect("lock").push(done);
        if done > 0.3 {
            stop.store(true, Ordering::SeqCst);
        }
    };
    let cancelled = || stop.load(Ordering::SeqCst);
    let out = run_with(
        Tool::CopyMove,
        &evidence,
        &Params::default(),
        &Control::new(&progress, &cancelled),
    );
    assert!(matches!(out, Err(ForensicsError::Cancelled)), "{out:?}");
    let steps = steps.into_inner().expect("lock");
    assert!(*steps.last().expect("steps") < 0.5, "{steps:?}");
}
