//! The processing chain as a report states it (each step with the values actually used), the
//! parameter list, and the limitations paragraph. Kept beside `analyzer.rs`'s pipeline: when
//! that changes, these sentences must too.

use super::document::{Parameters, Processing};
use super::{ReportInput, ReportOptions, utc_string};
use forgelens_engine::extractor::{ExtractorConfig, IMAGENET_MEAN, IMAGENET_STD};
use forgelens_engine::fusion::MapOptions;

fn triple(v: [f32; 3]) -> String {
    format!("[{:.3}, {:.3}, {:.3}]", v[0], v[1], v[2])
}

pub fn processing(input: &ReportInput, options: &ReportOptions) -> Processing {
    let a = input.analysis;
    let info = &input.evidence.image.info;
    let extractor = extractor_config(input);
    let extractor_size = extractor.as_ref().map_or(0, |e| e.image_size() as u32);
    let (mean, std) = extractor
        .as_ref()
        .map_or((IMAGENET_MEAN, IMAGENET_STD), |e| e.normalization());
    let t = &a.tiling;
    let native = (t.work_width, t.work_height) == (info.width, info.height);
    let regions_threshold = options.thresholds.get(options.regions_map);
    let threshold = options.inconclusive_below.or(a.verdict.inconclusive_below);
    let mut steps = vec![
        format!(
            "Read {} bytes; the format ({}) was recognised from the content, not the file name. \
             The file was opened read-only and not modified.",
            input.evidence.bytes.len(),
            info.format
        ),
        format!(
            "Decoded from {} to 8-bit RGB (alpha dropped, not composited; first frame of \
             animations); EXIF orientation {} applied, giving {} x {} px.",
            info.colour, info.exif_orientation, info.width, info.height
        ),
        format!(
            "Verdict: the whole image resized to {extractor_size} x {extractor_size} px \
             (triangle filter), scaled to [0, 1] and normalised with mean {} and std {}; \
             extractor {} → teacher and two students → classifier on their squared \
             discrepancies → probabilities for real / partial / full.",
            triple(mean),
            triple(std),
            input.model.extractor
        ),
        match &input.model.card.calibration {
            Some(c) => format!(
                "Calibration: the probabilities' logarithms divided by the temperature {:.3} \
                 and normalised again (temperature scaling, fitted on {} images of the {} \
                 split); the verdict is inconclusive when the top probability is below {}.",
                c.temperature,
                c.images,
                c.split,
                threshold.map_or(
                    "no threshold (none set)".to_string(),
                    forgelens_engine::verdict::percent
                )
            ),
            None => match threshold {
                Some(t) => format!(
                    "Calibration: none (the model card has none); the verdict is inconclusive \
                     when the top probability is below {}, as asked.",
                    forgelens_engine::verdict::percent(t)
                ),
                None => "Calibration: none (the model card has none); no inconclusive \
                         threshold: the verdict is the most probable class."
                    .to_string(),
            },
        },
        format!(
            "Maps: {} tile(s) of {} px, overlap {:.2}, cut from {}; each tile normalised with \
             ImageNet mean {} and std {}; the fusion net gives {}.",
            t.tiles,
            t.tile_size,
            t.overlap,
            if native {
                format!(
                    "the image at native resolution ({} x {})",
                    t.work_width, t.work_height
                )
            } else {
                format!(
                    "a working copy resized to {} x {} (Catmull-Rom)",
                    t.work_width, t.work_height
                )
            },
            triple(IMAGENET_MEAN),
            triple(IMAGENET_STD),
            map_options(input).describe()
        ),
        format!(
            "Tiles blended with a tent window and resized to {} x {} (triangle filter). {}",
            info.width,
            info.height,
            a.map_scale
                .as_deref()
                .unwrap_or("Maps min-max normalised to [0, 1] per image (an older analysis).")
        ),
        format!(
            "Regions: 8-connected components of the {} map at or above {:.2}. Overlays: {} \
             colour map at opacity {:.2}, on display copies at most {} px on a side.",
            options.regions_map,
            regions_threshold,
            format!("{:?}", options.colormap).to_lowercase(),
            options.overlay_opacity,
            super::figures::DISPLAY_MAX_PX
        ),
    ];
    if let Some(source) = a.verdict_source.as_ref().filter(|s| s.tiles > 0) {
        steps.insert(
            3,
            format!(
                "Verdict evidence {}: the detector also saw {} tile(s) at native resolution, \
                 cut from a {} x {} px copy of the image, besides the whole-image view.",
                source.evidence, source.tiles, source.work_width, source.work_height
            ),
        );
    }
    let o = &input.analyzer_options;
    let parameters = Parameters {
        max_pixels: o.limits.max_pixels,
        max_file_bytes: o.limits.max_file_bytes,
        verdict_input_px: extractor_size,
        verdict_mean: mean,
        verdict_std: std,
        tile_mean: IMAGENET_MEAN,
        tile_std: IMAGENET_STD,
        tile_size_px: t.tile_size,
        tile_overlap_requested: o.tile_overlap,
        tile_overlap_used: t.overlap,
        max_tiles: o.max_tiles,
        tiles: t.tiles,
        tile_batch_size: o.batch_size,
        work_width: t.work_width,
        work_height: t.work_height,
        thresholds: options.thresholds,
        regions_map: options.regions_map,
        colormap: format!("{:?}", options.colormap).to_lowercase(),
        overlay_opacity: options.overlay_opacity,
    };
    Processing {
        steps,
        parameters,
        device: a.device.clone(),
        precision: "f32".to_string(),
        started_utc: utc_string(input.started),
        finished_utc: utc_string(input.finished),
        timings: a.timings.clone(),
    }
}

