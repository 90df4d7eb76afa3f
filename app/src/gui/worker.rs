//! The worker threads: one owns the model (`Analyzer`), one runs the classic toolbox (so a
//! long copy-move search never holds up an analysis). Requests go in over channels, replies
//! come back on one, and each reply wakes the UI with `request_repaint`.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

use forgelens_engine::analysis::AnalysisSummary;
use forgelens_engine::attention_explorer::{TileAttention, tile_attention};
use forgelens_engine::image_input::read_image_file;
use forgelens_engine::model::{Preset, init_model_dir};
use forgelens_engine::progress::{CancelToken, Progress};
use forgelens_engine::{
    Analysis, AnalyzeError, Analyzer, AnalyzerOptions, DeviceChoice, select_device,
};
use forgelens_forensics::{Control, Evidence, Limits, Params, ToolOutput};
use forgelens_report::{
    CaseInfo, ReportFormat, ReportOptions, ReportRequest, SystemClock, analyze_and_report,
    check_writable, error_chain, read_evidence, write_report_file,
};
use image::RgbImage;

use super::toolbox::ToolKey;

pub enum Request {
    LoadModel {
        dir: PathBuf,
        device: DeviceChoice,
    },
    /// Write an untrained `small` model to `out`, then load it.
    InitModel {
        out: PathBuf,
        device: DeviceChoice,
    },
    Analyze {
        path: PathBuf,
        cancel: CancelToken,
    },
    /// Analyse for the batch table: only the summary comes back.
    Summarize {
        batch: u64,
        path: PathBuf,
        cancel: CancelToken,
    },
    /// The attention of the fusion tile nearest `point` (the centre when `None`), for the
    /// attention explorer (`explorer.rs`), answered on `reply`.
    Attention {
        image: std::sync::Arc<RgbImage>,
        point: Option<(f32, f32)>,
        reply: Sender<Result<TileAttention, String>>,
    },
    /// Analyse `image` afresh and write its report to `out`.
    Report {
        image: PathBuf,
        out: PathBuf,
        format: ReportFormat,
        case: CaseInfo,
        options: Box<ReportOptions>,
    },
}

/// Run one tool of the classic toolbox on `path` (whose bytes must hash to `key.sha256`).
pub struct ToolRequest {
    pub key: ToolKey,
    pub path: PathBuf,
    pub params: Box<Params>,
    pub cancel: CancelToken,
}

#[derive(Debug, Clone)]
pub struct ModelSummary {
    pub dir: PathBuf,
    pub id: String,
    pub trained: bool,
    pub card: String,
    pub device: String,
    pub device_reason: String,
}

pub enum Reply {
    ModelLoaded(ModelSummary),
    ModelFailed(String),
    Progress {
        path: PathBuf,
        progress: Progress,
    },
    Analysed {
        path: PathBuf,
        analysis: Box<Analysis>,
        image: RgbImage,
    },
    Failed {
        path: PathBuf,
        error: String,
    },
    Cancelled {
        path: PathBuf,
    },
    /// A row of batch `batch` (`Batch::id`).
    BatchRow {
        batch: u64,
        path: PathBuf,
        result: Result<Box<AnalysisSummary>, String>,
    },
    ReportWritten(Result<PathBuf, String>),
    ToolProgress {
        key: ToolKey,
        progress: Progress,
    },
    /// A tool's result; `Err(None)` when it was cancelled.
    ToolDone {
        key: ToolKey,
        result: Result<Box<ToolOutput>, Option<String>>,
    },
}

pub struct Worker {
    requests: Sender<Request>,
    tool_requests: Sender<ToolRequest>,
    replies: Receiver<Reply>,
}

impl Worker {
    pub fn spawn(ctx: egui::Context) -> Self {
        let (requests, inbox) = channel::<Request>();
        let (tool_requests, tool_inbox) = channel::<ToolRequest>();
        let (outbox, replies) = channel::<Reply>();
        let (tool_outbox, tool_ctx) = (outbox.clone(), ctx.clone());
        std::thread::Builder::new()
            .name("forgelens-worker".into())
            .spawn(move || serve(inbox, outbox, ctx))
            .expect("spawning the worker thread");
        std::thread::Builder::new()
            .name("forgelens-toolbox".into())
            .spawn(move || serve_tools(tool_inbox, tool_outbox, tool_ctx))
            .expect("spawning the toolbox thread");
        Self {
            requests,
            tool_requests,
            replies,
        }
    }

