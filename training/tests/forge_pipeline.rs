//! The forge end to end: layout, manifest columns, every family, whole photographs, split by
//! photograph (pinned to SHA-256), laundering on every class alike, determinism, resume
//! after an interruption, and bad photos skipped and counted.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use burn::tensor::Device;
use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_training::forge::{
    Family, ForgeConfig, GeneratorPreset, LaunderingConfig, SampleKind, forge, split_of,
};

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

fn photos(dir: &Path) -> PathBuf {
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).expect("dir");
    for name in ["chelsea.png", "coffee.png"] {
        std::fs::copy(repo("assets/samples").join(name), photos.join(name)).expect("copy");
    }
    std::fs::copy(
        repo("tests/fixtures/images/truncated.png"),
        photos.join("broken.png"),
    )
    .expect("copy");
    image::RgbImage::new(32, 32)
        .save(photos.join("tiny.png"))
        .expect("tiny photo");
    std::fs::write(photos.join("README.txt"), "not a photo").expect("write");
    photos
}

/// Small and quick: 64 px crops, one whole photograph each at most 512 px, cheap generators.
fn config() -> ForgeConfig {
    ForgeConfig {
        crop_size: 64,
        crops_per_photo: 9,
        whole_share: 1.0,
        whole_long_side: (256, 512),
        seed: 3,
        generators: vec!["rdn-slim-x2".into(), "rdn-slim-x4".into()],
        families: vec![
            Family::NeuralRegeneration,
            Family::Inpainting,
            Family::Splicing,
            Family::CopyMove,
            Family::Resampling,
            Family::Retouching,
            Family::FullRegeneration,
        ],
        ..ForgeConfig::default()
    }
}

fn run_with(
    photos: &Path,
    out: &Path,
    config: &ForgeConfig,
) -> forgelens_training::forge::ForgeSummary {
    forge(
        photos,
        out,
        config,
        &Device::flex(),
        &no_progress(),
        &CancelToken::new(),
    )
    .expect("forge run")
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in ["real", "partial", "masks", "full"] {
        let mut names: Vec<_> = std::fs::read_dir(dir.join(sub))
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .collect();
        names.sort();
        for p in names {
            out.push((
                format!("{sub}/{}", p.file_name().expect("name").to_string_lossy()),
                std::fs::read(&p).expect("read"),
            ));
        }
    }
    out.push((
        "manifest.csv".into(),
        std::fs::read(dir.join("manifest.csv")).expect("manifest"),
    ));
    out
}

#[test]
fn forge_writes_every_family_crops_and_whole_photographs_with_a_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photos = photos(dir.path());
    let out = dir.path().join("dataset");
    let summary = run_with(&photos, &out, &config());
    assert_eq!(
        summary.rows.len(),
        20,
        "two usable photos x (9 crops + 1 whole)"
    );
    assert_eq!(summary.skipped.len(), 3, "{:?}", summary.skipped);
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).expect("manifest");
    let lines: Vec<&str> = manifest.lines().collect();
    assert_eq!(
        lines[0],
        "path,label,mask,family,generator,processing,source,split,sample"
    );
    assert_eq!(lines.len(), 21);
    for row in &summary.rows {
        let decoded = image::open(out.join(&row.path)).expect("the image decodes");
        assert_eq!(row.family.label().name(), row.label, "{}", row.path);
        if row.label == "partial" {
            let mask = image::open(out.join(&row.mask)).expect("mask").into_luma8();
            assert_eq!(mask.dimensions(), (decoded.width(), decoded.height()));
            assert!(mask.pixels().any(|p| p.0[0] == 255), "{}", row.mask);
        } else {
            assert!(row.mask.is_empty());
        }
        if row.sample == SampleKind::Whole {
            assert!(decoded.width().max(decoded.height()) >= 128, "{}", row.path);
        }
        // One photograph, one side of the split.
        let splits: HashSet<_> = summary
            .rows
            .iter()
            .filter(|r| r.source == row.source)
            .map(|r| r.split)
            .collect();
        assert_eq!(splits.len(), 1, "{} is on several sides", row.source);
        assert_eq!(row.split, split_of(&row.source, 0.7, 0.15));
    }
    let wholes = summary
        .rows
        .iter()
        .filter(|r| r.sample == SampleKind::Whole)
        .count();
    assert_eq!(wholes, 2);
    let made: HashSet<Family> = summary.rows.iter().map(|r| r.family).collect();
    assert!(made.len() >= 5, "{made:?}");
}

#[test]
fn splits_are_pinned() {
    // SHA-256 of the name: these must never move (a move would put photographs of one
    // trained model's training split into another's test split).
    for (name, split) in [
        ("chelsea.png", "train"),
        ("coffee.png", "train"),
        ("lomiri1604__Bridge_by_Sander_Klootwijk.jpg", "train"),
        ("gcompris__erase-crab.webp", "val"),
        ("gcompris__erase-goat.webp", "val"),
        ("gcompris__erase-gorilla.webp", "test"),
        ("gcompris__erase-heron.webp", "test"),
    ] {
        assert_eq!(split_of(name, 0.7, 0.15), split, "{name}");
    }
}

