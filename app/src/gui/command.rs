//! What panels ask the app to do. Drawing never changes application state directly.

use std::path::PathBuf;

use forgelens_engine::DeviceChoice;
use forgelens_forensics::Tool;
use forgelens_report::ReportFormat;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    OpenDialog,
    Open(PathBuf),
    /// The next (+1) or previous (-1) image in the current image's folder.
    OpenSibling(i32),
    CancelAnalysis,
    ExportDialog,
    ExportTo(PathBuf),
    /// Choose where to write a report of the shown image in this format.
    ReportDialog(ReportFormat),
    ReportTo(PathBuf, ReportFormat),
    ModelDialog,
    ShowModelCard,
    /// File → Trusted keys: the keyring window, a file dialog for a key, trust or untrust one.
    ShowTrustedKeys,
    TrustKeyDialog,
    TrustKey(PathBuf),
    /// Stop trusting the key with this fingerprint.
    UntrustKey(String),
    LoadModel(PathBuf),
    CreateUntrainedModel,
    /// Forget the chosen model directory and load the bundled one.
    UseBundledModel,
    SetDevice(DeviceChoice),
    ClearRecent,
    /// Analyse every image in a folder into the batch table.
    BatchDialog,
    Batch(PathBuf),
    CancelBatch,
    SaveBatchCsvDialog,
    SaveBatchCsv(PathBuf),
    ShowView(Mode),
    TrainingDataDialog,
    TrainingOutDialog,
    SetTrainingData(PathBuf),
    SetTrainingOut(PathBuf),
    StartTraining {
        resume: bool,
    },
    CancelTraining,
    /// Stop the toolbox computations in flight.
    CancelTools,
    /// Compute a tool again on the shown image (after a cancel or a failure).
    RecomputeTool(Tool),
    TrustAnchorsDialog,
    /// Read a PEM file of trust anchors for Content Credentials.
    SetTrustAnchors(PathBuf),
    /// Cases (`app/case.rs`): File → New case / Open case show the case panel's form.
    CaseForm(super::case_panel::CaseForm),
    NewCaseFolderDialog,
    SetNewCaseFolder(PathBuf),
    NewCase {
        dir: PathBuf,
        name: String,
        analyst: String,
    },
    OpenCaseDialog,
    OpenCase(PathBuf),
    CloseCase,
    AddToCaseDialog,
    /// Take an image into the open case (a read-only copy).
    AddToCase(PathBuf),
    /// Open an item by id, restoring the view of its latest bookmark.
    OpenCaseItem(String),
    /// Open a bookmark's item with its view, parameters and thresholds.
    OpenBookmark(String),
    /// Save the shown view with the case panel's region, comment and status.
    BookmarkThisView,
    VerifyCase,
    /// Analyse every item and record the runs (`app/case_analysis.rs`).
    AnalyzeCase,
}

/// What the central area shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Image,
    /// The attention explorer on the open image's tiles.
    Explorer,
    Batch,
    Training,
}
