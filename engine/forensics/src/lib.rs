//! ForgeLens's classic toolbox: forensic tools that need no training data. Each tool is a
//! deterministic function of the evidence (the file's bytes and its decoded pixels) and a serde
//! parameter struct, returning maps at image resolution on a documented scale and findings as
//! plain serde data. `run` dispatches on `Tool`; each tool's module doc names its method.

mod control;
pub mod copy_move;
pub mod credentials;
pub mod ela;
mod error;
mod evidence;
pub mod ghosts;
pub mod gradient;
pub mod histogram;
pub mod jpeg;
mod map;
pub mod metadata;
pub mod noise;
pub mod pca;
mod plane;
pub mod structure;

pub use control::Control;
pub use error::ForensicsError;
pub use evidence::{Evidence, FileFormat, Limits};
pub use map::{Map, MapSummary, Scale};

use serde::{Deserialize, Serialize};

/// The tools, in the order the command line runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    Ela,
    Noise,
    Jpeg,
    Ghosts,
    CopyMove,
    Metadata,
    Structure,
    C2pa,
    Gradient,
    Pca,
    Histogram,
}

impl Tool {
    pub const ALL: [Tool; 11] = [
        Tool::Ela,
        Tool::Noise,
        Tool::Jpeg,
        Tool::Ghosts,
        Tool::CopyMove,
        Tool::Metadata,
        Tool::Structure,
        Tool::C2pa,
        Tool::Gradient,
        Tool::Pca,
        Tool::Histogram,
    ];

    /// The name on the command line and in file names.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Ela => "ela",
            Tool::Noise => "noise",
            Tool::Jpeg => "jpeg",
            Tool::Ghosts => "ghosts",
            Tool::CopyMove => "copy-move",
            Tool::Metadata => "metadata",
            Tool::Structure => "structure",
            Tool::C2pa => "c2pa",
            Tool::Gradient => "gradient",
            Tool::Pca => "pca",
            Tool::Histogram => "histogram",
        }
    }

    /// A line for menus and help.
    pub fn title(self) -> &'static str {
        match self {
            Tool::Ela => "Error level analysis",
            Tool::Noise => "Noise residual, level and inconsistency",
            Tool::Jpeg => "JPEG tables, quality, grid and double compression",
            Tool::Ghosts => "JPEG ghosts",
            Tool::CopyMove => "Copy-move (dense field)",
            Tool::Metadata => "Metadata (EXIF, XMP, IPTC, thumbnail, GPS)",
            Tool::Structure => "File structure (markers, chunks)",
            Tool::C2pa => "Content Credentials (C2PA)",
            Tool::Gradient => "Luminance gradient",
            Tool::Pca => "Colour-channel PCA",
            Tool::Histogram => "Histogram and clipping",
        }
    }
}

impl std::fmt::Display for Tool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Tool {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        Tool::ALL
            .into_iter()
            .find(|t| t.name() == s || (s == "copymove" && *t == Tool::CopyMove))
            .ok_or_else(|| {
                let names: Vec<&str> = Tool::ALL.iter().map(|t| t.name()).collect();
                format!("unknown tool `{s}` (one of {})", names.join(", "))
            })
    }
}

/// Every tool's parameters; each part has its own defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Params {
    pub ela: ela::ElaParams,
    pub noise: noise::NoiseParams,
    pub jpeg: jpeg::JpegParams,
    pub ghosts: ghosts::GhostParams,
    pub copy_move: copy_move::CopyMoveParams,
    pub metadata: metadata::MetadataParams,
    pub c2pa: credentials::C2paParams,
    pub gradient: gradient::GradientParams,
    pub pca: pca::PcaParams,
    pub histogram: histogram::HistogramParams,
}

/// What a tool found, one variant per tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "tool", rename_all = "kebab-case")]
pub enum Findings {
    Ela(ela::ElaFindings),
    Noise(noise::NoiseFindings),
    Jpeg(Box<jpeg::JpegFindings>),
    Ghosts(ghosts::GhostFindings),
    CopyMove(copy_move::CopyMoveFindings),
    Metadata(Box<metadata::MetadataFindings>),
    Structure(structure::StructureFindings),
    C2pa(Box<credentials::C2paFindings>),
    Gradient(gradient::GradientFindings),
    Pca(pca::PcaFindings),
    Histogram(Box<histogram::HistogramFindings>),
}

/// One tool's result: maps at the upright image's resolution, and findings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolOutput {
    pub tool: Tool,
    pub maps: Vec<Map>,
    pub findings: Findings,
    /// Wall-clock time the tool took.
    pub elapsed_ms: f64,
}

/// A tool's output without map values, for JSON files and reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSummary {
    pub tool: Tool,
    pub maps: Vec<MapSummary>,
    pub findings: Findings,
    pub elapsed_ms: f64,
}

impl ToolOutput {
    pub fn summary(&self) -> ToolSummary {
        ToolSummary {
            tool: self.tool,
            maps: self.maps.iter().map(Map::summary).collect(),
            findings: self.findings.clone(),
            elapsed_ms: self.elapsed_ms,
        }
    }
}

/// Runs one tool. Pixel tools work on the pixels as stored (where the JPEG grid is); their maps
/// are then turned upright with the EXIF orientation, to lie over the upright image.
pub fn run(tool: Tool, evidence: &Evidence, params: &Params) -> Result<ToolOutput, ForensicsError> {
    run_with(tool, evidence, params, &Control::none())
}

/// `run`, reporting progress to `control` and stopping with `Cancelled` when it asks.
pub fn run_with(
    tool: Tool,
    evidence: &Evidence,
    params: &Params,
    control: &Control<'_>,
) -> Result<ToolOutput, ForensicsError> {
    control.step(0.0)?;
    let start = std::time::Instant::now();
    let (maps, findings) = match tool {
        Tool::Ela => ela::run(evidence, &params.ela)?,
        Tool::Noise => noise::run(evidence, &params.noise)?,
        Tool::Jpeg => jpeg::run(evidence, &params.jpeg)?,
        Tool::Ghosts => ghosts::run(evidence, &params.ghosts)?,
        Tool::CopyMove => copy_move::run(evidence, &params.copy_move, control)?,
        Tool::Metadata => metadata::run(evidence, &params.metadata)?,
        Tool::Structure => structure::run(evidence)?,
        Tool::C2pa => credentials::run(evidence, &params.c2pa)?,
        Tool::Gradient => gradient::run(evidence, &params.gradient)?,
        Tool::Pca => pca::run(evidence, &params.pca)?,
        Tool::Histogram => histogram::run(evidence, &params.histogram)?,
    };
    let maps = maps
        .into_iter()
        .map(|m| m.oriented(evidence.orientation))
        .collect();
    control.step(1.0)?;
    Ok(ToolOutput {
        tool,
        maps,
        findings,
        elapsed_ms: start.elapsed().as_secs_f64() * 1e3,
    })
}

/// What a tool module's `run` returns: maps as stored (not yet upright) and findings.
pub(crate) type Outcome = (Vec<Map>, Findings);
