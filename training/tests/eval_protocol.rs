//! The evaluation protocol on the hand-made forge-v2 dataset: a family-filtered `tiny` run
//! records what it trained on, and evaluation gives per-family rows, false positives on
//! whole photographs and a robustness table while refusing images training used;
//! thresholds chosen on val carry over to test.

mod protocol_data;

use std::path::Path;
use std::sync::OnceLock;

use burn::tensor::Device;
use forgelens_engine::model::{Preset, load_model_dir};
use forgelens_engine::progress::CancelToken;
use forgelens_engine::{Analyzer, AnalyzerOptions, DeviceChoice, select_device};
use forgelens_training::data::{Dataset, Split};
use forgelens_training::eval::{
    EvalError, EvalOptions, EvalReport, Protocol, ScopeError, ThresholdError, evaluate,
    evaluate_protocol,
};
use forgelens_training::train::{OptimizerConfig, TrainEvent, TrainOptions, TrainingConfig, train};
use protocol_data::dataset;

const TRAINED_FAMILIES: [&str; 2] = ["full-regeneration", "neural-regeneration"];

/// One `tiny` run that never sees inpainting, shared by the tests that read it.
fn trained_model() -> &'static Path {
    static RUN: OnceLock<tempfile::TempDir> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = TrainingConfig::for_preset(Preset::Tiny)
            .with_teacher_epochs(1)
            .with_classifier_epochs(1)
            .with_localisation_epochs(1)
            .with_max_steps_per_epoch(2)
            .with_detector_optimizer(OptimizerConfig::new().with_lr(1e-3))
            .with_families(Some(TRAINED_FAMILIES.map(String::from).to_vec()));
        let options = TrainOptions {
            data: dataset().to_path_buf(),
            out: dir.path().join("run"),
            resume: false,
            cache_dir: dir.path().join("cache"),
            device: Device::flex(),
        };
        train(config, &options, &|_: TrainEvent| {}, &CancelToken::new()).expect("training");
        dir
    })
    .path()
    .join("run/model")
    .leak()
}

fn analyzer() -> Analyzer {
    let device = select_device(DeviceChoice::Cpu).expect("cpu");
    Analyzer::from_dir(trained_model(), device, AnalyzerOptions::default()).expect("model")
}

fn options(split: Option<Split>) -> EvalOptions {
    EvalOptions {
        split,
        in_domain: Vec::new(),
    }
}

fn eval(
    dataset: &Dataset,
    split: Option<Split>,
    protocol: &Protocol,
) -> Result<EvalReport, EvalError> {
    evaluate_protocol(
        &analyzer(),
        dataset,
        &options(split),
        protocol,
        &|_, _| {},
        &CancelToken::new(),
    )
}

#[test]
fn a_family_filtered_run_records_its_families_and_photographs() {
    let model = load_model_dir(trained_model(), &Device::flex()).expect("model loads");
    let card = &model.card;
    assert_eq!(card.training_families, TRAINED_FAMILIES);
    // patchmatch makes only inpainting fakes: never seen.
    assert_eq!(card.training_generators, ["rdn-slim-x4"]);
    assert_eq!(card.training_sources, ["p0", "p1", "p2"]);
    assert_eq!(card.validation_sources, ["p3"]);
}

#[test]
fn eval_gives_family_rows_false_positives_and_a_robustness_table() {
    let data = Dataset::open(dataset()).expect("dataset");
    let protocol = Protocol {
        families: Vec::new(),
        perturbations: vec![
            "jpeg:50".parse().expect("a step"),
            "resize:0.5".parse().expect("a step"),
        ],
    };
    let report = eval(&data, None, &protocol).expect("eval");
    assert_eq!(report.split, Split::Test);
    assert_eq!(report.image.images, 10);
    let families: Vec<&str> = report.per_family.keys().map(String::as_str).collect();
    assert_eq!(
        families,
        [
            "full-regeneration",
            "inpainting",
            "neural-regeneration",
            "real"
        ]
    );
    for (name, row) in &report.per_family {
        let p = row.predicted;
        assert_eq!(p.real + p.partial + p.full, row.images, "{name}");
        let right = [p.real, p.partial, p.full][match row.label.as_str() {
            "real" => 0,
            "partial" => 1,
            _ => 2,
        }];
        assert!((row.recall - right as f32 / row.images as f32).abs() < 1e-6);
    }
    assert_eq!(report.per_family["inpainting"].in_domain, Some(false));
    assert_eq!(
        report.per_family["neural-regeneration"].in_domain,
        Some(true)
    );
    assert_eq!(report.per_family["real"].in_domain, None);
    assert_eq!(report.per_family["real"].images, 4);
    let fused = &report.per_family["inpainting"].pixel_f1_at_0_5;
    assert_eq!(fused.as_ref().map(|m| m.images), Some(2));
    assert!(
        report.per_family["full-regeneration"]
            .pixel_f1_at_0_5
            .is_none()
    );
    assert!(report.per_generator.contains_key("patchmatch:partial"));
    let cross = report
        .cross_domain
        .as_ref()
        .expect("inpainting is cross-domain");
    assert_eq!(
        (cross.decided_by.as_str(), cross.families.clone()),
        ("families", vec!["inpainting".to_string()])
    );

    let fp = &report.false_positives;
    assert_eq!(fp.real.as_ref().map(|r| r.images), Some(4));
    assert_eq!(fp.real_whole.as_ref().map(|r| r.images), Some(2));
    let real = &report.per_family["real"];
    let expected = 1.0 - real.recall;
    assert!((fp.real.as_ref().expect("present").rate - expected).abs() < 1e-6);

    let conditions: Vec<&str> = report
        .robustness
        .iter()
        .map(|r| r.condition.as_str())
        .collect();
    assert_eq!(conditions, ["none", "jpeg:50", "resize:0.5"]);
    let clean = &report.robustness[0];
    assert!((clean.macro_f1 - report.image.macro_f1).abs() < 1e-6);
    assert_eq!(clean.real_fpr, fp.real.as_ref().map(|r| r.rate));
    assert!(
        report
            .robustness
            .iter()
            .all(|r| r.images == 10 && r.fused_f1_at_0_5.is_some())
    );

    // Restricted to one family: its fakes and the real images.
    let only = Protocol {
        families: vec!["inpainting".into()],
        perturbations: Vec::new(),
    };
    let report = eval(&data, Some(Split::Test), &only).expect("eval");
    assert_eq!(report.image.images, 6);
    assert!(report.robustness.is_empty());
}