/// The extractor's configuration, read back from the recorded model config.
fn extractor_config(input: &ReportInput) -> Option<ExtractorConfig> {
    serde_json::from_value(input.model.config["extractor"].clone()).ok()
}

/// The model's map options; a config without them uses the defaults, as loading does.
fn map_options(input: &ReportInput) -> MapOptions {
    serde_json::from_value(input.model.config["maps"].clone()).unwrap_or_default()
}

pub fn limitations(input: &ReportInput) -> Vec<String> {
    let card = &input.model.card;
    let mut out = Vec::new();
    if !card.trained {
        out.push(
            "This report was made with an UNTRAINED model: the verdict, probabilities and maps \
             come from freshly initialised networks and are not evidence of anything. The \
             report shows how the analysis was done, not what it found."
                .to_string(),
        );
    }
    out.push(format!(
        "The verdict is the output of a statistical classifier, not proof. The model was \
         trained on {}. Images unlike its training data (other generators or editing tools, \
         heavy recompression, resizing, screenshots, printing and re-photographing) can be \
         misclassified in either direction.",
        if card.training_data.is_some() {
            "the data described under Model (Training data)"
        } else {
            "data its model card does not record"
        }
    ));
    out.push(format!(
        "The maps are weakly supervised: the networks were trained with image-level labels \
         only, never with the location of edits. A map shows where the network's evidence \
         concentrates; it is something to inspect, not proof of where an edit is, and a \
         quiet map does not prove that a region is untouched. {}",
        if input.analysis.map_scale.is_some() {
            "Each map is on a fixed scale (see the processing steps), not normalised per \
             image: a value means the same on every image, and a map of an image without \
             evidence stays low."
        } else {
            "Maps are min-max normalised per image, so their values compare regions within \
             this image, not across images."
        }
    ));
    let t = &input.analysis.tiling;
    let info = &input.evidence.image.info;
    if (t.work_width, t.work_height) != (info.width, info.height) {
        out.push(format!(
            "The maps were computed on a working copy of {} x {} px (the image is {} x {}), \
             so details smaller than a few pixels of that copy cannot be localised.",
            t.work_width, t.work_height, info.width, info.height
        ));
    }
    out.push(
        "Running the analysis again on another device or backend can change probabilities and \
         map values in the last digits; the map hashes identify the maps of this run exactly. \
         The pictures in this report are display copies: the evidence is identified by its \
         SHA-256 above, and the file was never modified."
            .to_string(),
    );
    out
}
