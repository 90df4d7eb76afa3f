//! How a caller follows a long tool and stops it: a progress callback (the share of the
//! tool's work done, 0 to 1) and a cancel check, both consulted between the tool's steps.
//! Only the slow tools (copy-move) have steps; the others finish in well under a second.

use crate::ForensicsError;

/// Progress and cancel for one tool run.
pub struct Control<'a> {
    progress: &'a (dyn Fn(f32) + Sync),
    cancelled: &'a (dyn Fn() -> bool + Sync),
}

impl std::fmt::Debug for Control<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control").finish_non_exhaustive()
    }
}

fn no_progress(_: f32) {}

fn never() -> bool {
    false
}

impl<'a> Control<'a> {
    pub fn new(
        progress: &'a (dyn Fn(f32) + Sync),
        cancelled: &'a (dyn Fn() -> bool + Sync),
    ) -> Self {
        Self {
            progress,
            cancelled,
        }
    }

    /// Nobody follows the run and nothing stops it.
    pub fn none() -> Control<'static> {
        Control {
            progress: &no_progress,
            cancelled: &never,
        }
    }

    /// Reports `done` (0 to 1); `Cancelled` when the caller asked to stop.
    pub(crate) fn step(&self, done: f32) -> Result<(), ForensicsError> {
        (self.progress)(done.clamp(0.0, 1.0));
        if (self.cancelled)() {
            Err(ForensicsError::Cancelled)
        } else {
            Ok(())
        }
    }
}
