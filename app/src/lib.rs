//! The `forgelens` application as a library: the command line (`cli`, `commands`) and the
//! desktop app (`gui`). `main.rs` is a thin wrapper, so tests drive the same code paths.

pub mod build_info;
pub mod cli;
pub mod commands;
pub mod findings_text;
pub mod gui;
pub mod model_location;
pub mod shard;
pub mod shard_index;
