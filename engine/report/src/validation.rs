//! The method's known error rates as one table in plain words, read from the model card:
//! the data it was measured on, false positives, recall per class, in-domain against
//! held-out generators, robustness, calibration, and what was never measured. The card's
//! metrics are `forgelens eval --json` output of any age, so every figure is looked up by
//! its key and a missing one reads "not measured"; nothing is estimated.

use serde_json::Value;

use super::conclusion::{pct3, sig3};
use forgelens_engine::model::ModelCard;

pub const NOT_MEASURED: &str = "not measured";

/// One row: what was measured, and the result in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub measure: String,
    pub result: String,
}

/// The table, and what the card says the model was never tested on.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationTable {
    pub rows: Vec<Row>,
    /// Things the card has no measurement of (whole photographs, recompression, ...).
    pub never_tested: Vec<String>,
}

fn at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(value, |v, key| v.get(key))
        .filter(|v| !v.is_null())
}

fn num(value: &Value, path: &str) -> Option<f64> {
    at(value, path).and_then(Value::as_f64)
}

/// Recall of `class` in an `ImageScores` node, with its image count.
fn recall(scores: &Value, class: &str) -> Option<(f64, u64)> {
    let support = num(scores, &format!("per_class.{class}.support"))? as u64;
    (support > 0).then_some((num(scores, &format!("per_class.{class}.recall"))?, support))
}

fn recall_text(scores: &Value, class: &str) -> Option<String> {
    recall(scores, class).map(|(r, n)| format!("{} of {n}", pct3(r)))
}

/// Real images called partial or full: the eval's own count, or row `real` of the confusion.
fn false_positive_text(metrics: &Value, key: &str) -> Option<String> {
    if let Some(fp) = at(metrics, &format!("false_positives.{key}")) {
        let rate = num(fp, "rate")?;
        let images = num(fp, "images")? as u64;
        let mut text = format!("{} of {images}", pct3(rate));
        if let Some(conclusive) =
            num(fp, "conclusive_rate").filter(|_| fp.get("inconclusive").is_some())
        {
            text += &format!(" ({} conclusively)", pct3(conclusive));
        }
        return Some(text);
    }
    if key != "real" {
        return None;
    }
    let row = at(metrics, "image.confusion")?.get(0)?.as_array()?;
    let counts: Vec<u64> = row.iter().filter_map(Value::as_u64).collect();
    let total: u64 = counts.iter().sum();
    let wrong = total - counts.first().copied().unwrap_or(0);
    (total > 0).then(|| format!("{} of {total}", pct3(wrong as f64 / total as f64)))
}

