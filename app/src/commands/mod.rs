//! One module per subcommand; `run` dispatches.

mod analyze;
pub mod attention;
mod calibrate;
pub mod case;
mod eval;
mod forge;
mod info;
mod init_model;
mod inspect;
mod keygen;
mod keys;
mod package_files;
mod report;
mod report_index;
mod train;
mod verify_report;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use anyhow::Result;

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Some(Command::Analyze(args)) => analyze::run(args),
        Some(Command::Inspect(args)) => inspect::run(args),
        Some(Command::Attention(args)) => attention::run(args),
        Some(Command::Report(args)) => report::run(args),
        Some(Command::VerifyReport(args)) => verify_report::run(args),
        Some(Command::Keygen(args)) => keygen::run(args),
        Some(Command::Keys(args)) => keys::run(args),
        Some(Command::Info(args)) => info::run(args),
        Some(Command::InitModel(args)) => init_model::run(args),
        Some(Command::Forge(args)) => forge::run(args),
        Some(Command::Train(args)) => train::run(args),
        Some(Command::Eval(args)) => eval::run(args),
        Some(Command::Calibrate(args)) => calibrate::run(args),
        Some(Command::Case(args)) => case::run(args),
        Some(Command::ReportIndex(args)) => report_index::run(args),
        Some(Command::PackageFiles(args)) => package_files::run(args),
        None => {
            crate::gui::run(crate::gui::Launch {
                image: cli.image,
                batch: cli.batch,
                model: cli.model,
                device: cli.device,
                state: None,
            })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
