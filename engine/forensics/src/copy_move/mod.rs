//! Copy-move detection by a dense field, after Cozzolino, Poggi & Verdoliva, "Efficient
//! dense-field copy-move forgery detection" (IEEE TIFS 10(11), 2015): rotation-invariant
//! polar features at every pixel (`features`), a nearest-neighbour field found by PatchMatch
//! with a minimum offset (`patchmatch`), and post-processing by median filtering and dense
//! linear fitting of the offsets (`postprocess`). Pixels whose offsets form a coherent
//! (locally affine) field over textured content are copies; each detected region is paired
//! with the region its offsets point to. The pixels alone do not say which copy is the
//! original. Images larger than `max_side` are analysed at a reduced size (said in the
//! findings); coordinates are in the file's stored orientation.

mod features;
mod patchmatch;
mod postprocess;

use serde::{Deserialize, Serialize};

use crate::plane::Plane;
use crate::{Control, Evidence, Findings, ForensicsError, Map, Outcome, Scale};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CopyMoveParams {
    /// Longest side analysed; larger images are reduced (area averaging) to this.
    pub max_side: u32,
    /// Feature disc radius, pixels at the analysed size (2..=9).
    pub radius: u32,
    /// Shortest offset between a pixel and its match, pixels at the analysed size.
    pub min_offset: f32,
    pub iterations: u32,
    /// Median filter radius on the offsets.
    pub median_radius: u32,
    /// Window radius of the dense linear fit.
    pub fit_radius: u32,
    /// Largest mean squared fitting residual of a copied pixel, pixels^2.
    pub fit_threshold: f32,
    /// Smallest region kept, pixels at the analysed size.
    pub min_area: u32,
    /// Smallest local texture (structure tensor's smaller eigenvalue, levels^2/pixel^2):
    /// flat areas and straight edges match anywhere and are not judged.
    pub min_texture: f32,
}

