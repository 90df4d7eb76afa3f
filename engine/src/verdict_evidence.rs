//! Where the verdict's evidence comes from: the detector's one whole-image view (resized to
//! the extractor's input), or that view together with the detector on native-resolution
//! tiles of the same size, so that a whole photograph is not judged only by a resize whose
//! smoothing can look like regeneration. Images no larger than one tile have one view, and
//! every mode gives them the same probabilities.

use serde::{Deserialize, Serialize};

/// How the whole-image view and the tiles' probabilities become the verdict's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictEvidence {
    /// The whole-image view alone (the paper's N_C on one resized view).
    #[default]
    Global,
    /// The mean of the whole-image view's and every tile's probabilities, the view counting
    /// as one tile.
    TilesMean,
    /// The mean of the whole-image view and the tile least likely to be real: a local edit
    /// needs only one tile to show.
    TilesMax,
}

impl VerdictEvidence {
    pub const ALL: [Self; 3] = [Self::Global, Self::TilesMean, Self::TilesMax];

    pub fn name(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::TilesMean => "tiles-mean",
            Self::TilesMax => "tiles-max",
        }
    }

    /// Whether the detector runs on tiles at all.
    pub fn uses_tiles(self) -> bool {
        self != Self::Global
    }

    /// One sentence for reports and `--help`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Global => "the detector on the whole image resized to its input size",
            Self::TilesMean => {
                "the mean of the detector's probabilities on the whole image resized and on \
                 every native-resolution tile"
            }
            Self::TilesMax => {
                "the mean of the detector's probabilities on the whole image resized and on \
                 the native-resolution tile least likely to be real"
            }
        }
    }

    /// Probabilities (real, partial, full) of the whole-image view and of the tiles, to the
    /// verdict's. With fewer than two tiles the view is the evidence.
    pub fn aggregate(self, global: [f32; 3], tiles: &[[f32; 3]]) -> [f32; 3] {
        if tiles.len() < 2 {
            return global;
        }
        match self {
            Self::Global => global,
            Self::TilesMean => {
                let n = (tiles.len() + 1) as f32;
                let mut sum = global;
                for tile in tiles {
                    for (s, p) in sum.iter_mut().zip(tile) {
                        *s += p;
                    }
                }
                sum.map(|s| s / n)
            }
            Self::TilesMax => {
                let suspicious = tiles
                    .iter()
                    .min_by(|a, b| a[0].total_cmp(&b[0]))
                    .expect("at least two tiles");
                [0, 1, 2].map(|c| (global[c] + suspicious[c]) / 2.0)
            }
        }
    }
}

/// What the verdict of one analysis rested on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictSource {
    pub evidence: VerdictEvidence,
    /// Native-resolution tiles the detector saw besides the whole-image view (0 when the
    /// view was the evidence: mode `global`, or an image no larger than one tile).
    pub tiles: u32,
    /// The image the tiles were cut from: the input, unless it needed more tiles than the
    /// budget and was scaled down.
    pub work_width: u32,
    pub work_height: u32,
}

impl std::fmt::Display for VerdictEvidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for VerdictEvidence {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| {
                format!("unknown verdict evidence `{s}` (expected global, tiles-mean or tiles-max)")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLOBAL: [f32; 3] = [0.6, 0.3, 0.1];
    const TILES: [[f32; 3]; 3] = [[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.7, 0.2, 0.1]];

    fn close(a: [f32; 3], b: [f32; 3]) -> bool {
        a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-6)
    }

    #[test]
    fn one_tile_or_none_leaves_the_view_alone_in_every_mode() {
        for mode in VerdictEvidence::ALL {
            assert_eq!(mode.aggregate(GLOBAL, &[]), GLOBAL);
            assert_eq!(mode.aggregate(GLOBAL, &[[0.0, 0.0, 1.0]]), GLOBAL);
        }
    }

    #[test]
    fn the_modes_match_hand_computation() {
        assert_eq!(VerdictEvidence::Global.aggregate(GLOBAL, &TILES), GLOBAL);
        // (0.6 + 0.9 + 0.2 + 0.7) / 4 = 0.6; (0.3 + 0.05 + 0.7 + 0.2) / 4 = 0.3125;
        // (0.1 + 0.05 + 0.1 + 0.1) / 4 = 0.0875.
        assert!(close(
            VerdictEvidence::TilesMean.aggregate(GLOBAL, &TILES),
            [0.6, 0.3125, 0.0875]
        ));
        // The tile least likely real is the second: ([0.6, 0.3, 0.1] + [0.2, 0.7, 0.1]) / 2.
        assert!(close(
            VerdictEvidence::TilesMax.aggregate(GLOBAL, &TILES),
            [0.4, 0.5, 0.1]
        ));
    }

    #[test]
    fn names_round_trip_through_str_and_serde() {
        for mode in VerdictEvidence::ALL {
            assert_eq!(mode.name().parse::<VerdictEvidence>(), Ok(mode));
            let json = serde_json::to_string(&mode).expect("serialises");
            assert_eq!(json, format!("\"{}\"", mode.name()));
        }
        assert!("tiles".parse::<VerdictEvidence>().is_err());
    }
}
