//! `forgelens init-model`: a model directory with freshly initialised networks and a
//! pretrained extractor, the starting point for training and for tests.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use forgelens_engine::device::DeviceChoice;
use forgelens_engine::extractor::ExtractorConfig;
use forgelens_engine::model::init_model_dir;
use forgelens_engine::select_device;

use crate::cli::InitModelArgs;

pub fn run(args: InitModelArgs) -> Result<ExitCode> {
    let mut config = args.config.config();
    if let Some(name) = &args.extractor {
        let Some(mut extractor) = ExtractorConfig::from_name(name) else {
            bail!(
                "unknown extractor `{name}` (expected one of {})",
                ExtractorConfig::NAMES.join(", ")
            );
        };
        // Keep the preset's MobileNetV2 input size and cut (tiny uses 64 px).
        if let (ExtractorConfig::MobileNetV2 { .. }, ExtractorConfig::MobileNetV2 { .. }) =
            (&config.extractor, &extractor)
        {
            extractor = config.extractor.clone();
        }
        config.extractor = extractor;
    }
    let device = select_device(DeviceChoice::Cpu)?;
    let loaded = init_model_dir(
        &config,
        args.extractor_weights.as_deref(),
        &args.out,
        &device.device,
        args.seed,
    )
    .with_context(|| format!("writing the model directory {}", args.out.display()))?;
    eprintln!(
        "wrote {} ({} config, extractor {}) to {}",
        loaded.id(),
        config.name,
        config.extractor.id(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
