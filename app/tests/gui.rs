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
use forgelens_engine::model::Preset;

mod gui_common;
use gui_common::{app_harness, repo, settle_within, tiny_model};

fn harness(model: PathBuf) -> Harness<'static, ForgeLensApp> {
    app_harness(model, [1200.0, 760.0])
}

fn settle(harness: &mut Harness<'static, ForgeLensApp>) {
    settle_within(harness, Duration::from_secs(60));
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
    harness.get_by_label("Details").click();
    harness.run_steps(2);
    harness.get_by_label_contains("fusion net's own call (not the verdict; untrained)");

    harness.state_mut().execute(Command::ShowModelCard);
    harness.run_steps(3);
    harness.get_by_label("Model card");
    assert!(
        harness
            .query_all_by_label_contains("Freshly initialised `tiny` networks")
            .next()
            .is_some()
    );
}

#[test]
fn a_calibrated_card_makes_an_unsure_verdict_inconclusive_and_the_analyst_can_override() {
    use forgelens_engine::calibration::Calibration;
    use forgelens_engine::model::ModelCard;
    let dir = tempfile::tempdir().expect("tempdir");
    let model = tiny_model(dir.path());
    let card_path = model.join("model-card.json");
    let mut card: ModelCard =
        serde_json::from_slice(&std::fs::read(&card_path).expect("card")).expect("a card");
    // Read as trained, so that the verdict is stated; no three-class output reaches 99.9%
    // after softening by T = 4.
    card.trained = true;
    card.calibration = Some(Calibration {
        temperature: 4.0,
        inconclusive_below: 0.9995,
        max_conclusive_error: 0.1,
        min_conclusive: 20,
        split: "val".into(),
        images: 10,
        ece_before: 0.2,
        ece_after: 0.05,
        conclusive_error: 0.1,
        inconclusive_share: 0.5,
        evidence: Default::default(),
    });
    std::fs::write(&card_path, serde_json::to_vec(&card).expect("json")).expect("write");
    let mut harness = harness(model);
    settle(&mut harness);
    harness
        .state_mut()
        .execute(Command::Open(repo("assets/samples/chelsea.png")));
    settle(&mut harness);
    let verdict = harness.state().verdict().expect("a verdict").clone();
    assert!(verdict.inconclusive, "{verdict:?}");
    assert_eq!(verdict.inconclusive_below, Some(0.9995));
    harness.get_by_label("Verdict: inconclusive");
    harness.get_by_label_contains("below the >99.9% needed to decide");
    harness.get_by_label("Inconclusive below >99.9% (model card)");
    for certain in ["100%", "100.0%"] {
        assert!(
            harness
                .query_all_by_label_contains(certain)
                .next()
                .is_none()
        );
    }

    // The analyst's own threshold decides on screen; the analysis itself is unchanged.
    harness.state_mut().state.inconclusive_below = Some(0.0);
    harness.run_steps(3);
    assert!(harness.query_by_label("Verdict: inconclusive").is_none());
    harness.get_by_label_contains("Verdict: ");
    assert!(harness.state().verdict().expect("a verdict").inconclusive);
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
    // Stretching the contrast changes the picture only: the mask stays as it was.
    harness.get_by_label("Stretch contrast").click();
    harness.run_steps(2);
    assert!(harness.state().state.stretch_contrast);
    assert_eq!(harness.state_mut().masked_pixels(), Some(previous));
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
fn missing_model_offers_the_bundled_model_or_a_new_one() {
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
    assert_eq!(
        harness
            .query_all_by_label("Create an untrained small model")
            .count(),
        2
    );
    // One click loads the trained model that ships in assets/model.
    harness.get_by_label("Use the bundled model").click();
    harness.run_steps(2);
    settle(&mut harness);
    match &harness.state().model {
        forgelens_app::gui::ModelStatus::Ready(m) => {
            assert!(m.trained, "the bundled model is trained");
            assert!(m.dir.ends_with("assets/model"), "{}", m.dir.display());
        }
        other => panic!("bundled model not loaded: {other:?}"),
    }
}

#[test]
fn a_cancelled_batchs_late_row_never_lands_in_the_next_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    for folder in [&first, &second] {
        std::fs::create_dir(folder).expect("folder");
    }
    std::fs::copy(
        repo("tests/fixtures/images/rgba.png"),
        first.join("early.png"),
    )
    .expect("copy");
    std::fs::copy(repo("assets/samples/chelsea.png"), second.join("later.png")).expect("copy");
    let mut harness = harness(tiny_model(dir.path()));
    settle(&mut harness);
    harness.state_mut().execute(Command::Batch(first));
    // No frame runs meanwhile: the first batch's row waits, unread, for the next frame.
    std::thread::sleep(std::time::Duration::from_secs(5));
    harness.state_mut().execute(Command::Batch(second.clone()));
    settle(&mut harness);
    let batch = harness.state().batch.as_ref().expect("a batch");
    let paths: Vec<_> = batch.rows.iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, vec![second.join("later.png")]);
}

