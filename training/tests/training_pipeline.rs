//! The staged pipeline on a small forged set with the `tiny` config: every stage lowers
//! its loss, the run writes a loadable trained model, the figures and an attention snapshot
//! per localisation epoch, a run killed mid-epoch
//! resumes from its last checkpoint, checkpoints round-trip, the feature cache rejects
//! corrupt entries, evaluation reports its keys, and bad data gives clear errors or
//! counted skips.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use burn::tensor::{Device, Distribution, Tensor};
use forgelens_engine::model::{Preset, load_model_dir};
use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_engine::{Analyzer, AnalyzerOptions, DeviceChoice, Label, select_device};
use forgelens_training::data::{DataError, Dataset, FeatureCache};
use forgelens_training::eval::{EvalOptions, evaluate};
use forgelens_training::forge::{Family, ForgeConfig, LaunderingConfig, forge};
use forgelens_training::train::checkpoint::{self, CheckpointState};
use forgelens_training::train::networks::Networks;
use forgelens_training::train::{
    EpochRecord, EpochSnapshot, OptimizerConfig, TrainError, TrainEvent, TrainOptions,
    TrainingConfig, list_snapshots, train,
};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

/// A forged set in the plain folder layout (no manifest: splits come from hashing).
fn dataset() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let photos = dir.path().join("photos");
        std::fs::create_dir_all(&photos).expect("dir");
        for name in ["chelsea.png", "coffee.png"] {
            std::fs::copy(repo("assets/samples").join(name), photos.join(name)).expect("copy");
        }
        let device = Device::flex();
        let data = dir.path().join("data");
        let config = ForgeConfig {
            crop_size: 64,
            crops_per_photo: 24,
            seed: 1,
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
        dir
    })
    .path()
    .join("data")
    .leak()
}

fn config() -> TrainingConfig {
    let fast = OptimizerConfig::new().with_lr(1e-3);
    TrainingConfig::for_preset(Preset::Tiny)
        .with_teacher_epochs(5)
        .with_student_epochs(4)
        .with_generalizer_epochs(4)
        .with_classifier_epochs(5)
        .with_localisation_epochs(4)
        .with_val_fraction(0.25)
        .with_detector_optimizer(fast.clone())
        .with_localisation_optimizer(fast)
}

fn options(out: &Path, cache: &Path, resume: bool) -> TrainOptions {
    TrainOptions {
        data: dataset().to_path_buf(),
        out: out.to_path_buf(),
        resume,
        cache_dir: cache.to_path_buf(),
        device: Device::flex(),
    }
}

fn records(run: &Path) -> Vec<EpochRecord> {
    std::fs::read_to_string(run.join("metrics.jsonl"))
        .expect("metrics")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a record per line"))
        .collect()
}

/// One finished tiny run shared by the tests that only read it.
fn trained_run() -> &'static Path {
    static RUN: OnceLock<tempfile::TempDir> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let run = dir.path().join("run");
        let events = Mutex::new(Vec::new());
        let sink = |e: TrainEvent| events.lock().expect("lock").push(e);
        train(
            config(),
            &options(&run, &dir.path().join("cache"), false),
            &sink,
            &CancelToken::new(),
        )
        .expect("training");
        dir
    })
    .path()
    .join("run")
    .leak()
}

#[test]
fn every_stage_lowers_its_loss_and_the_run_writes_a_trained_model() {
    let run = trained_run();
    let records = records(run);
    let mut by_phase: BTreeMap<usize, Vec<&EpochRecord>> = BTreeMap::new();
    for r in &records {
        by_phase.entry(r.phase).or_default().push(r);
    }
    let names: Vec<&str> = by_phase.values().map(|r| r[0].name.as_str()).collect();
    assert_eq!(
        names,
        [
            "teacher",
            "students-r1",
            "generalizers-r1",
            "classifier",
            "localisation"
        ]
    );
    for epochs in by_phase.values() {
        let key = epochs[0]
            .losses
            .keys()
            .find(|k| *k == "total" || *k == "cross_entropy");
        let key = key.expect("a total loss");
        let first = epochs.first().expect("present").losses[key];
        let last = epochs.last().expect("present").losses[key];
        assert!(
            last < first,
            "{}: {key} went from {first} to {last}",
            epochs[0].name
        );
    }
    let model = load_model_dir(&run.join("model"), &Device::flex()).expect("model loads");
    assert!(model.card.trained);
    assert_eq!(model.card.training_generators, ["unknown"]);
    for f in [
        "figure3-discrepancy-before",
        "figure3-discrepancy-after",
        "figure4-embedding",
    ] {
        for ext in ["json", "png"] {
            let path = run.join("figures").join(format!("{f}.{ext}"));
            assert!(path.is_file(), "{} missing", path.display());
        }
        let png = image::open(run.join("figures").join(format!("{f}.png"))).expect("png");
        let rgb = png.to_rgb8();
        let first = rgb.get_pixel(0, 0);
        assert!(rgb.pixels().any(|p| p != first), "{f}.png is blank");
    }
}

