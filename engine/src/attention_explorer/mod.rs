//! Attention on demand, for the explorer and `forgelens attention`: the fusion tile under a
//! point (cut as `Analyzer` cuts its tiles) goes through the fusion net once, and every
//! block's and head's attention comes back as plain data with the tile's place in the image.

pub mod math;
mod render;
mod view;

use burn::tensor::{Device, Tensor};
use image::RgbImage;
use serde::{Deserialize, Serialize};

use crate::analyzer::AnalyzerOptions;
use crate::extractor::{IMAGENET_MEAN, IMAGENET_STD};
use crate::fusion::compute_maps;
use crate::model::LoadedModel;
use crate::preprocess::to_tensor;
use crate::tiling::plan_tiles;

pub use render::{grid_to_crop, mark_patch, over_tile, tile_crop};
pub use view::{ExplorerView, Head, Source, ViewMap};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AttentionError {
    #[error("the point ({x}, {y}) is outside the {width} x {height} image")]
    PointOutside {
        x: f32,
        y: f32,
        width: u32,
        height: u32,
    },
    #[error(
        "the point ({x}, {y}) is outside the tile the attention was computed for \
         (pick it as the tile's point to recompute)"
    )]
    PointOutsideTile { x: f32, y: f32 },
    #[error("block {block} does not exist: the fusion net has {blocks} blocks (1 to {blocks})")]
    NoBlock { block: usize, blocks: usize },
    #[error("head {head} does not exist: each block has {heads} heads (1 to {heads})")]
    NoHead { head: usize, heads: usize },
    #[error("patch {patch} does not exist: the tile has {patches} patches")]
    NoPatch { patch: usize, patches: usize },
    #[error("the image is empty")]
    EmptyImage,
    #[error("reading attention back from the device failed: {0}")]
    Backend(String),
}

/// One fusion tile's attention: every block and head, the CAM it starts the walk from, and
/// where the tile lies in the image. Indices (blocks, heads, patches) are 0-based here; the
/// descriptions and messages count from 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileAttention {
    pub image_width: u32,
    pub image_height: u32,
    /// The image point the tile was chosen for (its centre when none was given).
    pub point: (f32, f32),
    /// The working image the tiles are planned on (`tiling::plan_tiles`), and its scale
    /// over the image per axis (working pixels per image pixel).
    pub work_width: u32,
    pub work_height: u32,
    pub scale: (f32, f32),
    /// The tile's top-left corner in the working image, and its side there.
    pub origin_work: (u32, u32),
    pub tile: u32,
    /// Grid rows and columns (patches = rows x columns, tokens = 1 + patches).
    pub grid: (usize, usize),
    pub heads: usize,
    /// `[block][head]`, each `tokens x tokens` row-major, rows summing to 1 (softmax).
    pub attention: Vec<Vec<Vec<f32>>>,
    /// The tile's CAM on its fixed scale (`fusion::compute_maps`), per patch in grid order.
    pub cam: Vec<f32>,
    /// The model's own fused map of the tile, per patch.
    pub fused: Vec<f32>,
    /// The blocks the model's walk sums (the last `attention_layers`; 0 = all) and its steps.
    pub attention_layers: usize,
    pub propagation_steps: usize,
}

impl TileAttention {
    pub fn blocks(&self) -> usize {
        self.attention.len()
    }

    pub fn patches(&self) -> usize {
        self.grid.0 * self.grid.1
    }

    pub fn tokens(&self) -> usize {
        self.patches() + 1
    }

    /// The tile's top-left corner in image pixels.
    pub fn origin_image(&self) -> (f32, f32) {
        (
            self.origin_work.0 as f32 / self.scale.0,
            self.origin_work.1 as f32 / self.scale.1,
        )
    }

    /// The tile's width and height in image pixels, the image's edge cutting it.
    pub fn size_image(&self) -> (f32, f32) {
        let (x, y) = self.origin_image();
        (
            (self.tile as f32 / self.scale.0).min(self.image_width as f32 - x),
            (self.tile as f32 / self.scale.1).min(self.image_height as f32 - y),
        )
    }

    /// The patch (grid order) under an image point.
    pub fn patch_at(&self, x: f32, y: f32) -> Result<usize, AttentionError> {
        check_point(x, y, self.image_width, self.image_height)?;
        let (rows, cols) = self.grid;
        let u = x * self.scale.0 - self.origin_work.0 as f32;
        let v = y * self.scale.1 - self.origin_work.1 as f32;
        let side = self.tile as f32;
        if !(0.0..side).contains(&u) || !(0.0..side).contains(&v) {
            return Err(AttentionError::PointOutsideTile { x, y });
        }
        let col = ((u / side * cols as f32) as usize).min(cols - 1);
        let row = ((v / side * rows as f32) as usize).min(rows - 1);
        Ok(row * cols + col)
    }

