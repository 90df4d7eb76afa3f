//! Reports an investigator can hand on: what was analysed (hashes, metadata), with what
//! (tool, revision, model, device, every parameter), when (UTC), by whom, what came out
//! (verdict, maps, regions) and its limits, as PDF, HTML or JSON. Every format carries the
//! report JSON verbatim (optionally Ed25519-signed) so `verify_report` can check any of them
//! against an image. Files are written atomically; the evidence file is only ever read.
//!
//! `forgelens-report`, its own crate so the engine carries no PDF, font or signature
//! dependency; `case` (case folders, intake, audit log, case reports) lives here because its
//! reports are drawn, embedded and signed with this crate's renderers.

pub mod appendix;
pub mod case;
pub mod clock;
pub mod conclusion;
pub mod document;
pub mod embed;
pub mod evidence;
pub mod figures;
pub mod findings;
pub mod flatten;
mod font_subset;
pub mod html;
pub mod index;
pub mod keyring;
pub mod pdf;
mod pdf_layout;
mod pdf_report;
mod pdf_table;
mod pdf_wrap;
pub mod processing;
pub mod result_sections;
pub mod sections;
pub mod signing;
pub mod toolbox;
pub mod toolbox_sections;
pub mod validation;
pub mod verify;

use std::path::{Path, PathBuf};
use std::time::Instant;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use signing::SigningKey;

pub use clock::{Clock, FixedClock, SystemClock, utc_string};
pub use document::{
    CaseInfo, MapThresholds, ModelRecord, REPORT_FORMAT, REPORT_SCHEMA_VERSION, Report, ToolInfo,
};
pub use embed::{EmbeddedReport, ReportFormat, extract_report};
pub use keyring::{Keyring, KeyringError, TrustedKey};
pub use signing::{
    ReportSignature, generate_key, read_signing_key, read_verifying_key, write_key_pair,
};
pub use verify::{
    Check, CheckStatus, InstalledModel, Trust, Verification, verify_report, verify_report_trusting,
};

use figures::{make_figures, map_records};
use forgelens_engine::analysis::{Analysis, verdict};
use forgelens_engine::analyzer::{AnalyzeError, Analyzer, AnalyzerOptions};
use forgelens_engine::files::write_atomic;
use forgelens_engine::image_input::{DecodedImage, ImageInputError, ImageLimits, decode_image};
use forgelens_engine::map_kind::MapKind;
use forgelens_engine::model::LoadedModel;
use forgelens_engine::progress::{CancelToken, ProgressSink};
use forgelens_engine::regions::regions;
use forgelens_engine::render::Colormap;
/// The classic toolbox, for callers that depend on the reports alone.
pub use forgelens_forensics as forensics;
pub use toolbox::{ToolboxRequest, ToolboxResults, run_toolbox};

/// How a report presents the maps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportOptions {
    pub thresholds: MapThresholds,
    /// The map whose regions are listed and boxed.
    pub regions_map: MapKind,
    /// Most regions listed (largest first).
    pub max_regions: usize,
    pub colormap: Colormap,
    pub overlay_opacity: f32,
    /// The inconclusive threshold, in place of the model card's (the analyst's choice).
    #[serde(default)]
    pub inconclusive_below: Option<f32>,
    /// The classic tools to run and include (the metadata summary and Content Credentials
    /// status are always included).
    #[serde(default)]
    pub toolbox: ToolboxRequest,
    /// Add the appendix: every model-card metric and the model configuration (always in
    /// the report JSON).
    #[serde(default)]
    pub appendix: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            thresholds: MapThresholds::default(),
            regions_map: MapKind::Fused,
            max_regions: 25,
            colormap: Colormap::Inferno,
            overlay_opacity: 0.5,
            inconclusive_below: None,
            toolbox: ToolboxRequest::default(),
            appendix: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Image(#[from] ImageInputError),
    #[error("cannot write the report {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create files in the output folder {dir}")]
    NotWritable {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is the evidence file itself; a report never replaces the evidence")]
    WouldOverwriteEvidence { path: PathBuf },
}

/// The evidence as read once: its exact bytes and the image decoded from them.
#[derive(Debug, Clone)]
pub struct EvidenceFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub image: DecodedImage,
}

