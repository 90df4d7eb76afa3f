//! Who writes to a case: the program's version and its clock.

use std::sync::Arc;

use crate::{Clock, SystemClock, utc_string};

/// Who writes to the case: the program's version (in every audit entry) and its clock.
#[derive(Clone)]
pub struct Actor {
    pub tool_version: String,
    pub clock: Arc<dyn Clock>,
}

impl Actor {
    pub fn new(tool_version: impl Into<String>) -> Self {
        Self {
            tool_version: tool_version.into(),
            clock: Arc::new(SystemClock),
        }
    }

    pub fn now(&self) -> String {
        utc_string(self.clock.now())
    }
}

impl std::fmt::Debug for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Actor")
            .field("tool_version", &self.tool_version)
            .finish()
    }
}
