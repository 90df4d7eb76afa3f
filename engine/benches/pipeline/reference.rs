//! The PyTorch reference (`scripts/reference_pipeline.py --serve`), started once: it reports
//! versions, MACs per tile and its outputs' differences from Burn's, then times one round of
//! every part each time it is asked, so that Burn's and its rounds alternate.

use std::io::{BufRead, BufReader, Lines, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::Value;

use crate::say;
use crate::table::{PART_NAMES, Samples};

pub struct Reference {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    /// Versions, MACs per tile and output differences per batch, as the script reports them.
    report: Value,
}

impl Reference {
    pub fn start(python: &str, weights: &Path, io: &Path, threads: usize) -> Reference {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut child = Command::new(python)
            .arg(root.join("scripts/reference_pipeline.py"))
            .args(["--weights".as_ref(), weights.as_os_str()])
            .args(["--io".as_ref(), io.as_os_str()])
            .args([
                "--config".as_ref(),
                root.join("assets/model/model.json").as_os_str(),
            ])
            .args(["--threads", &threads.to_string(), "--serve"])
            // On a loaded machine OpenMP's default spin-waiting at every parallel region
            // costs PyTorch several times its quiet-machine time (a waiting thread spins while
            // the one it waits for is descheduled); passive waiting unless the caller says.
            .env(
                "OMP_WAIT_POLICY",
                std::env::var("OMP_WAIT_POLICY").unwrap_or_else(|_| "PASSIVE".to_string()),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("starting the reference's Python");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let report = reply(&mut lines, "REPORT ");
        Reference {
            child,
            lines,
            report,
        }
    }

    /// One round: `runs` timed calls of every part at `tiles` tiles, after a warm-up call.
    pub fn time(&mut self, tiles: usize, runs: usize) -> Vec<Samples> {
        let stdin = self.child.stdin.as_mut().expect("piped stdin");
        writeln!(stdin, "time {tiles} {runs}").expect("asking the reference");
        stdin.flush().expect("asking the reference");
        let timings = reply(&mut self.lines, "TIMINGS ");
        PART_NAMES
            .iter()
            .map(|p| Samples::from_json(&timings[*p]).expect("a timing per part"))
            .collect()
    }

    /// Closes the reference and returns its report.
    pub fn finish(mut self) -> Value {
        drop(self.child.stdin.take());
        let status = self.child.wait().expect("waiting for the reference");
        assert!(status.success(), "the reference failed: {status}");
        self.report
    }
}

/// Echoes the script's lines until the one starting with `tag`, whose JSON it returns.
fn reply(lines: &mut Lines<BufReader<ChildStdout>>, tag: &str) -> Value {
    for line in lines.by_ref() {
        let line = line.expect("reading the reference's output");
        match line.strip_prefix(tag) {
            Some(json) => return serde_json::from_str(json).expect("the reference's JSON"),
            None => say(&format!("    reference: {line}")),
        }
    }
    panic!("the reference stopped before its {tag}line (its error is above)");
}
