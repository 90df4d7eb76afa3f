//! `Analysis`: everything one run of the model says about one image, as plain serde data
//! (no tensors), so that thresholds, overlays, region lists and reports never re-run it.

use serde::{Deserialize, Serialize};

use crate::map_kind::MapKind;
use crate::model::CLASS_NAMES;
pub use crate::verdict::{Verdict, percent, verdict};
pub use crate::verdict_evidence::VerdictSource;

pub const ANALYSIS_SCHEMA_VERSION: u32 = 1;

/// A map at the input image's resolution, row-major, values in [0, 1] on the map's fixed
/// scale (`Analysis::map_scale`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heatmap {
    pub width: u32,
    pub height: u32,
    pub values: Vec<f32>,
}

impl Heatmap {
    pub fn get(&self, x: u32, y: u32) -> f32 {
        self.values[(y * self.width + x) as usize]
    }

    /// Share of pixels at or above `threshold`, in [0, 1].
    pub fn area_above(&self, threshold: f32) -> f32 {
        if self.values.is_empty() {
            return 0.0;
        }
        self.values.iter().filter(|&&v| v >= threshold).count() as f32 / self.values.len() as f32
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Real,
    Partial,
    Full,
}

impl Label {
    pub fn from_index(i: usize) -> Self {
        match i {
            0 => Label::Real,
            1 => Label::Partial,
            _ => Label::Full,
        }
    }
    pub fn name(self) -> &'static str {
        CLASS_NAMES[self as usize]
    }
    pub fn index(self) -> usize {
        self as usize
    }
    pub const ALL: [Label; 3] = [Label::Real, Label::Partial, Label::Full];
    pub fn describe(self) -> &'static str {
        match self {
            Label::Real => "real (no manipulation found)",
            Label::Partial => "partially manipulated",
            Label::Full => "fully generated",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Probabilities {
    pub real: f32,
    pub partial: f32,
    pub full: f32,
}

impl Probabilities {
    pub fn as_array(&self) -> [f32; 3] {
        [self.real, self.partial, self.full]
    }

    /// The most probable class and its probability (the first of equals).
    pub fn most_likely(&self) -> (Label, f32) {
        let (index, p) =
            self.as_array()
                .into_iter()
                .enumerate()
                .fold(
                    (0, f32::MIN),
                    |best, (i, v)| if v > best.1 { (i, v) } else { best },
                );
        (Label::from_index(index), p)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputInfo {
    pub file_name: Option<String>,
    pub byte_len: u64,
    /// SHA-256 of the exact input bytes.
    pub sha256: String,
    pub format: String,
    /// After EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// EXIF orientation tag (1 = upright) that was applied.
    pub exif_orientation: u8,
    /// The decoded colour type before conversion to 8-bit RGB (e.g. `Rgba16`, `L8`).
    pub colour: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    pub name: String,
    pub weights_sha256: String,
    pub extractor: String,
    pub trained: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub backend: String,
    pub name: String,
}

/// How the maps were computed at native resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TilingInfo {
    /// Tile side in pixels of the working image (the fusion net's input size).
    pub tile_size: u32,
    pub tiles: u32,
    pub overlap: f32,
    /// Working image size the tiles were cut from; equal to the input unless it was
    /// scaled (up, when smaller than a tile; down, to stay within `max_tiles`).
    pub work_width: u32,
    pub work_height: u32,
}

impl TilingInfo {
    /// A sentence when the maps were computed below native resolution (an image larger than
    /// the tile budget); `None` at native resolution or when a small image was scaled up.
    pub fn reduced_note(&self, width: u32, height: u32) -> Option<String> {
        (u64::from(self.work_width) * u64::from(self.work_height)
            < u64::from(width) * u64::from(height))
        .then(|| {
            format!(
                "maps at reduced resolution: {} x {} of {} x {} (the tile budget; raise \
                 --max-tiles for native resolution)",
                self.work_width, self.work_height, width, height
            )
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    pub decode_ms: f64,
    pub detect_ms: f64,
    pub localise_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Maps {
    pub cam: Heatmap,
    pub attention: Heatmap,
    pub fused: Heatmap,
}

impl Maps {
    pub fn iter(&self) -> [(MapKind, &Heatmap); 3] {
        MapKind::ALL.map(|kind| (kind, self.get(kind)))
    }

    pub fn get(&self, kind: MapKind) -> &Heatmap {
        match kind {
            MapKind::Cam => &self.cam,
            MapKind::Attention => &self.attention,
            MapKind::Fused => &self.fused,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub schema_version: u32,
    pub input: InputInfo,
    pub model: ModelInfo,
    pub device: DeviceInfo,
    pub probabilities: Probabilities,
    pub verdict: Verdict,
    /// Mean squared teacher-student discrepancies (N_S1, N_S2) of the whole-image view.
    pub discrepancy: [f32; 2],
    /// The fusion net's own image-level classification, for comparison only: the verdict
    /// is N_C's (paper sec. 3.6). `None` in analyses saved before it was recorded.
    #[serde(default)]
    pub fusion_probabilities: Option<Probabilities>,
    pub maps: Maps,
    /// What 0 and 1 mean on each map (fixed scales); `None` in analyses saved before, whose
    /// maps were min-max normalised per image.
    #[serde(default)]
    pub map_scale: Option<String>,
    /// Where the verdict's evidence came from; `None` in analyses saved before it was
    /// recorded (the whole-image view alone).
    #[serde(default)]
    pub verdict_source: Option<VerdictSource>,
    pub tiling: TilingInfo,
    pub timings: Timings,
}

/// `Analysis` without the map values, for `--json` output and indexes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisSummary {
    pub schema_version: u32,
    pub input: InputInfo,
    pub model: ModelInfo,
    pub device: DeviceInfo,
    pub probabilities: Probabilities,
    pub verdict: Verdict,
    pub discrepancy: [f32; 2],
    #[serde(default)]
    pub fusion_probabilities: Option<Probabilities>,
    /// Share of pixels at or above 0.5 in each map.
    pub area_at_0_5: MapAreas,
    #[serde(default)]
    pub map_scale: Option<String>,
    #[serde(default)]
    pub verdict_source: Option<VerdictSource>,
    pub tiling: TilingInfo,
    pub timings: Timings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapAreas {
    pub cam: f32,
    pub attention: f32,
    pub fused: f32,
}

impl Analysis {
    pub fn summary(&self) -> AnalysisSummary {
        AnalysisSummary {
            schema_version: self.schema_version,
            input: self.input.clone(),
            model: self.model.clone(),
            device: self.device.clone(),
            probabilities: self.probabilities,
            verdict: self.verdict.clone(),
            discrepancy: self.discrepancy,
            fusion_probabilities: self.fusion_probabilities,
            area_at_0_5: MapAreas {
                cam: self.maps.cam.area_above(0.5),
                attention: self.maps.attention.area_above(0.5),
                fused: self.maps.fused.area_above(0.5),
            },
            map_scale: self.map_scale.clone(),
            verdict_source: self.verdict_source.clone(),
            tiling: self.tiling.clone(),
            timings: self.timings.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TilingInfo;

    fn tiling(work_width: u32, work_height: u32) -> TilingInfo {
        TilingInfo {
            tile_size: 256,
            tiles: 4,
            overlap: 0.25,
            work_width,
            work_height,
        }
    }

    #[test]
    fn only_a_working_size_below_the_input_is_reported_as_reduced() {
        assert_eq!(tiling(4000, 3000).reduced_note(4000, 3000), None);
        // A small image scaled up to one tile is not a loss of resolution.
        assert_eq!(tiling(256, 384).reduced_note(100, 150), None);
        let note = tiling(1722, 1291)
            .reduced_note(4000, 3000)
            .expect("reduced");
        assert!(note.contains("1722 x 1291 of 4000 x 3000"), "{note}");
        assert!(note.contains("--max-tiles"), "{note}");
    }
}
