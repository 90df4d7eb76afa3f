//! Flags of the commands that analyse and report on evidence and keep it: analyze,
//! report, verify-report, case, report-index, keys, keygen, info, package-files.

use std::path::PathBuf;

use super::parse::{parse_report_format, parse_share, parse_tool};
use super::{DeviceArgs, TilingArgs, ToolParamArgs};
use clap::{Args, Subcommand};
use forgelens_engine::MapKind;
use forgelens_report::ReportFormat;

#[derive(Debug, Args)]
pub struct ReportIndexArgs {
    /// Report folders of the shards (or their index.shard-K-of-N.json files).
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Folder for the merged index.csv and index.html; reports found elsewhere are copied in.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct PackageFilesArgs {
    /// Writes OUT/man/*.1 and OUT/completions/ (bash, zsh, fish).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Image files to analyse.
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
    /// Model directory (default: the bundled model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub device: DeviceArgs,
    /// Print the analyses as JSON on standard output.
    #[arg(long)]
    pub json: bool,
    /// Where to write each image's analysis JSON and map PNGs (default: ./forgelens-out).
    #[arg(long, default_value = "forgelens-out")]
    pub out: PathBuf,
    #[command(flatten)]
    pub tiling: TilingArgs,
    /// Also write one report per image into this folder, with index.csv and index.html.
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Format of the reports written with --report-dir.
    #[arg(long, default_value = "pdf", value_parser = parse_report_format)]
    pub report_format: ReportFormat,
    /// Call a verdict inconclusive when its top probability is below P (0 to 1), in place
    /// of the model card's calibrated threshold.
    #[arg(long, value_name = "P", value_parser = parse_share)]
    pub inconclusive_below: Option<f32>,
    #[command(flatten)]
    pub case: CaseArgs,
    /// Analyse only shard K of N (numbered from 0): the images whose SHA-256 is K modulo N.
    /// Writes the shard's part of the index; `forgelens report-index` merges the parts.
    #[arg(long, value_name = "K/N", requires = "report_dir")]
    pub shard: Option<crate::shard::Shard>,
}

/// Who the report is for, and the signing key.
#[derive(Debug, Args)]
pub struct CaseArgs {
    /// Analyst's name, shown in reports.
    #[arg(long)]
    pub analyst: Option<String>,
    /// Case number or identifier, shown in reports.
    #[arg(long = "case", value_name = "ID")]
    pub case_id: Option<String>,
    /// Free-text notes for reports.
    #[arg(long)]
    pub notes: Option<String>,
    /// Sign reports with this Ed25519 secret key (from `forgelens keygen`).
    #[arg(long, value_name = "KEY")]
    pub sign: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The image (the evidence; it is only read).
    pub image: PathBuf,
    /// pdf, html or json.
    #[arg(long, default_value = "pdf", value_parser = parse_report_format)]
    pub format: ReportFormat,
    /// Report file (default: <image stem>.report.<format> in the current folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub case: CaseArgs,
    /// Model directory (default: the bundled model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub device: DeviceArgs,
    /// Threshold for the map areas and the region list (0 to 1).
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f32,
    /// The map whose regions are listed and boxed: cam, attention or fused.
    #[arg(long, default_value = "fused")]
    pub regions_map: MapKind,
    /// Call a verdict inconclusive when its top probability is below P (0 to 1), in place
    /// of the model card's calibrated threshold.
    #[arg(long, value_name = "P", value_parser = parse_share)]
    pub inconclusive_below: Option<f32>,
    /// Classic tools to run and include, each in a section with its parameters, findings
    /// and maps: names as `inspect --tool` takes (ela,noise,jpeg,ghosts,...).
    #[arg(long, value_delimiter = ',', value_parser = parse_tool)]
    pub tools: Vec<forgelens_forensics::Tool>,
    /// The tools' parameters (`--ela-quality`, `--noise-block`, ...), as `inspect` takes them.
    #[command(flatten)]
    pub tool_params: ToolParamArgs,
    /// Add an appendix with every model-card metric and the model configuration (the
    /// report JSON always holds them).
    #[arg(long)]
    pub appendix: bool,
    #[command(flatten)]
    pub tiling: TilingArgs,
}

#[derive(Debug, Args)]
pub struct VerifyReportArgs {
    /// The report (PDF, HTML or JSON).
    pub report: PathBuf,
    /// The image it should describe.
    pub image: PathBuf,
    /// Model directory to compare with (default: the bundled model, if installed).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Require a signature by this Ed25519 public key (from `forgelens keygen`); without it,
    /// a signature passes only by a key in your keyring (`forgelens keys`).
    #[arg(long, value_name = "FILE")]
    pub public_key: Option<PathBuf>,
    /// Print the checks as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub action: KeysAction,
}

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Trust the signatures of the public key in FILE (from `forgelens keygen`).
    Add {
        file: PathBuf,
        /// What to call the key (default: the file's name without `.pub`).
        #[arg(long)]
        name: Option<String>,
    },
    /// The trusted keys, with their fingerprints.
    List,
    /// Stop trusting a key, by name or fingerprint.
    Remove { key: String },
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Writes PREFIX.key (secret, owner-only) and PREFIX.pub; neither may exist.
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Model directory (default: the bundled model).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `forgelens case ...` (named apart from `CaseArgs`, the report's case fields).
#[derive(Debug, Args)]
pub struct CaseCommandArgs {
    #[command(subcommand)]
    pub action: CaseAction,
}

#[derive(Debug, Subcommand)]
pub enum CaseAction {
    /// Make a new case in DIR (a new or empty folder).
    Init {
        dir: PathBuf,
        /// The case's name or number.
        #[arg(long)]
        name: String,
        #[arg(long)]
        analyst: Option<String>,
    },
    /// Take in evidence: SHA-256 and MD5, size, time, original path; copied read-only into
    /// the case (default) or referenced where it is.
    Add {
        dir: PathBuf,
        #[arg(required = true)]
        images: Vec<PathBuf>,
        /// Copy each file read-only into DIR/evidence (the default).
        #[arg(long, conflicts_with = "reference")]
        copy: bool,
        /// Leave each file where it is and record its path.
        #[arg(long)]
        reference: bool,
    },
    /// Analyse every item (or the ITEMs named), recording the model and every parameter.
    Analyze {
        dir: PathBuf,
        /// Items by id (E001) or file name (default: all).
        items: Vec<String>,
        /// Model directory (default: the bundled model).
        #[arg(long)]
        model: Option<PathBuf>,
        #[command(flatten)]
        device: DeviceArgs,
        #[command(flatten)]
        tiling: TilingArgs,
        /// Threshold for the map areas and region lists (0 to 1).
        #[arg(long, default_value_t = 0.5, value_parser = parse_share)]
        threshold: f32,
    },
    /// Save a view of an item: a map (cam, attention, fused), a tool (ela, noise, ...) or
    /// the image, with its threshold, an optional region, a comment and a status.
    Bookmark {
        dir: PathBuf,
        /// The item, by id (E001) or file name.
        item: String,
        #[arg(long)]
        view: String,
        #[arg(long, value_parser = parse_share)]
        threshold: Option<f32>,
        /// x,y,w,h in image pixels.
        #[arg(long)]
        region: Option<forgelens_report::case::BookmarkRegion>,
        #[arg(long, default_value = "")]
        comment: String,
        /// ok, to-check or warning.
        #[arg(long, default_value = "to-check")]
        status: forgelens_report::case::BookmarkStatus,
    },
    /// Hash every item again and check the audit log; exit code 1 naming each problem.
    Verify {
        dir: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the case report: evidence table, verdicts, findings, bookmarks, audit summary.
    Report {
        dir: PathBuf,
        /// pdf, html or json.
        #[arg(long, default_value = "pdf", value_parser = parse_report_format)]
        format: ReportFormat,
        /// Report file (default: DIR/case-report.FORMAT).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Sign the report with this Ed25519 secret key (from `forgelens keygen`).
        #[arg(long, value_name = "KEY")]
        sign: Option<PathBuf>,
    },
}
