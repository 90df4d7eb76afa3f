//! The classic toolbox in the app: persisted settings (each tool's parameters), the key a
//! computation is cached under (image, tool, that tool's parameters), and the cache of tool
//! outputs at display resolution with their textures and region lists.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use egui::TextureHandle;
use forgelens_engine::analysis::Heatmap;
use forgelens_engine::progress::{CancelToken, Progress};
use forgelens_engine::regions::{Region, regions};
use forgelens_engine::tiling::resize_map;
use forgelens_forensics::{Findings, Params, Scale, Tool, ToolOutput};
use image::RgbImage;
use serde::{Deserialize, Serialize};

use super::map_view::{MapLook, map_picture, to_color_image};

/// The tools that give maps, in the toolbox's order; the others only give findings.
pub const MAP_TOOLS: [Tool; 8] = [
    Tool::Ela,
    Tool::Noise,
    Tool::Jpeg,
    Tool::Ghosts,
    Tool::CopyMove,
    Tool::Gradient,
    Tool::Pca,
    Tool::Histogram,
];

/// The file panel's tools: findings only, no maps.
pub const FILE_TOOLS: [Tool; 3] = [Tool::Metadata, Tool::Structure, Tool::C2pa];

/// One map of one tool (tools give one to three maps, in a fixed order for given parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ToolMap {
    pub tool: Tool,
    pub index: u8,
}

impl ToolMap {
    pub fn first(tool: Tool) -> Self {
        Self { tool, index: 0 }
    }
}

/// What the toolbox remembers between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ToolboxSettings {
    pub show_panel: bool,
    /// The tool whose parameters and maps the panel shows.
    pub tool: Tool,
    /// Which of its maps.
    pub map: u8,
    pub params: Params,
    /// Each tool's threshold for its maps' regions and overlay (absent: `DEFAULT_THRESHOLD`):
    /// the tools' scales differ, so one threshold for all would suit none.
    pub thresholds: BTreeMap<Tool, f32>,
    /// Where the swipe divider is, 0 (all right view) to 1 (all left view).
    pub swipe_at: f32,
}

impl Default for ToolboxSettings {
    fn default() -> Self {
        Self {
            show_panel: false,
            tool: Tool::Ela,
            map: 0,
            params: Params::default(),
            thresholds: BTreeMap::new(),
            swipe_at: 0.5,
        }
    }
}

/// A tool's threshold until the analyst moves its slider.
pub const DEFAULT_THRESHOLD: f32 = 0.5;

impl ToolboxSettings {
    pub fn threshold(&self, tool: Tool) -> f32 {
        self.thresholds
            .get(&tool)
            .copied()
            .unwrap_or(DEFAULT_THRESHOLD)
    }

    pub fn threshold_mut(&mut self, tool: Tool) -> &mut f32 {
        self.thresholds.entry(tool).or_insert(DEFAULT_THRESHOLD)
    }
}

/// A computation: the image (SHA-256 of its bytes), the tool, and that tool's parameters
/// (JSON), so that changing one tool's parameters leaves the others' results cached.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ToolKey {
    pub sha256: String,
    pub tool: Tool,
    pub params: String,
}

impl ToolKey {
    pub fn new(sha256: &str, tool: Tool, params: &Params) -> Self {
        let json = match tool {
            Tool::Ela => serde_json::to_string(&params.ela),
            Tool::Noise => serde_json::to_string(&params.noise),
            Tool::Jpeg => serde_json::to_string(&params.jpeg),
            Tool::Ghosts => serde_json::to_string(&params.ghosts),
            Tool::CopyMove => serde_json::to_string(&params.copy_move),
            Tool::Metadata => serde_json::to_string(&params.metadata),
            Tool::Structure => Ok(String::new()),
            Tool::C2pa => serde_json::to_string(&params.c2pa),
            Tool::Gradient => serde_json::to_string(&params.gradient),
            Tool::Pca => serde_json::to_string(&params.pca),
            Tool::Histogram => serde_json::to_string(&params.histogram),
        };
        Self {
            sha256: sha256.to_string(),
            tool,
            params: json.unwrap_or_default(),
        }
    }
}

/// One map of a finished tool at display resolution, with its texture and regions.
pub struct ShownMap {
    pub name: String,
    pub scale: Scale,
    pub map: Heatmap,
    texture: Option<(MapLook, TextureHandle)>,
    regions: Option<(f32, Vec<Region>)>,
}

impl ShownMap {
    pub fn texture(
        &mut self,
        ctx: &egui::Context,
        image: &RgbImage,
        look: MapLook,
    ) -> TextureHandle {
        if let Some((old, texture)) = &self.texture
            && *old == look
        {
            return texture.clone();
        }
        let picture = map_picture(image, &self.map, look);
        let texture = ctx.load_texture(
            format!("tool-{}", self.name),
            to_color_image(&picture),
            egui::TextureOptions::LINEAR,
        );
        self.texture = Some((look, texture.clone()));
        texture
    }

    /// Regions at `threshold`, by the same extractor as the learned maps.
    pub fn regions(&mut self, threshold: f32) -> &[Region] {
        if !matches!(&self.regions, Some((t, _)) if *t == threshold) {
            self.regions = Some((threshold, regions(&self.map, threshold)));
        }
        &self.regions.as_ref().expect("just computed").1
    }
}

pub struct Finished {
    pub maps: Vec<ShownMap>,
    pub findings: Findings,
    pub elapsed_ms: f64,
}

