//! The classic toolbox in a report: the tools the analyst asked for, run with
//! `forgelens_forensics::run` on the same bytes the report hashes, plus the metadata tool and
//! the Content Credentials check, which every report carries. Their records (parameters, time,
//! findings, map hashes) go into the report data; their maps become overlays drawn on the
//! same colour-scale path as the learned maps.

use forgelens_forensics::metadata::MetadataFindings;
use forgelens_forensics::{Evidence, Findings, Limits, Map, Params, Tool, ToolOutput};
use image::RgbImage;
use serde::{Deserialize, Serialize};

use super::document::{CredentialsStatus, MetadataSummary, ToolMapRecord, ToolRecord, Toolbox};
use super::evidence::sha256_hex;
use super::figures::{map_values_sha256, png_bytes};
use super::{EvidenceFile, error_chain};
use forgelens_engine::analysis::Heatmap;
use forgelens_engine::render::{Colormap, map_to_gray, overlay};
use forgelens_engine::tiling::resize_map;

/// The status of Content Credentials in a build without the `c2pa` feature.
pub const CREDENTIALS_NOT_BUILT: &str =
    "not checked: this build has no Content Credentials support";

/// Which tools a report includes, and their parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ToolboxRequest {
    pub tools: Vec<Tool>,
    pub params: Params,
}

/// One tool's result, or why it failed.
#[derive(Debug, Clone)]
pub struct ToolRun {
    pub tool: Tool,
    pub result: Result<ToolOutput, String>,
}

/// The toolbox's results for one report.
#[derive(Debug, Clone)]
pub struct ToolboxResults {
    /// The requested tools, in the toolbox's order, each once.
    pub runs: Vec<ToolRun>,
    /// The metadata tool, always run.
    pub metadata: ToolRun,
    /// The Content Credentials check, when this build has it.
    pub credentials: Option<ToolRun>,
    /// Parameters the tools ran with.
    pub params: Params,
}

impl ToolboxResults {
    /// The metadata tool's findings, when it ran.
    pub fn metadata_findings(&self) -> Option<&MetadataFindings> {
        match &self.metadata.result {
            Ok(ToolOutput {
                findings: Findings::Metadata(f),
                ..
            }) => Some(f),
            _ => None,
        }
    }
}

/// Runs the requested tools, the metadata tool and (when built) the C2PA check on the
/// evidence's bytes. A tool that fails is recorded with its error, not an error of the report.
pub fn run_toolbox(evidence: &EvidenceFile, request: &ToolboxRequest) -> ToolboxResults {
    let info = &evidence.image.info;
    // The bytes already passed the engine's limits: accept exactly them.
    let limits = Limits {
        max_pixels: u64::from(info.width) * u64::from(info.height),
        max_file_bytes: evidence.bytes.len() as u64,
    };
    let name = evidence.path.display().to_string();
    let forensic =
        Evidence::from_bytes(&name, evidence.bytes.clone(), &limits).map_err(|e| error_chain(&e));
    let run = |tool: Tool| ToolRun {
        tool,
        result: forensic.as_ref().map_err(Clone::clone).and_then(|ev| {
            forgelens_forensics::run(tool, ev, &request.params).map_err(|e| error_chain(&e))
        }),
    };
    let runs: Vec<ToolRun> = Tool::ALL
        .into_iter()
        .filter(|t| request.tools.contains(t))
        .map(run)
        .collect();
    let ran = |tool: Tool| runs.iter().find(|r| r.tool == tool).cloned();
    ToolboxResults {
        metadata: ran(Tool::Metadata).unwrap_or_else(|| run(Tool::Metadata)),
        credentials: forgelens_forensics::credentials::AVAILABLE
            .then(|| ran(Tool::C2pa).unwrap_or_else(|| run(Tool::C2pa))),
        runs,
        params: request.params.clone(),
    }
}

