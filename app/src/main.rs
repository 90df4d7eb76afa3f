//! `forgelens`: the command line over the ForgeLens libraries. Parses flags, dispatches to a
//! subcommand, and turns errors into messages and exit codes (0 ok, 1 failure, 2 usage).

mod cli;
mod commands;
mod model_location;

use clap::Parser;

fn main() -> std::process::ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
