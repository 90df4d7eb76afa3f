//! Measures what the UI costs: time from launch to the first frame, and how long frames
//! take while an analysis runs on the worker (logged at `info`: `RUST_LOG=info forgelens`).

use std::sync::OnceLock;
use std::time::Instant;

static LAUNCHED: OnceLock<Instant> = OnceLock::new();

/// Marks the moment the app was launched.
pub fn mark_launch() {
    let _ = LAUNCHED.set(Instant::now());
}

#[derive(Debug, Default)]
pub struct FrameStats {
    first_frame_done: bool,
    busy_frames: Vec<f64>,
}

impl FrameStats {
    /// Records one frame that took `ms`; `busy` when an analysis was running.
    pub fn record(&mut self, ms: f64, busy: bool) {
        if !self.first_frame_done {
            self.first_frame_done = true;
            if let Some(t) = LAUNCHED.get() {
                log::info!(
                    "first frame {:.0} ms after launch",
                    t.elapsed().as_secs_f64() * 1000.0
                );
            }
        }
        if busy {
            self.busy_frames.push(ms);
        } else if !self.busy_frames.is_empty() {
            let n = self.busy_frames.len();
            let mean = self.busy_frames.iter().sum::<f64>() / n as f64;
            let max = self.busy_frames.iter().copied().fold(0.0, f64::max);
            log::info!("{n} frames while analysing: mean {mean:.2} ms, max {max:.2} ms");
            self.busy_frames.clear();
        }
    }
}
