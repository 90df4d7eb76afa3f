//! Fuzzing on stable Rust: a seeded mutational loop (bit flips, interesting values, inserted,
//! deleted, duplicated and spliced ranges, truncation) over five parsers of untrusted input:
//! image decoding plus analysis with a `tiny` model, report extraction from PDF / HTML /
//! JSON reports, `manifest.csv` with its dataset, `model.json` and `training.json`. Every
//! input must give a value or an error, never a panic; a panicking input is saved under the
//! build's temporary folder and named in the failure.
//!
//! `FORGELENS_FUZZ_SECONDS` is the budget per target (10 by default, about a minute in all);
//! `FORGELENS_FUZZ_SEED` picks the stream. README has the hour-long command.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use burn::tensor::Device;
use forgelens_engine::extractor::ExtractorConfig;
use forgelens_engine::image_input::{ImageLimits, decode_image, read_image_file};
use forgelens_engine::model::{ModelConfig, Preset, init_model_dir};
use forgelens_engine::progress::{CancelToken, no_progress};
use forgelens_engine::{Analyzer, AnalyzerOptions, DeviceChoice, select_device};
use forgelens_report::{
    CaseInfo, FixedClock, ReportFormat, ReportOptions, ReportRequest, ToolInfo, analyze_and_report,
    extract_report, read_evidence,
};
use forgelens_training::data::Dataset;
use forgelens_training::forge::manifest::read_manifest;
use forgelens_training::train::TrainingConfig;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

/// SplitMix64.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: [u32; 10] = [
    0,
    1,
    0x7f,
    0x80,
    0xff,
    0xffff,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x0010_0000,
];

/// One to eight mutations of a corpus entry (another entry lends ranges to splice).
fn mutate(input: &[u8], other: &[u8], s: &mut Stream) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + s.below(8) {
        let len = v.len();
        match s.below(9) {
            0 if len > 0 => {
                let i = s.below(len);
                v[i] ^= 1 << s.below(8);
            }
            1 if len > 0 => {
                let i = s.below(len);
                v[i] = INTERESTING[s.below(INTERESTING.len())] as u8;
            }
            2 if len >= 4 => {
                let i = s.below(len - 3);
                let value = INTERESTING[s.below(INTERESTING.len())];
                let bytes = if s.below(2) == 0 {
                    value.to_be_bytes()
                } else {
                    value.to_le_bytes()
                };
                v[i..i + 4].copy_from_slice(&bytes);
            }
            3 => {
                let i = s.below(len + 1);
                let n = 1 + s.below(16);
                let fresh: Vec<u8> = (0..n).map(|_| s.next() as u8).collect();
                v.splice(i..i, fresh);
            }
            4 if len > 0 => {
                let i = s.below(len);
                let n = 1 + s.below((len - i).min(256));
                v.drain(i..i + n);
            }
            5 if len > 0 => {
                let i = s.below(len);
                let n = 1 + s.below((len - i).min(256));
                let copy = v[i..i + n].to_vec();
                let at = s.below(len + 1);
                v.splice(at..at, copy);
            }
            6 if len > 0 => v.truncate(s.below(len)),
            7 if !other.is_empty() => {
                let i = s.below(other.len());
                let n = 1 + s.below((other.len() - i).min(512));
                let at = s.below(len + 1);
                let end = (at + n).min(len);
                v.splice(at..end, other[i..i + n].iter().copied());
            }
            _ if len > 0 => {
                // A digit or quote in text formats, a byte elsewhere.
                let i = s.below(len);
                v[i] = b"0123456789-\".,{}[]e"[s.below(19)];
            }
            _ => v.push(s.next() as u8),
        }
    }
    v
}