/// `a, b` from a list of strings at `path`.
fn names(value: &Value, path: &str) -> Vec<String> {
    at(value, path)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Recall of each held-out family (or generator, in older cards), `name 54.5%`, and which
/// of the two the names are.
fn held_out_rows(metrics: &Value) -> (&'static str, Vec<String>) {
    let group = [("family", "per_family"), ("generator", "per_generator")]
        .into_iter()
        .find_map(|(what, key)| {
            at(metrics, key)
                .and_then(Value::as_object)
                .filter(|m| !m.is_empty())
                .map(|m| (what, m))
        });
    let Some((what, group)) = group else {
        return ("generator", Vec::new());
    };
    let rows = group
        .iter()
        .filter(|(_, row)| row.get("in_domain").and_then(Value::as_bool) == Some(false))
        .filter_map(|(name, row)| {
            let r = num(row, "recall")?;
            let label = row.get("label").and_then(Value::as_str).unwrap_or("");
            let name = name.trim_end_matches(&format!(":{label}"));
            Some(format!("{name} {}", pct3(r)))
        })
        .collect();
    (what, rows)
}

fn domain_text(metrics: &Value, key: &str) -> Option<String> {
    let scores = at(metrics, &format!("{key}.image"))?;
    let mut parts = Vec::new();
    let families = names(metrics, &format!("{key}.families"));
    let generators = names(metrics, &format!("{key}.generators"));
    let listed = if families.is_empty() {
        generators
    } else {
        families
    };
    if !listed.is_empty() {
        parts.push(listed.join(", "));
    }
    for (class, words) in [("partial", "partial found"), ("full", "full found")] {
        if let Some(text) = recall_text(scores, class) {
            parts.push(format!("{words} {text}"));
        }
    }
    if let Some(f1) = num(scores, "macro_f1") {
        parts.push(format!("macro-F1 {}", sig3(f1)));
    }
    Some(parts.join("; "))
}

fn robustness_text(metrics: &Value) -> Option<String> {
    let rows = at(metrics, "robustness")?.as_array()?;
    let texts: Vec<String> = rows
        .iter()
        .filter_map(|row| {
            let condition = row.get("condition")?.as_str()?;
            let f1 = num(row, "macro_f1")?;
            let mut text = format!("{condition}: macro-F1 {}", sig3(f1));
            if let Some(fpr) = num(row, "real_fpr") {
                text += &format!(", real called manipulated {}", pct3(fpr));
            }
            Some(text)
        })
        .collect();
    (texts.len() > 1).then(|| texts.join("; "))
}

fn calibration_text(card: &ModelCard, metrics: Option<&Value>) -> String {
    match &card.calibration {
        Some(c) => format!(
            "ECE {} after temperature scaling ({} before), on {} {} images",
            sig3(f64::from(c.ece_after)),
            sig3(f64::from(c.ece_before)),
            c.images,
            c.split
        ),
        None => match metrics.and_then(|m| num(m, "calibration.ece")) {
            Some(ece) => format!("not calibrated; ECE {} on the test data", sig3(ece)),
            None => "not calibrated; not measured".into(),
        },
    }
}

/// The table for `card`.
pub fn validation_table(card: &ModelCard) -> ValidationTable {
    let mut rows = Vec::new();
    let mut never_tested = Vec::new();
    let mut row = |measure: &str, result: Option<String>| {
        rows.push(Row {
            measure: measure.into(),
            result: result.unwrap_or_else(|| NOT_MEASURED.into()),
        });
    };
    let empty = Value::Null;
    let metrics = card.metrics.as_ref();
    let m = metrics.unwrap_or(&empty);

    let split = at(m, "split").and_then(Value::as_str).unwrap_or("test");
    row(
        "Data measured on",
        at(m, "image").map(|image| {
            let count = |class| recall(image, class).map_or(0, |(_, n)| n);
            let mut text = format!(
                "{} images of the {split} split: {} real, {} partially manipulated, {} fully generated",
                num(image, "images").unwrap_or(0.0) as u64,
                count("real"),
                count("partial"),
                count("full")
            );
            if !card.training_sources.is_empty() {
                text += &format!(
                    "; photographs: {} in training, {} for model choice, the rest for testing",
                    card.training_sources.len(),
                    card.validation_sources.len()
                );
            }
            text
        }),
    );
    let trained_on = if card.training_families.is_empty() {
        &card.training_generators
    } else {
        &card.training_families
    };
    row(
        "Generators in training",
        (!trained_on.is_empty()).then(|| trained_on.join(", ")),
    );
    row(
        "Real images called manipulated",
        false_positive_text(m, "real"),
    );
    let whole = false_positive_text(m, "real_whole");
    if whole.is_none() {
        never_tested.push("whole real photographs (only crops were scored)".into());
    }
    row("Whole real photographs called manipulated", whole);
    let image = at(m, "image");
    row(
        "Partially manipulated images found",
        image.and_then(|i| recall_text(i, "partial")),
    );
    row(
        "Fully generated images found",
        image.and_then(|i| recall_text(i, "full")),
    );
    row("In-domain (seen in training)", domain_text(m, "in_domain"));
    let held_out = domain_text(m, "cross_domain");
    if held_out.is_none() {
        never_tested.push("generators or families held out of training".into());
    }
    row("Held out (never seen in training)", held_out);
    let (what, per_held_out) = held_out_rows(m);
    if !per_held_out.is_empty() {
        let measure = format!("Found, per held-out {what}");
        row(&measure, Some(per_held_out.join(", ")));
    }
    let robustness = robustness_text(m);
    if robustness.is_none() {
        never_tested.push("recompression (JPEG) and resizing".into());
    }
    row("Under JPEG and resizing", robustness);
    row("Calibration error", Some(calibration_text(card, metrics)));
    row(
        "Maps: fused pixel F1 at 0.5",
        num(m, "pixel.fused.f1_at_0_5").map(|f1| {
            let mut text = sig3(f1);
            if let Some(base) = num(m, "pixel.baseline_f1_all_pixels") {
                text += &format!(" (marking every pixel: {})", sig3(base));
            }
            text
        }),
    );
    if metrics.is_none() {
        never_tested.insert(
            0,
            "anything: the model card holds no measured metrics".into(),
        );
    }
    ValidationTable { rows, never_tested }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(metrics: Option<Value>) -> ModelCard {
        let mut card = ModelCard::untrained("t", "mobilenet-v2", "bundled");
        card.metrics = metrics;
        card
    }

    fn result<'a>(table: &'a ValidationTable, measure: &str) -> &'a str {
        &table
            .rows
            .iter()
            .find(|r| r.measure == measure)
            .unwrap_or_else(|| panic!("{measure} missing: {table:?}"))
            .result
    }

    #[test]
    fn missing_figures_read_not_measured_and_none_are_made_up() {
        let table = validation_table(&card(None));
        assert!(table.rows.iter().any(|r| r.result == NOT_MEASURED));
        assert_eq!(
            result(&table, "Calibration error"),
            "not calibrated; not measured"
        );
        assert!(table.never_tested[0].contains("no measured metrics"));
        for row in &table.rows {
            assert!(!row.result.chars().any(|c| c.is_ascii_digit()), "{row:?}");
        }
    }

    #[test]
    fn false_positives_fall_back_to_the_confusion_row() {
        let metrics = serde_json::json!({"image": {"images": 12, "confusion": [[6, 2, 0], [0, 3, 0], [0, 0, 1]],
            "per_class": {"real": {"recall": 0.75, "support": 8}}}});
        let table = validation_table(&card(Some(metrics)));
        assert_eq!(
            result(&table, "Real images called manipulated"),
            "25.0% of 8"
        );
        assert_eq!(
            result(&table, "Whole real photographs called manipulated"),
            NOT_MEASURED
        );
    }
}
