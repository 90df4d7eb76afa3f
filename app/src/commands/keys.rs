//! `forgelens keys add FILE [--name N] | list | remove KEY`: the keyring of trusted public
//! keys that `verify-report` authenticates signatures against.

use std::process::ExitCode;

use anyhow::Result;
use forgelens_report::Keyring;

use crate::cli::{KeysAction, KeysArgs};

pub fn run(args: KeysArgs) -> Result<ExitCode> {
    let ring = Keyring::user()?;
    match args.action {
        KeysAction::Add { file, name } => {
            let key = ring.add(&file, name.as_deref())?;
            println!("trusted `{}` ({})", key.name, key.fingerprint());
        }
        KeysAction::List => {
            let keys = ring.list()?;
            if keys.is_empty() {
                println!(
                    "no trusted keys in {} (add one with `forgelens keys add KEY.pub`)",
                    ring.dir().display()
                );
            }
            for key in keys {
                println!("{}  {}", key.fingerprint(), key.name);
            }
        }
        KeysAction::Remove { key } => {
            let removed = ring.remove(&key)?;
            println!(
                "no longer trusted: `{}` ({})",
                removed.name,
                removed.fingerprint()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
