//! What the explorer shows: a block, a head (or their mean) and a source (class token, a
//! query patch, rollout, or the CAM's walk after k steps), as one grid map on a fixed scale
//! with a one-line description of what it is and how it was computed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{AttentionError, TileAttention, math};

/// One head (0-based) or the mean of a block's heads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Head {
    #[default]
    Mean,
    Index(usize),
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Head::Mean => write!(f, "the mean of the heads"),
            Head::Index(h) => write!(f, "head {}", h + 1),
        }
    }
}

/// `mean`, or a head counted from 1.
impl FromStr for Head {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("mean") {
            return Ok(Head::Mean);
        }
        match s.parse::<usize>() {
            Ok(h) if h >= 1 => Ok(Head::Index(h - 1)),
            _ => Err(format!("a head is 'mean' or a number from 1, not '{s}'")),
        }
    }
}

/// Whose attention is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Source {
    /// The class token's row: where the token that classifies the tile looks.
    #[default]
    ClassToken,
    /// A patch's row (0-based, grid order): where that location looks.
    Query { patch: usize },
    /// Attention rollout over blocks 1 to the chosen block (head means).
    Rollout,
    /// The CAM after `steps` steps along the model's row-normalised attention.
    Walk { steps: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExplorerView {
    /// 0-based.
    pub block: usize,
    pub head: Head,
    pub source: Source,
}

/// A view's values per patch (grid order) in [0, 1] and what they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewMap {
    pub values: Vec<f32>,
    /// The raw row (attention weights, before scaling), for attention sources.
    pub raw: Option<Vec<f32>>,
    pub description: String,
}

const SHARE_SCALE: &str = "shown as a multiple u of an even share, (u - 1) / 3 clipped \
                           (black at or below an even share, bright at 4 times it)";

impl TileAttention {
    /// The map a view shows, with its description.
    pub fn view(&self, view: &ExplorerView) -> Result<ViewMap, AttentionError> {
        let tokens = self.tokens();
        let blocks = self.blocks();
        let block_no = view.block + 1;
        let attention = |raw: Vec<f32>, description: String| ViewMap {
            values: math::share_scale(&raw, tokens),
            raw: Some(raw),
            description,
        };
        match view.source {
            Source::ClassToken => {
                let matrix = self.head_matrix(view.block, view.head)?;
                Ok(attention(
                    math::class_token_row(&matrix, tokens),
                    format!(
                        "Class token's attention to each patch, block {block_no} of {blocks}, \
                         {}; {SHARE_SCALE}.",
                        view.head
                    ),
                ))
            }
            Source::Query { patch } => {
                if patch >= self.patches() {
                    return Err(AttentionError::NoPatch {
                        patch,
                        patches: self.patches(),
                    });
                }
                let matrix = self.head_matrix(view.block, view.head)?;
                let (row, col) = (patch / self.grid.1, patch % self.grid.1);
                Ok(attention(
                    math::query_row(&matrix, tokens, patch),
                    format!(
                        "Where the patch at row {}, column {} (marked) attends, block \
                         {block_no} of {blocks}, {}: its row of the softmax attention; \
                         {SHARE_SCALE}.",
                        row + 1,
                        col + 1,
                        view.head
                    ),
                ))
            }
            Source::Rollout => {
                self.head_matrix(view.block, view.head)?;
                let means = self.head_means();
                let rolled = math::rollout(&means[..=view.block], tokens);
                Ok(attention(
                    math::class_token_row(&rolled, tokens),
                    format!(
                        "Attention rollout (Abnar & Zuidema 2020) of the class token through \
                         blocks 1 to {block_no}: per block 0.5 x the head mean + 0.5 x identity, \
                         rows renormalised, multiplied; {SHARE_SCALE}."
                    ),
                ))
            }
            Source::Walk { steps } => {
                let walk = self.walk_blocks();
                let values = math::walk(&self.cam, &self.walk_transition(), steps);
                let along = if walk.len() == blocks {
                    format!("all {blocks} blocks")
                } else {
                    format!("blocks {} to {}", walk.start + 1, walk.end)
                };
                let model = if steps == self.propagation_steps {
                    " (the model's fused map)"
                } else {
                    ""
                };
                Ok(ViewMap {
                    values,
                    raw: None,
                    description: format!(
                        "The CAM after {steps} of the model's {} walk steps{model}: each step \
                         averages it along the patch-to-patch attention (head means of {along} \
                         summed, rows normalised); on the CAM's scale.",
                        self.propagation_steps
                    ),
                })
            }
        }
    }
}
