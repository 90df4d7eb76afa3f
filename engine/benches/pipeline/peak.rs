//! The machine's f32 peak in multiply-accumulates per second: cores x FMA units per core x
//! f32 lanes per FMA x clock, the lanes from `/proc/cpuinfo`'s flags and the clock from
//! `lscpu`'s maximum (or `/proc/cpuinfo`'s `cpu MHz` where lscpu gives none).

/// FMA units per core, which no flag reports: two on every x86 core with AVX2 + FMA since
/// Haswell and Zen 2 (Zen 3's FP pipes 0 and 1; Skylake-SP Gold 6xxx / Platinum for
/// AVX-512). An assumption, printed with the peak.
const FMA_UNITS_PER_CORE: f64 = 2.0;

#[derive(Debug)]
pub struct Peak {
    /// Peak f32 multiply-accumulates per second, in billions.
    pub gmacs: f64,
    /// One core's share of `gmacs`.
    pub core_gmacs: f64,
    /// How the peak was computed, in words.
    pub how: String,
}

fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|line| {
            let (k, v) = line.split_once(':')?;
            (k.trim() == key).then_some(v.trim())
        })
        .filter(|v| !v.is_empty())
}

/// `None` where `/proc/cpuinfo` cannot be read or the clock is not found.
pub fn machine_peak(cores: usize) -> Option<Peak> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let flags: Vec<&str> = field(&cpuinfo, "flags")?.split_whitespace().collect();
    let has = |f: &str| flags.contains(&f);
    let (lanes, isa) = if has("avx512f") {
        (16.0, "AVX-512F")
    } else if has("avx2") && has("fma") {
        (8.0, "AVX2 + FMA, no AVX-512")
    } else {
        (4.0, "SSE, no FMA flags")
    };
    let lscpu = std::process::Command::new("lscpu")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let (mhz, clock_source) = match field(&lscpu, "CPU max MHz").and_then(|v| v.parse().ok()) {
        Some(mhz) => (mhz, "lscpu's `CPU max MHz`"),
        None => (
            field(&cpuinfo, "cpu MHz")?.parse::<f64>().ok()?,
            "/proc/cpuinfo's `cpu MHz`, the nominal (TSC) clock: lscpu gives no maximum here; \
             a turbo clock above it would lower the percentages",
        ),
    };
    let model = field(&cpuinfo, "model name").unwrap_or("unknown CPU");
    let gmacs = cores as f64 * FMA_UNITS_PER_CORE * lanes * mhz / 1000.0;
    let how = format!(
        "{model}: {cores} cores x {FMA_UNITS_PER_CORE} FMA units per core (assumed: no flag \
         says) x {lanes} f32 lanes ({isa}, from /proc/cpuinfo's flags) x {:.3} GHz ({clock_source}) \
         = {gmacs:.1} GMAC/s = {:.1} GFLOP/s",
        mhz / 1000.0,
        2.0 * gmacs
    );
    Some(Peak {
        gmacs,
        core_gmacs: gmacs / cores as f64,
        how,
    })
}
