//! Each tool's median time on a 12-megapixel JPEG (coffee.png upscaled to 4243x2828, saved at
//! quality 90), with the default parameters. `cargo bench -p forgelens-forensics`; add
//! `--features c2pa` to time Content Credentials too. Targets on two cores: every tool within
//! 1 s, ghosts and copy-move within 10 s. CPU time per run is printed too: on a busy machine
//! the wall time overstates, and CPU / cores is what an idle machine would take.

use std::time::Instant;

/// This process's user + system CPU time in seconds (Linux `/proc/self/stat`; 0 elsewhere),
/// which, unlike wall time, other jobs on the machine do not inflate.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

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
    println!(
        "{:<10} {:>10} {:>12} {:>6}  target (wall)",
        "tool", "median ms", "CPU ms/run", "runs"
    );
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
        let cpu_start = cpu_seconds();
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let out = run(tool, &evidence, &params).expect("tool runs");
                std::hint::black_box(out);
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        let cpu_ms = (cpu_seconds() - cpu_start) * 1e3 / runs as f64;
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let target = if heavy { 10_000.0 } else { 1_000.0 };
        println!(
            "{:<10} {:>10.0} {:>12.0} {:>6}  {} {:.0} ms",
            tool.name(),
            median,
            cpu_ms,
            runs,
            if median <= target { "within" } else { "OVER" },
            target
        );
    }
}
