//! The bench's markdown table: per part and batch, Burn's and the reference's wall and CPU
//! times, their ratio, Burn's GMAC/s against the peak, and the outputs' largest differences.

use serde_json::Value;

use crate::peak::Peak;

/// The timed parts, in the order `time_parts` returns them and the reference's JSON names them.
pub const PART_NAMES: [&str; 5] = [
    "detector extractor",
    "detector head",
    "fusion net",
    "map combination",
    "whole pipeline",
];

/// The outputs compared for each part (the reference computes each from its own inputs, so
/// the later parts' differences include the earlier ones').
const PART_OUTPUTS: [&[&str]; 5] = [
    &["tokens"],
    &["detector_logits", "detector_probabilities", "d1", "d2"],
    &[
        "stem_cam",
        "cam",
        "cnn_logits",
        "transformer_logits",
        "attention_last",
    ],
    &[
        "map_cam",
        "map_attention",
        "map_fused",
        "maps_upsampled",
        "fusion_probabilities",
    ],
    &[
        "detector_probabilities",
        "maps_upsampled",
        "fusion_probabilities",
    ],
];

/// Wall times of single calls, and the CPU time they took together.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    pub walls_ms: Vec<f64>,
    /// CPU time of all the calls, every thread of the process (`None` without `/proc`).
    pub cpu_ms: Option<f64>,
}

