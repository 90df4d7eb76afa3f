//! `forgelens keygen --out PREFIX`: an Ed25519 key pair for signing reports.

use std::process::ExitCode;

use anyhow::Result;
use forgelens_report::{generate_key, signing::fingerprint, write_key_pair};

use crate::cli::KeygenArgs;

pub fn run(args: KeygenArgs) -> Result<ExitCode> {
    let key = generate_key()?;
    let (secret, public) = write_key_pair(&args.out, &key)?;
    eprintln!(
        "secret key: {} (keep it private)\npublic key: {} (give it to whoever checks your reports)\nfingerprint: {}",
        secret.display(),
        public.display(),
        fingerprint(&key.verifying_key())
    );
    Ok(ExitCode::SUCCESS)
}
