//! Training and evaluation data: dataset layouts on disk, masks, and the on-disk cache of
//! the frozen extractor's features.

pub mod dataset;
pub mod dolos;
pub mod feature_cache;
pub mod mask;
mod open;

pub use dataset::{DataError, Dataset, Layout, MaskRef, Sample, Split};
pub use feature_cache::{CachedFeatures, FeatureCache, FeatureCacheError};
