//! `forgelens info`: backends built in, devices found (one probe of the GPU adapters), what
//! `auto` would choose, where the data was found, and the model card.

use std::process::ExitCode;

use anyhow::Result;
use burn::module::Module;
use forgelens_engine::data_dir::{self, Located, Source};
use forgelens_engine::device::{
    AdapterSummary, cuda_built, desktop_session, select_auto, wgpu_adapters,
};
use forgelens_engine::model::{ModelCard, load_model_dir};
use serde::Serialize;

use crate::cli::InfoArgs;
use crate::model_location::resolve_model_dir;

#[derive(Serialize)]
struct Info {
    version: &'static str,
    backends: Vec<&'static str>,
    wgpu_adapters: Vec<AdapterSummary>,
    auto_device: String,
    auto_reason: String,
    /// `$XDG_RUNTIME_DIR` names a folder (the app needs a session; the command line does not).
    desktop_session: bool,
    /// The generator weights `forge` uses and the sample photographs.
    generators: DataFound,
    samples: DataFound,
    model: Option<ModelInfo>,
    model_error: Option<String>,
}

/// Where a piece of the data was found (`data_dir`), or every place searched.
#[derive(Serialize)]
struct DataFound {
    path: Option<String>,
    found_in: Option<Source>,
    error: Option<String>,
}

impl DataFound {
    fn locate(relative: &str) -> Self {
        match data_dir::locate(relative) {
            Ok(Located { path, source }) => Self {
                path: Some(path.display().to_string()),
                found_in: Some(source),
                error: None,
            },
            Err(e) => Self {
                path: None,
                found_in: None,
                error: Some(e.to_string()),
            },
        }
    }

    fn line(&self) -> String {
        match (&self.path, &self.found_in, &self.error) {
            (Some(path), Some(source), _) => format!("{path} ({source})"),
            (_, _, Some(error)) => error.clone(),
            _ => String::new(),
        }
    }
}

#[derive(Serialize)]
struct ModelInfo {
    dir: String,
    id: String,
    weights_sha256: String,
    /// Parameters per network.
    parameters: Parameters,
    card: ModelCard,
}

#[derive(Serialize)]
struct Parameters {
    extractor: usize,
    teacher_and_students: usize,
    classifier: usize,
    fusion: usize,
}

pub fn run(args: InfoArgs) -> Result<ExitCode> {
    let mut backends = vec!["flex (CPU)", "wgpu"];
    if cuda_built() {
        backends.push("cuda");
    }
    let mut probed = None;
    let auto = select_auto(|| probed.insert(wgpu_adapters()).clone());
    let adapters = probed.unwrap_or_else(wgpu_adapters);
    let (model, model_error) = match resolve_model_dir(args.model.clone())
        .and_then(|dir| Ok(load_model_dir(&dir, &auto.device)?))
    {
        Ok(loaded) => (
            Some(ModelInfo {
                dir: loaded.dir.display().to_string(),
                id: loaded.id(),
                weights_sha256: loaded.weights_sha256.clone(),
                parameters: Parameters {
                    extractor: loaded.model.extractor.num_params(),
                    teacher_and_students: loaded.model.teacher.num_params()
                        + loaded.model.student1.num_params()
                        + loaded.model.student2.num_params(),
                    classifier: loaded.model.classifier.num_params(),
                    fusion: loaded.model.fusion.num_params(),
                },
                card: loaded.card,
            }),
            None,
        ),
        Err(e) => (None, Some(format!("{e:#}"))),
    };
    let info = Info {
        version: env!("CARGO_PKG_VERSION"),
        backends,
        wgpu_adapters: adapters,
        auto_device: format!("{} ({})", auto.backend, auto.name),
        auto_reason: auto.reason,
        desktop_session: desktop_session(),
        generators: DataFound::locate(data_dir::GENERATORS),
        samples: DataFound::locate(data_dir::SAMPLES),
        model,
        model_error,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&info)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("forgelens {}", info.version);
    println!("backends built in: {}", info.backends.join(", "));
    if info.wgpu_adapters.is_empty() {
        println!("wgpu adapters: none (no Vulkan driver found)");
    }
    for a in &info.wgpu_adapters {
        println!(
            "wgpu adapter: {} [{}; {}{}] {}",
            a.name,
            a.device_type,
            a.backend,
            if a.software { "; software" } else { "" },
            a.driver
        );
    }
    println!(
        "--device auto picks: {} ({})",
        info.auto_device, info.auto_reason
    );
    if !info.desktop_session {
        println!(
            "desktop session: none ($XDG_RUNTIME_DIR is not a folder): the command line works, \
             the app needs a session"
        );
    }
    for (what, found) in [
        ("generator weights", &info.generators),
        ("sample photographs", &info.samples),
    ] {
        println!("{what}: {}", found.line());
    }
    match (&info.model, &info.model_error) {
        (Some(m), _) => {
            println!("model: {} in {}", m.id, m.dir);
            let p = &m.parameters;
            println!(
                "parameters: extractor {:.2}M, teacher + students {:.2}M, classifier {:.3}M, fusion net {:.2}M",
                p.extractor as f64 / 1e6,
                p.teacher_and_students as f64 / 1e6,
                p.classifier as f64 / 1e6,
                p.fusion as f64 / 1e6
            );
            print!("{}", m.card.summary());
        }
        (None, Some(e)) => println!("model: {e}"),
        (None, None) => {}
    }
    Ok(ExitCode::SUCCESS)
}
