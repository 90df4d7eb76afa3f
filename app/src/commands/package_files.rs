//! `forgelens package-files --out DIR` (hidden; packaging/build-deb.sh runs it): the man
//! pages (`man/forgelens.1` and one per subcommand) and the bash, zsh and fish completions
//! (`completions/`), generated from the command line's clap definition.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, PackageFilesArgs};

pub fn run(args: PackageFilesArgs) -> Result<ExitCode> {
    let written = write_package_files(&args.out)?;
    for path in written {
        println!("{path}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the man pages and completions under `out`; returns the files written.
pub fn write_package_files(out: &Path) -> Result<Vec<String>> {
    let man = out.join("man");
    let completions = out.join("completions");
    for dir in [&man, &completions] {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    clap_mangen::generate_to(Cli::command(), &man)
        .with_context(|| format!("writing the man pages into {}", man.display()))?;
    let mut written = Vec::new();
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let path =
            clap_complete::generate_to(shell, &mut Cli::command(), "forgelens", &completions)
                .with_context(|| format!("writing the {shell} completions"))?;
        written.push(path.display().to_string());
    }
    let mut pages: Vec<String> = std::fs::read_dir(&man)
        .with_context(|| format!("listing {}", man.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path().display().to_string()))
        .collect();
    pages.sort();
    written.extend(pages);
    Ok(written)
}
