//! JPEG analysis: the quantisation tables and the quality they match (`tables`), where the 8x8
//! grid is and whether that is where a JPEG's grid should be (`grid`: a shifted grid means
//! cropping or non-aligned double compression), and aligned double compression with its
//! primary quality and a per-block map (`double`). Works on the decoded luminance, so a PNG
//! made from a JPEG shows its past grid too.

pub mod dct;
pub mod double;
pub mod grid;
pub mod tables;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::plane::{Plane, blocks_to_pixels};
use crate::{Evidence, FileFormat, Findings, ForensicsError, Map, Outcome, Scale};

pub use double::PrimaryQuality;
pub use grid::GridEstimate;
pub use tables::{QualityEstimate, QuantTable};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JpegParams {
    /// Window side of the local grid maps, pixels (at least 16).
    pub window: u32,
    /// Lowest primary quality searched.
    pub lowest_quality: u8,
    /// Grid strength (relative excess) at map value 1 of the blocking map.
    pub blocking_max: f32,
}

impl Default for JpegParams {
    fn default() -> Self {
        Self {
            window: 64,
            lowest_quality: 20,
            blocking_max: 0.5,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridFindings {
    #[serde(flatten)]
    pub estimate: GridEstimate,
    /// A grid is visible (strength at least `grid::MIN_STRENGTH` on both axes).
    pub present: bool,
    /// For a JPEG: the grid is at (0, 0), where the file's own compression puts it.
    pub aligned: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JpegFindings {
    pub is_jpeg: bool,
    pub tables: Vec<QuantTable>,
    /// The file's quality from its tables (JPEG only).
    pub quality: Option<QualityEstimate>,
    pub grid: GridFindings,
    /// The grid origin the DCT analysis used.
    pub analysis_origin: (u8, u8),
    pub double_compression: PrimaryQuality,
    /// What the numbers say, in sentences.
    pub notes: Vec<String>,
}

pub fn run(evidence: &Evidence, params: &JpegParams) -> Result<Outcome, ForensicsError> {
    if params.window < 16 {
        return Err(ForensicsError::invalid(
            "jpeg",
            "window must be at least 16 pixels",
        ));
    }
    if !(1..=99).contains(&params.lowest_quality) {
        return Err(ForensicsError::invalid(
            "jpeg",
            "lowest_quality must be in 1..=99",
        ));
    }
    if !(params.blocking_max.is_finite() && params.blocking_max > 0.0) {
        return Err(ForensicsError::invalid(
            "jpeg",
            "blocking_max must be positive",
        ));
    }
    let is_jpeg = evidence.format == FileFormat::Jpeg;
    let tables = if is_jpeg {
        tables::quantisation_tables(&evidence.bytes).unwrap_or_default()
    } else {
        Vec::new()
    };
    let quality = tables::estimate_quality(&tables);
    let luma = Plane::luma(&evidence.rgb);
    let estimate = grid::estimate(&luma);
    let present = estimate.present();
    let at_zero = estimate.origin_x == 0 && estimate.origin_y == 0;
    let aligned = is_jpeg.then_some(present && at_zero);

    let mut notes = Vec::new();
    match (&quality, is_jpeg) {
        (Some(q), _) if q.standard_tables => notes.push(format!(
            "the quantisation tables are libjpeg's standard tables at quality {}",
            q.estimate
        )),
        (Some(q), _) => notes.push(format!(
            "non-standard quantisation tables (camera or editor specific), closest to quality {}",
            q.estimate
        )),
        (None, true) => notes.push("a JPEG without readable quantisation tables".into()),
        (None, false) => notes.push("not a JPEG file: no quantisation tables".into()),
    }
    if present && !at_zero {
        notes.push(format!(
            "the 8x8 grid is at ({}, {}), not (0, 0): the image was cropped after a JPEG \
             compression{}",
            estimate.origin_x,
            estimate.origin_y,
            if is_jpeg {
                ", or compressed twice on shifted grids (non-aligned double compression)"
            } else {
                ""
            }
        ));
    } else if present && !is_jpeg {
        notes.push(
            "an 8x8 compression grid at (0, 0): the pixels were JPEG-compressed before".into(),
        );
    } else if !present && is_jpeg {
        notes.push("no clear 8x8 grid (a high quality leaves little blocking)".into());
    }

    let origin = if is_jpeg || !present {
        (0, 0)
    } else {
        (
            usize::from(estimate.origin_x),
            usize::from(estimate.origin_y),
        )
    };
    let dct = dct::block_dct(&luma, origin.0, origin.1);
    let final_luminance = tables
        .iter()
        .find(|t| t.id == 0)
        .map(|t| t.values.as_slice());
    let primary = double::estimate(&dct, final_luminance, params.lowest_quality);
    if let Some(q1) = primary.quality {
        notes.push(format!(
            "compressed twice on the same grid: first at about quality {q1}{}",
            quality
                .map(|q| format!(", then at {}", q.estimate))
                .unwrap_or_default()
        ));
    }

    let (w, h) = (evidence.width(), evidence.height());
    let (wu, hu) = (w as usize, h as usize);
    let window = params.window as usize;
    let local = grid::local(&luma, &estimate, window);
    let mut maps = vec![
        Map::from_quantities(
            "blocking",
            w,
            h,
            &blocks_to_pixels(
                &local.strength_at_origin,
                local.windows_x,
                local.windows_y,
                window,
                wu,
                hu,
            ),
            Scale::new(
                format!(
                    "blocking at the image's grid ({}, {}): excess of the boundary differences \
                     over the other phases, per {window}x{window} window",
                    estimate.origin_x, estimate.origin_y
                ),
                0.0,
                params.blocking_max,
                "",
            ),
        ),
        Map::from_quantities(
            "grid-shift",
            w,
            h,
            &blocks_to_pixels(
                &local.shifted,
                local.windows_x,
                local.windows_y,
                window,
                wu,
                hu,
            ),
            Scale::mask("a clear 8x8 grid at another phase than the image's (1) or not (0)"),
        ),
    ];
    if let Some(q1) = primary.quality {
        let fit = double::block_map(&dct, q1, final_luminance);
        let mut full = vec![0.5f32; wu * hu];
        full.par_chunks_mut(wu.max(1))
            .enumerate()
            .for_each(|(y, row)| {
                let by = y.saturating_sub(origin.1) / 8;
                for (x, v) in row.iter_mut().enumerate() {
                    let bx = x.saturating_sub(origin.0) / 8;
                    if bx < dct.blocks_x && by < dct.blocks_y {
                        *v = fit[by * dct.blocks_x + bx];
                    }
                }
            });
        maps.push(Map::from_quantities(
            "double-compression",
            w,
            h,
            &full,
            Scale::new(
                format!(
                    "fit of the DCT coefficients to the primary quality {q1} (1 = compressed \
                     twice like the image, 0 = not), 3x3 blocks"
                ),
                0.0,
                1.0,
                "",
            ),
        ));
    }
    let findings = JpegFindings {
        is_jpeg,
        tables,
        quality,
        grid: GridFindings {
            estimate,
            present,
            aligned,
        },
        analysis_origin: (origin.0 as u8, origin.1 as u8),
        double_compression: primary,
        notes,
    };
    Ok((maps, Findings::Jpeg(Box::new(findings))))
}