#[test]
fn every_localisation_epoch_leaves_an_attention_snapshot_of_the_same_val_images() {
    let run = trained_run();
    let snapshots = list_snapshots(run).expect("snapshots");
    let epochs: Vec<usize> = snapshots.iter().map(|s| s.epoch).collect();
    assert_eq!(epochs, [1, 2, 3, 4]);
    let names = |i: usize| -> Vec<&str> {
        snapshots[i]
            .images
            .iter()
            .map(|im| im.name.as_str())
            .collect()
    };
    assert!(
        (1..=4).contains(&names(0).len()),
        "{} images",
        names(0).len()
    );
    let tile = config().model.fusion.image_size as u32;
    let mut attention_by_epoch = Vec::new();
    for (i, snapshot) in snapshots.iter().enumerate() {
        assert_eq!(
            names(i),
            names(0),
            "epoch {} shows other images",
            snapshot.epoch
        );
        for image in &snapshot.images {
            let input = image::open(&image.input).expect("input png");
            assert_eq!(input.color(), image::ColorType::Rgb8);
            assert_eq!((input.width(), input.height()), (tile, tile));
            let fused = image.fused.as_ref().expect("a fused map");
            for map in [&image.attention, &image.cam, fused] {
                let map = image::open(map).expect("map png");
                assert_eq!(map.color(), image::ColorType::L8, "{}", image.name);
                assert_eq!((map.width(), map.height()), (tile, tile));
            }
        }
        let first = &snapshot.images[0];
        attention_by_epoch.push(
            image::open(&first.attention)
                .expect("png")
                .to_luma8()
                .into_raw(),
        );
    }
    let cams: Vec<Vec<u8>> = snapshots
        .iter()
        .map(|s| {
            image::open(&s.images[0].cam)
                .expect("png")
                .to_luma8()
                .into_raw()
        })
        .collect();
    assert!(
        attention_by_epoch[0] != attention_by_epoch[3] || cams[0] != cams[3],
        "the maps did not change while the fusion net trained"
    );
}

#[test]
fn a_run_killed_mid_epoch_resumes_from_its_last_checkpoint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = dir.path().join("run");
    let cache = dir.path().join("cache");
    // Kill (cancel without any clean-up) in the middle of the students' second epoch.
    let cancel = CancelToken::new();
    let steps_in_students = AtomicUsize::new(0);
    let killer = |e: TrainEvent| {
        if let TrainEvent::Step {
            name, epoch, step, ..
        } = e
            && name == "students-r1"
            && epoch == 2
            && step == 2
            && steps_in_students.fetch_add(1, Ordering::SeqCst) == 0
        {
            cancel.cancel();
        }
    };
    let result = train(config(), &options(&run, &cache, false), &killer, &cancel);
    assert!(matches!(result, Err(TrainError::Cancelled)), "{result:?}");
    let pointer: CheckpointState = serde_json::from_str(
        &std::fs::read_to_string(run.join(checkpoint::POINTER_FILE)).expect("pointer"),
    )
    .expect("state");
    assert_eq!((pointer.phase, pointer.epochs_done), (1, 1));
    assert!(!run.join("model").exists());

    let resumed = Mutex::new(None);
    let sink = |e: TrainEvent| {
        if let TrainEvent::Started { resumed: r, .. } = e {
            *resumed.lock().expect("lock") = Some(r);
        }
    };
    train(
        config(),
        &options(&run, &cache, true),
        &sink,
        &CancelToken::new(),
    )
    .expect("resume");
    assert_eq!(
        resumed.lock().expect("lock").clone().flatten().as_deref(),
        Some("students-r1, after epoch 1")
    );
    // Every epoch of every phase recorded exactly once: nothing lost, nothing repeated.
    let seen: Vec<(usize, usize)> = records(&run).iter().map(|r| (r.phase, r.epoch)).collect();
    let mut expected = Vec::new();
    for (phase, epochs) in [5, 4, 4, 5, 4].into_iter().enumerate() {
        expected.extend((1..=epochs).map(|e| (phase, e)));
    }
    assert_eq!(seen, expected);
    load_model_dir(&run.join("model"), &Device::flex()).expect("model after resume");
    assert_eq!(list_snapshots(&run).expect("snapshots").len(), 4);
}

