//! Where the program's data (the bundled model, generator weights, sample photographs) is
//! found at run time, in this order: `$FORGELENS_DATA`, beside the executable
//! (`../share/forgelens`), `/usr/share/forgelens`, and, only for a binary run from a Cargo
//! target folder (development), the source tree's `assets/`.

use std::fmt;
use std::path::{Path, PathBuf};

/// The environment variable naming a data folder to search first.
pub const ENV_VAR: &str = "FORGELENS_DATA";
/// The data folder of a system-wide installation (the Debian package).
pub const SYSTEM_DIR: &str = "/usr/share/forgelens";
/// The bundled model directory, relative to a data folder.
pub const MODEL: &str = "model";
/// The generator weights folder, relative to a data folder.
pub const GENERATORS: &str = "generators";
/// The sample photographs folder, relative to a data folder.
pub const SAMPLES: &str = "samples";

/// Why a data folder was searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// `$FORGELENS_DATA`.
    Environment,
    /// `../share/forgelens` relative to the executable's folder.
    BesideExecutable,
    /// `/usr/share/forgelens`.
    System,
    /// The source tree's `assets/` (development builds only).
    SourceTree,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Environment => "from $FORGELENS_DATA",
            Self::BesideExecutable => "beside the executable",
            Self::System => "the system data folder",
            Self::SourceTree => "the source tree (development build)",
        })
    }
}

/// A piece of data that was found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Located {
    /// The file or folder asked for.
    pub path: PathBuf,
    pub source: Source,
}

/// Nothing holds the data asked for; every place searched is named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} was not found; searched {searched} (set {ENV_VAR} to a folder holding `{what}`)", searched = describe(.searched))]
pub struct NotFound {
    pub what: String,
    pub searched: Vec<PathBuf>,
}

fn describe(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The data folders to search, in order. `from_environment` fills it from the process;
/// tests build one by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub environment: Option<PathBuf>,
    pub executable: Option<PathBuf>,
    pub system: PathBuf,
    pub source_tree: Option<PathBuf>,
}

