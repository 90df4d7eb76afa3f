//! The forge: turns real photographs into labelled fakes. Its parts: the neural generators
//! (`generators`, `rdn`), random masks (`masks`), classical inpainting (`inpaint`), the
//! manipulation families (`family`), real-world laundering (`laundering`) and the run
//! (`pipeline`).

pub mod fakes;
pub mod families;
pub mod family;
pub mod generators;
pub mod inpaint;
pub mod laundering;
pub mod manifest;
pub mod masks;
pub mod pipeline;
pub mod rdn;
pub mod rrdn;
pub mod sample;

pub use fakes::{FakeError, PartialGenerator, full_fake, partial_fake};
pub use families::{
    FamilyError, Manipulated, SourcePlacement, copy_move, resample, retouch, splice,
};
pub use family::Family;
pub use generators::{GeneratorPreset, NeuralGenerator};
pub use inpaint::{InpaintError, Inpainter, inpaint};
pub use laundering::{Chain, LaunderingConfig, Step};
pub use manifest::{ManifestRow, SampleKind};
pub use masks::random_mask_on;
pub use masks::{Mask, MaskConfig, MaskError, MaskShape, random_mask};
pub use pipeline::{ForgeConfig, ForgeError, ForgeSummary, forge, split_of};
pub use rdn::{Rdn, RdnConfig, RdnPreset, load_rdn, upscale};
pub use rrdn::{Rrdn, RrdnConfig, load_rrdn};
