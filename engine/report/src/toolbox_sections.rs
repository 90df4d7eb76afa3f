//! The toolbox's sections of a report, as text blocks for both renderers: the metadata
//! summary and Content Credentials status (always), then a section per tool the analyst ran
//! with its parameters, time, findings (walked as JSON, as the other parameter lists are),
//! maps with their hashes, and their overlays (captioned with each map's scale).

use serde_json::Value;

use super::document::Toolbox;
use super::sections::{Block, Field, Section, flatten_json, flatten_json_objects};

/// Findings lines shown per tool; the rest are in the report JSON.
const MAX_FINDINGS: usize = 40;
/// Longest finding value shown, in characters.
const MAX_VALUE_CHARS: usize = 240;

fn field(label: &str, value: impl Into<String>) -> Field {
    Field {
        label: label.to_string(),
        value: value.into(),
        mono: false,
    }
}

/// A tool's findings as `key.sub = value` lines, lists on one line, without the `tool` tag.
pub fn findings_lines(findings: &Value) -> Vec<(String, String)> {
    let mut out = flatten_json_objects(findings);
    out.retain(|(k, _)| k != "tool");
    out
}

fn shortened(value: String) -> String {
    if value.chars().count() <= MAX_VALUE_CHARS {
        return value;
    }
    let mut short: String = value.chars().take(MAX_VALUE_CHARS).collect();
    short.push('…');
    short
}

/// "Metadata and Content Credentials", present in every report with a toolbox part.
pub fn file_section(toolbox: &Toolbox) -> Section {
    let m = &toolbox.metadata;
    let mut fields = Vec::new();
    if let Some(error) = &m.error {
        fields.push(field("Metadata error", error));
    }
    if m.software.is_empty() {
        fields.push(field("Software traces", "none"));
    }
    for trace in &m.software {
        fields.push(field(
            &format!("Software ({})", trace.source),
            shortened(trace.value.clone()),
        ));
    }
    fields.push(field(
        "Editor / generator markers",
        if m.editor_markers.is_empty() {
            "none".to_string()
        } else {
            m.editor_markers.join("; ")
        },
    ));
    fields.push(field(
        "GPS",
        m.gps.clone().unwrap_or_else(|| "none stated".to_string()),
    ));
    fields.push(field(
        "EXIF thumbnail",
        match &m.thumbnail {
            None => "none".to_string(),
            Some(t) => {
                let difference = t
                    .mean_abs_difference
                    .map(|d| format!("mean difference {d:.1} levels"))
                    .unwrap_or_else(|| "does not decode".to_string());
                format!(
                    "{} x {} px, {difference}: {}",
                    t.width,
                    t.height,
                    if t.differs {
                        "DIFFERS from the image"
                    } else {
                        "matches the image"
                    }
                )
            }
        },
    ));
    for note in &m.notes {
        fields.push(field("Note", note));
    }
    let c = &toolbox.content_credentials;
    fields.push(field("Content Credentials", &c.summary));
    Section {
        title: "Metadata and Content Credentials".into(),
        blocks: vec![
            Block::Fields(fields),
            Block::Paragraphs(vec![
                "Read by the toolbox's metadata tool (EXIF, XMP, IPTC, PNG text, JPEG comments) \
                 and, when this build has it, the C2PA SDK. Metadata can be edited or stripped: \
                 its presence is a lead, its absence proves nothing."
                    .into(),
            ]),
        ],
    }
}

/// One section per tool run, in the report's order.
pub fn tool_sections(toolbox: &Toolbox) -> Vec<Section> {
    toolbox
        .runs
        .iter()
        .enumerate()
        .map(|(index, run)| {
            let mut fields = vec![
                field(
                    "Tool",
                    format!("{} ({})", run.tool.title(), run.tool.name()),
                ),
                field("Time", format!("{:.0} ms", run.elapsed_ms)),
            ];
            let parameters = flatten_json(&run.parameters);
            if parameters.iter().all(|(k, _)| k.is_empty()) {
                fields.push(field("Parameters", "none"));
            } else {
                fields.extend(
                    parameters
                        .into_iter()
                        .map(|(k, v)| field(&format!("parameter {k}"), v)),
                );
            }
            if let Some(error) = &run.error {
                fields.push(field("FAILED", error));
            }
            let mut blocks = vec![Block::Fields(fields)];
            if let Some(findings) = &run.findings {
                let lines = findings_lines(findings);
                let total = lines.len();
                let mut shown: Vec<Field> = lines
                    .into_iter()
                    .take(MAX_FINDINGS)
                    .map(|(k, v)| field(&k, shortened(v)))
                    .collect();
                if total > MAX_FINDINGS {
                    shown.push(field(
                        "…",
                        format!("{} more values in the report JSON", total - MAX_FINDINGS),
                    ));
                }
                blocks.push(Block::Paragraphs(vec!["Findings:".into()]));
                blocks.push(Block::Fields(shown));
            }
            if !run.maps.is_empty() {
                blocks.push(Block::Table {
                    headers: [
                        "map",
                        "scale",
                        "mean",
                        "max",
                        "values SHA-256",
                        "PNG SHA-256",
                    ]
                    .map(String::from)
                    .to_vec(),
                    rows: run
                        .maps
                        .iter()
                        .map(|m| {
                            let scale = &m.summary.scale;
                            vec![
                                m.summary.name.clone(),
                                format!("0 = {}, 1 = {} {}", scale.zero, scale.one, scale.unit)
                                    .trim_end()
                                    .to_string(),
                                format!("{:.3}", m.summary.mean),
                                format!("{:.3}", m.summary.max),
                                m.values_sha256.clone(),
                                m.png_sha256.clone(),
                            ]
                        })
                        .collect(),
                    mono_columns: vec![4, 5],
                });
                blocks.push(Block::ToolMaps(index));
            }
            Section {
                title: format!("Toolbox: {}", run.tool.title()),
                blocks,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_keep_lists_on_one_line_and_drop_the_tag() {
        let v = serde_json::json!({"tool": "jpeg", "q": 75, "grid": {"x": 0}, "curve": [[20, 0.5], [21, 0.25]]});
        let mut lines = findings_lines(&v);
        lines.sort();
        assert_eq!(
            lines,
            vec![
                ("curve".to_string(), "[[20,0.5],[21,0.25]]".to_string()),
                ("grid.x".to_string(), "0".to_string()),
                ("q".to_string(), "75".to_string()),
            ]
        );
    }
}