impl Lookup {
    /// `$FORGELENS_DATA` (when set and not empty), the running executable, the system folder,
    /// and the source tree when the executable runs from a Cargo target folder.
    pub fn from_environment() -> Self {
        let exe = std::env::current_exe().ok();
        let source_tree = exe
            .as_deref()
            .filter(|exe| is_development_build(exe))
            .map(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets"));
        Self {
            environment: std::env::var_os(ENV_VAR)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            executable: exe,
            system: PathBuf::from(SYSTEM_DIR),
            source_tree,
        }
    }

    /// Every data folder searched, in order, with why.
    pub fn folders(&self) -> Vec<(Source, PathBuf)> {
        let mut folders = Vec::new();
        if let Some(dir) = &self.environment {
            folders.push((Source::Environment, dir.clone()));
        }
        // `PREFIX/bin/forgelens` -> `PREFIX/share/forgelens`, taken apart by name.
        let prefix = self
            .executable
            .as_deref()
            .and_then(Path::parent)
            .and_then(Path::parent);
        if let Some(prefix) = prefix {
            folders.push((Source::BesideExecutable, prefix.join("share/forgelens")));
        }
        folders.push((Source::System, self.system.clone()));
        if let Some(dir) = &self.source_tree {
            folders.push((Source::SourceTree, dir.clone()));
        }
        folders
    }

    /// The first data folder's `relative` that exists (a file or a folder).
    pub fn find(&self, relative: &str) -> Result<Located, NotFound> {
        let searched: Vec<(Source, PathBuf)> = self
            .folders()
            .into_iter()
            .map(|(source, dir)| (source, dir.join(relative)))
            .collect();
        searched
            .iter()
            .find(|(_, path)| path.exists())
            .map(|(source, path)| Located {
                path: path.clone(),
                source: *source,
            })
            .ok_or_else(|| NotFound {
                what: relative.to_string(),
                searched: searched.into_iter().map(|(_, p)| p).collect(),
            })
    }
}

/// `relative` (e.g. `generators`, `samples/chelsea.png`) in the first data folder that has
/// it, searched as `Lookup::from_environment` says.
pub fn locate(relative: &str) -> Result<Located, NotFound> {
    Lookup::from_environment().find(relative)
}

/// A binary is a development build when it runs from a Cargo target folder: Cargo keeps a
/// `.cargo-lock` file in each profile folder (`target/release/`), where binaries sit and
/// whose `deps/` holds the test binaries. An installed or unpacked binary never has one.
pub fn is_development_build(exe: &Path) -> bool {
    let Some(dir) = exe.parent() else {
        return false;
    };
    std::iter::once(dir)
        .chain(dir.parent())
        .any(|d| d.join(".cargo-lock").is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A data folder holding `relative` (a file, its folders made).
    fn holding(root: &Path, name: &str, relative: &str) -> PathBuf {
        let dir = root.join(name);
        let file = dir.join(relative);
        std::fs::create_dir_all(file.parent().expect("a parent")).expect("folders");
        std::fs::write(&file, name).expect("file");
        dir
    }

    /// An executable at `root/prefix/bin/forgelens`, so its data is `root/prefix/share/forgelens`.
    fn lookup(root: &Path) -> Lookup {
        Lookup {
            environment: Some(root.join("env")),
            executable: Some(root.join("prefix/bin/forgelens")),
            system: root.join("system"),
            source_tree: Some(root.join("tree")),
        }
    }

    fn found(lookup: &Lookup, relative: &str) -> (Source, String) {
        let located = lookup.find(relative).expect("found");
        let content = std::fs::read_to_string(&located.path).expect("readable");
        (located.source, content)
    }

    #[test]
    fn each_place_is_searched_in_order() {
        let root = tempfile::tempdir().expect("temp dir");
        let root = root.path();
        let item = "samples/chelsea.png";
        let lookup = lookup(root);
        assert!(lookup.find(item).is_err());

        holding(root, "tree", item);
        assert_eq!(found(&lookup, item), (Source::SourceTree, "tree".into()));
        holding(root, "system", item);
        assert_eq!(found(&lookup, item), (Source::System, "system".into()));
        holding(root, "prefix/share/forgelens", item);
        assert_eq!(
            found(&lookup, item),
            (Source::BesideExecutable, "prefix/share/forgelens".into())
        );
        holding(root, "env", item);
        assert_eq!(found(&lookup, item), (Source::Environment, "env".into()));
    }

    #[test]
    fn a_place_without_the_item_is_passed_over() {
        let root = tempfile::tempdir().expect("temp dir");
        let root = root.path();
        let lookup = lookup(root);
        holding(root, "env", "model/model.json");
        holding(root, "system", "generators/rdn.safetensors");
        assert_eq!(found(&lookup, "model/model.json").0, Source::Environment);
        assert_eq!(
            found(&lookup, "generators/rdn.safetensors").0,
            Source::System
        );
    }

    #[test]
    fn nothing_found_names_every_place_searched() {
        let root = tempfile::tempdir().expect("temp dir");
        let lookup = Lookup {
            source_tree: None,
            ..lookup(root.path())
        };
        let error = lookup.find("generators").expect_err("nothing there");
        assert_eq!(error.searched.len(), 3);
        let message = error.to_string();
        for place in [
            "env/generators",
            "prefix/share/forgelens/generators",
            "system/generators",
        ] {
            assert!(message.contains(place), "{message} names {place}");
        }
        assert!(message.contains(ENV_VAR), "{message}");
    }

    #[test]
    fn only_a_binary_in_a_cargo_target_folder_is_a_development_build() {
        let root = tempfile::tempdir().expect("temp dir");
        let release = root.path().join("target/release");
        std::fs::create_dir_all(release.join("deps")).expect("folders");
        assert!(!is_development_build(&release.join("forgelens")));
        std::fs::write(release.join(".cargo-lock"), "").expect("lock file");
        assert!(is_development_build(&release.join("forgelens")));
        assert!(is_development_build(&release.join("deps/cli-0123")));
        assert!(!is_development_build(
            &root.path().join("usr/bin/forgelens")
        ));
        assert!(!is_development_build(Path::new("forgelens")));
    }

    #[test]
    fn the_test_binary_itself_is_a_development_build() {
        let lookup = Lookup::from_environment();
        assert_eq!(
            lookup
                .source_tree
                .as_deref()
                .map(|p| p.join("samples").is_dir()),
            Some(true)
        );
    }
}
