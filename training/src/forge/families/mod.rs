//! Classical manipulation families: splicing from another photograph, copy-move within the
//! same photograph, resampling and retouching. Each returns a full-size manipulated image
//! that the caller blends into the original with [`Mask::blend`](super::masks::Mask::blend).

mod copy_move;
mod placement;
mod resample;
mod retouch;
mod splice;
#[cfg(test)]
mod testing;

use image::RgbImage;

use super::masks::Mask;

pub use copy_move::{copy_move, copy_move_at};
pub use placement::SourcePlacement;
pub use resample::{RESAMPLE_FILTERS, ResampleParams, filter_name, resample, resample_with};
pub use retouch::{Retouch, Tone, retouch};
pub use splice::{splice, splice_at};

/// One family's output and what it did.
#[derive(Debug, Clone)]
pub struct Manipulated {
    /// Same size as the input; outside the region the family works on it may equal the input,
    /// but only [`Mask::blend`] guarantees untouched pixels.
    pub image: RgbImage,
    /// The generator: `splice`, `copy-move`, `resample`, or the retouching operation.
    pub generator: &'static str,
    /// The drawn parameters, in words and numbers.
    pub details: String,
    /// Where the content under the mask was sampled from: the same image for copy-move, the
    /// donor for splicing; `None` for resampling and retouching.
    pub source: Option<SourcePlacement>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FamilyError {
    #[error("image of {image:?} and mask of {mask:?} differ in size")]
    SizeMismatch { image: (u32, u32), mask: (u32, u32) },
    #[error("the mask selects no pixel")]
    EmptyMask,
    #[error("the {what} is {width}x{height}; at least {min}x{min} pixels are needed")]
    TooSmall {
        what: &'static str,
        width: u32,
        height: u32,
        min: u32,
    },
    #[error("placement {0:?} needs a finite positive scale and finite centres and angle")]
    InvalidPlacement(SourcePlacement),
}

/// Smallest side of an image that content is taken from (the donor, the copy-move image).
const MIN_SOURCE_SIDE: u32 = 4;

/// The mask's bounding box, after checking that it fits `image` and is not empty.
fn masked_box(image: &RgbImage, mask: &Mask) -> Result<[u32; 4], FamilyError> {
    if image.dimensions() != mask.binary.dimensions()
        || image.dimensions() != mask.alpha.dimensions()
    {
        return Err(FamilyError::SizeMismatch {
            image: image.dimensions(),
            mask: mask.binary.dimensions(),
        });
    }
    mask.bounding_box().ok_or(FamilyError::EmptyMask)
}

fn check_source(what: &'static str, image: &RgbImage) -> Result<(), FamilyError> {
    let (width, height) = image.dimensions();
    if width < MIN_SOURCE_SIDE || height < MIN_SOURCE_SIDE {
        return Err(FamilyError::TooSmall {
            what,
            width,
            height,
            min: MIN_SOURCE_SIDE,
        });
    }
    Ok(())
}
