//! Save / list round trip, malformed indexes, map sizes and the choice of images.

use std::fs;

use forgelens_engine::Label;
use image::RgbImage;

use super::*;

fn maps(name: &str, w: u32, h: u32, fused: bool) -> SnapshotMaps {
    let n = (w * h) as usize;
    SnapshotMaps {
        name: name.into(),
        input: RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 7])),
        attention: (0..n).map(|i| i as f32 / (n - 1) as f32).collect(),
        cam: vec![0.5; n],
        fused: fused.then(|| vec![2.0; n]),
    }
}

#[test]
fn saved_epochs_list_back_sorted_with_their_pixels() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(list_snapshots(dir.path()).expect("no folder").is_empty());
    let images = [maps("partial/a b.png", 6, 4, true), maps("x", 6, 4, false)];
    save_snapshot(dir.path(), 10, &images).expect("epoch 10");
    let saved = save_snapshot(dir.path(), 2, &images).expect("epoch 2");
    fs::create_dir_all(dir.path().join("attention/.epoch-003.partial")).expect("left over");

    let listed = list_snapshots(dir.path()).expect("listed");
    assert_eq!(listed.iter().map(|s| s.epoch).collect::<Vec<_>>(), [2, 10]);
    assert_eq!(listed[0], saved);
    assert!(dir.path().join("attention/epoch-002/index.json").is_file());
    let first = &listed[0].images[0];
    assert_eq!(first.name, "partial/a b.png");
    assert!(
        first.cam.ends_with("00-partial_a_b-cam.png"),
        "{:?}",
        first.cam
    );
    assert!(first.input.is_absolute());
    assert_eq!(listed[0].images[1].fused, None);

    let input = image::open(&first.input).expect("input").to_rgb8();
    assert_eq!(input, images[0].input);
    let attention = image::open(&first.attention).expect("attention");
    assert_eq!(attention.color(), image::ColorType::L8);
    let attention = attention.to_luma8();
    assert_eq!(attention.dimensions(), (6, 4));
    assert_eq!(attention.get_pixel(0, 0).0[0], 0);
    assert_eq!(attention.get_pixel(5, 3).0[0], 255);
    assert_eq!(attention.get_pixel(1, 0).0[0], 11); // round(255 / 23)
    let cam = image::open(&first.cam).expect("cam").to_luma8();
    assert!(cam.pixels().all(|p| p.0[0] == 128));
    let fused = image::open(first.fused.as_ref().expect("fused")).expect("fused");
    assert!(fused.to_luma8().pixels().all(|p| p.0[0] == 255), "clipped");

    prune_snapshots(dir.path(), 5).expect("pruned");
    let left: Vec<usize> = list_snapshots(dir.path())
        .expect("listed")
        .iter()
        .map(|s| s.epoch)
        .collect();
    assert_eq!(left, [2]);
    assert!(!dir.path().join("attention/.epoch-003.partial").exists());
}

#[test]
fn a_malformed_index_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    save_snapshot(dir.path(), 1, &[maps("a", 2, 2, true)]).expect("saved");
    let index = dir.path().join("attention/epoch-001/index.json");
    let good = fs::read_to_string(&index).expect("index");
    for (bad, says) in [
        (
            "{\"epoch\": 1, \"images\": ".to_string(),
            "not a snapshot index",
        ),
        (good.replace("\"epoch\": 1", "\"epoch\": 2"), "epoch 2"),
        (
            good.replace("00-a-cam.png", "../00-a-cam.png"),
            "not a file name",
        ),
        (good.replace("00-a-cam.png", "00-a-gone.png"), "missing"),
        (good.replace("localisation", "teacher"), "stage"),
    ] {
        fs::write(&index, bad).expect("written");
        let e = list_snapshots(dir.path())
            .expect_err("malformed")
            .to_string();
        assert!(e.contains("index.json") && e.contains(says), "{e}");
    }
}

#[test]
fn maps_of_the_wrong_size_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bad = maps("a", 3, 3, true);
    bad.cam.pop();
    let e = save_snapshot(dir.path(), 1, &[bad]).expect_err("short cam");
    assert!(e.to_string().contains("3x3"), "{e}");
    assert!(list_snapshots(dir.path()).expect("nothing").is_empty());
}

#[test]
fn the_chosen_images_are_manipulated_first_and_do_not_depend_on_order() {
    let names: Vec<String> = ["r1", "p1", "f1", "r2", "p2"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let labels = [
        Label::Real,
        Label::Partial,
        Label::Full,
        Label::Real,
        Label::Partial,
    ];
    let chosen = choose_images(&names, &labels, 4);
    assert_eq!(chosen.len(), 4);
    assert!(chosen[..3].iter().all(|&i| labels[i] != Label::Real));
    let reversed_names: Vec<String> = names.iter().rev().cloned().collect();
    let reversed_labels: Vec<Label> = labels.iter().rev().copied().collect();
    let again: Vec<&String> = choose_images(&reversed_names, &reversed_labels, 4)
        .iter()
        .map(|&i| &reversed_names[i])
        .collect();
    let first: Vec<&String> = chosen.iter().map(|&i| &names[i]).collect();
    assert_eq!(first, again);
    assert!(choose_images(&names, &labels, 0).is_empty());
}
