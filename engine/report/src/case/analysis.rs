//! Analysing a case's evidence: the item's bytes checked against its intake SHA-256, the
//! analysis and the per-item report made by the report API (`build_report`, JSON rendering),
//! stored in `analyses/<item>/run-N/` beside the maps, and recorded with the model and
//! every parameter.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{ANALYSES_DIR, Case, CaseError};
use crate::evidence::sha256_hex;
use crate::{
    CaseInfo, ModelRecord, ReportFormat, ReportInput, ReportOptions, ToolInfo, build_report,
    read_evidence, render_report, run_toolbox,
};
use forgelens_engine::analysis::Probabilities;
use forgelens_engine::analyzer::Analyzer;
use forgelens_engine::export::write_analysis_files;
use forgelens_engine::files::write_atomic;
use forgelens_engine::progress::{CancelToken, ProgressSink};

/// The per-item report inside a run folder (a `forgelens-report` JSON file that
/// `forgelens verify-report` checks against the evidence).
pub const REPORT_FILE: &str = "report.json";

/// One analysis run of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisRecord {
    /// 1 for the item's first run.
    pub run: u32,
    pub analysed_utc: String,
    pub model_id: String,
    pub model_name: String,
    pub model_trained: bool,
    /// Backend and adapter, e.g. `flex (CPU)`.
    pub device: String,
    /// The analyser's options and the report options (thresholds, regions map,
    /// inconclusive threshold, tools and their parameters).
    pub parameters: Value,
    /// `real`, `partial`, `full` or `inconclusive`.
    pub verdict: String,
    pub summary: String,
    pub probabilities: Probabilities,
    /// Connected regions above threshold on the regions map.
    pub regions: usize,
    /// The run's folder inside the case (`analyses/E001/run-1`).
    pub folder: String,
    /// SHA-256 of the run's `report.json`.
    pub report_sha256: String,
}

/// Analyses item `item_key` of `case` with `analyzer` and records the run.
pub fn analyze_item(
    case: &mut Case,
    item_key: &str,
    analyzer: &Analyzer,
    options: &ReportOptions,
    tool: &ToolInfo,
    progress: &dyn ProgressSink,
    cancel: &CancelToken,
) -> Result<AnalysisRecord, CaseError> {
    let item = case.item(item_key)?.clone();
    let path = item.path_in(case.root());
    let evidence = read_evidence(&path, &analyzer.options().limits)?;
    let found = sha256_hex(&evidence.bytes);
    if found != item.sha256 {
        return Err(CaseError::EvidenceChanged {
            id: item.id,
            path: path.display().to_string(),
            expected: item.sha256,
            found,
        });
    }
    let clock = case.actor().clock.clone();
    let started = clock.now();
    let analysis = analyzer.analyze_image(&evidence.image, progress, cancel)?;
    let finished = clock.now();
    let toolbox = run_toolbox(&evidence, &options.toolbox);
    let input = ReportInput {
        evidence: &evidence,
        analysis: &analysis,
        toolbox: &toolbox,
        model: ModelRecord::from_loaded(analyzer.model()),
        analyzer_options: *analyzer.options(),
        case: CaseInfo {
            analyst: case.manifest.analyst.clone(),
            case_id: Some(case.manifest.name.clone()),
            notes: Some(format!("Evidence item {}", item.id)),
        },
        tool: tool.clone(),
        started,
        finished,
    };
    let report = build_report(&input, options, clock.as_ref());
    let report_bytes = render_report(
        &report,
        &evidence,
        &analysis,
        &toolbox,
        options,
        ReportFormat::Json,
        None,
    );
    let run = item.analyses.len() as u32 + 1;
    let folder = format!("{ANALYSES_DIR}/{}/run-{run}", item.id);
    let dir = case.root().join(&folder);
    std::fs::create_dir_all(&dir).map_err(|e| CaseError::io(&dir, e))?;
    write_analysis_files(
        &analysis,
        &evidence.image.rgb,
        &dir,
        &item.id,
        options.colormap,
        options.overlay_opacity,
    )
    .map_err(|e| CaseError::io(&dir, e))?;
    let report_path = dir.join(REPORT_FILE);
    write_atomic(&report_path, &report_bytes).map_err(|e| CaseError::io(&report_path, e))?;
    let device = analyzer.device();
    let record = AnalysisRecord {
        run,
        analysed_utc: crate::utc_string(finished),
        model_id: analyzer.model().id(),
        model_name: analyzer.model().config.name.clone(),
        model_trained: analyzer.model().card.trained,
        device: format!("{} ({})", device.backend, device.name),
        parameters: json!({
            "analyzer": super::json_value(analyzer.options()),
            "report": super::json_value(options),
        }),
        verdict: report.results.verdict.call().to_string(),
        summary: report.results.verdict.summary.clone(),
        probabilities: report.results.probabilities,
        regions: report.results.regions_total,
        folder,
        report_sha256: sha256_hex(&report_bytes),
    };
    case.record_analysis(&item.id, record.clone())?;
    Ok(record)
}

/// The per-item report of a run, read back from the case.
pub fn read_run_report(root: &Path, record: &AnalysisRecord) -> Result<crate::Report, CaseError> {
    let path = root.join(&record.folder).join(REPORT_FILE);
    let bytes = std::fs::read(&path).map_err(|e| CaseError::io(&path, e))?;
    let embedded = crate::extract_report(&bytes).map_err(|e| {
        CaseError::Invalid(format!("{} is not a readable report: {e}", path.display()))
    })?;
    serde_json::from_slice(&embedded.report_json).map_err(|e| {
        CaseError::Invalid(format!("{} is not a readable report: {e}", path.display()))
    })
}
