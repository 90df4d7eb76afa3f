//! How a report presents the maps: thresholds, the regions listed, colours, the inconclusive
//! threshold, the classic tools to include, and the appendix.

use forgelens_engine::map_kind::MapKind;
use forgelens_engine::render::Colormap;
use serde::{Deserialize, Serialize};

use crate::{MapThresholds, ToolboxRequest};

/// How a report presents the maps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportOptions {
    pub thresholds: MapThresholds,
    /// The map whose regions are listed and boxed.
    pub regions_map: MapKind,
    /// Most regions listed (largest first).
    pub max_regions: usize,
    pub colormap: Colormap,
    pub overlay_opacity: f32,
    /// The inconclusive threshold, in place of the model card's (the analyst's choice).
    #[serde(default)]
    pub inconclusive_below: Option<f32>,
    /// The classic tools to run and include (the metadata summary and Content Credentials
    /// status are always included).
    #[serde(default)]
    pub toolbox: ToolboxRequest,
    /// Add the appendix: every model-card metric and the model configuration (always in
    /// the report JSON).
    #[serde(default)]
    pub appendix: bool,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            thresholds: MapThresholds::default(),
            regions_map: MapKind::Fused,
            max_regions: 25,
            colormap: Colormap::Inferno,
            overlay_opacity: 0.5,
            inconclusive_below: None,
            toolbox: ToolboxRequest::default(),
            appendix: false,
        }
    }
}