#[test]
fn a_run_killed_in_localisation_resumes_its_attention_snapshots_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = dir.path().join("run");
    let cache = dir.path().join("cache");
    let config = || config().with_attention_snapshots(Some(2));
    let cancel = CancelToken::new();
    let killer = |e: TrainEvent| {
        if let TrainEvent::Step { name, epoch, .. } = e
            && name == "localisation"
            && epoch == 3
        {
            cancel.cancel();
        }
    };
    let result = train(config(), &options(&run, &cache, false), &killer, &cancel);
    assert!(matches!(result, Err(TrainError::Cancelled)), "{result:?}");
    let pointer: CheckpointState = serde_json::from_str(
        &std::fs::read_to_string(run.join(checkpoint::POINTER_FILE)).expect("pointer"),
    )
    .expect("state");
    assert_eq!(pointer.phase, 4, "killed in localisation");
    let done = pointer.epochs_done;
    let before = list_snapshots(&run).expect("snapshots");
    assert!(
        before.len() >= done,
        "{} snapshots, {done} epochs",
        before.len()
    );
    // What a kill between a snapshot and its checkpoint leaves: a later epoch and a
    // temporary folder, both stale, gone as soon as the run resumes (killed again at
    // its first step here), before any epoch is trained again.
    let stale = run.join(format!("attention/epoch-{:03}", done + 1));
    std::fs::create_dir_all(&stale).expect("stale epoch");
    std::fs::write(stale.join("stale"), "x").expect("marker");
    let partial = run.join("attention/.epoch-004.partial");
    std::fs::create_dir_all(&partial).expect("temporary");
    let cancel = CancelToken::new();
    let at_once = |e: TrainEvent| {
        if matches!(e, TrainEvent::Step { .. }) {
            cancel.cancel();
        }
    };
    let result = train(config(), &options(&run, &cache, true), &at_once, &cancel);
    assert!(matches!(result, Err(TrainError::Cancelled)), "{result:?}");
    assert!(!stale.exists() && !partial.exists(), "stale snapshots kept");
    let kept: Vec<usize> = list_snapshots(&run)
        .expect("snapshots")
        .iter()
        .map(|s| s.epoch)
        .collect();
    assert_eq!(kept, (1..=done).collect::<Vec<_>>());

    train(
        config(),
        &options(&run, &cache, true),
        &|_| {},
        &CancelToken::new(),
    )
    .expect("resume");
    let after = list_snapshots(&run).expect("snapshots");
    let epochs: Vec<usize> = after.iter().map(|s| s.epoch).collect();
    assert_eq!(epochs, [1, 2, 3, 4]);
    // The same val images before the kill and after the resume, in every epoch.
    let names =
        |s: &EpochSnapshot| -> Vec<String> { s.images.iter().map(|im| im.name.clone()).collect() };
    let chosen = names(&before[0]);
    assert_eq!(chosen.len(), 2);
    for snapshot in &after {
        assert_eq!(names(snapshot), chosen, "epoch {}", snapshot.epoch);
    }
}

