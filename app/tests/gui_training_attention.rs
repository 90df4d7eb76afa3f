//! The training panel's attention over epochs under `egui_kittest`: two epochs of snapshots
//! written with the training crate's `save_snapshot`, the run folder opened in the panel,
//! the epoch slider moved and the shown epoch following; a malformed index is a message.
//! `FORGELENS_SCREENSHOT_DIR` set: the panel is saved as `training-attention.png` there.

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forgelens_app::gui::{Command, ForgeLensApp};
use forgelens_engine::image_input::{ImageLimits, read_image_file};
use forgelens_training::train::{SnapshotMaps, save_snapshot};
use image::RgbImage;

mod gui_common;
use gui_common::{app_harness, repo, settle_within, tiny_model};

const SIDE: u32 = 64;

/// A tile of a sample photograph and maps that differ by epoch: a blob around a point that
/// sharpens as `epoch` grows (values on the fixed [0, 1] scale).
fn snapshot(name: &str, photo: &str, epoch: usize) -> SnapshotMaps {
    let image = read_image_file(
        &repo(&format!("assets/samples/{photo}")),
        &ImageLimits::default(),
    )
    .expect("sample")
    .rgb;
    let input = RgbImage::from_fn(SIDE, SIDE, |x, y| *image.get_pixel(100 + x, 60 + y));
    let blob = |cx: f32, cy: f32, width: f32| -> Vec<f32> {
        (0..SIDE * SIDE)
            .map(|i| {
                let (x, y) = ((i % SIDE) as f32, (i / SIDE) as f32);
                (-((x - cx).powi(2) + (y - cy).powi(2)) / (2.0 * width * width)).exp()
            })
            .collect()
    };
    let width = 40.0 / epoch as f32;
    SnapshotMaps {
        name: name.into(),
        input,
        attention: blob(20.0, 40.0, width),
        cam: blob(40.0, 24.0, width)
            .iter()
            .map(|v| 0.3 + 0.6 * v)
            .collect(),
        fused: Some(blob(36.0, 28.0, width)),
    }
}

fn write_run(run: &Path) {
    for epoch in 1..=2 {
        let images = [
            snapshot("partial/chelsea-crop.png", "chelsea.png", epoch),
            snapshot("full/coffee-crop.png", "coffee.png", epoch),
        ];
        let saved = save_snapshot(run, epoch, &images).expect("snapshot");
        assert_eq!(saved.epoch, epoch);
    }
}