/// Reads and decodes `path` (size limits checked before reading and before decoding). The
/// hashes in the report are of exactly these bytes.
pub fn read_evidence(path: &Path, limits: &ImageLimits) -> Result<EvidenceFile, ImageInputError> {
    let start = Instant::now();
    let name = path.display().to_string();
    let read_error = |source| ImageInputError::Read {
        path: name.clone(),
        source,
    };
    let len = std::fs::metadata(path).map_err(read_error)?.len();
    if len > limits.max_file_bytes {
        return Err(ImageInputError::FileTooLarge {
            name,
            bytes: len,
            limit: limits.max_file_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.clone());
    let mut image = decode_image(&bytes, &file_name, limits)?;
    image.decode_ms = start.elapsed().as_secs_f64() * 1000.0;
    Ok(EvidenceFile {
        path: path.to_path_buf(),
        bytes,
        image,
    })
}

impl ModelRecord {
    pub fn from_loaded(model: &LoadedModel) -> Self {
        Self {
            id: model.id(),
            name: model.config.name.clone(),
            weights_sha256: model.weights_sha256.clone(),
            content_sha256: model.content_sha256.clone(),
            extractor: model.config.extractor.id(),
            trained: model.card.trained,
            card: model.card.clone(),
            // Plain fields and string-keyed maps only: serialising cannot fail, and a
            // report must never carry a null config in its place.
            config: serde_json::to_value(&model.config).expect("a model config serialises to JSON"),
        }
    }
}

/// Everything a report is made from.
#[derive(Debug)]
pub struct ReportInput<'a> {
    pub evidence: &'a EvidenceFile,
    pub analysis: &'a Analysis,
    /// The toolbox's results on the same evidence (`run_toolbox`).
    pub toolbox: &'a ToolboxResults,
    pub model: ModelRecord,
    pub analyzer_options: AnalyzerOptions,
    pub case: CaseInfo,
    pub tool: ToolInfo,
    /// When the analysis started and finished.
    pub started: Timestamp,
    pub finished: Timestamp,
}

/// Assembles the report data; `clock` gives its creation time.
pub fn build_report(input: &ReportInput, options: &ReportOptions, clock: &dyn Clock) -> Report {
    let analysis = input.analysis;
    let region_map = analysis.maps.get(options.regions_map);
    let all_regions = regions(region_map, options.thresholds.get(options.regions_map));
    let regions_total = all_regions.len();
    let listed = all_regions.into_iter().take(options.max_regions).collect();
    let mut report = Report {
        format: REPORT_FORMAT.to_string(),
        schema_version: REPORT_SCHEMA_VERSION,
        created_utc: utc_string(clock.now()),
        tool: input.tool.clone(),
        case: input.case.clone(),
        evidence: evidence::identify_evidence(
            &input.evidence.bytes,
            &input.evidence.image,
            Some(input.evidence.path.display().to_string()),
            input.toolbox.metadata_findings(),
        ),
        model: input.model.clone(),
        processing: processing::processing(input, options),
        results: document::Results {
            verdict: match options.inconclusive_below {
                Some(t) => verdict(&analysis.probabilities, analysis.model.trained, Some(t)),
                None => analysis.verdict.clone(),
            },
            probabilities: analysis.probabilities,
            discrepancy: analysis.discrepancy,
            maps: map_records(analysis, |kind| options.thresholds.get(kind)),
            regions: listed,
            regions_total,
            conclusion: None,
        },
        limitations: processing::limitations(input),
        toolbox: Some(toolbox::toolbox_record(input.toolbox)),
    };
    let r = &report.results;
    let conclusion = conclusion::conclude(
        &r.probabilities,
        &r.verdict,
        &report.model.card,
        findings::conclusion_limits(
            &report,
            analysis.verdict_source.as_ref().map_or(0, |s| s.tiles),
        ),
    );
    report.results.conclusion = Some(conclusion);
    report
}

/// An error and its causes, `outer: inner: ...`.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text += &format!(": {cause}");
        source = cause.source();
    }
    text
}

/// The report's JSON, as embedded and signed.
pub fn report_json(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("a report always serialises")
}

