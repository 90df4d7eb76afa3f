//! Installed like a desktop application: the Debian package built as
//! `packaging/build-deb.sh` builds it, unpacked with `dpkg -x` into a temporary root, runs
//! `info`, `analyze` and `forge` from there on its own data; the command line says nothing
//! about Vulkan without a desktop session; the desktop entry's `Exec` is a command line the
//! program takes. The package test needs cargo-deb and dpkg (and runs lintian when there);
//! without them it says so and passes, unless `FORGELENS_REQUIRE_DEB=1` (CI) makes their
//! absence a failure.

#[allow(dead_code)]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use clap::Parser;
use common::{assert_success, forgelens, repo};
use forgelens_app::cli::Cli;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn has(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The installed binary, run with none of the source tree's hints: no data or model
/// variable, a working folder outside the repository.
fn installed(binary: &Path, cwd: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .current_dir(cwd)
        .env("RUST_LOG", "warn")
        .env_remove("FORGELENS_DATA")
        .env_remove("FORGELENS_MODEL");
    command
}

fn json(out: &Output) -> serde_json::Value {
    assert_success(out);
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn canonical(path: &str) -> PathBuf {
    Path::new(path)
        .canonicalize()
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_package_works_outside_the_source_tree() {
    if !(has("cargo-deb") && has("dpkg-deb")) {
        assert!(
            std::env::var_os("FORGELENS_REQUIRE_DEB").is_none(),
            "FORGELENS_REQUIRE_DEB is set but cargo-deb or dpkg-deb is missing"
        );
        eprintln!("skipped: cargo-deb or dpkg-deb is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path();
    // The binary cargo test just built is the workspace's release build: no second build.
    let target = Path::new(env!("CARGO_BIN_EXE_forgelens"))
        .parent()
        .and_then(Path::parent)
        .expect("the target folder");
    let built = Command::new(repo("packaging/build-deb.sh"))
        .args(["--no-build", "--fast", "--output"])
        .arg(dir.join("deb/"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("build-deb.sh runs");
    assert_success(&built);
    let deb = PathBuf::from(text(&built.stdout).trim());
    assert!(deb.is_file(), "{}", deb.display());

    let contents = text(
        &Command::new("dpkg-deb")
            .arg("-c")
            .arg(&deb)
            .output()
            .expect("dpkg-deb")
            .stdout,
    );
    for file in [
        "./usr/bin/forgelens",
        "./usr/share/forgelens/model/model.bpk",
        "./usr/share/forgelens/generators/esrgan-slim-x4.safetensors",
        "./usr/share/forgelens/samples/chelsea.png",
        "./usr/share/applications/forgelens.desktop",
        "./usr/share/icons/hicolor/scalable/apps/forgelens.svg",
        "./usr/share/icons/hicolor/48x48/apps/forgelens.png",
        "./usr/share/man/man1/forgelens.1.gz",
        "./usr/share/man/man1/forgelens-analyze.1.gz",
        "./usr/share/bash-completion/completions/forgelens",
        "./usr/share/zsh/vendor-completions/_forgelens",
        "./usr/share/fish/vendor_completions.d/forgelens.fish",
        "./usr/share/doc/forgelens/copyright",
        "./usr/share/doc/forgelens/changelog.Debian.gz",
    ] {
        assert!(
            contents.contains(file),
            "{file} in the package:\n{contents}"
        );
    }

    // Lintian clean, each tag left explained in packaging/lintian-overrides (CI has lintian).
    if has("lintian") {
        let lint = Command::new("lintian")
            .args(["--fail-on", "error,warning"])
            .arg(&deb)
            .output()
            .expect("lintian");
        assert_success(&lint);
    }

    let root = dir.join("root");
    assert_success(
        &Command::new("dpkg")
            .arg("-x")
            .arg(&deb)
            .arg(&root)
            .output()
            .expect("dpkg -x"),
    );
    let binary = root.join("usr/bin/forgelens");
    let share = canonical(&root.join("usr/share/forgelens").display().to_string());
    let work = dir.join("work");
    std::fs::create_dir_all(&work).expect("work folder");

    let info = json(
        &installed(&binary, &work)
            .args(["info", "--json"])
            .output()
            .expect("info"),
    );
    assert!(
        canonical(info["model"]["dir"].as_str().expect("a model")).starts_with(&share),
        "{info}"
    );
    for data in ["generators", "samples"] {
        assert_eq!(info[data]["found_in"], "beside-executable", "{info}");
        assert!(
            canonical(info[data]["path"].as_str().expect("a path")).starts_with(&share),
            "{info}"
        );
    }

    let sample = share.join("samples/chelsea.png");
    let analysis = json(
        &installed(&binary, &work)
            .args(["analyze", "--device", "cpu", "--json", "--out", "out"])
            .arg(&sample)
            .output()
            .expect("analyze"),
    );
    assert!(analysis[0]["verdict"].is_object(), "{analysis}");

    let photos = work.join("photos");
    std::fs::create_dir_all(&photos).expect("photos");
    for name in ["chelsea.png", "coffee.png"] {
        std::fs::copy(share.join("samples").join(name), photos.join(name)).expect("copy");
    }
    let forged = installed(&binary, &work)
        .args([
            "forge", "--photos", "photos", "--out", "dataset", "--crop", "64",
        ])
        .args([
            "--crops-per-photo",
            "9",
            "--whole-share",
            "0",
            "--threads",
            "1",
        ])
        .output()
        .expect("forge");
    assert_success(&forged);
    let manifest = std::fs::read_to_string(work.join("dataset/manifest.csv")).expect("manifest");
    assert_eq!(
        manifest.lines().count(),
        19,
        "a header and 18 samples:\n{manifest}"
    );
    for family in ["full-regeneration", "full-gan", "gan-regeneration"] {
        assert!(
            manifest.contains(family),
            "a generator made {family}:\n{manifest}"
        );
    }

    // The same binary without its data beside it finds none: nothing falls back to the
    // source tree it was built from.
    let bare = dir.join("bare/bin");
    std::fs::create_dir_all(&bare).expect("folder");
    std::fs::copy(&binary, bare.join("forgelens")).expect("copy");
    let info = json(
        &installed(&bare.join("forgelens"), &work)
            .args(["info", "--json"])
            .output()
            .expect("info"),
    );
    if !Path::new(forgelens_engine::data_dir::SYSTEM_DIR).exists() {
        let error = info["generators"]["error"].as_str().expect("not found");
        assert!(!error.contains(env!("CARGO_MANIFEST_DIR")), "{error}");
        assert!(info["model"].is_null(), "{info}");
    }
}

#[test]
fn without_a_desktop_session_the_command_line_says_nothing_about_vulkan() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sample = repo("assets/samples/chelsea.png");
    let runs: [&[&str]; 3] = [
        &["info"],
        &["analyze", "--device", "cpu", "--json"],
        &["analyze", "--json"],
    ];
    for args in runs {
        let mut command = forgelens();
        command
            .args(args)
            .env_remove("XDG_RUNTIME_DIR")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("DISPLAY")
            .env_remove("NODEVICE_SELECT");
        if args[0] == "analyze" {
            command.arg(&sample).arg("--out").arg(dir.path());
        }
        let out = command.output().expect("runs");
        assert_success(&out);
        let stderr = text(&out.stderr).to_lowercase();
        for noise in ["xdg_runtime_dir", "vulkan", "wayland", "error"] {
            assert!(
                !stderr.contains(noise),
                "{args:?} printed {noise}:\n{stderr}"
            );
        }
        if args[0] == "info" {
            // Asked, `info` says what it found.
            let stdout = text(&out.stdout);
            assert!(stdout.contains("desktop session: none"), "{stdout}");
            assert!(stdout.contains("--device auto picks:"), "{stdout}");
        }
    }
}

#[test]
fn the_desktop_entry_runs_a_command_line_the_program_takes() {
    let entry = std::fs::read_to_string(repo("packaging/forgelens.desktop")).expect("desktop file");
    let field = |key: &str| {
        entry
            .lines()
            .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
            .unwrap_or_else(|| panic!("{key} in the desktop entry"))
    };
    let exec: Vec<&str> = field("Exec").split_whitespace().collect();
    assert_eq!(exec[0], "forgelens");
    // One file (%f): the program opens one image.
    let image = "/home/analyst/Pictures/evidence.jpg";
    let argv: Vec<&str> = exec
        .iter()
        .map(|a| if *a == "%f" { image } else { a })
        .collect();
    assert!(
        !argv.iter().any(|a| a.starts_with('%')),
        "only %f is expanded: {argv:?}"
    );
    let cli = Cli::try_parse_from(&argv).expect("the program takes it");
    assert!(cli.command.is_none());
    assert_eq!(cli.image.as_deref(), Some(Path::new(image)));
    assert!(
        Cli::try_parse_from(["forgelens", image, image]).is_err(),
        "never two files"
    );

    let icon = field("Icon");
    assert!(repo(&format!("packaging/icons/{icon}.svg")).is_file());
    assert!(repo(&format!("packaging/icons/48x48/{icon}.png")).is_file());
    for mime in field("MimeType").split(';').filter(|m| !m.is_empty()) {
        assert!(mime.starts_with("image/"), "{mime}");
    }
}