#[test]
fn laundering_reaches_every_class_alike_and_no_laundering_keeps_png() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photos = photos(dir.path());
    let config = ForgeConfig {
        crop_size: 32,
        crops_per_photo: 120,
        whole_share: 0.0,
        families: vec![
            Family::Resampling,
            Family::Retouching,
            Family::FullRegeneration,
        ],
        generators: vec!["rdn-slim-x2".into()],
        ..config()
    };
    let summary = run_with(&photos, &dir.path().join("laundered"), &config);
    // Per label, the share of samples whose chain holds each kind of step.
    let mut shares: BTreeMap<&str, BTreeMap<&str, f32>> = BTreeMap::new();
    for label in ["real", "partial", "full"] {
        let rows: Vec<_> = summary.rows.iter().filter(|r| r.label == label).collect();
        assert!(rows.len() >= 70, "{label}: {}", rows.len());
        for kind in ["jpeg", "webp", "resize", "none"] {
            let n = rows.iter().filter(|r| r.processing.contains(kind)).count();
            shares
                .entry(kind)
                .or_default()
                .insert(label, n as f32 / rows.len() as f32);
        }
    }
    for (kind, per_label) in &shares {
        let values: Vec<f32> = per_label.values().copied().collect();
        let spread = values.iter().cloned().fold(f32::MIN, f32::max)
            - values.iter().cloned().fold(f32::MAX, f32::min);
        assert!(spread < 0.2, "{kind}: {per_label:?}");
        assert!(
            values.iter().all(|&v| v > 0.0),
            "{kind} never reached a class"
        );
    }
    let plain = ForgeConfig {
        crops_per_photo: 6,
        laundering: LaunderingConfig::disabled(),
        ..config
    };
    let summary = run_with(&photos, &dir.path().join("plain"), &plain);
    assert!(
        summary
            .rows
            .iter()
            .all(|r| r.processing == "none" && r.path.ends_with(".png"))
    );
}

#[test]
fn same_seed_same_bytes_and_resume_gives_the_same_dataset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photos = photos(dir.path());
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    run_with(&photos, &a, &config());
    run_with(&photos, &b, &config());
    assert_eq!(files(&a), files(&b));

    // Simulate an interruption: some outputs are missing.
    let mut removed = 0;
    for sub in ["partial", "full"] {
        for entry in std::fs::read_dir(b.join(sub)).expect("dir").take(2) {
            std::fs::remove_file(entry.expect("entry").path()).expect("rm");
            removed += 1;
        }
    }
    let summary = run_with(&photos, &b, &config());
    assert_eq!(summary.resumed, 20 - removed);
    assert_eq!(files(&a), files(&b));
}

#[test]
fn families_and_generators_can_be_restricted_and_unknown_names_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photos = photos(dir.path());
    let only = ForgeConfig {
        families: vec![Family::Inpainting],
        whole_share: 0.0,
        ..config()
    };
    let summary = run_with(&photos, &dir.path().join("out"), &only);
    assert!(
        summary
            .rows
            .iter()
            .all(|r| r.family == Family::Real || r.family == Family::Inpainting)
    );
    assert!(summary.rows.iter().any(|r| r.family == Family::Inpainting));
    assert!(summary.rows.iter().all(|r| r.label != "full"));
    let unknown = ForgeConfig {
        generators: vec!["stable-diffusion".into()],
        ..config()
    };
    let err = forge(
        &photos,
        &dir.path().join("out2"),
        &unknown,
        &Device::flex(),
        &no_progress(),
        &CancelToken::new(),
    )
    .expect_err("must fail");
    assert!(err.to_string().contains("stable-diffusion"), "{err}");
    assert!(GeneratorPreset::ALL.len() >= 3);
}

#[test]
fn a_photograph_alone_in_its_split_gets_copy_move_for_splicing_or_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photos = dir.path().join("one");
    std::fs::create_dir_all(&photos).expect("dir");
    std::fs::copy(
        repo("assets/samples/chelsea.png"),
        photos.join("chelsea.png"),
    )
    .expect("copy");
    let lone = ForgeConfig {
        families: vec![Family::Splicing, Family::CopyMove],
        crops_per_photo: 6,
        whole_share: 0.0,
        ..config()
    };
    let summary = run_with(&photos, &dir.path().join("out"), &lone);
    assert!(summary.rows.iter().any(|r| r.family == Family::CopyMove));
    assert!(summary.rows.iter().all(|r| r.family != Family::Splicing));
    let splicing_only = ForgeConfig {
        families: vec![Family::Splicing],
        ..lone
    };
    let err = forge(
        &photos,
        &dir.path().join("out2"),
        &splicing_only,
        &Device::flex(),
        &no_progress(),
        &CancelToken::new(),
    )
    .expect_err("no donor and no copy-move");
    assert!(err.to_string().contains("another photograph"), "{err}");
}
