//! Everything the app remembers between runs (serde, via eframe's storage). Transient
//! things (the current analysis, textures, the worker) live in `ForgeLensApp`.

use std::path::PathBuf;

use forgelens_engine::DeviceChoice;
use forgelens_engine::render::Colormap;
use serde::{Deserialize, Serialize};

/// The four views, in the order they are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ViewKind {
    Image,
    Cam,
    Attention,
    Fused,
}

impl ViewKind {
    pub const ALL: [ViewKind; 4] = [
        ViewKind::Image,
        ViewKind::Cam,
        ViewKind::Attention,
        ViewKind::Fused,
    ];
    pub const MAPS: [ViewKind; 3] = [ViewKind::Cam, ViewKind::Attention, ViewKind::Fused];

    pub fn title(self) -> &'static str {
        match self {
            ViewKind::Image => "Image",
            ViewKind::Cam => "CAM",
            ViewKind::Attention => "Attention",
            ViewKind::Fused => "Fused",
        }
    }

    /// Index into `[cam, attention, fused]`.
    pub fn map_index(self) -> Option<usize> {
        match self {
            ViewKind::Image => None,
            ViewKind::Cam => Some(0),
            ViewKind::Attention => Some(1),
            ViewKind::Fused => Some(2),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Layout {
    /// Image and the three maps side by side.
    Grid,
    /// One large view.
    Single(ViewKind),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    pub recent_files: Vec<PathBuf>,
    /// None: the bundled model.
    pub model_dir: Option<PathBuf>,
    pub device: DeviceChoice,
    pub colormap: Colormap,
    pub opacity: f32,
    /// Per map: CAM, attention, fused.
    pub thresholds: [f32; 3],
    pub show_overlay: bool,
    pub binary_mask: bool,
    pub layout: Layout,
    pub dark_mode: bool,
    pub last_export_dir: Option<PathBuf>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            recent_files: Vec::new(),
            model_dir: None,
            device: DeviceChoice::Auto,
            colormap: Colormap::Inferno,
            opacity: 0.55,
            thresholds: [0.5; 3],
            show_overlay: true,
            binary_mask: false,
            layout: Layout::Grid,
            dark_mode: true,
            last_export_dir: None,
        }
    }
}

pub const MAX_RECENT: usize = 10;

impl State {
    pub fn remember(&mut self, path: PathBuf) {
        self.recent_files.retain(|p| p != &path);
        self.recent_files.insert(0, path);
        self.recent_files.truncate(MAX_RECENT);
    }
}
