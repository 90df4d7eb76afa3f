//! Native-resolution analysis of large images: a plan of overlapping square tiles over a
//! working image, and a stitcher that blends per-tile maps with a tent window so seams do
//! not show. Images smaller than a tile are scaled up (aspect kept) rather than stretched.

use std::borrow::Cow;

use image::{ImageBuffer, Luma, RgbImage, imageops};

/// Where the tiles go.
#[derive(Debug, Clone, PartialEq)]
pub struct TilePlan {
    pub work_width: u32,
    pub work_height: u32,
    pub tile: u32,
    pub overlap: f32,
    /// Top-left corner of each tile in the working image.
    pub origins: Vec<(u32, u32)>,
}

fn axis_positions(len: u32, tile: u32, overlap: f32) -> Vec<u32> {
    if len <= tile {
        return vec![0];
    }
    let stride = ((tile as f32) * (1.0 - overlap)).max(1.0);
    let n = ((len - tile) as f32 / stride).ceil() as u32 + 1;
    (0..n)
        .map(|i| ((i as f64) * f64::from(len - tile) / f64::from(n - 1)).round() as u32)
        .collect()
}

fn tile_count(w: u32, h: u32, tile: u32, overlap: f32) -> usize {
    axis_positions(w, tile, overlap).len() * axis_positions(h, tile, overlap).len()
}

/// Plans tiles of `tile` pixels with the given overlap (0..1). The working image is the
/// input scaled so that its shorter side is at least one tile, and, if the input would need
/// more than `max_tiles` tiles, scaled down until it does not (never below one tile).
pub fn plan_tiles(width: u32, height: u32, tile: u32, overlap: f32, max_tiles: usize) -> TilePlan {
    let overlap = overlap.clamp(0.0, 0.9);
    let short = width.min(height).max(1);
    let min_scale = f64::from(tile) / f64::from(short);
    let mut scale = min_scale.max(1.0);
    let dims = |s: f64| {
        (
            ((f64::from(width) * s).round() as u32).max(1),
            ((f64::from(height) * s).round() as u32).max(1),
        )
    };
    let (mut w, mut h) = dims(scale);
    while tile_count(w, h, tile, overlap) > max_tiles.max(1) && scale > min_scale {
        scale = (scale * 0.9).max(min_scale);
        (w, h) = dims(scale);
    }
    let xs = axis_positions(w, tile, overlap);
    let ys = axis_positions(h, tile, overlap);
    TilePlan {
        work_width: w,
        work_height: h,
        tile,
        overlap,
        origins: ys
            .iter()
            .flat_map(|&y| xs.iter().map(move |&x| (x, y)))
            .collect(),
    }
}

impl TilePlan {
    /// The image the tiles are cut from: `image` itself, or resized to the working size.
    pub fn working_image<'a>(&self, image: &'a RgbImage) -> Cow<'a, RgbImage> {
        if image.dimensions() == (self.work_width, self.work_height) {
            Cow::Borrowed(image)
        } else {
            Cow::Owned(imageops::resize(
                image,
                self.work_width,
                self.work_height,
                imageops::FilterType::CatmullRom,
            ))
        }
    }

    /// The `tile x tile` tile at `origin` of the working image `work`; where the working
    /// image is narrower than a tile, padded by copying its edge.
    pub fn cut_tile(&self, work: &RgbImage, origin: (u32, u32)) -> RgbImage {
        let (x, y) = origin;
        let w = self.tile.min(self.work_width - x);
        let h = self.tile.min(self.work_height - y);
        let crop = imageops::crop_imm(work, x, y, w, h).to_image();
        if (w, h) == (self.tile, self.tile) {
            return crop;
        }
        RgbImage::from_fn(self.tile, self.tile, |px, py| {
            *crop.get_pixel(px.min(w - 1), py.min(h - 1))
        })
    }
}

/// Blends per-tile maps into working-image maps.
#[derive(Debug)]
pub struct Stitcher<const N: usize> {
    width: u32,
    height: u32,
    tile: u32,
    window: Vec<f32>,
    sums: [Vec<f32>; N],
    weight: Vec<f32>,
}

impl<const N: usize> Stitcher<N> {
    pub fn new(plan: &TilePlan) -> Self {
        let t = plan.tile as usize;
        // Tent from 0.1 at the edges to 1 in the middle: overlaps favour tile centres.
        let tent: Vec<f32> = (0..t)
            .map(|i| 1.0 - 0.9 * ((2.0 * (i as f32 + 0.5) / t as f32) - 1.0).abs())
            .collect();
        let window = (0..t * t).map(|i| tent[i / t] * tent[i % t]).collect();
        let n = (plan.work_width * plan.work_height) as usize;
        Self {
            width: plan.work_width,
            height: plan.work_height,
            tile: plan.tile,
            window,
            sums: std::array::from_fn(|_| vec![0.0; n]),
            weight: vec![0.0; n],
        }
    }