fn step_until(
    harness: &mut Harness<'static, ForgeLensApp>,
    what: &str,
    done: impl Fn(&ForgeLensApp) -> bool,
) {
    for _ in 0..400 {
        harness.step();
        if done(harness.state()) {
            harness.run_steps(2);
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{what} did not happen");
}

#[test]
fn the_epoch_slider_shows_each_saved_epoch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = dir.path().join("run");
    write_run(&run);
    let mut harness = app_harness(tiny_model(dir.path()), [1300.0, 900.0]);
    settle_within(&mut harness, Duration::from_secs(60));
    harness.get_by_label("Training").click();
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label("Attention during training")
            .is_none(),
        "no run folder yet"
    );

    harness
        .state_mut()
        .execute(Command::SetTrainingOut(run.clone()));
    step_until(&mut harness, "epoch 2's pictures", |app| {
        app.training.snapshots.shown_epoch() == Some(2)
    });
    let snapshots = &harness.state().training.snapshots;
    assert_eq!(snapshots.epochs().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(snapshots.run_dir(), Some(run.as_path()));
    harness.get_by_label("Attention during training");
    harness.get_by_label_contains("Epoch 2 of the localisation stage");
    harness.get_by_label("partial/chelsea-crop.png");
    harness.get_by_label("full/coffee-crop.png");
    for title in ["Input", "Attention", "CAM", "Fused"] {
        assert_eq!(
            harness.query_all_by_label(title).count(),
            2,
            "{title}: one per image"
        );
    }
    if let Some(out) = std::env::var_os("FORGELENS_SCREENSHOT_DIR") {
        let image = harness.render().expect("render");
        image
            .save(PathBuf::from(out).join("training-attention.png"))
            .expect("save screenshot");
    }

    harness
        .get_by_role_and_label(Role::Slider, "Epoch")
        .set_value_accesskit(1.0);
    step_until(&mut harness, "epoch 1's pictures", |app| {
        app.training.snapshots.shown_epoch() == Some(1)
    });
    harness.get_by_label_contains("Epoch 1 of the localisation stage");
    assert!(
        harness
            .query_by_label_contains("Epoch 2 of the localisation stage")
            .is_none()
    );

    // A broken index is said, not a crash; the saved epochs stay on screen.
    let broken = run.join("attention/epoch-003");
    std::fs::create_dir_all(&broken).expect("dir");
    std::fs::write(broken.join("index.json"), "{\"epoch\": 3").expect("write");
    harness.get_by_label("Reload").click();
    harness.run_steps(3);
    harness.get_by_label_contains("Attention snapshots:");
    harness.get_by_label_contains("not a snapshot index");
    assert_eq!(harness.state().training.snapshots.shown_epoch(), Some(1));
}

/// A forged set (64 px crops of the two sample photographs) in the plain folder layout.
fn forged_dataset(dir: &Path) -> PathBuf {
    use burn::tensor::Device;
    use forgelens_engine::progress::{CancelToken, no_progress};
    use forgelens_training::forge::{Family, ForgeConfig, LaunderingConfig, forge};
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).expect("dir");
    for name in ["chelsea.png", "coffee.png"] {
        std::fs::copy(repo("assets/samples").join(name), photos.join(name)).expect("copy");
    }
    let data = dir.join("data");
    let config = ForgeConfig {
        crop_size: 64,
        crops_per_photo: 12,
        whole_share: 0.0,
        families: vec![Family::Inpainting, Family::FullRegeneration],
        generators: vec!["rdn-slim-x4".into()],
        laundering: LaunderingConfig::disabled(),
        ..ForgeConfig::default()
    };
    let (progress, cancel) = (no_progress(), CancelToken::new());
    forge(&photos, &data, &config, &Device::flex(), &progress, &cancel).expect("forge");
    std::fs::remove_file(data.join("manifest.csv")).expect("drop manifest");
    data
}

#[test]
fn a_tiny_run_in_the_panel_shows_each_localisation_epoch_as_it_ends() {
    use forgelens_app::gui::training::TrainingSettings;
    use forgelens_engine::model::Preset;
    use forgelens_training::train::TrainingConfig;
    let dir = tempfile::tempdir().expect("tempdir");
    let run = dir.path().join("run");
    let mut harness = app_harness(tiny_model(dir.path()), [1300.0, 900.0]);
    settle_within(&mut harness, Duration::from_secs(60));
    let mut settings = TrainingSettings::from_config(
        "tiny",
        &TrainingConfig::for_preset(Preset::Tiny).with_val_fraction(0.3),
    );
    settings.data = Some(forged_dataset(dir.path()));
    settings.out = Some(run.clone());
    settings.max_steps_per_epoch = 2;
    settings.localisation_epochs = 3;
    harness.state_mut().state.training = settings;
    harness.get_by_label("Training").click();
    harness.run_steps(2);
    harness.get_by_label("Start training").click();
    harness.run_steps(2);
    let mut seen = Vec::new();
    for _ in 0..4000 {
        harness.step();
        let snapshots = &harness.state().training.snapshots;
        let epochs: Vec<usize> = snapshots.epochs().collect();
        if seen.last() != epochs.last() && !epochs.is_empty() {
            seen.push(*epochs.last().expect("an epoch"));
        }
        if !harness.state().training.is_running() && snapshots.shown_epoch() == Some(3) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = &harness.state().training.log;
    assert!(log.error.is_none(), "{:?}", log.error);
    assert!(log.finished_model.is_some(), "status: {}", log.status);
    let snapshots = &harness.state().training.snapshots;
    assert_eq!(snapshots.epochs().collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(
        snapshots.shown_epoch(),
        Some(3),
        "the slider follows the last epoch"
    );
    assert!(
        seen.len() >= 2,
        "read again as epochs ended, not only at the end: {seen:?}"
    );
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::Slider, "Epoch");
    harness.get_by_label_contains("Epoch 3 of the localisation stage");
}
