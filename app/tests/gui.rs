//! The desktop app under `egui_kittest` (rendered through wgpu; CI uses Mesa's lavapipe):
//! analyses arrive from the worker thread, thresholds change masks without re-running the
//! model, a corrupt image becomes a message, and the main view matches its snapshot.

use std::path::{Path, PathBuf};
use std::time::Duration;

use burn::tensor::Device;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forgelens_app::gui::{Command, ForgeLensApp, State};
use forgelens_engine::DeviceChoice;
use forgelens_engine::model::{Preset, init_model_dir};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

/// Burn's random generator is shared by the backend: initialising models one at a time
/// keeps the seeded weights (and so the snapshot) the same on every run.
static INIT: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn tiny_model(dir: &Path) -> PathBuf {
    let out = dir.join("tiny");
    let _guard = INIT.lock().unwrap_or_else(|e| e.into_inner());
    init_model_dir(&Preset::Tiny.config(), None, &out, &Device::flex(), 0).expect("tiny model");
    out
}

fn harness(model: PathBuf) -> Harness<'static, ForgeLensApp> {
    let state = State {
        model_dir: Some(model),
        device: DeviceChoice::Cpu,
        ..State::default()
    };
    Harness::builder()
        .with_size([1200.0, 760.0])
        .wgpu()
        .build_eframe(move |cc| ForgeLensApp::new(cc, Some(state)))
}

/// Steps the app until the worker has nothing in flight (or 60 s pass).
fn settle(harness: &mut Harness<'static, ForgeLensApp>) {
    for _ in 0..1200 {
        harness.step();
        if !harness.state().is_busy() {
            harness.run_steps(3);
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the app stayed busy for a minute");
}

#[test]
fn opening_an_image_shows_the_verdict_and_maps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = harness(tiny_model(dir.path()));
    settle(&mut harness);
    harness
        .state_mut()
        .execute(Command::Open(repo("assets/samples/chelsea.png")));
    settle(&mut harness);
    assert!(
        harness.state().verdict().is_some(),
        "error: {:?}",
        harness.state().error
    );
    harness.get_by_label_contains("Verdict:");
    harness.get_by_label_contains("Untrained model");
    for title in ["Image", "CAM", "Attention", "Fused"] {
        harness.get_by_label(title);
    }
    assert!(
        harness
            .query_all_by_label_contains("real ")
            .next()
            .is_some()
    );
    harness.snapshot("main_view_chelsea");
}

#[test]
fn raising_a_threshold_never_grows_the_mask() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = harness(tiny_model(dir.path()));
    settle(&mut harness);
    harness
        .state_mut()
        .execute(Command::Open(repo("assets/samples/coffee.png")));
    settle(&mut harness);
    let mut previous = u64::MAX;
    for value in [0.0, 0.2, 0.4, 0.5, 0.7, 0.9, 1.0] {
        harness
            .get_by_role_and_label(Role::Slider, "Fused threshold")
            .set_value_accesskit(value);
        harness.run_steps(2);
        assert!((harness.state().state.thresholds[2] - value as f32).abs() < 1e-6);
        let masked = harness
            .state_mut()
            .masked_pixels()
            .expect("an analysis is shown");
        assert!(
            masked <= previous,
            "threshold {value}: {masked} > {previous}"
        );
        previous = masked;
        harness.get_by_label_contains(&format!("Fused ≥ {value:.2}"));
    }
    assert!(
        !harness.state().is_busy(),
        "moving a slider never re-runs the model"
    );
}

#[test]
fn a_corrupt_image_is_a_message_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = harness(tiny_model(dir.path()));
    settle(&mut harness);
    harness
        .state_mut()
        .execute(Command::Open(repo("tests/fixtures/images/truncated.png")));
    settle(&mut harness);
    harness.get_by_label_contains("cannot decode");
    assert!(harness.state().verdict().is_none());
    harness.get_by_label("Dismiss").click();
    harness.run_steps(2);
    assert!(harness.query_by_label_contains("cannot decode").is_none());
}

#[test]
fn missing_model_offers_to_create_one() {
    let state = State {
        model_dir: Some(PathBuf::from("/nonexistent/forgelens-model")),
        device: DeviceChoice::Cpu,
        ..State::default()
    };
    let mut harness = Harness::builder()
        .with_size([900.0, 600.0])
        .build_eframe(move |cc| ForgeLensApp::new(cc, Some(state)));
    settle(&mut harness);
    harness.get_by_label_contains("cannot load the model");
    harness.get_by_label("Create an untrained small model");
}
