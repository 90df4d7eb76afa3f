//! The toolbox's side of the app: which tools the screen needs (views in the layout, the
//! panel's tool, the file panel), asking the toolbox thread for those not cached, taking its
//! replies in, cancelling, and the trust anchors for Content Credentials.

use std::path::PathBuf;

use forgelens_engine::progress::CancelToken;
use forgelens_forensics::{Tool, ToolOutput, credentials};

use super::super::command::Command;
use super::super::state::{Layout, ViewKind};
use super::super::toolbox::{Entry, FILE_TOOLS, ToolKey, ToolMap};
use super::super::worker::ToolRequest;
use super::ForgeLensApp;

impl ForgeLensApp {
    /// The views the central area shows in the current layout.
    pub(super) fn visible_views(&self) -> Vec<ViewKind> {
        match self.state.layout {
            Layout::Single(kind) => vec![kind],
            Layout::Compare { left, right, .. } => vec![left, right],
            Layout::Grid => {
                let mut views = ViewKind::ALL.to_vec();
                if self.state.toolbox.show_panel {
                    views.push(ViewKind::Tool(self.panel_map()));
                }
                views
            }
        }
    }

    /// The map the toolbox panel is on.
    pub(super) fn panel_map(&self) -> ToolMap {
        let t = &self.state.toolbox;
        ToolMap {
            tool: t.tool,
            index: t.map,
        }
    }

    /// The cache key of `tool` on the shown image with the current parameters.
    pub(super) fn tool_key(&self, tool: Tool) -> Option<ToolKey> {
        let d = self.displayed.as_ref()?;
        Some(ToolKey::new(
            &d.analysis.input.sha256,
            tool,
            &self.state.toolbox.params,
        ))
    }

    /// Asks the toolbox thread for every tool on screen whose result is not cached.
    pub(super) fn request_visible_tools(&mut self) {
        if self.displayed.is_none() || self.mode != super::super::command::Mode::Image {
            return;
        }
        let mut tools: Vec<Tool> = self
            .visible_views()
            .into_iter()
            .filter_map(|v| match v {
                ViewKind::Tool(m) => Some(m.tool),
                _ => None,
            })
            .collect();
        if self.state.toolbox.show_panel {
            tools.push(self.state.toolbox.tool);
            tools.extend(
                FILE_TOOLS
                    .into_iter()
                    .filter(|&t| t != Tool::C2pa || credentials::AVAILABLE),
            );
        }
        for tool in tools {
            self.request_tool(tool);
        }
    }

    fn request_tool(&mut self, tool: Tool) {
        let (Some(key), Some(d)) = (self.tool_key(tool), self.displayed.as_ref()) else {
            return;
        };
        if self.tools.contains(&key) {
            return;
        }
        let cancel = CancelToken::new();
        self.worker.run_tool(ToolRequest {
            key: key.clone(),
            path: d.path.clone(),
            params: Box::new(self.state.toolbox.params.clone()),
            cancel: cancel.clone(),
        });
        self.tools.start(key, cancel);
    }

    /// A tool's result from the toolbox thread (`Err(None)`: it was cancelled).
    pub(super) fn tool_done(
        &mut self,
        key: ToolKey,
        result: Result<Box<ToolOutput>, Option<String>>,
    ) {
        let size = self.displayed.as_ref().map_or([1, 1], |d| d.size());
        match result {
            Ok(output) => self.tools.finish(key, Ok(*output), size),
            Err(Some(error)) => self.tools.finish(key, Err(error), size),
            Err(None) => {}
        }
    }

    pub(super) fn cancel_tools(&mut self) {
        if self.tools.running() > 0 {
            self.tools.cancel_running();
            self.status = "toolbox cancelled".into();
        }
    }

    /// Computes a tool again (after a cancel or a failure).
    pub(super) fn recompute_tool(&mut self, tool: Tool) {
        if let Some(key) = self.tool_key(tool) {
            self.tools.forget(&key);
            self.request_tool(tool);
        }
    }

    pub(super) fn trust_anchors_dialog(&self) {
        self.spawn_dialog(|| {
            rfd::FileDialog::new()
                .set_title("Trust anchors for Content Credentials (PEM)")
                .add_filter("PEM", &["pem", "crt", "cer"])
                .pick_file()
                .map(Command::SetTrustAnchors)
        });
    }

    pub(super) fn set_trust_anchors(&mut self, path: PathBuf) {
        match std::fs::read_to_string(&path) {
            Ok(pem) => self.state.toolbox.params.c2pa.trust_anchors_pem = Some(pem),
            Err(e) => self.error = Some(format!("cannot read {}: {e}", path.display())),
        }
    }
}

/// What the toolbox has for one tool on the shown image (for tests and scripts).
#[derive(Debug, Clone, PartialEq)]
pub enum ToolStatus {
    Computing,
    Cancelled,
    Failed(String),
    /// Each map's name and mean value at display resolution.
    Done(Vec<(String, f32)>),
}

impl ForgeLensApp {
    /// Toolbox computations finished this session (a cache hit adds none).
    pub fn tool_computations(&self) -> usize {
        self.tools.computed
    }

    /// The state of `tool` on the shown image with the current parameters.
    pub fn tool_status(&mut self, tool: Tool) -> Option<ToolStatus> {
        let key = self.tool_key(tool)?;
        Some(match self.tools.get(&key)? {
            Entry::Running { .. } => ToolStatus::Computing,
            Entry::Cancelled => ToolStatus::Cancelled,
            Entry::Failed(e) => ToolStatus::Failed(e.clone()),
            Entry::Done(done) => ToolStatus::Done(
                done.maps
                    .iter()
                    .map(|m| {
                        let n = m.map.values.len().max(1) as f32;
                        (m.name.clone(), m.map.values.iter().sum::<f32>() / n)
                    })
                    .collect(),
            ),
        })
    }
}
