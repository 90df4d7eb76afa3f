//! Progress reports and cancellation shared by the command line and the app: long work
//! calls a `ProgressSink` and checks a `CancelToken` between steps.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Cheap to clone; every clone sees the same flag.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// One step of a long job.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub stage: &'static str,
    pub done: usize,
    pub total: usize,
}

pub trait ProgressSink {
    fn report(&self, progress: Progress);
}

impl<F: Fn(Progress)> ProgressSink for F {
    fn report(&self, progress: Progress) {
        self(progress)
    }
}

/// Ignores every report.
pub fn no_progress() -> impl ProgressSink {
    |_: Progress| {}
}
