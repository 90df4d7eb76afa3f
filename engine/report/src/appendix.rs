//! The optional appendix (`ReportOptions::appendix`, `forgelens report --appendix`): every
//! metric of the model card, its description and training time, and the model's
//! configuration, as tables of keys and values.
//! The report body summarises them in the validation table; the report JSON always holds
//! them in full.

use serde_json::Value;

use super::conclusion::sig3;
use super::document::Report;
use super::sections::{Block, Field, Section, flatten_json_objects};

fn field(label: &str, value: &str) -> Field {
    Field {
        label: label.to_string(),
        value: value.to_string(),
        mono: false,
    }
}

/// Numbers with at most three significant digits; everything else as it is.
fn shown(value: &str) -> String {
    match value.parse::<f64>() {
        Ok(v) if value.contains('.') || value.contains('e') => sig3(v),
        _ => value.to_string(),
    }
}

fn key_table(value: &Value, what: &str) -> Block {
    Block::Table {
        headers: vec![what.to_string(), "value".to_string()],
        rows: flatten_json_objects(value)
            .into_iter()
            .map(|(k, v)| vec![k, shown(&v)])
            .collect(),
        mono_columns: vec![],
    }
}

/// The appendix's sections.
pub fn appendix_sections(report: &Report) -> Vec<Section> {
    let card = &report.model.card;
    let metrics = match &card.metrics {
        Some(metrics) => vec![
            Block::Paragraphs(vec![
                "Every measured metric of the model card, as `forgelens eval --json` wrote it \
                 (numbers rounded to three significant digits; the report JSON holds them \
                 exactly). Keys name the split part (in_domain, cross_domain, per_family, \
                 per_generator), then the measure."
                    .into(),
            ]),
            key_table(metrics, "metric"),
        ],
        None => vec![Block::Paragraphs(vec![
            "The model card holds no measured metrics.".into(),
        ])],
    };
    vec![
        Section {
            title: "Appendix A: model card metrics".into(),
            blocks: metrics,
        },
        Section {
            title: "Appendix B: the model".into(),
            blocks: vec![
                Block::Fields(vec![
                    field("Card", &card.description),
                    field(
                        "Training time",
                        card.training_time.as_deref().unwrap_or("—"),
                    ),
                ]),
                key_table(&report.model.config, "setting"),
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rounded_and_other_values_kept() {
        assert_eq!(shown("0.8500000238418579"), "0.850");
        assert_eq!(shown("66"), "66");
        assert_eq!(shown("[62,3,1]"), "[62,3,1]");
        assert_eq!(shown("\"val\""), "\"val\"");
    }
}
