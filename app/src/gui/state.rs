//! Everything the app remembers between runs (serde, via eframe's storage). Transient
//! things (the current analysis, textures, the worker) live in `ForgeLensApp`.

use std::path::PathBuf;

use forgelens_engine::render::Colormap;
use forgelens_engine::{DeviceChoice, MapKind};
use serde::{Deserialize, Serialize};

use super::toolbox::{ToolMap, ToolboxSettings};
use super::training::TrainingSettings;

/// Every view: the image, the learned maps (`map_kind`: the engine's `MapKind`) and the
/// toolbox's maps. Learned views keep their own variants so that saved layouts still load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ViewKind {
    Image,
    Cam,
    Attention,
    Fused,
    Tool(ToolMap),
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
            ViewKind::Tool(m) => m.tool.title(),
        }
    }

    /// The engine's map kind of a learned view.
    pub fn map_kind(self) -> Option<MapKind> {
        match self {
            ViewKind::Image | ViewKind::Tool(_) => None,
            ViewKind::Cam => Some(MapKind::Cam),
            ViewKind::Attention => Some(MapKind::Attention),
            ViewKind::Fused => Some(MapKind::Fused),
        }
    }

    /// Index into `[cam, attention, fused]`.
    pub fn map_index(self) -> Option<usize> {
        self.map_kind().map(MapKind::index)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Layout {
    /// Image and the three maps side by side.
    Grid,
    /// One large view.
    Single(ViewKind),
    /// Two views side by side, or swiped over each other.
    Compare {
        left: ViewKind,
        right: ViewKind,
        swipe: bool,
    },
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
    /// The inconclusive threshold in place of the model card's (`None`: the card's).
    pub inconclusive_below: Option<f32>,
    pub show_overlay: bool,
    pub binary_mask: bool,
    /// Spread each map's own range over the colour scale on screen (display only).
    pub stretch_contrast: bool,
    pub layout: Layout,
    pub dark_mode: bool,
    pub last_export_dir: Option<PathBuf>,
    pub training: TrainingSettings,
    /// Shown in reports.
    pub analyst: String,
    pub case_id: String,
    pub toolbox: ToolboxSettings,
    /// The case opened last (offered by File → Open case).
    pub last_case: Option<PathBuf>,
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
            inconclusive_below: None,
            show_overlay: true,
            binary_mask: false,
            stretch_contrast: false,
            layout: Layout::Grid,
            dark_mode: true,
            last_export_dir: None,
            training: TrainingSettings::default(),
            analyst: String::new(),
            case_id: String::new(),
            toolbox: ToolboxSettings::default(),
            last_case: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_tolerates_missing_fields() {
        let mut state = State::default();
        state.remember(PathBuf::from("/a.png"));
        state.thresholds = [0.1, 0.2, 0.3];
        state.layout = Layout::Compare {
            left: ViewKind::Attention,
            right: ViewKind::Tool(ToolMap {
                tool: forgelens_forensics::Tool::Noise,
                index: 2,
            }),
            swipe: true,
        };
        state.toolbox.params.ela.quality = 90;
        let json = serde_json::to_string(&state).expect("serialise");
        assert_eq!(
            serde_json::from_str::<State>(&json).expect("deserialise"),
            state
        );
        // Settings written by an older version lack newer fields: defaults fill them in.
        let old: State = serde_json::from_str(r#"{"opacity": 0.3}"#).expect("partial");
        assert_eq!(old.opacity, 0.3);
        assert_eq!(old.thresholds, [0.5; 3]);
        assert_eq!(old.toolbox, ToolboxSettings::default());
        let single: State =
            serde_json::from_str(r#"{"layout": {"Single": "Attention"}}"#).expect("old layout");
        assert_eq!(single.layout, Layout::Single(ViewKind::Attention));
    }

    #[test]
    fn recent_files_are_unique_newest_first_and_bounded() {
        let mut state = State::default();
        for i in 0..15 {
            state.remember(PathBuf::from(format!("/{i}.png")));
        }
        state.remember(PathBuf::from("/3.png"));
        assert_eq!(state.recent_files.len(), MAX_RECENT);
        assert_eq!(state.recent_files[0], PathBuf::from("/3.png"));
        assert_eq!(
            state
                .recent_files
                .iter()
                .filter(|p| p.ends_with("3.png"))
                .count(),
            1
        );
    }
}
