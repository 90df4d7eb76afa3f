//! What panels ask the app to do. Drawing never changes application state directly.

use std::path::PathBuf;

use forgelens_engine::DeviceChoice;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    OpenDialog,
    Open(PathBuf),
    /// The next (+1) or previous (-1) image in the current image's folder.
    OpenSibling(i32),
    CancelAnalysis,
    ExportDialog,
    ExportTo(PathBuf),
    ModelDialog,
    LoadModel(PathBuf),
    CreateUntrainedModel,
    SetDevice(DeviceChoice),
    ClearRecent,
}
