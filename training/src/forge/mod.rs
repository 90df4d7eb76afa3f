//! The forge: turns real photographs into labelled fakes. So far, the generator itself.

pub mod rdn;

pub use rdn::{Rdn, RdnConfig, RdnPreset, load_rdn, upscale};