/// A report file's bytes in `format`, signed with `key` when given.
pub fn render_report(
    report: &Report,
    evidence: &EvidenceFile,
    analysis: &Analysis,
    toolbox: &ToolboxResults,
    options: &ReportOptions,
    format: ReportFormat,
    key: Option<&SigningKey>,
) -> Vec<u8> {
    let json = report_json(report);
    let signature = key.map(|k| signing::sign(json.as_bytes(), k));
    let needs_figures = format != ReportFormat::Json;
    let figures = needs_figures.then(|| {
        let mut figures = make_figures(
            &evidence.image.rgb,
            analysis,
            options.colormap,
            options.overlay_opacity,
            (options.regions_map, &report.results.regions),
        );
        figures.tools = toolbox::tool_figures(
            &figures.image,
            toolbox,
            options.colormap,
            options.overlay_opacity,
        );
        figures
    });
    match (format, figures) {
        (ReportFormat::Html, Some(figures)) => html::render_html(
            report,
            &json,
            signature.as_ref(),
            &figures,
            options.appendix,
        )
        .into_bytes(),
        (ReportFormat::Pdf, Some(figures)) => pdf_report::render_pdf(
            report,
            &json,
            signature.as_ref(),
            &figures,
            options.appendix,
        ),
        _ => embed::json_envelope(&json, signature.as_ref()).into_bytes(),
    }
}

/// Fails early, before a long analysis, when no file can be created in `dir` (a read-only or
/// missing folder): creates and removes an empty probe file.
pub fn check_writable(dir: &Path) -> Result<(), ReportError> {
    let probe = dir.join(format!(".forgelens-write-probe-{}", std::process::id()));
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(source) => Err(ReportError::NotWritable {
            dir: dir.to_path_buf(),
            source,
        }),
    }
}

/// Writes a report file atomically (complete or not at all); refuses to write over the
/// evidence.
pub fn write_report_file(path: &Path, bytes: &[u8], evidence: &Path) -> Result<(), ReportError> {
    let same_file = match (std::fs::canonicalize(path), std::fs::canonicalize(evidence)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same_file {
        return Err(ReportError::WouldOverwriteEvidence {
            path: path.to_path_buf(),
        });
    }
    write_atomic(path, bytes).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// A report made by `analyze_and_report`.
#[derive(Debug, Clone)]
pub struct MadeReport {
    pub report: Report,
    pub analysis: Analysis,
    /// The file's bytes in the requested format.
    pub bytes: Vec<u8>,
    /// Time to assemble and render the report (after the analysis).
    pub render_ms: f64,
}

/// What to put in a report besides the analysis, and how to write it.
#[derive(Debug, Clone)]
pub struct ReportRequest<'a> {
    pub case: CaseInfo,
    pub options: ReportOptions,
    pub format: ReportFormat,
    /// Sign the report JSON with this key.
    pub key: Option<&'a SigningKey>,
    /// The program making the report.
    pub tool: ToolInfo,
}

/// Analyses `evidence` and makes its report, as the command line and the app do.
pub fn analyze_and_report(
    analyzer: &Analyzer,
    evidence: &EvidenceFile,
    request: &ReportRequest,
    clock: &dyn Clock,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<MadeReport, AnalyzeError> {
    let started = clock.now();
    let analysis = analyzer.analyze_image(&evidence.image, progress, cancel)?;
    let finished = clock.now();
    let toolbox = run_toolbox(evidence, &request.options.toolbox);
    let t = Instant::now();
    let input = ReportInput {
        evidence,
        analysis: &analysis,
        toolbox: &toolbox,
        model: ModelRecord::from_loaded(analyzer.model()),
        analyzer_options: *analyzer.options(),
        case: request.case.clone(),
        tool: request.tool.clone(),
        started,
        finished,
    };
    let report = build_report(&input, &request.options, clock);
    let bytes = render_report(
        &report,
        evidence,
        &analysis,
        &toolbox,
        &request.options,
        request.format,
        request.key,
    );
    Ok(MadeReport {
        report,
        analysis,
        bytes,
        render_ms: t.elapsed().as_secs_f64() * 1000.0,
    })
}