    /// Adds one tile's maps, each `tile x tile`, row-major. Parts outside the working image
    /// (only when the image is narrower than a tile) are dropped.
    pub fn add(&mut self, origin: (u32, u32), maps: [&[f32]; N]) {
        let t = self.tile as usize;
        for ty in 0..t {
            let y = origin.1 as usize + ty;
            if y >= self.height as usize {
                break;
            }
            for tx in 0..t {
                let x = origin.0 as usize + tx;
                if x >= self.width as usize {
                    break;
                }
                let w = self.window[ty * t + tx];
                let i = y * self.width as usize + x;
                self.weight[i] += w;
                for (sum, map) in self.sums.iter_mut().zip(maps.iter()) {
                    sum[i] += w * map[ty * t + tx];
                }
            }
        }
    }

    pub fn finish(self) -> [Vec<f32>; N] {
        let weight = self.weight;
        self.sums.map(|mut sum| {
            for (v, w) in sum.iter_mut().zip(&weight) {
                if *w > 0.0 {
                    *v /= w;
                }
            }
            sum
        })
    }
}

/// Bilinear-ish (triangle filter) resize of a single-channel f32 map.
pub fn resize_map(
    values: Vec<f32>,
    width: u32,
    height: u32,
    new_width: u32,
    new_height: u32,
) -> Vec<f32> {
    if (width, height) == (new_width, new_height) {
        return values;
    }
    let buffer: ImageBuffer<Luma<f32>, Vec<f32>> =
        ImageBuffer::from_raw(width, height, values).expect("map length matches its size");
    imageops::resize(
        &buffer,
        new_width,
        new_height,
        imageops::FilterType::Triangle,
    )
    .into_raw()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_image_is_one_tile_scaled_up_keeping_aspect() {
        let plan = plan_tiles(100, 50, 64, 0.25, 64);
        assert_eq!(plan.work_height, 64);
        assert_eq!(plan.work_width, 128);
        assert_eq!(plan.origins.len(), 3);
    }

    #[test]
    fn a_tile_past_the_working_image_is_padded_by_its_edge_and_native_work_is_borrowed() {
        let image = RgbImage::from_fn(3, 2, |x, y| image::Rgb([x as u8, y as u8, 7]));
        let plan = TilePlan {
            work_width: 3,
            work_height: 2,
            tile: 4,
            overlap: 0.0,
            origins: vec![(0, 0)],
        };
        assert!(matches!(plan.working_image(&image), Cow::Borrowed(_)));
        let tile = plan.cut_tile(&image, (0, 0));
        assert_eq!(tile.dimensions(), (4, 4));
        assert_eq!(tile.get_pixel(1, 1).0, [1, 1, 7]);
        // Past the right and bottom edges: the last column and row repeated.
        assert_eq!(tile.get_pixel(3, 0).0, [2, 0, 7]);
        assert_eq!(tile.get_pixel(3, 3).0, [2, 1, 7]);
        let smaller = TilePlan {
            work_width: 2,
            work_height: 1,
            ..plan
        };
        assert_eq!(smaller.working_image(&image).dimensions(), (2, 1));
    }

    #[test]
    fn tiles_cover_the_whole_image() {
        let plan = plan_tiles(1000, 700, 224, 0.25, 1000);
        assert_eq!((plan.work_width, plan.work_height), (1000, 700));
        let mut covered = vec![false; 1000 * 700];
        for &(x, y) in &plan.origins {
            for yy in y..(y + 224).min(700) {
                for xx in x..(x + 224).min(1000) {
                    covered[(yy * 1000 + xx) as usize] = true;
                }
            }
        }
        assert!(covered.iter().all(|&c| c));
        assert!(
            plan.origins
                .iter()
                .all(|&(x, y)| x + 224 <= 1000 && y + 224 <= 700)
        );
    }

    #[test]
    fn tile_budget_scales_down_but_not_below_a_tile() {
        let plan = plan_tiles(4000, 3000, 224, 0.25, 16);
        assert!(plan.origins.len() <= 16);
        assert!(plan.work_height >= 224);
        let tiny_budget = plan_tiles(4000, 3000, 224, 0.25, 1);
        assert_eq!(tiny_budget.work_height, 224);
    }

    #[test]
    fn stitching_a_constant_gives_the_constant() {
        let plan = plan_tiles(300, 200, 64, 0.5, 100);
        let mut stitcher = Stitcher::<1>::new(&plan);
        let ones = vec![1.0; 64 * 64];
        for &o in &plan.origins {
            stitcher.add(o, [&ones]);
        }
        let [out] = stitcher.finish();
        assert!(out.iter().all(|&v| (v - 1.0).abs() < 1e-5));
    }
}
