//! `forgelens report-index --out DIR SHARD...`: the index parts of `analyze --shard K/N`
//! runs (`index.shard-K-of-N.json`, in the folders or as files given) merged into one
//! `index.csv` and `index.html`, rows in the order a single run over all inputs writes them;
//! every shard must be there exactly once. Reports kept in other folders are copied beside
//! the merged index, so its links work.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail, ensure};
use forgelens_engine::files::write_atomic;
use forgelens_report::index::write_index;

use crate::cli::ReportIndexArgs;
use crate::shard_index::{IndexPart, PART_FORMAT};

pub fn run(args: ReportIndexArgs) -> Result<ExitCode> {
    let mut parts = Vec::new();
    for input in &args.shards {
        for file in part_files(input)? {
            let part = IndexPart::read(&file)?;
            parts.push((file, part));
        }
    }
    let rows = merge(&parts)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    for (file, part) in &parts {
        let dir = file.parent().unwrap_or(Path::new("."));
        for row in part.rows.iter().filter(|r| !r.report.is_empty()) {
            copy_report(&dir.join(&row.report), &args.out.join(&row.report))?;
        }
    }
    let title = &parts[0].1.title;
    let written = write_index(&args.out, title, &rows)
        .with_context(|| format!("writing the index to {}", args.out.display()))?;
    eprintln!(
        "{} rows from {} shards in {}",
        rows.len(),
        parts.len(),
        written[0].display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The index parts in a folder (or the file itself).
fn part_files(input: &Path) -> Result<Vec<PathBuf>> {
    if !input.is_dir() {
        return Ok(vec![input.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(input)
        .with_context(|| format!("listing {}", input.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("index.shard-") && n.ends_with(".json"))
        })
        .collect();
    files.sort();
    ensure!(
        !files.is_empty(),
        "{} holds no index part (index.shard-K-of-N.json from `analyze --shard`)",
        input.display()
    );
    Ok(files)
}

/// The rows of every part in input order, after checking that the parts are the N shards of
/// one run, each once, and that their rows cover every input once.
pub fn merge(parts: &[(PathBuf, IndexPart)]) -> Result<Vec<forgelens_report::index::IndexRow>> {
    let Some((_, first)) = parts.first() else {
        bail!("no index parts given");
    };
    let mut seen = BTreeSet::new();
    for (file, part) in parts {
        ensure!(
            part.format == PART_FORMAT,
            "{} is not an index part ({})",
            file.display(),
            PART_FORMAT
        );
        ensure!(
            (part.shards, part.inputs, &part.title) == (first.shards, first.inputs, &first.title),
            "{} is from another run: {} shards of {} inputs, not {} of {}",
            file.display(),
            part.shards,
            part.inputs,
            first.shards,
            first.inputs
        );
        ensure!(
            seen.insert(part.shard),
            "shard {}/{} is given twice ({})",
            part.shard,
            part.shards,
            file.display()
        );
    }
    let missing: Vec<String> = (0..first.shards)
        .filter(|k| !seen.contains(k))
        .map(|k| format!("{k}/{}", first.shards))
        .collect();
    ensure!(missing.is_empty(), "shards missing: {}", missing.join(", "));
    let mut positioned: Vec<_> = parts.iter().flat_map(|(_, p)| p.rows.iter()).collect();
    positioned.sort_by_key(|r| r.position);
    let positions: Vec<usize> = positioned.iter().map(|r| r.position).collect();
    ensure!(
        positions == (0..first.inputs).collect::<Vec<_>>(),
        "the shards' rows do not cover the {} inputs once each",
        first.inputs
    );
    Ok(positioned.into_iter().map(|r| r.to_row()).collect())
}

/// Copies a report beside the merged index, unless the same bytes are already there.
fn copy_report(from: &Path, to: &Path) -> Result<()> {
    if from == to || same_file(from, to) {
        return Ok(());
    }
    let bytes =
        std::fs::read(from).with_context(|| format!("reading the report {}", from.display()))?;
    if let Ok(existing) = std::fs::read(to) {
        ensure!(
            existing == bytes,
            "{} already exists and differs from {}",
            to.display(),
            from.display()
        );
        return Ok(());
    }
    write_atomic(to, &bytes).with_context(|| format!("writing {}", to.display()))?;
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
