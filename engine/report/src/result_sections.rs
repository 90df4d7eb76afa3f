//! The report's first sections: the conclusion on its stated scale (inconclusive said
//! first), the findings summary, and the method's validation table, as text blocks for both
//! renderers.

use super::conclusion::{Conclusion, Level, conclude, threshold_text};
use super::document::Report;
use super::findings::{conclusion_limits, findings_summary};
use super::sections::{Block, Field, Section};
use super::validation::validation_table;
use forgelens_engine::verdict::percent;

fn field(label: &str, value: impl Into<String>) -> Field {
    Field {
        label: label.to_string(),
        value: value.into(),
        mono: false,
    }
}

/// When the model declines to decide, and where the calibration behind it comes from.
fn decision_rule(report: &Report) -> String {
    let threshold = match report.results.verdict.inconclusive_below {
        Some(t) if t >= 1.0 => "always: the threshold is 100%, which no probability reaches".into(),
        Some(t) => format!("the top probability is below {}", percent(t)),
        None => "never: no threshold was set (every verdict is the most probable class)".into(),
    };
    match &report.model.card.calibration {
        Some(c) if c.inconclusive_below >= 1.0 => format!(
            "{threshold}. No threshold kept the wrong share of conclusive verdicts on {} {} \
             images at or below {}, so the card's threshold is 100%: every verdict of this \
             model is inconclusive.",
            c.images,
            c.split,
            percent(c.max_conclusive_error)
        ),
        Some(c) => format!(
            "{threshold}. The card's threshold ({}) is the lowest that keeps the wrong share \
             of conclusive verdicts on {} {} images at or below {}.",
            threshold_text(c.inconclusive_below),
            c.images,
            c.split,
            percent(c.max_conclusive_error)
        ),
        None => format!("{threshold}. The model is not calibrated."),
    }
}

/// The conclusion stored in the report, or, for a schema 1 report, derived now.
fn conclusion_of(report: &Report) -> Conclusion {
    report.results.conclusion.clone().unwrap_or_else(|| {
        let r = &report.results;
        conclude(
            &r.probabilities,
            &r.verdict,
            &report.model.card,
            conclusion_limits(report, 0),
        )
    })
}

/// The verbal scale as a table, the level reached marked.
fn scale_table(reached: Option<Level>) -> Block {
    Block::Table {
        headers: vec![
            "likelihood ratio (or its inverse)".into(),
            "words used".into(),
        ],
        rows: Level::ALL
            .iter()
            .map(|&level| {
                let mark = if Some(level) == reached {
                    "  ◀ this report"
                } else {
                    ""
                };
                vec![
                    level.range().to_string(),
                    format!("{}{mark}", level.words()),
                ]
            })
            .collect(),
        mono_columns: vec![],
    }
}

pub fn conclusion_section(report: &Report) -> Section {
    let r = &report.results;
    let p = &r.probabilities;
    let conclusion = conclusion_of(report);
    let mut fields = Vec::new();
    if r.verdict.inconclusive {
        fields.push(field("INCONCLUSIVE", &r.verdict.summary));
    }
    if !report.model.trained {
        fields.push(field(
            "WARNING",
            "The model is UNTRAINED. Its probabilities and maps are not evidence of anything.",
        ));
    }
    fields.push(field("Conclusion", &conclusion.statement));
    if !r.verdict.inconclusive {
        fields.push(field("Verdict", &r.verdict.summary));
    }
    fields.extend([
        field(
            "Probabilities",
            format!(
                "real {} · partially manipulated {} · fully generated {}{}",
                percent(p.real),
                percent(p.partial),
                percent(p.full),
                if conclusion.calibrated {
                    " (calibrated)"
                } else {
                    " (not calibrated)"
                }
            ),
        ),
        field("How it was derived", &conclusion.derivation),
        field("Inconclusive when", decision_rule(report)),
    ]);
    let mut blocks = vec![Block::Fields(fields)];
    if conclusion.likelihood_ratio.is_some() {
        blocks.push(Block::Paragraphs(vec![
            "The scale (ENFSI guideline for evaluative reporting, 2015), for either \
             proposition:"
                .into(),
        ]));
        blocks.push(scale_table(conclusion.level));
    }
    blocks.push(Block::Paragraphs(
        std::iter::once("Limits of this conclusion:".to_string())
            .chain(conclusion.limits.iter().map(|l| format!("• {l}")))
            .collect(),
    ));
    Section {
        title: "Conclusion".into(),
        blocks,
    }
}

pub fn findings_section(report: &Report) -> Section {
    let r = &report.results;
    let mut fields = findings_summary(report);
    fields.push(field(
        "Teacher–student discrepancy",
        format!("d1 = {:.6}, d2 = {:.6}", r.discrepancy[0], r.discrepancy[1]),
    ));
    Section {
        title: "Findings".into(),
        blocks: vec![Block::Fields(fields)],
    }
}

pub fn validation_section(report: &Report) -> Section {
    let table = validation_table(&report.model.card);
    let mut blocks = vec![Block::Table {
        headers: vec!["measured".into(), "result".into()],
        rows: table
            .rows
            .into_iter()
            .map(|row| vec![row.measure, row.result])
            .collect(),
        mono_columns: vec![],
    }];
    let mut notes = Vec::new();
    if !table.never_tested.is_empty() {
        notes.push(format!(
            "Never measured: {}.",
            table.never_tested.join("; ")
        ));
    }
    notes.extend(
        report
            .model
            .card
            .limitations
            .iter()
            .map(|l| format!("• {l}")),
    );
    if !notes.is_empty() {
        blocks.push(Block::Paragraphs(notes));
    }
    blocks.push(Block::Paragraphs(vec![
        "Shares with at most three significant digits. Every metric of the model card is in \
         the report JSON (model.card.metrics) and in the appendix when asked for."
            .into(),
    ]));
    Section {
        title: "The method's validation".into(),
        blocks,
    }
}
