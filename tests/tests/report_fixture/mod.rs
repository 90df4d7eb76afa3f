//! The fixed report the report tests share: the evidence `rgba.png`, a synthetic analysis with
//! known maps, a fixed clock and tool, and two classic tools (ELA, gradient) with their
//! times zeroed, so that every byte of the report is known.
#![allow(dead_code)]

use std::path::PathBuf;

use forgelens_engine::AnalyzerOptions;
use forgelens_engine::analysis::{
    ANALYSIS_SCHEMA_VERSION, Analysis, DeviceInfo, Heatmap, Maps, ModelInfo, Probabilities,
    TilingInfo, Timings, verdict,
};
use forgelens_engine::extractor::ExtractorConfig;
use forgelens_engine::image_input::ImageLimits;
use forgelens_engine::model::ModelCard;
use forgelens_report::forensics::Tool;
use forgelens_report::signing::SigningKey;
use forgelens_report::{
    CaseInfo, Clock, EvidenceFile, FixedClock, ModelRecord, Report, ReportFormat, ReportInput,
    ReportOptions, ToolInfo, ToolboxRequest, ToolboxResults, build_report, read_evidence,
    render_report, run_toolbox,
};

pub fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

pub const EVIDENCE: &str = "tests/fixtures/images/rgba.png";
pub const GOLDEN: &str = "tests/fixtures/golden/report.json";

/// Maps with known structure: two rectangles in the fused map, gradients in the others.
pub fn synthetic_analysis(evidence: &EvidenceFile) -> Analysis {
    let (w, h) = (evidence.image.info.width, evidence.image.info.height);
    let map = |f: &dyn Fn(u32, u32) -> f32| Heatmap {
        width: w,
        height: h,
        values: (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| f(x, y))
            .collect(),
    };
    let fused = map(&|x, y| {
        if (10..40).contains(&x) && (8..30).contains(&y) {
            0.9
        } else if (70..80).contains(&x) && (40..50).contains(&y) {
            0.6
        } else {
            0.1
        }
    });
    let probabilities = Probabilities {
        real: 0.125,
        partial: 0.75,
        full: 0.125,
    };
    Analysis {
        schema_version: ANALYSIS_SCHEMA_VERSION,
        input: evidence.image.info.clone(),
        model: ModelInfo {
            id: "golden-000000000000".into(),
            name: "golden".into(),
            weights_sha256: "11".repeat(32),
            extractor: "mobilenet-v2".into(),
            trained: false,
        },
        device: DeviceInfo {
            backend: "flex".into(),
            name: "CPU (flex)".into(),
        },
        verdict: verdict(&probabilities, false, None),
        probabilities,
        discrepancy: [0.5, 0.25],
        fusion_probabilities: None,
        maps: Maps {
            cam: map(&|x, _| x as f32 / (w - 1) as f32),
            attention: map(&|_, y| y as f32 / (h - 1) as f32),
            fused,
        },
        map_scale: Some(forgelens_engine::fusion::MapOptions::default().describe_scale()),
        verdict_source: None,
        tiling: TilingInfo {
            tile_size: 64,
            tiles: 2,
            overlap: 0.25,
            work_width: w,
            work_height: h,
        },
        timings: Timings {
            decode_ms: 1.5,
            detect_ms: 20.0,
            localise_ms: 30.0,
            total_ms: 51.5,
        },
    }
}

pub fn model_record() -> ModelRecord {
    let extractor = ExtractorConfig::mobilenet_v2();
    ModelRecord {
        id: "golden-000000000000".into(),
        name: "golden".into(),
        weights_sha256: "11".repeat(32),
        content_sha256: "22".repeat(32),
        extractor: extractor.id(),
        trained: false,
        card: ModelCard::untrained("golden", &extractor.id(), "bundled MobileNetV2"),
        config: serde_json::json!({"name": "golden", "extractor": extractor}),
    }
}

pub struct Fixture {
    pub evidence: EvidenceFile,
    pub analysis: Analysis,
    pub toolbox: ToolboxResults,
    pub report: Report,
    pub options: ReportOptions,
}

/// A model card from `tests/fixtures/` (copies, so the bundled model can change).
pub fn fixture_card(name: &str) -> ModelCard {
    let text = std::fs::read_to_string(repo(&format!("tests/fixtures/{name}"))).expect("card");
    serde_json::from_str(&text).expect("a model card")
}

pub fn fixture() -> Fixture {
    fixture_with_card(None)
}

/// The fixture with a trained model's `card` in place of the untrained one (the verdict
/// at the card's inconclusive threshold).
pub fn fixture_with_card(card: Option<ModelCard>) -> Fixture {
    let evidence = read_evidence(&repo(EVIDENCE), &ImageLimits::default()).expect("evidence");
    let mut analysis = synthetic_analysis(&evidence);
    let mut model = model_record();
    if let Some(card) = card {
        let threshold = card.calibration.as_ref().map(|c| c.inconclusive_below);
        analysis.model.trained = true;
        analysis.verdict = verdict(&analysis.probabilities, true, threshold);
        model.trained = true;
        model.card = card;
    }
    let clock = FixedClock::from_unix_seconds(1_767_323_045);
    let options = ReportOptions {
        toolbox: ToolboxRequest {
            tools: vec![Tool::Gradient, Tool::Ela],
            ..ToolboxRequest::default()
        },
        ..ReportOptions::default()
    };
    let mut toolbox = run_toolbox(&evidence, &options.toolbox);
    // Wall-clock times vary from run to run.
    for run in toolbox.runs.iter_mut().chain([&mut toolbox.metadata]) {
        if let Ok(output) = &mut run.result {
            output.elapsed_ms = 0.0;
        }
    }
    let input = ReportInput {
        evidence: &evidence,
        analysis: &analysis,
        toolbox: &toolbox,
        model,
        analyzer_options: AnalyzerOptions::default(),
        case: CaseInfo {
            analyst: Some("A. Analyst <lab 3>".into()),
            case_id: Some("CASE-2026-001".into()),
            notes: Some("Received on a USB stick; hashed on arrival.".into()),
        },
        tool: ToolInfo {
            name: "ForgeLens".into(),
            version: "0.0.0-golden".into(),
            source_revision: "0123456789abcdef0123456789abcdef01234567".into(),
        },
        started: FixedClock::from_unix_seconds(1_767_323_040).now(),
        finished: FixedClock::from_unix_seconds(1_767_323_041).now(),
    };
    let mut report = build_report(&input, &options, &clock);
    // The path depends on where the repository is checked out.
    report.evidence.path = Some(EVIDENCE.to_string());
    Fixture {
        evidence,
        analysis,
        toolbox,
        report,
        options,
    }
}

pub fn render(f: &Fixture, format: ReportFormat, key: Option<&SigningKey>) -> Vec<u8> {
    render_report(
        &f.report,
        &f.evidence,
        &f.analysis,
        &f.toolbox,
        &f.options,
        format,
        key,
    )
}
