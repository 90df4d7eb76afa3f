//! Inference latency on the CPU backend (`cargo bench -p forgelens-engine --bench inference`).
//! Reports the median of repeated runs after a warm-up (one run for the bundled model on a
//! 12-megapixel photograph), and, when `FORGELENS_BENCH_PYTHON`
//! names a Python with torch and torchvision, the same MobileNetV2 forward pass in PyTorch
//! measured in the same run (`scripts/bench_reference.py`), as a ratio.

use std::time::Instant;

use burn::tensor::{Device, Distribution, Tensor};
use forgelens_engine::extractor::{WeightSource, load_mobilenet_v2};
use forgelens_engine::model::directory::MOBILENET_V2_WEIGHTS;
use forgelens_engine::model::{Preset, init_model_dir};
use forgelens_engine::{Analyzer, AnalyzerOptions, DeviceChoice, select_device};

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    f(); // warm-up
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn sync(t: Tensor<2>) {
    let _ = t.into_data();
}

/// The bundled model on a 12-megapixel photograph at native resolution (chelsea.png scaled
/// to 4000 x 3000), one run each (a run takes tens of seconds): the whole analysis, then
/// the export `forgelens analyze` writes (three greyscale maps, three overlays).
fn bundled_native_12mp(dir: &std::path::Path) {
    let assets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets");
    let analyzer = Analyzer::from_dir(
        &assets.join("model"),
        select_device(DeviceChoice::Cpu).expect("cpu"),
        AnalyzerOptions::default(),
    )
    .expect("bundled model");
    let photo = image::open(assets.join("samples/chelsea.png"))
        .expect("sample")
        .resize_exact(4000, 3000, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let path = dir.join("photo-12mp.png");
    photo.save(&path).expect("save");
    let t = Instant::now();
    let analysis = analyzer.analyze_file(&path).expect("analysis");
    let analyse_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    forgelens_engine::export::write_analysis_files(
        &analysis,
        &photo,
        dir,
        "photo-12mp",
        forgelens_engine::render::Colormap::Inferno,
        0.5,
    )
    .expect("export");
    let export_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "| bundled model, 4000 x 3000 at native resolution ({} tiles): analysis, one run | {analyse_ms:.1} |",
        analysis.tiling.tiles
    );
    println!("| the same: its export (3 map + 3 overlay PNGs), one run | {export_ms:.1} |");
}

fn main() {
    let device = Device::flex();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("CPU backend (flex), {threads} threads; median of repeated runs\n");
    println!("| what | median ms |");
    println!("|---|---|");

    let net = load_mobilenet_v2(
        WeightSource::Bytes {
            name: "bundled",
            bytes: MOBILENET_V2_WEIGHTS.to_vec(),
        },
        &device,
    )
    .expect("bundled weights");
    let x = Tensor::<4>::random([1, 3, 224, 224], Distribution::Normal(0.0, 1.0), &device);
    let burn_mnv2 = median_ms(10, || sync(net.forward(x.clone()).expect("whole network")));
    println!("| MobileNetV2 forward, 1 x 224 px | {burn_mnv2:.1} |");

    for preset in [Preset::Tiny, Preset::Small, Preset::Paper] {
        let config = preset.config();
        let fusion = config.fusion.init(&device);
        let s = config.fusion.image_size;
        let x = Tensor::<4>::random([1, 3, s, s], Distribution::Normal(0.0, 1.0), &device);
        let runs = if preset == Preset::Paper { 3 } else { 10 };
        let ms = median_ms(runs, || sync(fusion.forward(x.clone()).cnn_logits));
        println!("| fusion net `{preset}`, 1 x {s} px | {ms:.1} |");
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let model_dir = dir.path().join("small");
    init_model_dir(&Preset::Small.config(), None, &model_dir, &device, 0).expect("small model");
    let analyzer = Analyzer::from_dir(
        &model_dir,
        select_device(DeviceChoice::Cpu).expect("cpu"),
        AnalyzerOptions::default(),
    )
    .expect("analyzer");
    let sample =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/samples/chelsea.png");
    let tiles = analyzer
        .analyze_file(&sample)
        .expect("analysis")
        .tiling
        .tiles;
    let ms = median_ms(5, || {
        analyzer.analyze_file(&sample).expect("analysis");
    });
    println!("| `small` analysis of chelsea.png (451 x 300, {tiles} tiles) | {ms:.1} |");
    let big = image::RgbImage::from_fn(2000, 1500, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let big_path = dir.path().join("big.png");
    big.save(&big_path).expect("save");
    let tiling = analyzer.analyze_file(&big_path).expect("analysis").tiling;
    let ms = median_ms(3, || {
        analyzer.analyze_file(&big_path).expect("analysis");
    });
    println!(
        "| `small` analysis of a 2000 x 1500 PNG ({} tiles at {} x {}) | {ms:.1} |",
        tiling.tiles, tiling.work_width, tiling.work_height
    );

    bundled_native_12mp(dir.path());

    if let Ok(python) = std::env::var("FORGELENS_BENCH_PYTHON") {
        let script =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/bench_reference.py");
        let out = std::process::Command::new(python)
            .arg(script)
            .arg(threads.to_string())
            .output()
            .expect("running the reference");
        let text = String::from_utf8_lossy(&out.stdout);
        match text.trim().parse::<f64>() {
            Ok(torch_ms) => println!(
                "\nPyTorch MobileNetV2 forward, same input size and threads: {torch_ms:.1} ms; \
                 Burn flex / PyTorch = {:.2}",
                burn_mnv2 / torch_ms
            ),
            Err(_) => println!(
                "\nreference failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
}
