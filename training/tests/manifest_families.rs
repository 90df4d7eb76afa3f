//! Manifests and the family filter: forge-v2 manifests give each image its family,
//! processing and sample kind (and are checked), older manifests derive the family, and
//! training's family filter keeps real images and the listed families.

mod protocol_data;

use forgelens_engine::Label;
use forgelens_engine::model::Preset;
use forgelens_training::data::Dataset;
use forgelens_training::data::dataset::SampleKind;
use forgelens_training::train::TrainingConfig;
use protocol_data::{MANIFEST_HEADER, dataset, photo};

#[test]
fn an_old_manifest_loads_with_derived_families() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rows = vec!["path,label,mask,generator,source,split".to_string()];
    for (i, (label, generator)) in [
        ("real", ""),
        ("partial", "rdn-slim-x4"),
        ("partial", "diffusion"),
        ("partial", "patchmatch"),
        ("partial", "splice"),
        ("full", "rdn-slim-x4"),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("{i}.png");
        photo(i as u64, 16, 16)
            .save(dir.path().join(&name))
            .expect("save");
        rows.push(format!("{name},{label},,{generator},photo{i},test"));
    }
    std::fs::write(dir.path().join("manifest.csv"), rows.join("\n")).expect("manifest");
    let data = Dataset::open(dir.path()).expect("an old manifest");
    let families: Vec<&str> = data.samples.iter().map(|s| s.family.as_str()).collect();
    assert_eq!(
        families,
        [
            "real",
            "neural-regeneration",
            "inpainting",
            "inpainting",
            "unknown",
            "full-regeneration"
        ]
    );
    assert!(data.samples.iter().all(|s| s.processing == "none"));
    assert!(data.samples.iter().all(|s| s.sample == SampleKind::Crop));
}

#[test]
fn a_forge_v2_manifest_reads_family_processing_and_sample_and_checks_them() {
    let data = Dataset::open(dataset()).expect("dataset");
    let whole: Vec<_> = data
        .samples
        .iter()
        .filter(|s| s.sample == SampleKind::Whole)
        .collect();
    assert_eq!(whole.len(), 2);
    assert!(
        whole
            .iter()
            .all(|s| s.label == Label::Real && s.processing == "resize:0.5")
    );
    let inpainting = data
        .samples
        .iter()
        .find(|s| s.family == "inpainting")
        .expect("present");
    assert_eq!(
        (
            inpainting.generator.as_str(),
            inpainting.processing.as_str()
        ),
        ("patchmatch", "jpeg:90")
    );

    let dir = tempfile::tempdir().expect("temp dir");
    photo(0, 16, 16)
        .save(dir.path().join("a.png"))
        .expect("save");
    for (row, expected) in [
        (
            "a.png,partial,,full-gan,rrdn-gans-x4,none,a,test,crop",
            "full-gan",
        ),
        (
            "a.png,partial,,no-such-family,x,none,a,test,crop",
            "unknown family",
        ),
        ("a.png,real,,real,,none,a,test,slice", "unknown sample"),
    ] {
        std::fs::write(
            dir.path().join("manifest.csv"),
            format!("{MANIFEST_HEADER}\n{row}\n"),
        )
        .expect("manifest");
        let err = Dataset::open(dir.path()).expect_err(row).to_string();
        assert!(err.contains("line 2") && err.contains(expected), "{err}");
    }
}

#[test]
fn the_family_filter_keeps_real_images_and_the_listed_families() {
    let data = Dataset::open(dataset()).expect("dataset");
    let config = TrainingConfig::for_preset(Preset::Tiny)
        .with_families(Some(vec!["inpainting".to_string()]));
    let kept: Vec<&str> = data
        .samples
        .iter()
        .filter(|s| config.trains_on_family(s))
        .map(|s| s.family.as_str())
        .collect();
    assert!(kept.iter().all(|f| ["real", "inpainting"].contains(f)));
    assert_eq!(kept.iter().filter(|f| **f == "inpainting").count(), 6);
    let all = TrainingConfig::for_preset(Preset::Tiny);
    assert!(data.samples.iter().all(|s| all.trains_on_family(s)));
}
