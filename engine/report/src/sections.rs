//! What a report says, in order, as text blocks: built once from the `Report` and drawn by
//! both the HTML and the PDF renderer, so the two always show the same facts. The conclusion,
//! findings and validation table come first (`result_sections.rs`); parameters are listed by
//! walking their JSON, so a field added to them appears in every report without touching
//! this file. The model card's full metrics and the model configuration go to the optional
//! appendix (`appendix.rs`).

use serde_json::Value;

use super::appendix::appendix_sections;
use super::document::Report;
pub use super::flatten::{flatten_json, flatten_json_objects};
use super::result_sections::{conclusion_section, findings_section, validation_section};
use super::toolbox_sections::{file_section, tool_sections};

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Fields(Vec<Field>),
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
        /// Columns shown in a fixed-width font (hashes).
        mono_columns: Vec<usize>,
    },
    Paragraphs(Vec<String>),
    /// The image and the three maps with the colour scale.
    Figures,
    /// The overlays of the toolbox run at this index of `Toolbox::runs`.
    ToolMaps(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub label: String,
    pub value: String,
    /// Fixed-width font (hashes, identifiers).
    pub mono: bool,
}

fn field(label: &str, value: impl Into<String>) -> Field {
    Field {
        label: label.to_string(),
        value: value.into(),
        mono: false,
    }
}

fn mono(label: &str, value: impl Into<String>) -> Field {
    Field {
        label: label.to_string(),
        value: value.into(),
        mono: true,
    }
}

fn or_dash(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "—".to_string())
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// Regions shown in the table; the report JSON lists up to `ReportOptions::max_regions`.
const REGIONS_SHOWN: usize = 10;