/// A tool's own parameters: its part of `Params` (named as the tool, `-` as `_`), `null` for
/// a tool without parameters.
pub fn tool_parameters(tool: Tool, params: &Params) -> serde_json::Value {
    let all = serde_json::to_value(params).unwrap_or(serde_json::Value::Null);
    all.get(tool.name().replace('-', "_"))
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

fn heatmap(map: &Map) -> Heatmap {
    Heatmap {
        width: map.width,
        height: map.height,
        values: map.values.clone(),
    }
}

/// What identifies a tool's map: its summary and the hashes of its values and greyscale PNG.
pub fn tool_map_record(map: &Map) -> ToolMapRecord {
    let h = heatmap(map);
    ToolMapRecord {
        summary: map.summary(),
        values_sha256: map_values_sha256(&h),
        png_sha256: sha256_hex(&png_bytes(&map_to_gray(&h))),
    }
}

fn tool_record(run: &ToolRun, params: &Params) -> ToolRecord {
    let parameters = tool_parameters(run.tool, params);
    match &run.result {
        Ok(output) => ToolRecord {
            tool: run.tool,
            parameters,
            elapsed_ms: output.elapsed_ms,
            findings: Some(
                serde_json::to_value(&output.findings).unwrap_or(serde_json::Value::Null),
            ),
            error: None,
            maps: output.maps.iter().map(tool_map_record).collect(),
        },
        Err(error) => ToolRecord {
            tool: run.tool,
            parameters,
            elapsed_ms: 0.0,
            findings: None,
            error: Some(error.clone()),
            maps: Vec::new(),
        },
    }
}

fn metadata_summary(results: &ToolboxResults) -> MetadataSummary {
    match (&results.metadata.result, results.metadata_findings()) {
        (_, Some(f)) => MetadataSummary {
            software: f.software.clone(),
            editor_markers: f.editor_markers.clone(),
            gps: f.gps.as_ref().map(|g| g.text.clone()),
            thumbnail: f.thumbnail.clone(),
            notes: f.notes.clone(),
            error: f.exif_error.clone(),
        },
        (Err(e), None) => MetadataSummary {
            error: Some(e.clone()),
            ..MetadataSummary::default()
        },
        (Ok(_), None) => MetadataSummary::default(),
    }
}

fn credentials_status(results: &ToolboxResults) -> CredentialsStatus {
    let Some(run) = &results.credentials else {
        return CredentialsStatus {
            checked: false,
            summary: CREDENTIALS_NOT_BUILT.to_string(),
            findings: None,
        };
    };
    match &run.result {
        Ok(ToolOutput {
            findings: Findings::C2pa(f),
            ..
        }) => CredentialsStatus {
            checked: true,
            summary: f.summary.clone(),
            findings: serde_json::to_value(f).ok(),
        },
        Ok(_) => CredentialsStatus {
            checked: false,
            summary: "not checked: the C2PA tool gave no findings".to_string(),
            findings: None,
        },
        Err(e) => CredentialsStatus {
            checked: false,
            summary: format!("not checked: {e}"),
            findings: None,
        },
    }
}

/// The report's toolbox part.
pub fn toolbox_record(results: &ToolboxResults) -> Toolbox {
    Toolbox {
        metadata: metadata_summary(results),
        content_credentials: credentials_status(results),
        runs: results
            .runs
            .iter()
            .map(|run| tool_record(run, &results.params))
            .collect(),
    }
}

/// Each run's maps as `(caption, overlay)` over `image` (the report's display copy of the
/// upright image), in the order of `results.runs`.
pub fn tool_figures(
    image: &RgbImage,
    results: &ToolboxResults,
    colormap: Colormap,
    opacity: f32,
) -> Vec<Vec<(String, RgbImage)>> {
    let (w, h) = image.dimensions();
    results
        .runs
        .iter()
        .map(|run| {
            let Ok(output) = &run.result else {
                return Vec::new();
            };
            output
                .maps
                .iter()
                .map(|map| {
                    let resized = Heatmap {
                        width: w,
                        height: h,
                        values: resize_map(map.values.clone(), map.width, map.height, w, h),
                    };
                    let caption = format!(
                        "{} · {} ({})",
                        run.tool.title(),
                        map.name,
                        map.scale.describe()
                    );
                    (caption, overlay(image, &resized, colormap, opacity))
                })
                .collect()
        })
        .collect()
}

/// A tool's parameters as recorded in a report, back as `Params` (the other tools' defaults).
fn recorded_params(tool: Tool, recorded: &serde_json::Value) -> Result<Params, String> {
    if recorded.is_null() {
        return Ok(Params::default());
    }
    let mut object = serde_json::Map::new();
    object.insert(tool.name().replace('-', "_"), recorded.clone());
    serde_json::from_value(serde_json::Value::Object(object))
        .map_err(|e| format!("the recorded parameters of {tool} do not read: {e}"))
}

/// Runs every recorded tool that has maps again on `bytes`, with its recorded parameters,
/// and compares each map's values hash: `Ok(maps compared)`, or `Err(what differs)`.
pub fn check_tool_maps(
    toolbox: &Toolbox,
    bytes: &[u8],
    name: &str,
    limits: &Limits,
) -> Result<usize, String> {
    let runs: Vec<&ToolRecord> = toolbox.runs.iter().filter(|r| !r.maps.is_empty()).collect();
    if runs.is_empty() {
        return Ok(0);
    }
    let evidence =
        Evidence::from_bytes(name, bytes.to_vec(), limits).map_err(|e| error_chain(&e))?;
    let mut compared = 0;
    for run in runs {
        let params = recorded_params(run.tool, &run.parameters)?;
        let output = forgelens_forensics::run(run.tool, &evidence, &params)
            .map_err(|e| format!("{}: {}", run.tool, error_chain(&e)))?;
        for record in &run.maps {
            let name = &record.summary.name;
            let map = output
                .maps
                .iter()
                .find(|m| &m.name == name)
                .ok_or_else(|| format!("{} gives no map `{name}` now", run.tool))?;
            let hash = map_values_sha256(&heatmap(map));
            if hash != record.values_sha256 {
                return Err(format!(
                    "{} map `{name}`: SHA-256 {hash}, the report's {}",
                    run.tool, record.values_sha256
                ));
            }
            compared += 1;
        }
    }
    Ok(compared)
}
