//! What the app's kittests share: the repository's files, a `tiny` model, the app on a
//! model in a window of a given size, and stepping it until its work is done.

#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use burn::tensor::Device;
use egui_kittest::Harness;
use forgelens_app::gui::{ForgeLensApp, State};
use forgelens_engine::DeviceChoice;
use forgelens_engine::model::{Preset, init_model_dir};

pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

/// Burn's random generator is shared by the backend: initialising models one at a time
/// keeps the seeded weights (and so the snapshots) the same on every run.
static INIT: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A `tiny` model with seeded weights in `dir/tiny`.
pub fn tiny_model(dir: &Path) -> PathBuf {
    let out = dir.join("tiny");
    let _guard = INIT.lock().unwrap_or_else(|e| e.into_inner());
    init_model_dir(&Preset::Tiny.config(), None, &out, &Device::flex(), 0).expect("tiny model");
    out
}

/// The app on `model`, on the CPU, in a `size` window rendered through wgpu.
pub fn app_harness(model: PathBuf, size: [f32; 2]) -> Harness<'static, ForgeLensApp> {
    let state = State {
        model_dir: Some(model),
        device: DeviceChoice::Cpu,
        ..State::default()
    };
    Harness::builder()
        .with_size(size)
        .wgpu()
        .build_eframe(move |cc| ForgeLensApp::new(cc, Some(state)))
}

/// Steps the app until nothing is in flight, failing after `limit`.
pub fn settle_within(harness: &mut Harness<'static, ForgeLensApp>, limit: Duration) {
    let start = Instant::now();
    while start.elapsed() < limit {
        harness.step();
        if !harness.state().is_busy() {
            harness.run_steps(3);
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the app stayed busy for {} s", limit.as_secs());
}
