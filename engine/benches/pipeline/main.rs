//! The bundled model's whole inference path per 256 px tile, in Burn (flex) and in a PyTorch
//! port loading the same weights (`scripts/reference_pipeline.py`), timed in the same run at
//! one tile and at a batch of tiles, outputs compared, GMAC/s against the machine's f32 peak.
//! `FORGELENS_BENCH_PYTHON` names a Python with torch; without it only Burn is timed.
//! `cargo bench --workspace --bench pipeline`. For a fair comparison set
//! `MALLOC_MMAP_THRESHOLD_` and `MALLOC_TRIM_THRESHOLD_` high (README).

mod peak;
mod reference;
mod table;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::tensor::activation::softmax;
use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};
use burn::tensor::{Device, Tensor};
use burn_store::{ModuleSnapshot, SafetensorsStore};
use forgelens_engine::detector::discrepancy_features;
use forgelens_engine::extractor::{IMAGENET_MEAN, IMAGENET_STD};
use forgelens_engine::fusion::{FusionOutput, compute_maps};
use forgelens_engine::model::{LoadedModel, load_model_dir};
use forgelens_engine::preprocess::to_tensor;

use reference::Reference;
use table::{BatchTimings, Samples};

/// Tiles in the batched runs (the analyzer's default batch is 4; 8 fills both cores longer).
const TILES: usize = 8;
/// Per round: tiles per call, timed calls per part.
const ROUNDS: [(usize, usize); 2] = [(1, 3), (TILES, 1)];
const ROUND_COUNT: usize = 5;

/// Writes a line straight to stdout: libtest's capture only takes `print!`.
pub(crate) fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// CPU time of the whole process (every thread), from `/proc/self/stat` (clock ticks of
/// 10 ms, Linux's USER_HZ); `None` elsewhere.
fn process_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

/// One warm-up call, then `runs` timed calls.
fn time(runs: usize, mut f: impl FnMut()) -> Samples {
    f();
    let cpu_start = process_cpu_ms();
    let walls_ms = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let cpu_ms = cpu_start.zip(process_cpu_ms()).map(|(a, b)| b - a);
    Samples { walls_ms, cpu_ms }
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec::<f32>().expect("f32 tensor")
}

/// Detector part 1: what the frozen extractor sees (4x the NPR residual), MobileNetV2's
/// `features[..11]`, stride-16 features merged 2x2 into tokens: `[b, 64, 256]`.
fn extractor_part(m: &LoadedModel, pixels: Tensor<4>) -> Tensor<3> {
    m.model
        .extractor
        .tokens(m.config.detector_input().apply(pixels))
}

/// The map combination as `Analyzer::analyze_image` does it per batch: CAM, class-token
/// attention and the walked fused map, bilinear to the tile, with the fusion net's class
/// probabilities, read back: `[b, 3 * tile² + 3]`.
fn maps_part(m: &LoadedModel, output: &FusionOutput) -> Vec<f32> {
    let tile = m.config.fusion.image_size;
    let classes = (softmax(output.cnn_logits.clone(), 1)
        + softmax(output.transformer_logits.clone(), 1))
        / 2.0; // [b, 3]
    let maps = compute_maps(output, &m.config.maps);
    let [b, _, _] = maps.cam.dims();
    let stacked = Tensor::stack::<4>(vec![maps.cam, maps.attention, maps.fused], 1); // [b, 3, grid, grid]
    let up = interpolate(
        stacked,
        InterpolateOptions::new(InterpolateMode::Bilinear)
            .with_align_corners(false)
            .with_output_size([tile, tile]),
    ); // [b, 3, tile, tile]
    values(Tensor::cat(
        vec![up.reshape([b, 3 * tile * tile]), classes],
        1,
    ))
}

/// Every timed part and the whole pipeline, in `PART_NAMES` order.
fn time_parts(m: &LoadedModel, pixels: &Tensor<4>, runs: usize) -> Vec<Samples> {
    let tokens = extractor_part(m, pixels.clone());
    let fusion = m.model.fusion.forward(pixels.clone());
    vec![
        time(runs, || {
            values(extractor_part(m, pixels.clone()));
        }),
        time(runs, || {
            values(m.model.detect_from_tokens(tokens.clone()).probabilities);
        }),
        // flex is eager: the forward pass is done when it returns; the logits are read back.
        time(runs, || {
            let out = m.model.fusion.forward(pixels.clone());
            values(Tensor::cat(vec![out.cnn_logits, out.transformer_logits], 1));
        }),
        time(runs, || {
            maps_part(m, &fusion);
        }),
        time(runs, || {
            let tokens = extractor_part(m, pixels.clone());
            values(m.model.detect_from_tokens(tokens).probabilities);
            maps_part(m, &m.model.fusion.forward(pixels.clone()));
        }),
    ]
}

type Named = (String, Vec<usize>, Vec<f32>);

fn named<const D: usize>(prefix: &str, name: &str, t: Tensor<D>) -> Named {
    let shape = t.dims().to_vec();
    (format!("{prefix}{name}"), shape, values(t))
}