    pub fn send(&self, request: Request) {
        // The worker only stops when the app drops its sender.
        let _ = self.requests.send(request);
    }

    pub fn run_tool(&self, request: ToolRequest) {
        let _ = self.tool_requests.send(request);
    }

    pub fn try_recv(&self) -> Option<Reply> {
        self.replies.try_recv().ok()
    }
}

fn load(dir: &std::path::Path, device: DeviceChoice) -> Result<Analyzer, String> {
    let device = select_device(device).map_err(|e| e.to_string())?;
    Analyzer::from_dir(dir, device, AnalyzerOptions::default()).map_err(|e| e.to_string())
}

fn summary(analyzer: &Analyzer) -> ModelSummary {
    let model = analyzer.model();
    ModelSummary {
        dir: model.dir.clone(),
        id: model.id(),
        trained: model.card.trained,
        card: model.card.summary(),
        device: format!("{} ({})", analyzer.device().backend, analyzer.device().name),
        device_reason: analyzer.device().reason.clone(),
    }
}

fn serve(inbox: Receiver<Request>, outbox: Sender<Reply>, ctx: egui::Context) {
    let mut analyzer: Option<Analyzer> = None;
    let send = |reply: Reply| {
        let _ = outbox.send(reply);
        ctx.request_repaint();
    };
    while let Ok(request) = inbox.recv() {
        match request {
            Request::LoadModel { dir, device } => match load(&dir, device) {
                Ok(a) => {
                    send(Reply::ModelLoaded(summary(&a)));
                    analyzer = Some(a);
                }
                Err(e) => send(Reply::ModelFailed(format!("{}: {e}", dir.display()))),
            },
            Request::InitModel { out, device } => {
                let result = select_device(DeviceChoice::Cpu)
                    .map_err(|e| e.to_string())
                    .and_then(|cpu| {
                        init_model_dir(&Preset::Small.config(), None, &out, &cpu.device, 0)
                            .map_err(|e| e.to_string())
                    })
                    .and_then(|_| load(&out, device));
                match result {
                    Ok(a) => {
                        send(Reply::ModelLoaded(summary(&a)));
                        analyzer = Some(a);
                    }
                    Err(e) => send(Reply::ModelFailed(e)),
                }
            }
            Request::Analyze { path, cancel } => {
                let report = |progress: Progress| {
                    let _ = outbox.send(Reply::Progress {
                        path: path.clone(),
                        progress,
                    });
                    ctx.request_repaint();
                };
                match analyze(analyzer.as_ref(), &path, &cancel, &report) {
                    Ok((analysis, image)) => send(Reply::Analysed {
                        path,
                        analysis: Box::new(analysis),
                        image,
                    }),
                    Err(None) => send(Reply::Cancelled { path }),
                    Err(Some(error)) => send(Reply::Failed { path, error }),
                }
            }
            Request::Report {
                image,
                out,
                format,
                case,
                options,
            } => send(Reply::ReportWritten(write_report(
                analyzer.as_ref(),
                &image,
                &out,
                format,
                case,
                &options,
            ))),
            Request::Attention {
                image,
                point,
                reply,
            } => {
                let result = match analyzer.as_ref() {
                    None => Err("no model is loaded: choose one in the Model menu".to_string()),
                    Some(a) => {
                        tile_attention(a.model(), &a.device().device, &image, point, a.options())
                            .map_err(|e| e.to_string())
                    }
                };
                let _ = reply.send(result);
                ctx.request_repaint();
            }
            Request::Summarize {
                batch,
                path,
                cancel,
            } => match analyze(analyzer.as_ref(), &path, &cancel, &|_: Progress| {}) {
                Ok((analysis, _)) => send(Reply::BatchRow {
                    batch,
                    path,
                    result: Ok(Box::new(analysis.summary())),
                }),
                Err(None) => {}
                Err(Some(error)) => send(Reply::BatchRow {
                    batch,
                    path,
                    result: Err(error),
                }),
            },
        }
    }
}