#[test]
fn a_new_run_refuses_a_used_folder_and_resume_needs_a_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("something"), "x").expect("write");
    let sink = |_: TrainEvent| {};
    let cache = dir.path().join("cache");
    let err = train(
        config(),
        &options(dir.path(), &cache, false),
        &sink,
        &CancelToken::new(),
    );
    assert!(matches!(err, Err(TrainError::RunExists(_))), "{err:?}");
    let empty = dir.path().join("empty");
    let err = train(
        config(),
        &options(&empty, &cache, true),
        &sink,
        &CancelToken::new(),
    );
    assert!(
        matches!(err, Err(TrainError::NothingToResume(_))),
        "{err:?}"
    );
}

#[test]
fn checkpoints_round_trip_the_networks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let device = Device::flex();
    let model = Preset::Tiny.config();
    let networks = Networks::init(&model, &device);
    let state = CheckpointState {
        phase: 2,
        epochs_done: 1,
        best_score: Some(0.5),
        elapsed_seconds: 3.0,
        folder: String::new(),
    };
    checkpoint::save(dir.path(), state, &networks, Some(&networks), None).expect("save");
    let restored = checkpoint::restore(dir.path(), &model, &device)
        .expect("restore")
        .expect("a checkpoint");
    assert_eq!((restored.state.phase, restored.state.epochs_done), (2, 1));
    assert!(restored.best.is_some() && restored.optimizer.is_none());
    let tokens = Tensor::<3>::random(
        [
            2,
            model.extractor.token_count(),
            model.extractor.token_width(),
        ],
        Distribution::Normal(0.0, 1.0),
        &device,
    );
    let a = networks.teacher.forward(tokens.clone()).z;
    let b = restored.networks.teacher.forward(tokens).z;
    let diff: f32 = (a - b).abs().max().into_scalar();
    assert_eq!(diff, 0.0);
    let pixels = Tensor::<4>::random([1, 3, 64, 64], Distribution::Default, &device);
    let a = networks.fusion.forward(pixels.clone()).cnn_logits;
    let b = restored.networks.fusion.forward(pixels).cnn_logits;
    assert_eq!((a - b).abs().max().into_scalar::<f32>(), 0.0);
}

#[test]
fn the_feature_cache_recomputes_corrupt_entries_and_skips_unreadable_images() {
    let dir = tempfile::tempdir().expect("temp dir");
    let device = Device::flex();
    let config = Preset::Tiny.config();
    let (extractor, _) =
        forgelens_engine::model::load_extractor(&config.extractor, None, &device).expect("E");
    let cache = FeatureCache::new(
        &dir.path().join("cache"),
        &config.extractor,
        config.detector_input(),
    );
    let good = repo("assets/samples/chelsea.png");
    let bad = dir.path().join("bad.png");
    std::fs::write(&bad, b"not a png").expect("write");
    let paths = vec![good.clone(), bad.clone()];
    let run = || {
        cache
            .features(
                &paths,
                &config.extractor,
                &extractor,
                &device,
                &|_, _| {},
                &CancelToken::new(),
            )
            .expect("features")
    };
    let first = run();
    assert_eq!((first.computed, first.reused, first.rejected), (1, 0, 0));
    assert_eq!(first.kept, [0]);
    assert_eq!(first.skipped.len(), 1);
    assert_eq!(first.skipped[0].0, bad);
    let second = run();
    assert_eq!((second.computed, second.reused), (0, 1));
    assert_eq!(first.rows, second.rows);
    // Flip one byte of the stored entry: it must be recomputed, not trusted.
    let entry = walk(&dir.path().join("cache"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "feat"))
        .expect("a cache entry");
    let mut bytes = std::fs::read(&entry).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&entry, bytes).expect("write");
    let third = run();
    assert_eq!((third.computed, third.reused, third.rejected), (1, 0, 1));
    assert_eq!(first.rows, third.rows);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn evaluation_reports_image_and_pixel_scores() {
    let run = trained_run();
    let device = select_device(DeviceChoice::Cpu).expect("cpu");
    let analyzer =
        Analyzer::from_dir(&run.join("model"), device, AnalyzerOptions::default()).expect("model");
    // Evaluation refuses images training used: score a set forged from a photograph the
    // model never saw (a synthetic texture whose name falls in the test split).
    let dir = tempfile::tempdir().expect("temp dir");
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).expect("dir");
    image::RgbImage::from_fn(320, 240, |x, y| {
        let h = (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663)) % 97;
        image::Rgb([(x % 251) as u8, (y % 241) as u8, (h * 2) as u8])
    })
    .save(photos.join("unseen-texture-5.png"))
    .expect("photo");
    let unseen = dir.path().join("unseen");
    let config = ForgeConfig {
        crop_size: 64,
        crops_per_photo: 12,
        seed: 0,
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
        &unseen,
        &config,
        &Device::flex(),
        &no_progress(),
        &CancelToken::new(),
    )
    .expect("forge");
    let dataset = Dataset::open(&unseen).expect("dataset");
    let options = EvalOptions {
        split: Some(forgelens_training::data::Split::Test),
        in_domain: Vec::new(),
    };
    let report = evaluate(
        &analyzer,
        &dataset,
        &options,
        &|_, _| {},
        &CancelToken::new(),
    )
    .expect("eval");
    assert_eq!(report.image.images, dataset.samples.len());
    let json = serde_json::to_value(&report).expect("json");
    for pointer in [
        "/image/macro_f1",
        "/image/per_class/real/f1",
        "/image/per_class/partial/f1",
        "/image/per_class/full/f1",
        "/per_family/inpainting/pixel_f1_at_0_5/cam",
        "/per_family/inpainting/pixel_f1_at_0_5/attention",
        "/per_family/inpainting/pixel_f1_at_0_5/fused",
        "/per_generator/rdn-slim-x4:full/recall",
        "/per_family/inpainting/recall",
    ] {
        let value = json
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{pointer} missing"));
        let v = value.as_f64().expect("a number");
        assert!((0.0..=1.0).contains(&v), "{pointer} = {v}");
    }
    let scored: u64 = ["inpainting", "neural-regeneration"]
        .iter()
        .filter_map(|f| json.pointer(&format!("/per_family/{f}/pixel_f1_at_0_5/images")))
        .filter_map(serde_json::Value::as_u64)
        .sum();
    assert_eq!(scored as usize, dataset.count(Label::Partial));
}

