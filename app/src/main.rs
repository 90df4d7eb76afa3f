//! `forgelens`: parses flags and hands over to the library; turns errors into messages and
//! exit codes (0 ok, 1 failure, 2 usage).

use clap::Parser;
use forgelens_app::{cli, commands};

fn main() -> std::process::ExitCode {
    relaunch_quietly();
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

/// Without a desktop session, runs this program again with Vulkan's device-select layer off
/// (`forgelens_engine::device::quiet_vulkan_env`), so probing the GPU prints nothing; the
/// environment of a running process cannot be changed safely, a fresh one can.
#[cfg(unix)]
fn relaunch_quietly() {
    use std::os::unix::process::CommandExt;
    if let Some((key, value)) = forgelens_engine::device::quiet_vulkan_env()
        && let Ok(exe) = std::env::current_exe()
    {
        let mut args = std::env::args_os();
        let mut command = std::process::Command::new(exe);
        if let Some(name) = args.next() {
            command.arg0(name);
        }
        // `exec` returns only when it failed; then this process carries on as it is.
        let _ = command.args(args).env(key, value).exec();
    }
}

#[cfg(not(unix))]
fn relaunch_quietly() {}
