//! The forge: turns real photographs into labelled fakes. So far its parts: the neural
//! generator (`rdn`), random masks (`masks`) and classical inpainting (`inpaint`).

pub mod inpaint;
pub mod masks;
pub mod rdn;

pub use inpaint::{InpaintError, Inpainter, inpaint};
pub use masks::{Mask, MaskConfig, MaskError, MaskShape, random_mask};
pub use rdn::{Rdn, RdnConfig, RdnPreset, load_rdn, upscale};
