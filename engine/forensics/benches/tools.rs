//! Each tool's median time on a 12-megapixel JPEG (coffee.png upscaled to 4243x2828, saved at
//! quality 90), with the default parameters. `cargo bench -p forgelens-forensics`; add
//! `--features c2pa` to time Content Credentials too. Targets on two cores: every tool within
//! 1 s, ghosts and copy-move within 10 s.

use std::time::Instant;

use forgelens_forensics::{Evidence, Limits, Params, Tool, credentials, run};

fn main() {
    let path = format!(
        "{}/../../assets/samples/coffee.png",
        env!("CARGO_MANIFEST_DIR")
    );
    let photo = image::open(&path).expect("sample").into_rgb8();
    let big = image::imageops::resize(&photo, 4243, 2828, image::imageops::FilterType::Triangle);
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&big)
        .expect("JPEG");
    let start = Instant::now();
    let evidence = Evidence::from_bytes("bench.jpg", bytes, &Limits::default()).expect("decodes");
    println!(
        "{}x{} ({:.1} MP), {} threads; read + decode {:.0} ms",
        evidence.width(),
        evidence.height(),
        f64::from(evidence.width()) * f64::from(evidence.height()) / 1e6,
        rayon::current_num_threads(),
        start.elapsed().as_secs_f64() * 1e3
    );
    let params = Params::default();
    println!("{:<10} {:>10} {:>8}  target", "tool", "median ms", "runs");
    for tool in Tool::ALL {
        if tool == Tool::C2pa && !credentials::AVAILABLE {
            println!(
                "{:<10} {:>10} {:>8}  (built without the c2pa feature)",
                tool.name(),
                "-",
                0
            );
            continue;
        }
        let heavy = matches!(tool, Tool::Ghosts | Tool::CopyMove);
        let runs = if heavy { 3 } else { 5 };
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let out = run(tool, &evidence, &params).expect("tool runs");
                std::hint::black_box(out);
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let target = if heavy { 10_000.0 } else { 1_000.0 };
        println!(
            "{:<10} {:>10.0} {:>8}  {} {:.0} ms",
            tool.name(),
            median,
            runs,
            if median <= target { "within" } else { "OVER" },
            target
        );
    }
}
