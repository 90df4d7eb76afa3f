//! `forgelens eval`'s report as terminal tables: image level, false positives on real
//! images, per family and per generator, pixel level (oracle thresholds labelled), and the
//! robustness table.

use std::collections::BTreeMap;
use std::fmt::Write;

use forgelens_engine::MapKind;
use forgelens_training::eval::EvalReport;
use forgelens_training::eval::report::{
    FalsePositiveRate, GroupScores, ImageScores, MapScores, PixelScores,
};

fn image_row(name: &str, s: &ImageScores) -> String {
    let f1 = |k: &str| s.per_class.get(k).map_or(0.0, |c| c.f1);
    format!(
        "{name:<36} {:>6} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}\n",
        s.images,
        s.accuracy,
        s.macro_f1,
        f1("real"),
        f1("partial"),
        f1("full")
    )
}

fn optional(v: Option<f32>, width: usize) -> String {
    v.map_or_else(|| format!("{:>width$}", "-"), |v| format!("{v:>width$.3}"))
}

fn map_row(name: &str, m: &MapScores) -> String {
    format!(
        "{name:<30} {:>6} {:>7.3} {:>8.3} {} {} {:>10.3} {:>9.2}\n",
        m.images,
        m.f1_at_0_5,
        m.iou_at_0_5,
        optional(m.f1_at_val_threshold, 9),
        m.val_threshold
            .map_or_else(|| format!("{:>6}", "-"), |t| format!("{t:>6.2}")),
        m.oracle_f1,
        m.oracle_threshold
    )
}

fn pixel_rows(name: &str, p: &PixelScores) -> String {
    let mut out = format!(
        "{:<30} {:>6} {:>7.3}   (every pixel marked manipulated)\n",
        format!("{name} / baseline"),
        p.cam.images,
        p.baseline_f1_all_pixels
    );
    for (map, m) in [
        (MapKind::Cam, &p.cam),
        (MapKind::Attention, &p.attention),
        (MapKind::Fused, &p.fused),
    ] {
        out += &map_row(&format!("{name} / {map}"), m);
    }
    out
}

fn group_rows(title: &str, rows: &BTreeMap<String, GroupScores>) -> String {
    let mut out = format!(
        "\n{title:<30} {:<8} {:>6} {:>7} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}  in-domain\n",
        "class", "images", "recall", "->real", "->part", "->full", "CAM F1", "att F1", "fused F1"
    );
    for (name, r) in rows {
        let px = r.pixel_f1_at_0_5.as_ref();
        let _ = writeln!(
            out,
            "{name:<30} {:<8} {:>6} {:>7.3} {:>6} {:>6} {:>6} {} {} {}  {}",
            r.label,
            r.images,
            r.recall,
            r.predicted.real,
            r.predicted.partial,
            r.predicted.full,
            optional(px.map(|p| p.cam), 7),
            optional(px.map(|p| p.attention), 7),
            optional(px.map(|p| p.fused), 7),
            match r.in_domain {
                Some(true) => "yes",
                Some(false) => "no",
                None => "-",
            }
        );
    }
    out
}

fn rate_line(what: &str, r: Option<&FalsePositiveRate>) -> String {
    match r {
        Some(r) => format!(
            "false positives on {what}: {} of {} ({:.3}); conclusively {} ({:.3}), {} inconclusive\n",
            r.false_positives,
            r.images,
            r.rate,
            r.conclusive_false_positives,
            r.conclusive_rate,
            r.inconclusive
        ),
        None => format!("false positives on {what}: none scored\n"),
    }
}

/// The report as terminal tables.
pub fn tables(r: &EvalReport) -> String {
    let mut out = format!(
        "model {} on {} (split {})\n",
        r.model_id,
        r.data.display(),
        r.split
    );
    if !r.scope.families.is_empty() {
        out += &format!(
            "scored: real images and the families {}\n",
            r.scope.families.join(", ")
        );
    }
    if let Some(note) = &r.scope.note {
        out += &format!("note: {note}\n");
    }
    out += "\nimage level                          images accuracy macro-F1  F1 real  F1 part  F1 full\n";
    out += &image_row("all", &r.image);
    let mut sides = String::new();
    for (side, d) in [
        ("in-domain", &r.in_domain),
        ("cross-domain", &r.cross_domain),
    ] {
        if let Some(d) = d {
            out += &image_row(side, &d.image);
            let names = if d.decided_by == "families" {
                &d.families
            } else {
                &d.generators
            };
            let _ = writeln!(sides, "{side} {}: {}", d.decided_by, names.join(", "));
        }
    }
    out += &sides;
    out += "\n";
    out += &rate_line("real images", r.false_positives.real.as_ref());
    out += &rate_line(
        "whole real photographs",
        r.false_positives.real_whole.as_ref(),
    );
    out += &format!(
        "calibration: ECE {:.3} (reliability bins in --json)\n",
        r.calibration.ece
    );
    if let Some(m) = &r.real_maps {
        out += &format!(
            "maps on real images (mean value, fixed scales): CAM {:.3}, attention {:.3}, fused \
             {:.3} over {} images\n",
            m.cam, m.attention, m.fused, m.images
        );
    }

    out += &group_rows("per family", &r.per_family);
    out += &group_rows("per generator", &r.per_generator);

    out += "\npixel level (partial fakes)    images  F1@0.5  IoU@0.5  F1@val-t  val-t  oracle F1  oracle t\n";
    if let Some(p) = &r.pixel {
        let name = if r.in_domain.is_some() {
            "in-domain"
        } else {
            "all"
        };
        out += &pixel_rows(name, p);
    }
    if let Some(p) = r.cross_domain.as_ref().and_then(|d| d.pixel.as_ref()) {
        out += &pixel_rows("cross-domain", p);
    }
    out +=
        "(oracle: the best threshold on this split itself, not a result; val-t: chosen on val)\n";

    if !r.robustness.is_empty() {
        out += "\nrobustness (each image processed in memory before analysis)\n";
        out += "condition        images  macro-F1  partial R  full R  FPR real  fused F1@0.5\n";
        for row in &r.robustness {
            let _ = writeln!(
                out,
                "{:<16} {:>6} {:>9.3} {:>10.3} {:>7.3} {} {}",
                row.condition,
                row.images,
                row.macro_f1,
                row.partial_recall,
                row.full_recall,
                optional(row.real_fpr, 9),
                optional(row.fused_f1_at_0_5, 13)
            );
        }
    }

    if let Some(f) = &r.fusion_net {
        out += "\nthe fusion net's own classification (not the verdict)\n";
        out += &image_row("all", &f.image);
        if let Some(s) = &f.in_domain {
            out += &image_row("in-domain", s);
        }
        if let Some(s) = &f.cross_domain {
            out += &image_row("cross-domain", s);
        }
    }
    if !r.skipped.is_empty() || r.partial_without_mask > 0 {
        out += &format!(
            "\n{} skipped, {} partial fakes without a mask\n",
            r.skipped.len(),
            r.partial_without_mask
        );
    }
    out += &format!("\n{:.1} s\n", r.seconds);
    out
}