#[test]
fn batch_lists_every_image_with_errors_as_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("evidence");
    std::fs::create_dir(&folder).expect("folder");
    for (from, to) in [
        ("assets/samples/chelsea.png", "a-chelsea.png"),
        ("tests/fixtures/images/rgba.png", "b-rgba.png"),
        ("tests/fixtures/images/truncated.png", "c-broken.png"),
    ] {
        std::fs::copy(repo(from), folder.join(to)).expect("copy");
    }
    std::fs::write(folder.join("notes.txt"), "not an image").expect("write");
    let mut harness = harness(tiny_model(dir.path()));
    settle(&mut harness);
    harness.state_mut().execute(Command::Batch(folder.clone()));
    settle(&mut harness);
    let batch = harness.state().batch.as_ref().expect("a batch");
    assert_eq!(batch.total, 3, "only image files are listed");
    assert_eq!(batch.rows.len(), 3);
    assert_eq!(batch.rows.iter().filter(|r| r.result.is_err()).count(), 1);
    harness.get_by_label("a-chelsea.png");
    harness.get_by_label("b-rgba.png");
    harness.get_by_label("c-broken.png");
    assert!(
        harness
            .query_all_by_label_contains("cannot decode")
            .next()
            .is_some()
    );

    // Sorting by a column and saving as CSV.
    harness.get_by_label("Partial").click();
    harness.run_steps(2);
    let csv_path = dir.path().join("batch.csv");
    harness
        .state_mut()
        .execute(Command::SaveBatchCsv(csv_path.clone()));
    let csv = std::fs::read_to_string(&csv_path).expect("csv written");
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.starts_with("file,verdict,real,partial,full"));
    assert!(
        csv.lines()
            .last()
            .is_some_and(|l| l.contains("c-broken.png") && l.contains("error")),
        "errors sort last: {csv}"
    );

    // A row opens the single-image view.
    harness
        .query_all_by_label("Open")
        .next()
        .expect("an Open button")
        .click();
    settle(&mut harness);
    assert_eq!(harness.state().mode, forgelens_app::gui::Mode::Image);
    assert!(harness.state().verdict().is_some());
}

/// A forged set (64 px crops of the two sample photos) in the plain folder layout.
fn forged_dataset(dir: &Path) -> PathBuf {
    use forgelens_engine::progress::{CancelToken, no_progress};
    use forgelens_training::forge::{Family, ForgeConfig, LaunderingConfig, forge};
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).expect("dir");
    for name in ["chelsea.png", "coffee.png"] {
        std::fs::copy(repo("assets/samples").join(name), photos.join(name)).expect("copy");
    }
    let device = Device::flex();
    let data = dir.join("data");
    let config = ForgeConfig {
        crop_size: 64,
        crops_per_photo: 12,
        seed: 2,
        // The v1 forge: PNG crops, RDN slim x4 and inpainting, so the runs stay small.
        whole_share: 0.0,
        families: vec![
            Family::NeuralRegeneration,
            Family::Inpainting,
            Family::FullRegeneration,
        ],
        generators: vec!["rdn-slim-x4".into()],
        laundering: LaunderingConfig::disabled(),
        ..ForgeConfig::default()
    };
    forge(
        &photos,
        &data,
        &config,
        &device,
        &no_progress(),
        &CancelToken::new(),
    )
    .expect("forge");
    std::fs::remove_file(data.join("manifest.csv")).expect("drop manifest");
    data
}

