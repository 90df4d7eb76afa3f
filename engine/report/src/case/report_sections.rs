//! The case report's content as the item reports' `Section`s and `Block`s (fields, tables,
//! paragraphs), built once from the `CaseReport` and drawn by the HTML and PDF renderers.

use super::report::{CaseReport, ReportItem, or_dash};
use crate::sections::{Block, Field, Section};
use forgelens_engine::analysis::percent;

fn field(label: &str, value: impl Into<String>, mono: bool) -> Field {
    Field {
        label: label.to_string(),
        value: value.into(),
        mono,
    }
}

pub(super) fn case_sections(report: &CaseReport) -> Vec<Section> {
    let mut sections = vec![overview(report), evidence_table(report)];
    sections.extend(report.items.iter().map(item_section));
    sections.push(audit_section(report));
    sections
}

fn overview(report: &CaseReport) -> Section {
    let v = &report.verification;
    let mut blocks = vec![Block::Fields(vec![
        field("Case", &report.case.name, false),
        field("Analyst", or_dash(report.case.analyst.as_deref()), false),
        field("Case opened (UTC)", &report.case.created_utc, false),
        field("Report made (UTC)", &report.created_utc, false),
        field(
            "Program",
            format!(
                "{} {} (revision {})",
                report.tool.name, report.tool.version, report.tool.source_revision
            ),
            false,
        ),
        field("Evidence items", report.items.len().to_string(), false),
        field(
            "Verification",
            if v.passed {
                "passed: every item matches its intake hashes and the audit log is intact".into()
            } else {
                format!("FAILED: {} problem(s), listed below", v.problems.len())
            },
            false,
        ),
    ])];
    if !v.problems.is_empty() {
        blocks.push(Block::Paragraphs(v.problems.clone()));
    }
    if !v.notes.is_empty() {
        blocks.push(Block::Paragraphs(v.notes.clone()));
    }
    Section {
        title: "Case".into(),
        blocks,
    }
}

fn evidence_table(report: &CaseReport) -> Section {
    let rows = report
        .items
        .iter()
        .map(|i| {
            vec![
                i.id.clone(),
                i.file_name.clone(),
                i.analysis
                    .as_ref()
                    .map_or("not analysed".into(), verdict_text),
                i.bookmarks.len().to_string(),
                i.integrity.clone(),
                i.sha256.clone(),
            ]
        })
        .collect();
    Section {
        title: "Evidence".into(),
        blocks: vec![Block::Table {
            headers: [
                "Item",
                "File",
                "Verdict",
                "Bookmarks",
                "Integrity",
                "SHA-256",
            ]
            .map(String::from)
            .to_vec(),
            rows,
            mono_columns: vec![5],
        }],
    }
}

fn verdict_text(a: &super::report::ItemFindings) -> String {
    format!("{} ({})", a.verdict.call(), percent(a.verdict.confidence))
}

