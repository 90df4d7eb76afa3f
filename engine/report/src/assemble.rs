//! The report data assembled from an analysis, the toolbox's results and the model: regions,
//! verdict, evidence, processing, limitations and the conclusion.

use forgelens_engine::analysis::{Analysis, verdict};
use forgelens_engine::analyzer::AnalyzerOptions;
use forgelens_engine::model::LoadedModel;
use forgelens_engine::regions::regions;
use jiff::Timestamp;

use crate::figures::map_records;
use crate::{
    CaseInfo, Clock, EvidenceFile, ModelRecord, REPORT_FORMAT, REPORT_SCHEMA_VERSION, Report,
    ReportOptions, ToolInfo, ToolboxResults, conclusion, document, evidence, findings, processing,
    toolbox, utc_string,
};

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