pub enum Entry {
    Running {
        cancel: CancelToken,
        progress: Option<Progress>,
        started: Instant,
    },
    Done(Box<Finished>),
    Failed(String),
    /// Cancelled by the analyst: not computed again until asked.
    Cancelled,
}

/// Tool results of the images seen this session, least recently asked for dropped first.
#[derive(Default)]
pub struct ToolCache {
    entries: HashMap<ToolKey, (u64, Entry)>,
    clock: u64,
    /// Computations finished (tests count recomputations with it).
    pub computed: usize,
}

impl ToolCache {
    const CAPACITY: usize = 16;

    /// The entry for `key`, marked as just used.
    pub fn get(&mut self, key: &ToolKey) -> Option<&mut Entry> {
        self.clock += 1;
        let clock = self.clock;
        self.entries.get_mut(key).map(|(used, entry)| {
            *used = clock;
            entry
        })
    }

    pub fn contains(&self, key: &ToolKey) -> bool {
        self.entries.contains_key(key)
    }

    pub fn start(&mut self, key: ToolKey, cancel: CancelToken) {
        self.insert(
            key,
            Entry::Running {
                cancel,
                progress: None,
                started: Instant::now(),
            },
        );
    }

    fn insert(&mut self, key: ToolKey, entry: Entry) {
        self.clock += 1;
        self.entries.insert(key, (self.clock, entry));
        while self.entries.len() > Self::CAPACITY {
            let oldest = self
                .entries
                .iter()
                .filter(|(_, (_, e))| !matches!(e, Entry::Running { .. }))
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => self.entries.remove(&k),
                None => break,
            };
        }
    }

    pub fn progress(&mut self, key: &ToolKey, progress: Progress) {
        if let Some((_, Entry::Running { progress: p, .. })) = self.entries.get_mut(key) {
            *p = Some(progress);
        }
    }

    /// A finished computation, its maps brought to the display size `[w, h]`.
    pub fn finish(&mut self, key: ToolKey, result: Result<ToolOutput, String>, size: [u32; 2]) {
        if !matches!(self.entries.get(&key), Some((_, Entry::Running { .. }))) {
            return; // cancelled, or made stale by an image that is no longer shown
        }
        self.computed += 1;
        let entry = match result {
            Ok(output) => Entry::Done(Box::new(Finished {
                maps: output
                    .maps
                    .into_iter()
                    .map(|m| ShownMap {
                        map: Heatmap {
                            width: size[0],
                            height: size[1],
                            values: resize_map(m.values, m.width, m.height, size[0], size[1]),
                        },
                        name: m.name,
                        scale: m.scale,
                        texture: None,
                        regions: None,
                    })
                    .collect(),
                findings: output.findings,
                elapsed_ms: output.elapsed_ms,
            })),
            Err(e) => Entry::Failed(e),
        };
        self.insert(key, entry);
    }

    /// Forgets a computation: asking again starts it afresh.
    pub fn forget(&mut self, key: &ToolKey) {
        self.entries.remove(key);
    }

    /// Cancels every computation in flight.
    pub fn cancel_running(&mut self) {
        for (_, entry) in self.entries.values_mut() {
            if let Entry::Running { cancel, .. } = entry {
                cancel.cancel();
                *entry = Entry::Cancelled;
            }
        }
    }

    pub fn running(&self) -> usize {
        self.entries
            .values()
            .filter(|(_, e)| matches!(e, Entry::Running { .. }))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tool_keeps_its_own_threshold_across_saving() {
        let mut settings = ToolboxSettings::default();
        assert_eq!(settings.threshold(Tool::Ela), DEFAULT_THRESHOLD);
        *settings.threshold_mut(Tool::Ela) = 0.2;
        *settings.threshold_mut(Tool::Noise) = 0.8;
        assert_eq!(settings.threshold(Tool::Ela), 0.2);
        assert_eq!(settings.threshold(Tool::Noise), 0.8);
        assert_eq!(settings.threshold(Tool::Ghosts), DEFAULT_THRESHOLD);
        let saved = serde_json::to_string(&settings).expect("serialises");
        let back: ToolboxSettings = serde_json::from_str(&saved).expect("reads back");
        assert_eq!(back, settings);
        // Settings saved before per-tool thresholds (one `threshold` for all) still load.
        let old: ToolboxSettings =
            serde_json::from_str(r#"{"show_panel": true, "threshold": 0.3}"#).expect("loads");
        assert!(old.show_panel);
        assert_eq!(old.threshold(Tool::Ela), DEFAULT_THRESHOLD);
    }

    #[test]
    fn a_key_moves_with_its_own_tools_parameters_only() {
        let mut params = Params::default();
        let ela = ToolKey::new("ab", Tool::Ela, &params);
        let noise = ToolKey::new("ab", Tool::Noise, &params);
        params.ela.quality = 90;
        assert_ne!(ToolKey::new("ab", Tool::Ela, &params), ela);
        assert_eq!(ToolKey::new("ab", Tool::Noise, &params), noise);
        assert_ne!(ToolKey::new("cd", Tool::Noise, &params), noise);
    }

    #[test]
    fn results_of_cancelled_computations_are_dropped() {
        let mut cache = ToolCache::default();
        let key = ToolKey::new("ab", Tool::Structure, &Params::default());
        cache.start(key.clone(), CancelToken::new());
        assert_eq!(cache.running(), 1);
        cache.cancel_running();
        cache.finish(key.clone(), Err("late".into()), [4, 4]);
        assert!(matches!(cache.get(&key), Some(Entry::Cancelled)));
        assert_eq!((cache.computed, cache.running()), (0, 0));
    }
}
