//! `MapKind`: the closed set of localisation maps the model gives (CAM, attention, fused),
//! named as in the JSON of analyses and reports (`cam`, `attention`, `fused`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MapKind {
    Cam,
    Attention,
    Fused,
}

impl MapKind {
    /// In the order of `Maps::iter` and of every per-map array (`[cam, attention, fused]`).
    pub const ALL: [MapKind; 3] = [MapKind::Cam, MapKind::Attention, MapKind::Fused];

    /// The name in JSON, file names (`<stem>.<name>.png`) and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            MapKind::Cam => "cam",
            MapKind::Attention => "attention",
            MapKind::Fused => "fused",
        }
    }

    /// Position in `ALL` and in per-map arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The title people read in figures and reports.
    pub fn title(self) -> &'static str {
        match self {
            MapKind::Cam => "CAM (class activation)",
            MapKind::Attention => "Attention",
            MapKind::Fused => "Fused (CAM refined by attention)",
        }
    }
}

impl fmt::Display for MapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown map `{0}`: the maps are cam, attention and fused")]
pub struct UnknownMapKind(pub String);

impl FromStr for MapKind {
    type Err = UnknownMapKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MapKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| UnknownMapKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_json_and_a_misspelling_is_an_error() {
        for (i, kind) in MapKind::ALL.into_iter().enumerate() {
            assert_eq!(kind.index(), i);
            assert_eq!(kind.name().parse::<MapKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).expect("serialises");
            assert_eq!(json, format!("\"{}\"", kind.name()));
            assert_eq!(serde_json::from_str::<MapKind>(&json).expect("reads"), kind);
        }
        let err = "fuse".parse::<MapKind>().expect_err("misspelt");
        assert!(
            err.to_string().contains("cam, attention and fused"),
            "{err}"
        );
        assert!(serde_json::from_str::<MapKind>("\"Fused\"").is_err());
    }
}
