//! The findings summary (one line each for the learned maps, the classic tools and Content
//! Credentials) and the limits that go with the conclusion: what the validation did not
//! cover and how this image differs from the data the model was measured on.

use super::conclusion::{pct3, sig3};
use super::document::Report;
use super::sections::Field;
use super::validation::{NOT_MEASURED, validation_table};

fn field(label: &str, value: impl Into<String>) -> Field {
    Field {
        label: label.to_string(),
        value: value.into(),
        mono: false,
    }
}

/// The learned maps in one line.
fn maps_line(report: &Report) -> String {
    let r = &report.results;
    let regions_map = report.processing.parameters.regions_map;
    let area = r
        .maps
        .iter()
        .find(|m| m.name == regions_map)
        .map(|m| {
            format!(
                "the {} map is at or above {:.2} on {} of the image",
                m.name,
                m.threshold,
                pct3(f64::from(m.area_above_threshold))
            )
        })
        .unwrap_or_default();
    let regions = match (r.regions_total, r.regions.first()) {
        (0, _) | (_, None) => "no region".to_string(),
        (n, Some(largest)) => format!(
            "{n} region(s), the largest {} at x {}–{}, y {}–{}",
            pct3(f64::from(largest.area_fraction)),
            largest.bbox[0],
            largest.bbox[2],
            largest.bbox[1],
            largest.bbox[3]
        ),
    };
    let reading = if r.verdict.maps_meaningful {
        "To inspect: the model conclusively says partially manipulated"
    } else {
        "For inspection only: the verdict is not a conclusive \"partially manipulated\""
    };
    format!("{reading}; {area}, {regions}.")
}

/// The classic tools and the metadata in one line.
fn tools_line(report: &Report) -> String {
    let Some(toolbox) = &report.toolbox else {
        return "Not run (the report was made before the toolbox existed).".into();
    };
    let ran: Vec<String> = toolbox
        .runs
        .iter()
        .map(|run| match &run.error {
            Some(_) => format!("{} (failed)", run.tool.title()),
            None => run.tool.title().to_string(),
        })
        .collect();
    let tools = if ran.is_empty() {
        "None run".to_string()
    } else {
        format!(
            "Ran {} (sections below; traces to inspect, not a verdict)",
            ran.join(", ")
        )
    };
    let markers = if toolbox.metadata.editor_markers.is_empty() {
        "no editor or generator named in the metadata".to_string()
    } else {
        format!(
            "metadata names {}",
            toolbox.metadata.editor_markers.join(", ")
        )
    };
    format!("{tools}; {markers}.")
}

/// One line each for the learned maps, the classic tools and Content Credentials.
pub fn findings_summary(report: &Report) -> Vec<Field> {
    vec![
        field("Learned maps", maps_line(report)),
        field("Classic tools", tools_line(report)),
        field(
            "Content Credentials",
            report
                .toolbox
                .as_ref()
                .map_or("not checked".to_string(), |t| {
                    t.content_credentials.summary.clone()
                }),
        ),
    ]
}

/// The limits of the conclusion for this image and model; `native_tiles` is how many
/// native-resolution tiles the verdict's detector saw besides the resized whole image.
pub fn conclusion_limits(report: &Report, native_tiles: u32) -> Vec<String> {
    let card = &report.model.card;
    let table = validation_table(card);
    let result = |measure: &str| {
        table
            .rows
            .iter()
            .find(|r| r.measure == measure && r.result != NOT_MEASURED)
            .map(|r| r.result.clone())
    };
    let mut out = vec![
        "The prior of 2/3 is the model's, not the case's: with other information about the \
         case the likelihood ratio stays the same and the posterior changes."
            .to_string(),
    ];
    let trained_on = if card.training_families.is_empty() {
        &card.training_generators
    } else {
        &card.training_families
    };
    if !trained_on.is_empty() {
        let mut text = format!(
            "The model learnt fakes from {} only; manipulation by any other method was never \
             seen in training",
            trained_on.join(", ")
        );
        match result("Held out (never seen in training)") {
            Some(held_out) => text += &format!(" (held out: {held_out})"),
            None => text += " and was not measured",
        }
        out.push(text + ": a ratio favouring a real photograph does not exclude it.");
    }
    let e = &report.evidence;
    let side = report.processing.parameters.verdict_input_px;
    if native_tiles > 0 {
        out.push(format!(
            "The verdict combines the whole image resized to {side} px with {native_tiles} \
             tiles at native resolution; the validation above was measured as the model card \
             records it."
        ));
    } else if e.width.max(e.height) > side {
        out.push(format!(
            "The verdict sees the image resized from {} x {} px to {side} px: traces smaller \
             than that scale can be lost.",
            e.width, e.height
        ));
    }
    if let Some(q) = &e.metadata.jpeg_quality {
        out.push(format!(
            "The file is a JPEG of quality about {}; robustness to recompression: {}.",
            q.estimate,
            result("Under JPEG and resizing").unwrap_or_else(|| NOT_MEASURED.into())
        ));
    }
    if let Some(c) = &card.calibration {
        out.push(format!(
            "The calibration was fitted on {} {} images (ECE {} after); it holds for images \
             like those, not necessarily for this one.",
            c.images,
            c.split,
            sig3(f64::from(c.ece_after))
        ));
    }
    out
}
