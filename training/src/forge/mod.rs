//! The forge: turns real photographs into labelled fakes. So far its parts: the neural
//! generator (`rdn`), random masks (`masks`) and classical inpainting (`inpaint`).

pub mod fakes;
pub mod inpaint;
pub mod masks;
pub mod pipeline;
pub mod rdn;

pub use fakes::{FakeError, PartialGenerator, full_fake, partial_fake};
pub use inpaint::{InpaintError, Inpainter, inpaint};
pub use masks::{Mask, MaskConfig, MaskError, MaskShape, random_mask};
pub use pipeline::{ForgeConfig, ForgeError, ForgeSummary, ManifestRow, forge};
pub use rdn::{Rdn, RdnConfig, RdnPreset, load_rdn, upscale};
