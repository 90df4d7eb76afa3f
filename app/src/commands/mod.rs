//! One module per subcommand; `run` dispatches.

mod analyze;
mod info;
mod init_model;

use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Some(Command::Analyze(args)) => analyze::run(args),
        Some(Command::Info(args)) => info::run(args),
        Some(Command::InitModel(args)) => init_model::run(args),
        None => {
            // The desktop app is not built yet; until it is, show what the command line does.
            Cli::command().print_help()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
