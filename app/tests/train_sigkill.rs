//! Crash-safe training, proven with SIGKILL: a `tiny` run of the `forgelens` binary is killed
//! outright at seeded random moments (once it has finished 0-2 epochs, plus a random
//! delay) and resumed each time. After every kill, `checkpoint.json` parses and
//! points at networks that exist, `metrics.jsonl` holds only whole records, and at most one
//! finished epoch is lost; the last resume finishes with every epoch recorded once and a
//! loadable model. `FORGELENS_SIGKILL_ROUNDS` sets the number of kills (3 by default; the
//! longer run in README uses 20).

#[allow(dead_code)]
mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use burn::tensor::Device;
use common::{Stream, assert_success, forgelens, repo};
use forgelens_engine::model::{Preset, load_model_dir};
use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_training::forge::{Family, ForgeConfig, LaunderingConfig, forge};
use forgelens_training::train::checkpoint::{CheckpointState, POINTER_FILE};
use forgelens_training::train::{EpochRecord, TrainingConfig};

/// Epochs per phase of the run below: teacher, students, generalizers, classifier,
/// localisation.
const EPOCHS: [usize; 5] = [4, 3, 3, 4, 3];

fn dataset(dir: &Path) -> std::path::PathBuf {
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).expect("dir");
    for name in ["chelsea.png", "coffee.png"] {
        std::fs::copy(repo("assets/samples").join(name), photos.join(name)).expect("copy");
    }
    let data = dir.join("data");
    let config = ForgeConfig {
        crop_size: 64,
        crops_per_photo: 24,
        seed: 2,
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
        &Device::flex(),
        &no_progress(),
        &CancelToken::new(),
    )
    .expect("forge");
    std::fs::remove_file(data.join("manifest.csv")).expect("drop manifest");
    data
}

fn training_json(dir: &Path) -> std::path::PathBuf {
    let config = TrainingConfig::for_preset(Preset::Tiny)
        .with_teacher_epochs(EPOCHS[0])
        .with_student_epochs(EPOCHS[1])
        .with_generalizer_epochs(EPOCHS[2])
        .with_classifier_epochs(EPOCHS[3])
        .with_localisation_epochs(EPOCHS[4])
        .with_val_fraction(0.25);
    let path = dir.join("training.json");
    std::fs::write(&path, serde_json::to_string(&config).expect("json")).expect("written");
    path
}

/// Whole lines of `metrics.jsonl`, each a record (a kill may cut the last line short; that
/// line is not a record yet and the resume drops it).
fn records(run: &Path) -> Vec<EpochRecord> {
    let text = std::fs::read_to_string(run.join("metrics.jsonl")).unwrap_or_default();
    let whole = match text.rfind('\n') {
        Some(end) => &text[..=end],
        None => "",
    };
    whole
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("a torn record {l:?}: {e}")))
        .collect()
}

fn start(run: &Path, data: &Path, config: &Path, cache: &Path) -> Child {
    let mut cmd = forgelens();
    cmd.arg("train")
        .arg("--data")
        .arg(data)
        .arg("--out")
        .arg(run);
    if run.join("training.json").is_file() {
        cmd.arg("--resume");
    } else {
        cmd.arg("--config").arg(config);
    }
    cmd.args(["--device", "cpu"])
        .env("XDG_CACHE_HOME", cache)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts")
}

/// Epochs the child reports finished on its standard error ("<stage> epoch k/n (...): ...").
fn count_epochs(child: &mut Child) -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let stderr = child.stderr.take().expect("piped");
    let counter = Arc::clone(&count);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains(" epoch ") && line.contains("): ") {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    count
}

/// Finished epochs the checkpoint covers.
fn checkpointed_epochs(run: &Path) -> usize {
    let pointer = run.join(POINTER_FILE);
    if !pointer.is_file() {
        return 0;
    }
    let text = std::fs::read_to_string(&pointer).expect("pointer readable");
    let state: CheckpointState =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("checkpoint.json {text:?}: {e}"));
    let folder = run.join("checkpoints").join(&state.folder);
    let networks = folder.join("networks.bpk");
    assert!(
        networks.metadata().is_ok_and(|m| m.len() > 0),
        "the checkpoint points at missing networks: {folder:?}"
    );
    EPOCHS[..state.phase.min(EPOCHS.len())]
        .iter()
        .sum::<usize>()
        + state.epochs_done
}

#[test]
fn a_run_killed_at_random_moments_resumes_losing_at_most_one_epoch_each_time() {
    let rounds: usize = std::env::var("FORGELENS_SIGKILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dataset(dir.path());
    let config = training_json(dir.path());
    let cache = dir.path().join("cache");
    let run = dir.path().join("run");
    let mut stream = Stream(0x5161_4b11);
    let mut killed = 0;
    let mut done = false;
    for round in 0..rounds {
        // Kill once this process has finished 0-2 epochs (0: during start-up or the
        // resume's loading), then 0-60 ms later, so that the kills spread over the run.
        let after = (stream.next() % 3) as usize;
        let delay = Duration::from_millis(stream.next() % 60);
        let mut child = start(&run, &data, &config, &cache);
        let epochs = count_epochs(&mut child);
        let deadline = Instant::now() + Duration::from_secs(600);
        let finished = loop {
            if let Some(status) = child.try_wait().expect("waits") {
                break Some(status);
            }
            if epochs.load(Ordering::SeqCst) >= after {
                std::thread::sleep(delay);
                break None;
            }
            assert!(Instant::now() < deadline, "round {round}: no progress");
            std::thread::sleep(Duration::from_millis(5));
        };
        if let Some(status) = finished {
            assert!(status.success(), "round {round}: the run failed");
            done = true;
            break;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        killed += 1;
        let recorded = records(&run).len();
        let kept = checkpointed_epochs(&run);
        eprintln!("kill {killed}: {recorded} epochs recorded, the checkpoint keeps {kept}");
        assert!(
            recorded <= kept + 1,
            "round {round}: killed after {recorded} recorded epochs, the checkpoint keeps {kept}"
        );
    }
    if !done {
        let last = start(&run, &data, &config, &cache)
            .wait_with_output()
            .expect("finishes");
        assert_success(&last);
    }
    assert!(killed >= 1, "no kill happened");
    let seen: Vec<(usize, usize)> = records(&run).iter().map(|r| (r.phase, r.epoch)).collect();
    let expected: Vec<(usize, usize)> = EPOCHS
        .iter()
        .enumerate()
        .flat_map(|(phase, &n)| (1..=n).map(move |e| (phase, e)))
        .collect();
    assert_eq!(seen, expected, "every epoch recorded once, in order");
    load_model_dir(&run.join("model"), &Device::flex()).expect("a loadable model");
}
