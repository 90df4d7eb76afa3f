//! `forgelens eval`: a model on a dataset; tables on stderr or one JSON object on stdout.
//! `--write-card` stores the report in the model card as its measured test metrics.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use forgelens_engine::files::write_atomic;
use forgelens_engine::model::directory::CARD_FILE;
use forgelens_engine::progress::CancelToken;
use forgelens_engine::{Analyzer, AnalyzerOptions, select_device};
use forgelens_training::data::{Dataset, Split};
use forgelens_training::eval::evaluate::{ImageScores, PixelScores};
use forgelens_training::eval::{EvalOptions, EvalReport, evaluate};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::EvalArgs;
use crate::model_location::resolve_model_dir;

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    let model_dir = resolve_model_dir(args.model.clone())?;
    let device = select_device(args.device.device)?;
    let analyzer = Analyzer::from_dir(&model_dir, device, AnalyzerOptions::default())
        .with_context(|| format!("loading the model from {}", model_dir.display()))?;
    let dataset = Dataset::open(&args.data)?;
    let split = match args.split.as_deref() {
        None => None,
        Some("all") => Some(Split::Unassigned),
        Some(s) => Some(s.parse::<Split>().map_err(anyhow::Error::msg)?),
    };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} images (eta {eta})")
            .expect("a valid template"),
    );
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let options = EvalOptions {
        split,
        in_domain: args.in_domain.clone(),
    };
    let report = evaluate(
        &analyzer,
        &dataset,
        &options,
        &progress,
        &CancelToken::new(),
    )?;
    bar.finish_and_clear();
    if report.image.images == 0 {
        bail!(
            "no image could be analysed ({} skipped)",
            report.skipped.len()
        );
    }
    if args.write_card {
        let mut card = analyzer.model().card.clone();
        card.metrics = Some(serde_json::to_value(&report)?);
        let path = model_dir.join(CARD_FILE);
        write_atomic(&path, serde_json::to_string_pretty(&card)?.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        eprint!("{}", tables(&report));
    }
    Ok(ExitCode::SUCCESS)
}

fn image_row(name: &str, s: &ImageScores) -> String {
    let f1 = |k: &str| s.per_class.get(k).map_or(0.0, |c| c.f1);
    format!(
        "{name:<26} {:>6} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}\n",
        s.images,
        s.accuracy,
        s.macro_f1,
        f1("real"),
        f1("partial"),
        f1("full")
    )
}

fn pixel_rows(name: &str, p: &PixelScores) -> String {
    let mut out = format!(
        "{:<26} {:>6} {:>8.3}   (every pixel marked manipulated)\n",
        format!("{name} / baseline"),
        p.cam.images,
        p.baseline_f1_all_pixels
    );
    for (map, m) in [
        ("cam", &p.cam),
        ("attention", &p.attention),
        ("fused", &p.fused),
    ] {
        out += &format!(
            "{:<26} {:>6} {:>8.3} {:>8.3} {:>8.3} {:>6.2}\n",
            format!("{name} / {map}"),
            m.images,
            m.f1_at_0_5,
            m.iou_at_0_5,
            m.best_f1,
            m.best_threshold
        );
    }
    out
}

/// The report as terminal tables.
pub fn tables(r: &EvalReport) -> String {
    let mut out = format!(
        "model {} on {} (split {})\n\nimage level                images accuracy macro-F1  F1 real  F1 part  F1 full\n",
        r.model_id,
        r.data.display(),
        r.split
    );
    out += &image_row("all", &r.image);
    if let Some(d) = &r.in_domain {
        out += &image_row(&format!("in-domain ({})", d.generators.join(",")), &d.image);
    }
    if let Some(d) = &r.cross_domain {
        out += &image_row(
            &format!("cross-domain ({})", d.generators.join(",")),
            &d.image,
        );
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
    out += "\nper generator (real + its fakes)  fakes  recall macro-F1  in-domain\n";
    for (g, s) in &r.per_generator {
        out += &format!(
            "{:<32} {:>6} {:>7.3} {:>8.3}  {}\n",
            g,
            s.fakes,
            s.recall,
            s.image.macro_f1,
            if s.in_domain { "yes" } else { "no" }
        );
    }
    out += "\npixel level (partial fakes)  images  F1@0.5  IoU@0.5  best F1  at t\n";
    if let Some(p) = &r.pixel {
        out += &pixel_rows("in-domain", p);
    }
    if let Some(p) = r.cross_domain.as_ref().and_then(|d| d.pixel.as_ref()) {
        out += &pixel_rows("cross-domain", p);
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