#[test]
fn bad_data_gives_clear_errors_or_counted_skips() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    let err = Dataset::open(&empty).expect_err("must fail");
    assert!(matches!(err, DataError::UnknownLayout(_)));
    assert!(err.to_string().contains("real/"), "{err}");

    let missing = dir.path().join("missing-folder");
    for f in ["real", "partial"] {
        std::fs::create_dir_all(missing.join(f)).expect("dir");
    }
    let err = Dataset::open(&missing).expect_err("must fail");
    assert!(
        err.to_string().contains("`full/` folder is missing"),
        "{err}"
    );

    assert!(matches!(
        Dataset::open(&dir.path().join("nope")),
        Err(DataError::Missing(_))
    ));

    // A partial fake without a mask is kept (training needs no mask) and has none.
    let no_mask = dir.path().join("no-mask");
    for f in ["real", "partial", "full"] {
        std::fs::create_dir_all(no_mask.join(f)).expect("dir");
        image::RgbImage::new(8, 8)
            .save(no_mask.join(f).join("a.png"))
            .expect("png");
    }
    let data = Dataset::open(&no_mask).expect("dataset");
    let partial = data
        .samples
        .iter()
        .find(|s| s.label == Label::Partial)
        .expect("present");
    assert!(partial.mask.is_none());

    // A manifest naming a missing file: counted as skipped, not fatal.
    std::fs::write(
        no_mask.join("manifest.csv"),
        "path,label\nreal/a.png,real\nreal/gone.png,real\npartial/a.png,partial\nfull/a.png,full\n",
    )
    .expect("manifest");
    let data = Dataset::open(&no_mask).expect("dataset");
    assert_eq!(data.samples.len(), 3);
    assert_eq!(data.skipped.len(), 1);
    // A bad label is an error naming the line.
    std::fs::write(
        no_mask.join("manifest.csv"),
        "path,label\nreal/a.png,fake\n",
    )
    .expect("m");
    let err = Dataset::open(&no_mask).expect_err("must fail");
    assert!(err.to_string().contains("line 2"), "{err}");
}