/// A sentence for the file size.
fn bytes_text(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{n} bytes ({:.1} MiB)", n as f64 / f64::from(1u32 << 20))
    } else if n >= 1 << 10 {
        format!("{n} bytes ({:.1} KiB)", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}

/// The report's sections; the appendix's at the end when `appendix` is set.
pub fn sections(report: &Report, appendix: bool) -> Vec<Section> {
    let e = &report.evidence;
    let m = &e.metadata;
    let r = &report.results;
    let mut out = vec![
        conclusion_section(report),
        findings_section(report),
        Section {
            title: "Case".into(),
            blocks: vec![Block::Fields(vec![
                field("Case", or_dash(&report.case.case_id)),
                field("Analyst", or_dash(&report.case.analyst)),
                field("Report created (UTC)", &report.created_utc),
                field("Notes", or_dash(&report.case.notes)),
            ])],
        },
        Section {
            title: "Image and maps".into(),
            blocks: vec![Block::Figures],
        },
        validation_section(report),
    ];

    let mut evidence = vec![
        field("File name", or_dash(&e.file_name)),
        field("Read from", or_dash(&e.path)),
        field("Size", bytes_text(e.byte_len)),
        mono("SHA-256", &e.sha256),
        mono("MD5", &e.md5),
        mono("Pixels SHA-256", &e.pixels_sha256),
        field("Format", &e.format),
        field(
            "Dimensions",
            format!("{} x {} px (after orientation)", e.width, e.height),
        ),
        field("EXIF orientation", e.exif_orientation.to_string()),
        field("Colour as stored", &e.colour),
        field(
            "EXIF",
            if m.exif_present {
                format!("present, {} fields", m.exif_fields)
            } else {
                "none".to_string()
            },
        ),
    ];
    if let Some(error) = &m.exif_error {
        evidence.push(field("EXIF error", error));
    }
    for (label, value) in [
        ("Camera make", &m.camera_make),
        ("Camera model", &m.camera_model),
        ("Software", &m.software),
        ("Date taken", &m.date_original),
        ("Date digitised", &m.date_digitized),
        ("Date modified", &m.date_modified),
    ] {
        if value.is_some() {
            evidence.push(field(label, or_dash(value)));
        }
    }
    evidence.push(field("GPS data", yes_no(m.gps_present)));
    if let Some(q) = &m.jpeg_quality {
        evidence.push(field(
            "JPEG quality",
            if q.standard_tables {
                format!("{} (libjpeg standard tables, exact)", q.estimate)
            } else {
                format!(
                    "about {} (non-standard tables: nearest IJG quality)",
                    q.estimate
                )
            },
        ));
    }
    out.push(Section {
        title: "Evidence".into(),
        blocks: vec![
            Block::Fields(evidence),
            Block::Paragraphs(vec![
                "SHA-256 and MD5 are of the exact file bytes. The pixels hash is the SHA-256 of \
                 the decoded image as 8-bit RGB, row by row, after EXIF orientation. Metadata is \
                 written by whoever made the file and can be edited: it is reported, not trusted."
                    .into(),
            ]),
        ],
    });

    if let Some(toolbox) = &report.toolbox {
        out.push(file_section(toolbox));
    }

    let map_rows = r
        .maps
        .iter()
        .map(|map| {
            vec![
                map.name.to_string(),
                format!("{:.2}", map.threshold),
                format!("{:.2}%", map.area_above_threshold * 100.0),
                map.values_sha256.clone(),
                map.png_sha256.clone(),
            ]
        })
        .collect();
    let mut region_rows: Vec<Vec<String>> = r
        .regions
        .iter()
        .take(REGIONS_SHOWN)
        .enumerate()
        .map(|(i, region)| {
            vec![
                (i + 1).to_string(),
                format!("{:.2}%", region.area_fraction * 100.0),
                region.pixels.to_string(),
                format!(
                    "x {}–{}, y {}–{}",
                    region.bbox[0], region.bbox[2], region.bbox[1], region.bbox[3]
                ),
                format!("{:.3}", region.peak),
            ]
        })
        .collect();
    if region_rows.is_empty() {
        region_rows.push(vec!["—".into(), "no region at this threshold".into()]);
    }
    let mut region_note = format!(
        "Connected regions (8-neighbourhood) of the {} map at threshold {:.2}, in input pixels, largest first.",
        report.processing.parameters.regions_map,
        report
            .processing
            .parameters
            .thresholds
            .get(report.processing.parameters.regions_map)
    );
    let shown = r.regions.len().min(REGIONS_SHOWN);
    if r.regions_total > shown {
        region_note += &format!(
            " {shown} of {} regions shown{}.",
            r.regions_total,
            if r.regions.len() > shown {
                format!("; {} in the report JSON", r.regions.len())
            } else {
                String::new()
            }
        );
    }
    out.push(Section {
        title: "Maps and regions".into(),
        blocks: vec![
            Block::Table {
                headers: [
                    "map",
                    "threshold",
                    "area ≥ threshold",
                    "values SHA-256",
                    "PNG SHA-256",
                ]
                .map(String::from)
                .to_vec(),
                rows: map_rows,
                mono_columns: vec![3, 4],
            },
            Block::Paragraphs(vec![region_note]),
            Block::Table {
                headers: ["#", "area", "pixels", "bounding box", "peak"]
                    .map(String::from)
                    .to_vec(),
                rows: region_rows,
                mono_columns: vec![],
            },
        ],
    });

    if let Some(toolbox) = &report.toolbox {
        out.extend(tool_sections(toolbox));
    }

    let model = &report.model;
    let card = &model.card;
    let model_fields = vec![
        mono("Model id", &model.id),
        field("Name", &model.name),
        mono("Weights SHA-256", &model.weights_sha256),
        mono("Content SHA-256", &model.content_sha256),
        field("Extractor", &model.extractor),
        field("Trained", yes_no(model.trained)),
        field("Extractor weights", &card.extractor_weights),
        field("Training data", or_dash(&card.training_data)),
        field("Licence", &card.licence),
        field(
            "Metrics and configuration",
            "summarised in the validation table; the card's description, training time, \
             every metric and the configuration are in the report JSON (model.card, \
             model.config) and the appendix",
        ),
    ];
    out.push(Section {
        title: "Model".into(),
        blocks: vec![Block::Fields(model_fields)],
    });

    let proc = &report.processing;
    let t = &proc.timings;
    let mut processing = vec![
        field(
            "Device",
            format!("{} ({})", proc.device.name, proc.device.backend),
        ),
        field("Precision", &proc.precision),
        field("Started (UTC)", &proc.started_utc),
        field("Finished (UTC)", &proc.finished_utc),
        field(
            "Processing time",
            format!(
                "{:.0} ms (decode {:.0}, verdict {:.0}, maps {:.0})",
                t.total_ms, t.decode_ms, t.detect_ms, t.localise_ms
            ),
        ),
    ];
    let parameters = serde_json::to_value(&proc.parameters).unwrap_or(Value::Null);
    processing.extend(
        flatten_json(&parameters)
            .into_iter()
            .map(|(k, v)| field(&k, v)),
    );
    out.push(Section {
        title: "Processing".into(),
        blocks: vec![
            Block::Paragraphs(
                proc.steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| format!("{}. {s}", i + 1))
                    .collect(),
            ),
            Block::Fields(processing),
        ],
    });

    out.push(Section {
        title: "Tool".into(),
        blocks: vec![Block::Fields(vec![
            field(
                "Program",
                format!("{} {}", report.tool.name, report.tool.version),
            ),
            mono("Source revision", &report.tool.source_revision),
            field(
                "Report schema",
                format!("{} version {}", report.format, report.schema_version),
            ),
        ])],
    });

    out.push(Section {
        title: "Limitations".into(),
        blocks: vec![Block::Paragraphs(report.limitations.clone())],
    });
    if appendix {
        out.extend(appendix_sections(report));
    }
    out
}