/// Runs `target` on mutated corpus entries for the budget; returns (executions, outcomes).
fn fuzz(
    name: &str,
    corpus: &[Vec<u8>],
    mut target: impl FnMut(&[u8]) -> String,
) -> (usize, BTreeMap<String, usize>) {
    let seconds: u64 = std::env::var("FORGELENS_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let seed: u64 = std::env::var("FORGELENS_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut s = Stream(seed ^ name.bytes().fold(0, |h, b| h * 31 + u64::from(b)));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut outcomes = BTreeMap::new();
    let mut executions = 0;
    while Instant::now() < deadline {
        let input = &corpus[s.below(corpus.len())];
        let other = &corpus[s.below(corpus.len())];
        let bytes = mutate(input, other, &mut s);
        match catch_unwind(AssertUnwindSafe(|| target(&bytes))) {
            Ok(outcome) => *outcomes.entry(outcome).or_insert(0) += 1,
            Err(_) => {
                let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-crashes");
                std::fs::create_dir_all(&dir).expect("crash folder");
                let path = dir.join(format!("{name}-{executions}.bin"));
                std::fs::write(&path, &bytes).expect("crash saved");
                panic!(
                    "{name}: input {executions} panicked; saved to {}",
                    path.display()
                );
            }
        }
        executions += 1;
    }
    eprintln!(
        "fuzz {name}: {executions} executions in {seconds} s, {} distinct outcomes: {outcomes:?}",
        outcomes.len()
    );
    (executions, outcomes)
}

/// The first words of an error: the outcome's kind without the input-specific detail.
fn kind(error: impl std::fmt::Display) -> String {
    let text = error.to_string();
    text.split([':', '(', '`'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .take(48)
        .collect()
}

/// The error's variant: the first word of its debug form.
fn variant(error: impl std::fmt::Debug) -> String {
    format!("{error:?}")
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// `count` copies of a JSON document with one to three numbers set to values that break
/// networks (zero, negative, huge, fractional), so that mutation starts from parseable files.
fn json_mutants(document: &serde_json::Value, count: usize, s: &mut Stream) -> Vec<Vec<u8>> {
    /// JSON pointers to every number in `v`.
    fn numbers(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Number(_) => out.push(at),
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    numbers(x, format!("{at}/{i}"), out);
                }
            }
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    numbers(
                        x,
                        format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            _ => {}
        }
    }
    let mut leaves = Vec::new();
    numbers(document, String::new(), &mut leaves);
    let values: [serde_json::Value; 10] = [
        0.into(),
        1.into(),
        2.into(),
        3.into(),
        7.into(),
        (-1).into(),
        0.5.into(),
        1_000_000.into(),
        4_294_967_296u64.into(),
        1e300.into(),
    ];
    (0..count)
        .map(|_| {
            let mut doc = document.clone();
            for _ in 0..1 + s.below(3) {
                if leaves.is_empty() {
                    break;
                }
                let leaf = &leaves[s.below(leaves.len())];
                if let Some(slot) = doc.pointer_mut(leaf) {
                    *slot = values[s.below(values.len())].clone();
                }
            }
            serde_json::to_vec_pretty(&doc).expect("json")
        })
        .collect()
}

fn tiny_analyzer(dir: &Path) -> Analyzer {
    let device = select_device(DeviceChoice::Cpu).expect("cpu");
    let model = init_model_dir(
        &Preset::Tiny.config(),
        None,
        &dir.join("model"),
        &device.device,
        0,
    )
    .expect("tiny model");
    Analyzer::new(model, device, AnalyzerOptions::default())
}

fn image_corpus() -> Vec<Vec<u8>> {
    let mut corpus = Vec::new();
    for dir in ["tests/fixtures/images", "assets/samples"] {
        let mut paths: Vec<_> = std::fs::read_dir(repo(dir))
            .expect("corpus folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e != "py" && e != "md"))
            .collect();
        paths.sort();
        corpus.extend(paths.iter().map(|p| std::fs::read(p).expect("read")));
    }
    // The lossy formats analysts receive, small.
    let photo = read_image_file(&repo("assets/samples/chelsea.png"), &ImageLimits::default())
        .expect("sample")
        .rgb;
    let small = image::imageops::thumbnail(&photo, 96, 64);
    for format in [image::ImageFormat::Jpeg, image::ImageFormat::WebP] {
        let mut bytes = Vec::new();
        small
            .write_to(&mut std::io::Cursor::new(&mut bytes), format)
            .expect("encoded");
        corpus.push(bytes);
    }
    corpus
}

#[test]
fn images_decode_and_analyse_or_give_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let analyzer = tiny_analyzer(dir.path());
    let limits = ImageLimits::default();
    let mut analysed = 0;
    let (runs, outcomes) = fuzz("image", &image_corpus(), |bytes| {
        match decode_image(bytes, "fuzz", &limits) {
            Err(e) => format!("decode error: {}", variant(e)),
            // Analysis costs ~100x a decode: every decodable input while they are few.
            Ok(image) if analysed < 200 => {
                analysed += 1;
                match analyzer.analyze_image(&image, &no_progress(), &CancelToken::new()) {
                    Ok(_) => "analysed".into(),
                    Err(e) => format!("analysis error: {}", variant(e)),
                }
            }
            Ok(_) => "decoded".into(),
        }
    });
    assert!(runs > 0 && outcomes.len() > 1, "{outcomes:?}");
}

#[test]
fn reports_are_extracted_or_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let analyzer = tiny_analyzer(dir.path());
    let evidence = read_evidence(
        &repo("tests/fixtures/images/rgba.png"),
        &ImageLimits::default(),
    )
    .expect("evidence");
    let corpus: Vec<Vec<u8>> = [ReportFormat::Json, ReportFormat::Html, ReportFormat::Pdf]
        .into_iter()
        .map(|format| {
            let request = ReportRequest {
                case: CaseInfo {
                    analyst: Some("Fuzz".into()),
                    case_id: Some("F-1".into()),
                    notes: None,
                },
                options: ReportOptions::default(),
                format,
                key: None,
                tool: ToolInfo::forgelens("0.0.0", "fuzz"),
            };
            analyze_and_report(
                &analyzer,
                &evidence,
                &request,
                &FixedClock::from_unix_seconds(1_800_000_000),
                &no_progress(),
                &CancelToken::new(),
            )
            .expect("report")
            .bytes
        })
        .collect();
    let (runs, outcomes) = fuzz("report", &corpus, |bytes| match extract_report(bytes) {
        Ok(embedded) => match serde_json::from_slice::<serde_json::Value>(&embedded.report_json) {
            Ok(_) => "extracted".into(),
            Err(_) => "extracted, not JSON".into(),
        },
        Err(e) => format!("error: {}", variant(e)),
    });
    assert!(runs > 0 && outcomes.len() > 1, "{outcomes:?}");
}

#[test]
fn manifests_open_or_name_the_bad_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    for sub in ["real", "partial", "full", "masks"] {
        std::fs::create_dir_all(data.join(sub)).expect("folder");
    }
    let pixel = image::RgbImage::from_pixel(16, 16, image::Rgb([90, 120, 30]));
    let mut manifest =
        String::from("path,label,mask,family,generator,processing,source,split,sample\n");
    for (i, split) in ["train", "val", "test"].into_iter().enumerate() {
        for (label, family, generator) in [
            ("real", "real", ""),
            ("partial", "splicing", "splice"),
            ("full", "full-gan", "rrdn-gans-x4"),
        ] {
            let path = format!("{label}/p{i}.png");
            pixel.save(data.join(&path)).expect("image");
            let mask = if label == "partial" {
                let mask = format!("masks/p{i}.png");
                image::GrayImage::from_pixel(16, 16, image::Luma([255]))
                    .save(data.join(&mask))
                    .expect("mask");
                mask
            } else {
                String::new()
            };
            manifest.push_str(&format!(
                "{path},{label},{mask},{family},{generator},\"resize:0.8+jpeg:90\",p{i}.png,{split},crop\n"
            ));
        }
    }
    let target = data.join("manifest.csv");
    let (runs, outcomes) = fuzz("manifest", &[manifest.into_bytes()], |bytes| {
        std::fs::write(&target, bytes).expect("manifest written");
        let rows = match read_manifest(&target) {
            Ok(rows) => format!("{} rows", rows.len().min(9)),
            Err(e) => format!("manifest error: {}", variant(e)),
        };
        match Dataset::open(&data) {
            Ok(d) => format!("{rows}; dataset of {}", d.samples.len().min(9)),
            Err(e) => format!("{rows}; dataset error: {}", variant(e)),
        }
    });
    assert!(runs > 0 && outcomes.len() > 1, "{outcomes:?}");
}