/// Burn's input and outputs for one batch, for the reference to compare against.
fn outputs(m: &LoadedModel, pixels: &Tensor<4>, prefix: &str) -> Vec<Named> {
    let tokens = extractor_part(m, pixels.clone());
    let detector = m.model.detect_from_tokens(tokens.clone());
    let z = |net: &forgelens_engine::detector::DiscrepancyNet| net.forward(tokens.clone()).z;
    let logits = m.model.classifier.forward(discrepancy_features(
        z(&m.model.teacher),
        z(&m.model.student1),
        z(&m.model.student2),
    ));
    let fusion = m.model.fusion.forward(pixels.clone());
    let maps = compute_maps(&fusion, &m.config.maps);
    let [b, _, _, _] = pixels.dims();
    let tile = m.config.fusion.image_size;
    let read = maps_part(m, &fusion);
    let (mut up, mut classes) = (Vec::new(), Vec::new());
    for row in read.chunks_exact(3 * tile * tile + 3) {
        up.extend_from_slice(&row[..3 * tile * tile]);
        classes.extend_from_slice(&row[3 * tile * tile..]);
    }
    let last_attention = fusion.attention.last().expect("attention").clone();
    vec![
        named(prefix, "pixels", pixels.clone()),
        named(prefix, "tokens", tokens),
        named(prefix, "detector_logits", logits),
        named(prefix, "detector_probabilities", detector.probabilities),
        named(prefix, "d1", detector.d1),
        named(prefix, "d2", detector.d2),
        named(
            prefix,
            "stem_cam",
            fusion.stem_cam.clone().expect("stem CAM"),
        ),
        named(prefix, "cam", fusion.cam.clone()),
        named(prefix, "cnn_logits", fusion.cnn_logits.clone()),
        named(
            prefix,
            "transformer_logits",
            fusion.transformer_logits.clone(),
        ),
        named(prefix, "attention_last", last_attention),
        named(prefix, "map_cam", maps.cam),
        named(prefix, "map_attention", maps.attention),
        named(prefix, "map_fused", maps.fused),
        (
            format!("{prefix}maps_upsampled"),
            vec![b, 3, tile, tile],
            up,
        ),
        (format!("{prefix}fusion_probabilities"), vec![b, 3], classes),
    ]
}

fn write_safetensors(path: &Path, tensors: &[Named]) {
    let bytes: Vec<Vec<u8>> = tensors
        .iter()
        .map(|(_, _, v)| v.iter().flat_map(|x| x.to_le_bytes()).collect())
        .collect();
    let views = tensors.iter().zip(&bytes).map(|((name, shape, _), data)| {
        let view =
            safetensors::tensor::TensorView::new(safetensors::Dtype::F32, shape.clone(), data)
                .expect("shape matches the data");
        (name.clone(), view)
    });
    safetensors::serialize_to_file(views, None, path).expect("writing the bench tensors");
}

/// `count` tiles of the extractor's size cut from the sample photograph at spread origins,
/// normalised as the analyzer does: `[count, 3, tile, tile]`.
fn sample_tiles(count: usize, tile: u32, device: &Device) -> Tensor<4> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/samples/chelsea.png");
    let image = image::open(&path).expect("the sample photograph").to_rgb8();
    let (w, h) = image.dimensions();
    assert!(w >= tile && h >= tile, "the sample is smaller than a tile");
    let tiles = (0..count as u32)
        .map(|i| {
            let x = (w - tile) * i / (count as u32 - 1).max(1);
            let y = if i % 2 == 0 { 0 } else { h - tile };
            let crop = image::imageops::crop_imm(&image, x, y, tile, tile).to_image();
            to_tensor(&crop, IMAGENET_MEAN, IMAGENET_STD, device)
        })
        .collect();
    Tensor::cat(tiles, 0)
}

fn main() {
    let device = Device::flex();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let model_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/model");
    let model = load_model_dir(&model_dir, &device).expect("the bundled model");
    let tile = model.config.fusion.image_size;
    assert_eq!(
        tile,
        model.config.extractor.image_size(),
        "detector and fusion tiles"
    );
    say(&format!(
        "bundled model `{}` ({}), {tile} px tiles; Burn flex on {threads} threads",
        model.config.name,
        model.id()
    ));

    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pipeline-bench");
    std::fs::create_dir_all(&work).expect("bench folder");
    let weights = work.join("model.safetensors");
    let mut store = SafetensorsStore::from_file(&weights)
        .skip_enum_variants(true)
        .overwrite(true);
    model
        .model
        .save_into(&mut store)
        .expect("writing the weights as safetensors");
    let batch = sample_tiles(TILES, tile as u32, &device);
    let single = batch.clone().narrow(0, 0, 1);
    let mut tensors = outputs(&model, &single, "b1.");
    tensors.extend(outputs(&model, &batch, &format!("b{TILES}.")));
    let io = work.join("io.safetensors");
    write_safetensors(&io, &tensors);
    say(&format!(
        "weights, inputs and Burn's outputs in {}",
        work.display()
    ));

    let mut reference = match std::env::var("FORGELENS_BENCH_PYTHON") {
        Ok(python) => Some(Reference::start(&python, &weights, &io, threads)),
        Err(_) => {
            say("FORGELENS_BENCH_PYTHON is not set: Burn only, no reference, no MAC counts");
            None
        }
    };
    // Rounds alternate Burn and the reference, so that both meet the same load.
    let mut burn: Vec<BatchTimings> = ROUNDS.iter().map(|&(t, _)| (t, Vec::new())).collect();
    let mut torch = burn.clone();
    for round in 1..=ROUND_COUNT {
        for (i, &(tiles, runs)) in ROUNDS.iter().enumerate() {
            let pixels = if tiles == 1 { &single } else { &batch };
            table::accumulate(&mut burn[i], time_parts(&model, pixels, runs));
            if let Some(r) = reference.as_mut() {
                table::accumulate(&mut torch[i], r.time(tiles, runs));
            }
        }
        say(&format!("round {round} of {ROUND_COUNT} timed"));
    }
    let report = reference.map(Reference::finish);
    if report.is_none() {
        torch.clear();
    }
    let peak = peak::machine_peak(threads);
    for line in table::table(&burn, &torch, report.as_ref(), peak.as_ref()) {
        say(&line);
    }
}