    /// The centre of a patch in image pixels.
    pub fn patch_centre(&self, patch: usize) -> (f32, f32) {
        let (rows, cols) = self.grid;
        let (row, col) = (patch / cols, patch % cols);
        let side = self.tile as f32;
        (
            (self.origin_work.0 as f32 + (col as f32 + 0.5) * side / cols as f32) / self.scale.0,
            (self.origin_work.1 as f32 + (row as f32 + 0.5) * side / rows as f32) / self.scale.1,
        )
    }

    fn check_block(&self, block: usize) -> Result<(), AttentionError> {
        if block >= self.blocks() {
            return Err(AttentionError::NoBlock {
                block: block + 1,
                blocks: self.blocks(),
            });
        }
        Ok(())
    }

    /// One block's matrix: one head, or the mean of its heads.
    pub fn head_matrix(&self, block: usize, head: Head) -> Result<Vec<f32>, AttentionError> {
        self.check_block(block)?;
        match head {
            Head::Mean => Ok(math::head_mean(&self.attention[block])),
            Head::Index(h) => self.attention[block]
                .get(h)
                .cloned()
                .ok_or(AttentionError::NoHead {
                    head: h + 1,
                    heads: self.heads,
                }),
        }
    }

    /// The head means of all blocks, first to last.
    pub fn head_means(&self) -> Vec<Vec<f32>> {
        self.attention
            .iter()
            .map(|heads| math::head_mean(heads))
            .collect()
    }

    /// The blocks the model's walk sums (its `attention_layers` last ones).
    pub fn walk_blocks(&self) -> std::ops::Range<usize> {
        let take = match self.attention_layers {
            0 => self.blocks(),
            l => l.min(self.blocks()),
        };
        self.blocks() - take..self.blocks()
    }

    /// The walk's row-normalised patch-to-patch transition matrix, as the model builds it.
    pub fn walk_transition(&self) -> Vec<f32> {
        let means = self.head_means();
        math::walk_transition(&means[self.walk_blocks()], self.tokens())
    }
}

fn check_point(x: f32, y: f32, width: u32, height: u32) -> Result<(), AttentionError> {
    if !(x >= 0.0 && y >= 0.0 && x < width as f32 && y < height as f32) {
        return Err(AttentionError::PointOutside {
            x,
            y,
            width,
            height,
        });
    }
    Ok(())
}

/// The fusion net's attention for the tile whose centre is nearest `point` (image pixels;
/// the image's centre when `None`), on the tile plan `Analyzer` uses with `options`.
pub fn tile_attention(
    model: &LoadedModel,
    device: &Device,
    image: &RgbImage,
    point: Option<(f32, f32)>,
    options: &AnalyzerOptions,
) -> Result<TileAttention, AttentionError> {
    let (width, height) = image.dimensions();
    if width == 0 || height == 0 {
        return Err(AttentionError::EmptyImage);
    }
    let point = point.unwrap_or((width as f32 / 2.0, height as f32 / 2.0));
    check_point(point.0, point.1, width, height)?;
    let config = &model.config;
    let tile = config.fusion.image_size as u32;
    let plan = plan_tiles(width, height, tile, options.tile_overlap, options.max_tiles);
    let scale = (
        plan.work_width as f32 / width as f32,
        plan.work_height as f32 / height as f32,
    );
    let (px, py) = (point.0 * scale.0, point.1 * scale.1);
    let centre_distance = |&(x, y): &(u32, u32)| {
        let dx = x as f32 + tile as f32 / 2.0 - px;
        let dy = y as f32 + tile as f32 / 2.0 - py;
        dx * dx + dy * dy
    };
    let origin = *plan
        .origins
        .iter()
        .min_by(|a, b| centre_distance(a).total_cmp(&centre_distance(b)))
        .ok_or(AttentionError::EmptyImage)?;

    // The working image and tile as the analyzer cuts them.
    let crop = plan.cut_tile(&plan.working_image(image), origin);
    let output = model
        .model
        .fusion
        .forward(to_tensor(&crop, IMAGENET_MEAN, IMAGENET_STD, device));
    let maps = compute_maps(&output, &config.maps);
    let [_, rows, cols] = maps.cam.dims();
    let read = |t: Tensor<3>| {
        t.into_data()
            .try_to_vec::<f32>()
            .map_err(|e| AttentionError::Backend(format!("{e:?}")))
    };
    let cam = read(maps.cam)?;
    let fused = read(maps.fused)?;
    let mut attention = Vec::with_capacity(output.attention.len());
    let mut heads = 0;
    for block in output.attention {
        let [_, h, tokens, _] = block.dims();
        heads = h;
        let values = block
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|e| AttentionError::Backend(format!("{e:?}")))?;
        attention.push(
            values
                .chunks(tokens * tokens)
                .map(<[f32]>::to_vec)
                .collect(),
        );
    }
    Ok(TileAttention {
        image_width: width,
        image_height: height,
        point,
        work_width: plan.work_width,
        work_height: plan.work_height,
        scale,
        origin_work: origin,
        tile,
        grid: (rows, cols),
        heads,
        attention,
        cam,
        fused,
        attention_layers: config.maps.attention_layers,
        propagation_steps: config.maps.propagation_steps,
    })
}
