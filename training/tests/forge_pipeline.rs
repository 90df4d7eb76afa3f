//! A small forge run end to end: layout, manifest, split by photograph, determinism,
//! resume after an interruption, and bad photos skipped and counted.

use std::path::{Path, PathBuf};

use burn::tensor::Device;
use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_training::forge::{ForgeConfig, RdnPreset, forge};

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

fn config() -> ForgeConfig {
    ForgeConfig {
        crop_size: 64,
        crops_per_photo: 6,
        seed: 3,
        ..ForgeConfig::default()
    }
}

fn run(photos: &Path, out: &Path) -> forgelens_training::forge::ForgeSummary {
    let device = Device::flex();
    let model = RdnPreset::SlimX4.load_shipped(&device).expect("generator");
    forge(
        photos,
        out,
        &config(),
        &model,
        &device,
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
fn forge_writes_the_layout_and_a_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photos = photos(dir.path());
    let out = dir.path().join("dataset");
    let summary = run(&photos, &out);
    assert_eq!(summary.rows.len(), 12, "two usable photos x 6 crops");
    assert_eq!(summary.skipped.len(), 3, "{:?}", summary.skipped);
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).expect("manifest");
    let lines: Vec<&str> = manifest.lines().collect();
    assert_eq!(lines[0], "path,label,mask,generator,source,split");
    assert_eq!(lines.len(), 13);
    for label in ["real", "partial", "full"] {
        assert_eq!(
            summary.rows.iter().filter(|r| r.label == label).count(),
            4,
            "{label}"
        );
    }
    for row in &summary.rows {
        assert!(out.join(&row.path).is_file(), "{}", row.path);
        if row.label == "partial" {
            let mask = image::open(out.join(&row.mask)).expect("mask").into_luma8();
            let coverage = mask.pixels().filter(|p| p.0[0] == 255).count() as f32 / (64.0 * 64.0);
            assert!((0.03..=0.40).contains(&coverage), "{coverage}");
        }
        // One photograph, one side of the split.
        let splits: std::collections::HashSet<_> = summary
            .rows
            .iter()
            .filter(|r| r.source == row.source)
            .map(|r| r.split)
            .collect();
        assert_eq!(splits.len(), 1, "{} is on several sides", row.source);
    }
    let generators: std::collections::HashSet<_> = summary
        .rows
        .iter()
        .filter(|r| r.label == "partial")
        .map(|r| r.generator)
        .collect();
    assert!(generators.len() >= 2, "{generators:?}");
    assert!(
        generators
            .iter()
            .all(|g| ["rdn-slim-x4", "diffusion", "patchmatch"].contains(g))
    );
}

#[test]
fn same_seed_same_bytes_and_resume_gives_the_same_dataset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photos = photos(dir.path());
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    run(&photos, &a);
    run(&photos, &b);
    assert_eq!(files(&a), files(&b));

    // Simulate an interruption: some outputs and the manifest are missing.
    std::fs::remove_file(b.join("manifest.csv")).expect("rm");
    let mut removed = 0;
    for sub in ["partial", "full"] {
        for entry in std::fs::read_dir(b.join(sub)).expect("dir").take(2) {
            std::fs::remove_file(entry.expect("entry").path()).expect("rm");
            removed += 1;
        }
    }
    let summary = run(&photos, &b);
    assert_eq!(summary.resumed, 12 - removed);
    assert_eq!(files(&a), files(&b));
}

#[test]
fn partial_generators_can_be_restricted_and_unknown_names_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).expect("dir");
    for name in ["chelsea.png", "coffee.png"] {
        std::fs::copy(repo("assets/samples").join(name), photos.join(name)).expect("copy");
    }
    let device = Device::flex();
    let rdn = RdnPreset::SlimX4.load_shipped(&device).expect("generator");
    let only = ForgeConfig {
        partial_generators: vec!["diffusion".into()],
        ..config()
    };
    let summary = forge(
        &photos,
        &dir.path().join("out"),
        &only,
        &rdn,
        &device,
        &no_progress(),
        &CancelToken::new(),
    )
    .expect("forge");
    let partials: Vec<_> = summary
        .rows
        .iter()
        .filter(|r| r.label == "partial")
        .collect();
    assert!(!partials.is_empty());
    assert!(partials.iter().all(|r| r.generator == "diffusion"));
    let unknown = ForgeConfig {
        partial_generators: vec!["stable-diffusion".into()],
        ..config()
    };
    let err = forge(
        &photos,
        &dir.path().join("out2"),
        &unknown,
        &rdn,
        &device,
        &no_progress(),
        &CancelToken::new(),
    )
    .expect_err("must fail");
    assert!(err.to_string().contains("stable-diffusion"), "{err}");
}