#[test]
fn model_and_training_configs_load_or_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let device = Device::flex();
    let mut s = Stream(7);
    let mut corpus: Vec<Vec<u8>> = Preset::ALL
        .iter()
        .flat_map(|p| {
            let doc = serde_json::to_value(p.config()).expect("json");
            json_mutants(&doc, 100, &mut s)
        })
        .collect();
    let mut built = 0;
    let (runs, outcomes) = fuzz("model-config", &corpus, |bytes| {
        match serde_json::from_slice::<ModelConfig>(bytes) {
            Err(_) => "not a model config".into(),
            Ok(config) => match config.check() {
                Err(e) => format!("refused: {}", kind(e)),
                // Building networks is the slow part: the first few that pass.
                Ok(())
                    if built < 20
                        && matches!(config.extractor, ExtractorConfig::MobileNetV2 { .. })
                        && config.extractor.image_size() <= 256 =>
                {
                    built += 1;
                    let _ = config.init(&device);
                    "built".into()
                }
                Ok(()) => "accepted".into(),
            },
        }
    });
    assert!(runs > 0 && outcomes.len() > 1, "{outcomes:?}");

    corpus = Preset::ALL
        .iter()
        .flat_map(|p| {
            let doc = serde_json::to_value(TrainingConfig::for_preset(*p)).expect("json");
            json_mutants(&doc, 100, &mut s)
        })
        .collect();
    let path = dir.path().join("training.json");
    let (runs, outcomes) = fuzz("training-config", &corpus, |bytes| {
        std::fs::write(&path, bytes).expect("written");
        match TrainingConfig::from_name_or_file(&path.display().to_string()) {
            Ok(_) => "loaded".into(),
            Err(e) => format!(
                "refused: {}",
                kind(e.rsplit("training.json: ").next().unwrap_or_default())
            ),
        }
    });
    assert!(runs > 0 && outcomes.len() > 1, "{outcomes:?}");
}