impl Samples {
    pub fn add(&mut self, other: Samples) {
        self.cpu_ms = match (self.walls_ms.is_empty(), self.cpu_ms, other.cpu_ms) {
            (true, _, c) => c,
            (false, Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        self.walls_ms.extend(other.walls_ms);
    }

    pub fn median_ms(&self) -> f64 {
        let mut walls = self.walls_ms.clone();
        walls.sort_by(f64::total_cmp);
        walls.get(walls.len() / 2).copied().unwrap_or(f64::NAN)
    }

    pub fn cpu_per_call_ms(&self) -> Option<f64> {
        self.cpu_ms.map(|c| c / self.walls_ms.len().max(1) as f64)
    }

    /// `{"walls_ms": [..], "cpu_ms": ..}` as the reference writes it.
    pub fn from_json(v: &Value) -> Option<Samples> {
        Some(Samples {
            walls_ms: v["walls_ms"]
                .as_array()?
                .iter()
                .map(Value::as_f64)
                .collect::<Option<_>>()?,
            cpu_ms: v["cpu_ms"].as_f64(),
        })
    }
}

/// One batch size's timings, per part in `PART_NAMES` order.
pub type BatchTimings = (usize, Vec<Samples>);

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"))
}

fn diffs(batch: Option<&Value>, part: usize) -> String {
    let Some(diffs) = batch.and_then(|b| b.get("diffs")) else {
        return "-".to_string();
    };
    PART_OUTPUTS[part]
        .iter()
        .map(|name| match diffs.get(*name).and_then(Value::as_f64) {
            Some(d) => format!("{name} {d:.1e}"),
            None => format!("{name} missing"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The table's lines: `burn`'s and `torch`'s timings per batch size, `reference` the
/// reference's report (versions, MACs per tile, differences per batch).
pub fn table(
    burn: &[BatchTimings],
    torch: &[BatchTimings],
    reference: Option<&Value>,
    peak: Option<&Peak>,
) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(r) = reference {
        lines.push(format!(
            "\nreference: PyTorch {} eager, fp32, inference_mode, {} threads, \
             OMP_WAIT_POLICY={}; MALLOC_MMAP_THRESHOLD_={} (for both: glibc's default hands \
             large buffers back to the system, and PyTorch pays page faults for each new one)",
            r["torch"].as_str().unwrap_or("?"),
            r["threads"],
            r["omp_wait_policy"].as_str().unwrap_or("?"),
            r["malloc_mmap_threshold"].as_str().unwrap_or("?")
        ));
    }
    let macs =
        |part: &str| reference.and_then(|r| r["macs_per_tile"].get(part).and_then(Value::as_f64));
    lines.push(String::new());
    lines.push(
        "| tiles | part | Burn ms | PyTorch ms | Burn / PyTorch | Burn CPU ms | PyTorch CPU ms \
         | Burn GMAC/s: wall (% of peak), CPU (% of a core's) | PyTorch GMAC/s: wall, CPU \
         | max abs difference |"
            .to_string(),
    );
    lines.push("|---|---|---|---|---|---|---|---|---|---|".to_string());
    for (tiles, timings) in burn {
        let batch = reference.and_then(|r| r["batches"].get(tiles.to_string()));
        let theirs = torch.iter().find(|(t, _)| t == tiles).map(|(_, s)| s);
        for (part, (name, ours)) in PART_NAMES.iter().zip(timings).enumerate() {
            let torch = theirs.and_then(|s| s.get(part));
            let burn_ms = ours.median_ms();
            let torch_ms = torch.map(Samples::median_ms);
            // GMAC/s on the wall clock against the machine's peak, and per CPU second (every
            // thread's time) against one core's: the second holds up when other work takes cores.
            let rate = |s: Option<&Samples>| {
                let (Some(m), Some(s)) = (macs(name), s) else {
                    return "-".to_string();
                };
                let gmacs = |ms: f64| m * *tiles as f64 / (ms / 1000.0) / 1e9;
                let wall = gmacs(s.median_ms());
                let cpu = s.cpu_per_call_ms().map(gmacs);
                match (peak, cpu) {
                    (Some(p), Some(c)) => format!(
                        "{wall:.1} ({:.0}%), {c:.1} ({:.0}%)",
                        100.0 * wall / p.gmacs,
                        100.0 * c / p.core_gmacs
                    ),
                    (Some(p), None) => format!("{wall:.1} ({:.0}%)", 100.0 * wall / p.gmacs),
                    _ => format!("{wall:.1}"),
                }
            };
            lines.push(format!(
                "| {tiles} | {name} | {burn_ms:.1} | {} | {} | {} | {} | {} | {} | {} |",
                ms(torch_ms),
                torch_ms.map_or("-".to_string(), |t| format!("{:.2}", burn_ms / t)),
                ms(ours.cpu_per_call_ms()),
                ms(torch.and_then(Samples::cpu_per_call_ms)),
                rate(Some(ours)),
                rate(torch),
                diffs(batch, part),
            ));
        }
    }
    lines.push(String::new());
    let samples = |tiles: usize| {
        burn.iter()
            .find(|(t, _)| *t == tiles)
            .map_or(0, |(_, s)| s[0].walls_ms.len())
    };
    lines.push(format!(
        "Wall: median of {} calls at 1 tile, {} at {} (rounds alternating Burn and PyTorch, \
         each part warmed up first in each round); CPU: mean per call, every thread of the \
         process. Ratio < 1: Burn is faster. GMAC/s: MACs per tile x tiles over the median \
         wall time, as a share of the machine's f32 peak, and over the mean CPU time, as a \
         share of one core's peak (what other load on the cores does not change).",
        samples(1),
        burn.last().map_or(0, |(t, _)| samples(*t)),
        burn.last().map_or(0, |(t, _)| *t),
    ));
    if reference.is_some() {
        let per_tile: Vec<String> = PART_NAMES
            .iter()
            .filter_map(|p| macs(p).map(|m| format!("{p} {:.1} M", m / 1e6)))
            .collect();
        lines.push(format!(
            "MACs per tile (PyTorch's FlopCounterMode on the port: convolutions and matrix \
             products, FLOPs / 2): {}",
            per_tile.join(", ")
        ));
    }
    match peak {
        Some(p) => lines.push(format!("f32 peak: {}", p.how)),
        None => lines.push("f32 peak: unknown (no /proc/cpuinfo or no clock)".to_string()),
    }
    lines
}

/// Adds one round's samples to a batch size's totals.
pub fn accumulate(totals: &mut BatchTimings, round: Vec<Samples>) {
    totals.1.resize_with(round.len(), Samples::default);
    for (total, samples) in totals.1.iter_mut().zip(round) {
        total.add(samples);
    }
}
