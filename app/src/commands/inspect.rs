//! `forgelens inspect`: the classic toolbox (`forgelens_forensics`) on each image (folders are
//! expanded): every map as a greyscale PNG and a colour overlay on the upright image
//! (`<stem>.<tool>[-<map>].png`, `...-overlay.png`), and the findings with the parameters
//! as `<stem>.inspect.json`, all written atomically into `--out`, never over the evidence.
//! A line per tool on stdout, or a JSON array with `--json`. Exit code 1 if any image or
//! explicitly requested tool failed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use forgelens_engine::Heatmap;
use forgelens_engine::files::{png_bytes, write_atomic};
use forgelens_engine::render::{Colormap, map_to_gray, overlay};
use forgelens_forensics::{Evidence, Limits, Map, Params, Tool, ToolSummary, credentials};
use image::{DynamicImage, RgbImage};
use serde::Serialize;

use crate::cli::InspectArgs;
use crate::findings_text::headline;
use forgelens_engine::image_files::image_files;

/// Files as given, folders expanded to the images directly inside, sorted by name.
fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let found =
                image_files(input).with_context(|| format!("listing {}", input.display()))?;
            if found.is_empty() {
                eprintln!("warning: no images in {}", input.display());
            }
            out.extend(found);
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

/// The file stem, made unique among this run's inputs (`a.png` and `a.jpg` -> `a`, `a-2`).
fn unique_stem(path: &Path, seen: &mut HashSet<String>) -> String {
    let base = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".into());
    let mut stem = base.clone();
    let mut n = 2;
    while !seen.insert(stem.clone()) {
        stem = format!("{base}-{n}");
        n += 1;
    }
    stem
}

#[derive(Serialize)]
struct ToolFailure {
    tool: Tool,
    error: String,
}

#[derive(Serialize)]
struct Inspection {
    file: String,
    sha256: String,
    width: u32,
    height: u32,
    exif_orientation: u8,
    params: Params,
    tools: Vec<ToolSummary>,
    failed: Vec<ToolFailure>,
    /// Tools left out, and why.
    skipped: Vec<String>,
    /// Files written.
    written: Vec<String>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Outcome {
    Ok(Box<Inspection>),
    Failed { file: String, error: String },
}

pub fn run(args: InspectArgs) -> Result<ExitCode> {
    let params = args.tool_params.params()?;
    let requested: Vec<Tool> = if args.tools.is_empty() {
        Tool::ALL.to_vec()
    } else {
        let mut seen = HashSet::new();
        args.tools
            .iter()
            .copied()
            .filter(|t| seen.insert(*t))
            .collect()
    };
    let images = expand_inputs(&args.images)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating the output directory {}", args.out.display()))?;
    let limits = Limits {
        max_pixels: (args.max_megapixels * 1e6) as u64,
        ..Limits::default()
    };
    // Every input, so that no output replaces any of them.
    let evidence: Vec<PathBuf> = images
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let mut stems = HashSet::new();
    let mut outcomes = Vec::new();
    let mut failed = false;
    for path in &images {
        let run = Run {
            args: &args,
            params: &params,
            requested: &requested,
            limits: &limits,
            evidence: &evidence,
        };
        match run.inspect(path, &mut stems) {
            Ok(inspection) => {
                failed |= !inspection.failed.is_empty();
                if !args.json {
                    print_lines(path, &inspection);
                }
                outcomes.push(Outcome::Ok(Box::new(inspection)));
            }
            Err(error) => {
                failed = true;
                eprintln!("error: {error:#}");
                outcomes.push(Outcome::Failed {
                    file: path.display().to_string(),
                    error: format!("{error:#}"),
                });
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&outcomes)?);
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// What every image of a run shares.
struct Run<'a> {
    args: &'a InspectArgs,
    params: &'a Params,
    requested: &'a [Tool],
    limits: &'a Limits,
    /// The inputs, canonical.
    evidence: &'a [PathBuf],
}

impl Run<'_> {
    fn inspect(&self, path: &Path, stems: &mut HashSet<String>) -> Result<Inspection> {
        let (args, params, requested) = (self.args, self.params, self.requested);
        let evidence = Evidence::read(path, self.limits)?;
        let stem = unique_stem(path, stems);
        let mut upright = DynamicImage::ImageRgb8(evidence.rgb.clone());
        upright.apply_orientation(evidence.orientation);
        let upright = upright.into_rgb8();
        let mut inspection = Inspection {
            file: path.display().to_string(),
            sha256: evidence.sha256.clone(),
            width: upright.width(),
            height: upright.height(),
            exif_orientation: evidence.exif_orientation(),
            params: params.clone(),
            tools: Vec::new(),
            failed: Vec::new(),
            skipped: Vec::new(),
            written: Vec::new(),
        };
        for &tool in requested {
            if tool == Tool::C2pa && !credentials::AVAILABLE && args.tools.is_empty() {
                inspection.skipped.push(
                    "c2pa: this build does not read Content Credentials (cargo feature c2pa)"
                        .into(),
                );
                continue;
            }
            match forgelens_forensics::run(tool, &evidence, params) {
                Ok(output) => {
                    let single = output.maps.len() == 1;
                    for map in &output.maps {
                        let name = if single {
                            tool.name().to_string()
                        } else {
                            format!("{}-{}", tool.name(), map.name)
                        };
                        let written = self.write_map(&stem, &name, map, &upright)?;
                        inspection.written.extend(written);
                    }
                    inspection.tools.push(output.summary());
                }
                Err(error) => inspection.failed.push(ToolFailure {
                    tool,
                    error: error.to_string(),
                }),
            }
        }
        let json_path = args.out.join(format!("{stem}.inspect.json"));
        inspection.written.push(file_name(&json_path));
        let json = serde_json::to_string_pretty(&inspection)?;
        self.write(&json_path, json.as_bytes())?;
        Ok(inspection)
    }

    /// Writes atomically, refusing to replace any input of the run.
    fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        if let Ok(existing) = std::fs::canonicalize(path)
            && self.evidence.contains(&existing)
        {
            bail!(
                "{} is evidence of this run; not overwritten",
                path.display()
            );
        }
        write_atomic(path, bytes).with_context(|| format!("writing {}", path.display()))
    }

    /// `<stem>.<name>.png` (greyscale) and `<stem>.<name>-overlay.png` (inferno, half opacity).
    fn write_map(
        &self,
        stem: &str,
        name: &str,
        map: &Map,
        upright: &RgbImage,
    ) -> Result<Vec<String>> {
        let dir = &self.args.out;
        let heatmap = Heatmap {
            width: map.width,
            height: map.height,
            values: map.values.clone(),
        };
        let grey = dir.join(format!("{stem}.{name}.png"));
        self.write(&grey, &png_bytes(&map_to_gray(&heatmap)))?;
        let mut written = vec![file_name(&grey)];
        if (map.width, map.height) == upright.dimensions() {
            let over = dir.join(format!("{stem}.{name}-overlay.png"));
            self.write(
                &over,
                &png_bytes(&overlay(upright, &heatmap, Colormap::Inferno, 0.5)),
            )?;
            written.push(file_name(&over));
        }
        Ok(written)
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One line per tool: its headline finding.
fn print_lines(path: &Path, inspection: &Inspection) {
    println!("{}:", path.display());
    for t in &inspection.tools {
        println!("  {:<10} {}", t.tool.name(), headline(&t.findings));
    }
    for f in &inspection.failed {
        println!("  {:<10} FAILED: {}", f.tool.name(), f.error);
    }
    for s in &inspection.skipped {
        println!("  skipped    {s}");
    }
}
