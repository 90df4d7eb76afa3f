//! The keys whose signatures a user trusts: public key files (as `forgelens keygen` writes
//! them) kept as `NAME.pub` in a folder of the user's configuration
//! (`$XDG_CONFIG_HOME/forgelens/trusted-keys`, else `~/.config/forgelens/trusted-keys`).
//! A report's signature authenticates only against one of these, or a key named on the
//! command line; a valid signature by any other key is "signed by an unknown key".

use std::fs;
use std::path::{Path, PathBuf};

use super::signing::{KeyError, VerifyingKey, fingerprint, read_verifying_key};
use forgelens_engine::files::write_atomic;

/// One trusted key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// The file name without `.pub`: what the user called the key.
    pub name: String,
    pub key: VerifyingKey,
}

impl TrustedKey {
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.key)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("no configuration folder: neither XDG_CONFIG_HOME nor HOME is set")]
    NoConfigFolder,
    #[error("cannot read or write the keyring {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("`{0}` cannot name a key: use letters, digits, `-`, `_` and `.`")]
    BadName(String),
    #[error("key {fingerprint} is already trusted, as `{name}`")]
    AlreadyTrusted { fingerprint: String, name: String },
    #[error("a different key is already trusted as `{0}`; choose another --name")]
    NameTaken(String),
    #[error("no trusted key is named or has the fingerprint `{0}` (see `forgelens keys list`)")]
    NotFound(String),
}

/// The trusted-keys folder.
#[derive(Debug, Clone)]
pub struct Keyring {
    dir: PathBuf,
}

impl Keyring {
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The user's keyring in the configuration folder.
    pub fn user() -> Result<Self, KeyringError> {
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .ok_or(KeyringError::NoConfigFolder)?;
        Ok(Self::at(config.join("forgelens").join("trusted-keys")))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every trusted key, by name; an empty list when the folder does not exist yet. A file
    /// that is not a public key is an error naming it (a keyring is not silently partial).
    pub fn list(&self) -> Result<Vec<TrustedKey>, KeyringError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(KeyringError::Io {
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut keys = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|source| KeyringError::Io {
                    path: self.dir.clone(),
                    source,
                })?
                .path();
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".pub"))
                .filter(|n| !n.starts_with('.'))
            else {
                continue;
            };
            keys.push(TrustedKey {
                name: name.to_string(),
                key: read_verifying_key(&path)?,
            });
        }
        keys.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(keys)
    }

    /// Trusts the public key in `file` as `name` (default: the file's stem).
    pub fn add(&self, file: &Path, name: Option<&str>) -> Result<TrustedKey, KeyringError> {
        let key = read_verifying_key(file)?;
        let name = match name {
            Some(n) => n.to_string(),
            None => file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        let valid = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
        if name.is_empty() || name.starts_with('.') || !name.chars().all(valid) {
            return Err(KeyringError::BadName(name));
        }
        for trusted in self.list()? {
            if trusted.key == key {
                return Err(KeyringError::AlreadyTrusted {
                    fingerprint: trusted.fingerprint(),
                    name: trusted.name,
                });
            }
            if trusted.name == name {
                return Err(KeyringError::NameTaken(name));
            }
        }
        let io = |source| KeyringError::Io {
            path: self.dir.clone(),
            source,
        };
        fs::create_dir_all(&self.dir).map_err(io)?;
        let text = format!(
            "# ForgeLens Ed25519 public key, fingerprint {}, trusted as `{name}`\n{}\n",
            fingerprint(&key),
            hex::encode(key.as_bytes())
        );
        write_atomic(&self.dir.join(format!("{name}.pub")), text.as_bytes()).map_err(io)?;
        Ok(TrustedKey { name, key })
    }

    /// Stops trusting the key with this name or fingerprint.
    pub fn remove(&self, name_or_fingerprint: &str) -> Result<TrustedKey, KeyringError> {
        let wanted = name_or_fingerprint.to_ascii_lowercase();
        let trusted = self
            .list()?
            .into_iter()
            .find(|k| k.name == name_or_fingerprint || k.fingerprint() == wanted)
            .ok_or_else(|| KeyringError::NotFound(name_or_fingerprint.to_string()))?;
        let path = self.dir.join(format!("{}.pub", trusted.name));
        fs::remove_file(&path).map_err(|source| KeyringError::Io { path, source })?;
        Ok(trusted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::{generate_key, write_key_pair};

    fn key_file(dir: &Path, prefix: &str) -> (PathBuf, VerifyingKey) {
        let key = generate_key().expect("key");
        let (_, public) = write_key_pair(&dir.join(prefix), &key).expect("written");
        (public, key.verifying_key())
    }

    #[test]
    fn keys_are_added_listed_and_removed_by_name_or_fingerprint() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ring = Keyring::at(dir.path().join("ring"));
        assert!(ring.list().expect("empty").is_empty());
        let (alice, alice_key) = key_file(dir.path(), "alice");
        let (bob, _) = key_file(dir.path(), "bob");
        let added = ring.add(&alice, None).expect("added");
        assert_eq!((added.name.as_str(), added.key), ("alice", alice_key));
        ring.add(&bob, Some("lab-2")).expect("added");
        let names: Vec<_> = ring
            .list()
            .expect("list")
            .into_iter()
            .map(|k| k.name)
            .collect();
        assert_eq!(names, ["alice", "lab-2"]);
        assert!(matches!(
            ring.add(&alice, Some("again")),
            Err(KeyringError::AlreadyTrusted { .. })
        ));
        let (carol, _) = key_file(dir.path(), "carol");
        assert!(matches!(
            ring.add(&carol, Some("alice")),
            Err(KeyringError::NameTaken(_))
        ));
        assert!(matches!(
            ring.add(&carol, Some("../x")),
            Err(KeyringError::BadName(_))
        ));
        let removed = ring
            .remove(&fingerprint(&alice_key))
            .expect("by fingerprint");
        assert_eq!(removed.name, "alice");
        ring.remove("lab-2").expect("by name");
        assert!(ring.list().expect("list").is_empty());
        assert!(matches!(
            ring.remove("lab-2"),
            Err(KeyringError::NotFound(_))
        ));
    }

    #[test]
    fn a_file_in_the_keyring_that_is_not_a_key_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("junk.pub"), "not a key").expect("written");
        let e = Keyring::at(dir.path()).list().expect_err("malformed");
        assert!(e.to_string().contains("junk.pub"), "{e}");
    }
}
