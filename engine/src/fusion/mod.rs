//! The localisation network (paper sec. 3.5): a Conformer / TransCAM dual-stream net whose
//! CNN branch gives the class activation map and whose transformer branch gives attention;
//! `maps.rs` fuses them.

pub mod conv_block;
pub mod coupling;
pub mod maps;
pub mod net;
pub mod pretrained_stem;
pub mod stem_cam;

pub use maps::{
    AttentionMapMode, CamEvidence, FusionMaps, MapOptions, cam_evidence, compute_maps,
    patch_affinity, summed_attention,
};
pub use net::{FusionNet, FusionNetConfig, FusionOutput};
pub use pretrained_stem::{FusionStem, MobileNetStem};
