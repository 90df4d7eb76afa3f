//! Analysis and report in one call, as the command line and the app make them.

use std::time::Instant;

use forgelens_engine::analysis::Analysis;
use forgelens_engine::analyzer::{AnalyzeError, Analyzer};
use forgelens_engine::progress::{CancelToken, ProgressSink};

use crate::signing::SigningKey;
use crate::{
    CaseInfo, Clock, EvidenceFile, ModelRecord, Report, ReportFormat, ReportInput, ReportOptions,
    ToolInfo, build_report, render_report, run_toolbox,
};

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
