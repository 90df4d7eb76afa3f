//! Real-world conditions: the processing an image meets between camera and analyst (JPEG
//! re-encoding, sometimes twice on a shifted 8x8 grid, WebP, resizing, slight blur and
//! noise). The forge applies a random chain to every class alike, so that compression is never
//! the label; `eval --perturb` applies one step to a whole split.
//!
//! A step is written `jpeg:Q`, `jpeg:Q@DX,DY` (the image first loses DX columns and DY rows
//! at its top-left, so the new 8x8 grid is shifted against the old one), `webp:Q`,
//! `resize:F`, `blur:SIGMA` (Gaussian, pixels) or `noise:SIGMA` (Gaussian, grey levels); a
//! chain joins steps with `+`; `none` is the empty chain.

mod apply;
mod draw;
mod step;

pub use apply::{Processed, apply_chain, apply_step};
pub use draw::LaunderingConfig;
pub use step::{Chain, LaunderingError, Step};