/// Reads the evidence, analyses it and writes the report atomically (the same steps as
/// `forgelens report`), so the report's hashes and timestamps are of this run.
fn write_report(
    analyzer: Option<&Analyzer>,
    image: &std::path::Path,
    out: &std::path::Path,
    format: ReportFormat,
    case: CaseInfo,
    options: &ReportOptions,
) -> Result<PathBuf, String> {
    let a = analyzer.ok_or("no model is loaded: choose one in the Model menu")?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        check_writable(dir).map_err(|e| error_chain(&e))?;
    }
    let evidence = read_evidence(image, &a.options().limits).map_err(|e| e.to_string())?;
    let request = ReportRequest {
        case,
        options: options.clone(),
        format,
        key: None,
        tool: crate::build_info::tool_info(),
    };
    let made = analyze_and_report(
        a,
        &evidence,
        &request,
        &SystemClock,
        &forgelens_engine::progress::no_progress(),
        &CancelToken::new(),
    )
    .map_err(|e| e.to_string())?;
    write_report_file(out, &made.bytes, image).map_err(|e| error_chain(&e))?;
    Ok(out.to_path_buf())
}

/// Decodes and analyses one file. `Err(None)` when cancelled.
fn analyze(
    analyzer: Option<&Analyzer>,
    path: &std::path::Path,
    cancel: &CancelToken,
    progress: &dyn Fn(Progress),
) -> Result<(Analysis, RgbImage), Option<String>> {
    let Some(a) = analyzer else {
        return Err(Some(
            "no model is loaded: choose one in the Model menu".into(),
        ));
    };
    if cancel.is_cancelled() {
        return Err(None);
    }
    let image = read_image_file(path, &a.options().limits).map_err(|e| Some(e.to_string()))?;
    match a.analyze_image(&image, &progress, cancel) {
        Ok(analysis) => Ok((analysis, image.rgb)),
        Err(AnalyzeError::Cancelled) => Err(None),
        Err(e) => Err(Some(e.to_string())),
    }
}

/// The toolbox thread: one tool at a time, the evidence of the last image kept (read once).
/// Cancellation is checked between reading and running, inside the slow tools between their
/// steps (copy-move's passes), and before replying; a cancelled result is dropped.
fn serve_tools(inbox: Receiver<ToolRequest>, outbox: Sender<Reply>, ctx: egui::Context) {
    let mut evidence: Option<(PathBuf, Evidence)> = None;
    let send = |reply: Reply| {
        let _ = outbox.send(reply);
        ctx.request_repaint();
    };
    while let Ok(request) = inbox.recv() {
        let ToolRequest {
            key,
            path,
            params,
            cancel,
        } = request;
        // Steps in hundredths: reading the file is the first, the tool's own share the rest.
        let progress = |done: usize, stage: &'static str| {
            send(Reply::ToolProgress {
                key: key.clone(),
                progress: Progress {
                    stage,
                    done,
                    total: 100,
                },
            })
        };
        let result = if cancel.is_cancelled() {
            Err(None)
        } else {
            progress(0, "reading the file");
            let read = match evidence.take() {
                Some((p, e)) if p == path && e.sha256 == key.sha256 => Ok(e),
                _ => Evidence::read(&path, &Limits::default()).map_err(|e| Some(e.to_string())),
            };
            read.and_then(|e| {
                if e.sha256 != key.sha256 {
                    return Err(Some(format!(
                        "{} changed since it was analysed (SHA-256 {} now)",
                        path.display(),
                        e.sha256
                    )));
                }
                let tool_progress =
                    |share: f32| progress(1 + (share * 98.0) as usize, key.tool.name());
                let cancelled = || cancel.is_cancelled();
                let control = Control::new(&tool_progress, &cancelled);
                let output = forgelens_forensics::run_with(key.tool, &e, &params, &control);
                evidence = Some((path.clone(), e));
                match output {
                    _ if cancel.is_cancelled() => Err(None),
                    Ok(output) => Ok(Box::new(output)),
                    Err(error) => Err(Some(error.to_string())),
                }
            })
        };
        send(Reply::ToolDone { key, result });
    }
}