#[test]
fn the_training_panel_runs_a_tiny_config_and_shows_progress() {
    use forgelens_app::gui::training::TrainingSettings;
    use forgelens_training::train::TrainingConfig;
    let dir = tempfile::tempdir().expect("tempdir");
    let data = forged_dataset(dir.path());
    let mut training = TrainingSettings::from_config(
        "tiny",
        &TrainingConfig::for_preset(Preset::Tiny).with_val_fraction(0.3),
    );
    training.data = Some(data);
    training.out = Some(dir.path().join("run"));
    training.max_steps_per_epoch = 3;
    let state = State {
        model_dir: Some(tiny_model(dir.path())),
        device: DeviceChoice::Cpu,
        training,
        ..State::default()
    };
    let mut harness = Harness::builder()
        .with_size([1300.0, 900.0])
        .wgpu()
        .build_eframe(move |cc| ForgeLensApp::new(cc, Some(state)));
    settle(&mut harness);
    harness.get_by_label("Training").click();
    harness.run_steps(2);
    harness.get_by_label("Start training").click();
    harness.run_steps(2);
    assert!(
        harness.state().training.is_running(),
        "{:?}",
        harness.state().error
    );
    let mut screenshot_taken = false;
    for _ in 0..2400 {
        harness.step();
        if !harness.state().training.is_running() {
            break;
        }
        if !screenshot_taken
            && harness.state().training.log.losses.len() >= 2
            && let Some(dir) = std::env::var_os("FORGELENS_SCREENSHOT_DIR")
        {
            let image = harness.render().expect("render");
            image
                .save(PathBuf::from(dir).join("training-panel.png"))
                .expect("save screenshot");
            screenshot_taken = true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    harness.run_steps(3);
    let log = &harness.state().training.log;
    assert!(log.error.is_none(), "{:?}", log.error);
    assert!(log.finished_model.is_some(), "status: {}", log.status);
    assert!(log.phase_progress.iter().all(|&p| p == 1.0));
    assert!(!log.losses.is_empty() && !log.epochs.is_empty());
    assert_eq!(log.densities.len(), 2);
    assert!(log.embedding.is_some());
    harness.get_by_label_contains("Status: finished");
    harness.get_by_label("teacher");
    harness.get_by_label("localisation");
    // One click makes the finished run the analysis model.
    harness.get_by_label("Use this model for analysis").click();
    harness.run_steps(2);
    settle(&mut harness);
    match &harness.state().model {
        forgelens_app::gui::ModelStatus::Ready(m) => {
            assert!(m.trained, "the run's model is trained");
            assert!(m.dir.ends_with("run/model"), "{}", m.dir.display());
        }
        other => panic!("model not loaded: {other:?}"),
    }
}

#[test]
fn export_report_writes_a_verifiable_report_with_the_case_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = harness(tiny_model(dir.path()));
    settle(&mut harness);
    let image = repo("assets/samples/chelsea.png");
    harness.state_mut().execute(Command::Open(image.clone()));
    settle(&mut harness);
    harness.state_mut().state.analyst = "R. Analyst".into();
    harness.state_mut().state.case_id = "GUI-7".into();
    let out = dir.path().join("chelsea.report.html");
    harness.state_mut().execute(Command::ReportTo(
        out.clone(),
        forgelens_report::ReportFormat::Html,
    ));
    settle(&mut harness);
    assert!(
        harness.state().error.is_none(),
        "{:?}",
        harness.state().error
    );
    let html = std::fs::read(&out).expect("the report was written");
    let text = String::from_utf8_lossy(&html);
    assert!(text.contains("R. Analyst") && text.contains("GUI-7"));
    let verification =
        forgelens_report::verify_report(&html, &std::fs::read(&image).expect("image"), None, None)
            .expect("readable");
    assert!(verification.passed(), "{:?}", verification.checks);
}

#[test]
fn the_attention_explorer_is_a_mode_of_the_app_on_the_open_image() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut harness = harness(tiny_model(dir.path()));
    settle(&mut harness);
    harness
        .state_mut()
        .execute(Command::Open(repo("assets/samples/chelsea.png")));
    settle(&mut harness);
    harness.get_by_label("Attention explorer").click();
    for _ in 0..600 {
        harness.step();
        if harness.state().explorer.tile().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    harness.run_steps(3);
    let explorer = &harness.state().explorer;
    let tile = explorer
        .tile()
        .expect("the worker sent the centre tile's attention");
    assert_eq!(
        explorer.image().map(|i| i.dimensions()),
        Some((451, 300)),
        "the explorer works on the opened image"
    );
    assert!(tile.blocks() > 0, "{} blocks", tile.blocks());
    let description = explorer.description().to_string();
    assert!(!description.is_empty());
    harness.get_by_label(&description);
}