impl Default for CopyMoveParams {
    fn default() -> Self {
        Self {
            max_side: 1024,
            radius: 6,
            min_offset: 20.0,
            iterations: 6,
            median_radius: 3,
            fit_radius: 4,
            fit_threshold: 0.5,
            min_area: 200,
            min_texture: 4.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyRegion {
    pub id: usize,
    /// Bounding box in image pixels (stored orientation).
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    /// Area in image pixels.
    pub area: u64,
    /// Median offset to its match, image pixels.
    pub offset: (f32, f32),
    /// The region its offsets point to.
    pub matches: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyMoveFindings {
    pub detected: bool,
    /// Analysed size, and its ratio to the image's.
    pub analysed_width: u32,
    pub analysed_height: u32,
    pub analysed_scale: f32,
    pub regions: Vec<CopyRegion>,
    /// Share of the image in copied regions (both copies).
    pub copied_share: f32,
    pub notes: Vec<String>,
}

/// Smaller eigenvalue of the structure tensor averaged over a (2r+1)^2 window.
fn texture(luma: &Plane, r: usize) -> Plane {
    let (w, h) = (luma.width, luma.height);
    let mut gxx = Plane::new(w, h);
    let mut gxy = Plane::new(w, h);
    let mut gyy = Plane::new(w, h);
    for y in 0..h {
        for x in 0..w {
            let (xi, yi) = (x as isize, y as isize);
            let gx = 0.5 * (luma.clamped(xi + 1, yi) - luma.clamped(xi - 1, yi));
            let gy = 0.5 * (luma.clamped(xi, yi + 1) - luma.clamped(xi, yi - 1));
            let i = y * w + x;
            gxx.data[i] = gx * gx;
            gxy.data[i] = gx * gy;
            gyy.data[i] = gy * gy;
        }
    }
    let (a, b, c) = (gxx.box_mean(r), gxy.box_mean(r), gyy.box_mean(r));
    let mut out = Plane::new(w, h);
    for i in 0..w * h {
        let (p, q, s) = (a.data[i], b.data[i], c.data[i]);
        out.data[i] = 0.5 * (p + s) - (0.25 * (p - s) * (p - s) + q * q).sqrt();
    }
    out
}

fn check(p: &CopyMoveParams) -> Result<(), ForensicsError> {
    let bad = |m: &str| Err(ForensicsError::invalid("copy-move", m));
    if p.max_side < 64 {
        return bad("max_side must be at least 64");
    }
    if !(2..=9).contains(&p.radius) {
        return bad("radius must be in 2..=9");
    }
    if !(p.min_offset.is_finite() && p.min_offset >= 1.0) {
        return bad("min_offset must be at least 1");
    }
    if p.iterations == 0 || p.iterations > 50 {
        return bad("iterations must be in 1..=50");
    }
    if p.median_radius > 10 || p.fit_radius == 0 || p.fit_radius > 10 {
        return bad("median_radius must be at most 10 and fit_radius in 1..=10");
    }
    if !(p.fit_threshold.is_finite() && p.fit_threshold > 0.0 && p.min_texture.is_finite()) {
        return bad("fit_threshold must be positive and min_texture finite");
    }
    Ok(())
}

/// Steps reported to `control`: the features (to 0.3), each PatchMatch iteration (to 0.9),
/// the offset field's filtering and the regions.
pub fn run(
    evidence: &Evidence,
    params: &CopyMoveParams,
    control: &Control<'_>,
) -> Result<Outcome, ForensicsError> {
    check(params)?;
    let p = params;
    let (iw, ih) = (evidence.width(), evidence.height());
    let longest = iw.max(ih);
    let mut notes = Vec::new();
    let work = if longest > p.max_side {
        let f = p.max_side as f32 / longest as f32;
        let (ww, wh) = (
            ((iw as f32 * f).round() as u32).max(1),
            ((ih as f32 * f).round() as u32).max(1),
        );
        notes.push(format!(
            "analysed at {ww}x{wh} (reduced from {iw}x{ih} for speed); small copies may be missed"
        ));
        image::imageops::thumbnail(&evidence.rgb, ww, wh)
    } else {
        evidence.rgb.clone()
    };
    let (w, h) = (work.width() as usize, work.height() as usize);
    let scale_x = iw as f32 / w as f32;
    let scale_y = ih as f32 / h as f32;
    let r = p.radius as usize;
    let mut mask = vec![false; w * h];
    let mut regions = Vec::new();

    if w > 2 * r + 2 && h > 2 * r + 2 {
        let luma = Plane::luma(&work);
        let feats = features::compute(&luma, r);
        control.step(0.3)?;
        let search = patchmatch::Search {
            border: r,
            min_offset: p.min_offset,
            iterations: p.iterations as usize,
        };
        let field = patchmatch::nearest_neighbours(&feats, w, h, &search, |k| {
            control.step(0.3 + 0.6 * k as f32 / search.iterations as f32)
        })?;
        let tex = texture(&luma, r);
        let valid: Vec<bool> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                x >= r && y >= r && x + r < w && y + r < h && tex.data[i] >= p.min_texture
            })
            .collect();
        let mr = p.median_radius as usize;
        let mdx = postprocess::median_filter(&field.dx, &valid, w, h, mr);
        let mdy = postprocess::median_filter(&field.dy, &valid, w, h, mr);
        let fr = p.fit_radius as usize;
        let ex = postprocess::fit_error(
            &Plane {
                width: w,
                height: h,
                data: mdx.clone(),
            },
            fr,
        );
        let ey = postprocess::fit_error(
            &Plane {
                width: w,
                height: h,
                data: mdy.clone(),
            },
            fr,
        );
        let min_sq = p.min_offset * p.min_offset;
        let candidate: Vec<bool> = (0..w * h)
            .map(|i| {
                valid[i]
                    && ex.data[i] + ey.data[i] < p.fit_threshold
                    && mdx[i] * mdx[i] + mdy[i] * mdy[i] >= min_sq
            })
            .collect();
        control.step(0.95)?;
        let (labels, sizes) = postprocess::components(&candidate, w, h);
        let mut kept = vec![false; w * h];
        for i in 0..w * h {
            let l = labels[i] as usize;
            if l > 0 && sizes[l - 1] >= p.min_area as usize {
                kept[i] = true;
            }
        }
        // Each copied pixel's match is copied too.
        let mut both = kept.clone();
        for i in 0..w * h {
            if kept[i] {
                let tx = (i % w) as f32 + mdx[i];
                let ty = (i / w) as f32 + mdy[i];
                if tx >= 0.0 && ty >= 0.0 && (tx as usize) < w && (ty as usize) < h {
                    both[ty.round().min(h as f32 - 1.0) as usize * w
                        + tx.round().min(w as f32 - 1.0) as usize] = true;
                }
            }
        }
        mask = postprocess::dilate(&both, w, h, r);
        let (labels, sizes) = postprocess::components(&mask, w, h);
        regions = describe(&labels, &sizes, &kept, &mdx, &mdy, w, (scale_x, scale_y));
    } else {
        notes.push("the image is too small for copy-move analysis".into());
    }

    let copied = mask.iter().filter(|&&m| m).count();
    let values: Vec<f32> = (0..(iw as usize * ih as usize))
        .map(|i| {
            let (x, y) = (i % iw as usize, i / iw as usize);
            let wx = ((x as f32 / scale_x) as usize).min(w - 1);
            let wy = ((y as f32 / scale_y) as usize).min(h - 1);
            if mask[wy * w + wx] { 1.0 } else { 0.0 }
        })
        .collect();
    if regions.is_empty() {
        notes.push("no copied regions found".into());
    } else {
        notes.push(format!(
            "{} region(s) with a coherent match elsewhere in the image; the pixels do not \
             say which copy is the original",
            regions.len()
        ));
    }
    let findings = CopyMoveFindings {
        detected: !regions.is_empty(),
        analysed_width: w as u32,
        analysed_height: h as u32,
        analysed_scale: 1.0 / scale_x,
        regions,
        copied_share: copied as f32 / (w * h).max(1) as f32,
        notes,
    };
    let map = Map {
        name: "mask".into(),
        width: iw,
        height: ih,
        values,
        scale: Scale::mask("part of a copied region, either copy (1) or not (0)"),
    };
    Ok((vec![map], Findings::CopyMove(findings)))
}

/// Regions with their boxes, areas and median offsets (from the matched pixels inside),
/// each paired with the region its offset points to.
fn describe(
    labels: &[u32],
    sizes: &[usize],
    matched: &[bool],
    mdx: &[f32],
    mdy: &[f32],
    w: usize,
    (sx, sy): (f32, f32),
) -> Vec<CopyRegion> {
    let n = sizes.len();
    let mut boxes = vec![(usize::MAX, usize::MAX, 0usize, 0usize); n];
    let mut offsets: Vec<(Vec<f32>, Vec<f32>)> = vec![(Vec::new(), Vec::new()); n];
    for (i, &l) in labels.iter().enumerate() {
        if l == 0 {
            continue;
        }
        let k = l as usize - 1;
        let (x, y) = (i % w, i / w);
        let b = &mut boxes[k];
        *b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
        if matched[i] {
            offsets[k].0.push(mdx[i]);
            offsets[k].1.push(mdy[i]);
        }
    }
    let mut regions: Vec<CopyRegion> = (0..n)
        .map(|k| {
            let (x0, y0, x1, y1) = boxes[k];
            let ox = crate::plane::median(&mut offsets[k].0);
            let oy = crate::plane::median(&mut offsets[k].1);
            CopyRegion {
                id: k,
                x: (x0 as f32 * sx) as u32,
                y: (y0 as f32 * sy) as u32,
                width: ((x1 - x0 + 1) as f32 * sx).round() as u32,
                height: ((y1 - y0 + 1) as f32 * sy).round() as u32,
                area: (sizes[k] as f32 * sx * sy).round() as u64,
                offset: (ox * sx, oy * sy),
                matches: None,
            }
        })
        .collect();
    let h = labels.len() / w.max(1);
    for k in 0..n {
        if offsets[k].0.is_empty() {
            continue;
        }
        let (x0, y0, x1, y1) = boxes[k];
        let cx = (x0 + x1) as f32 / 2.0 + regions[k].offset.0 / sx;
        let cy = (y0 + y1) as f32 / 2.0 + regions[k].offset.1 / sy;
        if cx >= 0.0 && cy >= 0.0 && (cx as usize) < w && (cy as usize) < h {
            let l = labels[cy as usize * w + cx as usize];
            if l > 0 && l as usize - 1 != k {
                regions[k].matches = Some(l as usize - 1);
            }
        }
    }
    regions
}