#[test]
fn eval_refuses_images_training_used() {
    let data = Dataset::open(dataset()).expect("dataset");
    let all = eval(&data, Some(Split::Unassigned), &Protocol::default()).expect_err("train images");
    assert!(
        matches!(
            all,
            EvalError::Scope(ScopeError::TrainingImages { count: 12, .. })
        ),
        "{all}"
    );
    assert!(all.to_string().contains("training fitted on them"), "{all}");
    let train = eval(&data, Some(Split::Train), &Protocol::default()).expect_err("train split");
    assert!(matches!(
        train,
        EvalError::Scope(ScopeError::TrainingImages { .. })
    ));

    // A test image cut from a training photograph is refused by its source.
    let mut leaky = data.clone();
    let moved = leaky
        .samples
        .iter_mut()
        .find(|s| s.source == "p0")
        .expect("present");
    moved.split = Split::Test;
    let err = eval(&leaky, Some(Split::Test), &Protocol::default()).expect_err("a training source");
    assert!(err.to_string().contains("photograph `p0`"), "{err}");

    // A photograph training chose epochs on counts only in val.
    let mut leaky = data.clone();
    for s in leaky.samples.iter_mut().filter(|s| s.source == "p3") {
        s.split = Split::Test;
    }
    let err = eval(&leaky, Some(Split::Test), &Protocol::default()).expect_err("a val source");
    assert!(
        matches!(
            err,
            EvalError::Scope(ScopeError::ValidationImages { count: 4, .. })
        ),
        "{err}"
    );
    let val = eval(&data, Some(Split::Val), &Protocol::default()).expect("val is scored as val");
    assert_eq!(val.image.images, 4);
}

#[test]
fn thresholds_chosen_on_val_carry_over_and_oracles_stay_labelled() {
    let data = Dataset::open(dataset()).expect("dataset");
    let analyzer = analyzer();
    let run = |split| {
        evaluate(
            &analyzer,
            &data,
            &options(Some(split)),
            &|_, _| {},
            &CancelToken::new(),
        )
        .expect("eval")
    };
    let val = run(Split::Val);
    let mut test = run(Split::Test);
    assert!(matches!(
        test.clone().apply_val_thresholds(&test),
        Err(ThresholdError::NotVal(Split::Test))
    ));
    test.apply_val_thresholds(&val).expect("val thresholds");
    let chosen = val.pixel.as_ref().expect("val pixel scores");
    let applied = test.pixel.as_ref().expect("test pixel scores");
    for (v, t) in [
        (&chosen.cam, &applied.cam),
        (&chosen.attention, &applied.attention),
        (&chosen.fused, &applied.fused),
    ] {
        assert_eq!(t.val_threshold, Some(v.oracle_threshold));
        let i = (v.oracle_threshold / 0.05).round() as usize - 1;
        assert_eq!(t.f1_at_val_threshold, Some(t.f1_by_threshold[i]));
        assert_eq!(t.f1_by_threshold.len(), 19);
        assert_eq!(t.f1_at_0_5, t.f1_by_threshold[9]);
        assert!(t.oracle_f1 >= t.f1_at_0_5);
    }
    let json = serde_json::to_value(&test).expect("json");
    for key in [
        "/pixel/fused/oracle_f1",
        "/pixel/fused/f1_at_val_threshold",
        "/calibration/ece",
    ] {
        assert!(
            json.pointer(key).and_then(|v| v.as_f64()).is_some(),
            "{key}"
        );
    }
    assert!(json.pointer("/pixel/fused/best_f1").is_none());
}