fn item_section(item: &ReportItem) -> Section {
    let mut fields = vec![
        field("File", &item.file_name, false),
        field("Original path", &item.original_path, false),
        field(
            "Held as",
            match &item.stored_path {
                Some(p) => format!("read-only copy, {p}"),
                None => "reference to the original file".into(),
            },
            false,
        ),
        field("Size", format!("{} bytes", item.byte_len), false),
        field("SHA-256", &item.sha256, true),
        field("MD5", &item.md5, true),
        field("Taken in (UTC)", &item.added_utc, false),
        field("Integrity now", &item.integrity, false),
    ];
    let mut blocks = Vec::new();
    match &item.analysis {
        None => fields.push(field("Analysis", "not analysed", false)),
        Some(a) => {
            fields.extend([
                field("Verdict", &a.verdict.summary, false),
                field(
                    "Probabilities",
                    format!(
                        "real {} / partial {} / full {}",
                        percent(a.probabilities.real),
                        percent(a.probabilities.partial),
                        percent(a.probabilities.full)
                    ),
                    false,
                ),
                field(
                    "Analysis",
                    format!(
                        "run {} of {}, {} UTC, model {}{}, device {}",
                        a.run,
                        item.runs,
                        a.analysed_utc,
                        a.model_id,
                        if a.model_trained { "" } else { " (UNTRAINED)" },
                        a.device
                    ),
                    false,
                ),
                field("Parameters", a.parameters.to_string(), true),
                field(
                    "Map areas",
                    a.maps
                        .iter()
                        .map(|m| {
                            format!(
                                "{} {:.1}% at {:.2}",
                                m.name,
                                m.area_above_threshold * 100.0,
                                m.threshold
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    false,
                ),
                field(
                    "Regions",
                    format!(
                        "{} found{}",
                        a.regions_total,
                        a.regions
                            .iter()
                            .map(|r| format!(
                                "; [{}, {}, {}, {}] {:.1}%",
                                r.bbox[0],
                                r.bbox[1],
                                r.bbox[2],
                                r.bbox[3],
                                r.area_fraction * 100.0
                            ))
                            .collect::<String>()
                    ),
                    false,
                ),
                field(
                    "Metadata",
                    if a.editor_markers.is_empty() {
                        "no editor or generator named".into()
                    } else {
                        format!("names {}", a.editor_markers.join(", "))
                    },
                    false,
                ),
                field(
                    "Content Credentials",
                    or_dash(a.content_credentials.as_deref()),
                    false,
                ),
                field(
                    "Item report",
                    format!("{} (SHA-256 {})", a.report_file, a.report_sha256),
                    true,
                ),
            ]);
        }
    }
    blocks.push(Block::Fields(fields));
    if !item.bookmarks.is_empty() {
        blocks.push(Block::Table {
            headers: [
                "Bookmark",
                "View",
                "Region x,y,w,h",
                "Status",
                "Comment",
                "Saved (UTC)",
            ]
            .map(String::from)
            .to_vec(),
            rows: item
                .bookmarks
                .iter()
                .map(|b| {
                    vec![
                        b.id.clone(),
                        b.view.describe(),
                        b.region.map_or("whole image".into(), |r| r.to_string()),
                        b.status.title().to_string(),
                        b.comment.clone(),
                        b.created_utc.clone(),
                    ]
                })
                .collect(),
            mono_columns: vec![],
        });
    }
    if let Some(a) = &item.analysis
        && !a.limitations.is_empty()
    {
        blocks.push(Block::Paragraphs(a.limitations.clone()));
    }
    Section {
        title: format!("{}: {}", item.id, item.file_name),
        blocks,
    }
}

fn audit_section(report: &CaseReport) -> Section {
    let a = &report.audit;
    let mut fields = vec![
        field("Entries", a.entries.to_string(), false),
        field(
            "From / to (UTC)",
            format!(
                "{} / {}",
                or_dash(a.first_utc.as_deref()),
                or_dash(a.last_utc.as_deref())
            ),
            false,
        ),
        field("Models", or_none(&a.models), false),
        field("Program versions", or_none(&a.tool_versions), false),
        field(
            "Last entry SHA-256",
            or_dash(a.last_sha256.as_deref()),
            true,
        ),
    ];
    fields.push(field(
        "Chain",
        if report
            .verification
            .problems
            .iter()
            .any(|p| p.starts_with("audit log"))
        {
            "BROKEN (see the problems under Case)"
        } else {
            "intact: every entry records the SHA-256 of the one before"
        },
        false,
    ));
    Section {
        title: "Audit log".into(),
        blocks: vec![
            Block::Fields(fields),
            Block::Table {
                headers: vec!["Action".into(), "Entries".into()],
                rows: a
                    .actions
                    .iter()
                    .map(|(k, v)| vec![k.clone(), v.to_string()])
                    .collect(),
                mono_columns: vec![],
            },
        ],
    }
}

fn or_none(values: &[String]) -> String {
    if values.is_empty() {
        "none".into()
    } else {
        values.join(", ")
    }
}
