//! Bookmarks: a view of one evidence item (a learned map or a toolbox tool, with its
//! parameters and threshold), optionally a region, a comment and a status. Stored in the
//! case's `bookmarks.json`, rewritten atomically.

use std::fmt;
use std::str::FromStr;

use forgelens_forensics::Tool;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use forgelens_engine::map_kind::MapKind;

pub const BOOKMARKS_FILE: &str = "bookmarks.json";

/// What the analyst concluded about the bookmarked view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BookmarkStatus {
    Ok,
    #[default]
    ToCheck,
    Warning,
}

impl BookmarkStatus {
    pub const ALL: [BookmarkStatus; 3] = [Self::Ok, Self::ToCheck, Self::Warning];

    /// The name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::ToCheck => "to-check",
            Self::Warning => "warning",
        }
    }

    /// The words people read.
    pub fn title(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::ToCheck => "To check",
            Self::Warning => "Warning",
        }
    }
}

impl fmt::Display for BookmarkStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BookmarkStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s.trim())
            .ok_or_else(|| format!("unknown status `{s}`: one of ok, to-check, warning"))
    }
}

/// The view a bookmark shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum BookmarkView {
    /// The image itself.
    Image,
    /// A learned map, thresholded at `threshold` (0..=1) when given.
    Map {
        map: MapKind,
        threshold: Option<f32>,
    },
    /// A toolbox tool's map, with the tool's parameters (its part of
    /// `forgelens_forensics::Params`) and threshold.
    Tool {
        tool: Tool,
        #[serde(default)]
        parameters: Value,
        threshold: Option<f32>,
    },
}

impl BookmarkView {
    /// `image`, a map name (`cam`, `attention`, `fused`) or a tool name (`ela`, `noise`, ...).
    pub fn parse(kind: &str, threshold: Option<f32>) -> Result<Self, String> {
        if let Some(t) = threshold
            && !(0.0..=1.0).contains(&t)
        {
            return Err(format!("the threshold {t} is not between 0 and 1"));
        }
        let kind = kind.trim().to_ascii_lowercase();
        if kind == "image" {
            return Ok(Self::Image);
        }
        if let Ok(map) = kind.parse::<MapKind>() {
            return Ok(Self::Map { map, threshold });
        }
        match kind.parse::<Tool>() {
            Ok(tool) => Ok(Self::Tool {
                tool,
                parameters: default_parameters(tool),
                threshold,
            }),
            Err(_) => Err(format!(
                "unknown view `{kind}`: image, cam, attention, fused, or a tool ({})",
                Tool::ALL.map(|t| t.name()).join(", ")
            )),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Self::Image => "image".into(),
            Self::Map { map, .. } => map.name().into(),
            Self::Tool { tool, .. } => tool.name().into(),
        }
    }

    pub fn threshold(&self) -> Option<f32> {
        match self {
            Self::Image => None,
            Self::Map { threshold, .. } | Self::Tool { threshold, .. } => *threshold,
        }
    }

    /// One line: `fused at 0.50`, `ela {"quality":75,...}`.
    pub fn describe(&self) -> String {
        let mut text = self.name();
        if let Self::Tool { parameters, .. } = self
            && !parameters.is_null()
        {
            text += &format!(" {parameters}");
        }
        if let Some(t) = self.threshold() {
            text += &format!(" at {t:.2}");
        }
        text
    }
}

/// A tool's default parameters as JSON (`null` for a tool without any).
pub fn default_parameters(tool: Tool) -> Value {
    let all = super::json_value(&forgelens_forensics::Params::default());
    let key = tool.name().replace('-', "_");
    all.get(&key).cloned().unwrap_or(Value::Null)
}

/// A rectangle in the image's pixels (after EXIF orientation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookmarkRegion {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl FromStr for BookmarkRegion {
    type Err = String;

    /// `x,y,w,h` in pixels; width and height at least 1.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        let numbers: Result<Vec<u32>, _> = parts.iter().map(|p| p.parse::<u32>()).collect();
        match numbers.as_deref() {
            Ok([x, y, w, h]) if *w > 0 && *h > 0 => Ok(Self {
                x: *x,
                y: *y,
                width: *w,
                height: *h,
            }),
            _ => Err(format!(
                "`{s}` is not a region x,y,w,h in pixels (whole numbers, width and height at least 1)"
            )),
        }
    }
}

impl fmt::Display for BookmarkRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{},{}", self.x, self.y, self.width, self.height)
    }
}

/// A saved view of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bookmark {
    /// `B001`, `B002`, ...
    pub id: String,
    pub item_id: String,
    pub created_utc: String,
    pub view: BookmarkView,
    pub region: Option<BookmarkRegion>,
    #[serde(default)]
    pub comment: String,
    pub status: BookmarkStatus,
}

/// What the analyst gives for a new bookmark.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBookmark {
    pub item_id: String,
    pub view: BookmarkView,
    pub region: Option<BookmarkRegion>,
    pub comment: String,
    pub status: BookmarkStatus,
}
