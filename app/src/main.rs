//! `forgelens`: parses flags and hands over to the library; turns errors into messages and
//! exit codes (0 ok, 1 failure, 2 usage).

use clap::Parser;
use forgelens_app::{cli, commands};

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
