//! Ed25519 signatures over a report's JSON (`ed25519-dalek`), and the key files that
//! `forgelens keygen` writes: one line of hex each, after `#` comment lines. The secret key
//! file is created with owner-only permissions and never overwritten.

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::evidence::sha256_hex;

pub const SIGNATURE_ALGORITHM: &str = "Ed25519";

/// A signature over the exact bytes of a report's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSignature {
    pub algorithm: String,
    /// The signer's public key (32 bytes, hex).
    pub public_key: String,
    /// First 16 hex digits of the SHA-256 of the public key, for people to compare.
    pub key_fingerprint: String,
    /// SHA-256 of the signed bytes (the report JSON).
    pub signed_sha256: String,
    /// 64 bytes, hex.
    pub signature: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or write the key file {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a ForgeLens {what} key file (expected 64 hex digits)")]
    Malformed { path: PathBuf, what: &'static str },
    #[error("{path} already exists; keys are never overwritten")]
    Exists { path: PathBuf },
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("unsupported signature algorithm `{0}`")]
    Algorithm(String),
    #[error("the signature record is malformed: {0}")]
    Malformed(&'static str),
    #[error("the signed report JSON has changed since it was signed (SHA-256 differs)")]
    ContentChanged,
    #[error("the signature does not match the report JSON and the public key")]
    Invalid,
}

pub fn fingerprint(key: &VerifyingKey) -> String {
    sha256_hex(key.as_bytes())[..16].to_string()
}

/// Signs `report_json` (the exact bytes that will be embedded).
pub fn sign(report_json: &[u8], key: &SigningKey) -> ReportSignature {
    let verifying = key.verifying_key();
    ReportSignature {
        algorithm: SIGNATURE_ALGORITHM.to_string(),
        public_key: hex::encode(verifying.as_bytes()),
        key_fingerprint: fingerprint(&verifying),
        signed_sha256: sha256_hex(report_json),
        signature: hex::encode(key.sign(report_json).to_bytes()),
    }
}

/// Checks `signature` against `report_json`; returns the signer's public key.
pub fn verify_signature(
    report_json: &[u8],
    signature: &ReportSignature,
) -> Result<VerifyingKey, SignatureError> {
    if signature.algorithm != SIGNATURE_ALGORITHM {
        return Err(SignatureError::Algorithm(signature.algorithm.clone()));
    }
    let key_bytes: [u8; 32] = hex::decode(&signature.public_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(SignatureError::Malformed("public key"))?;
    let key = VerifyingKey::from_bytes(&key_bytes)
        .map_err(|_| SignatureError::Malformed("public key"))?;
    let signature_bytes: [u8; 64] = hex::decode(&signature.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(SignatureError::Malformed("signature"))?;
    if sha256_hex(report_json) != signature.signed_sha256 {
        return Err(SignatureError::ContentChanged);
    }
    key.verify_strict(report_json, &Signature::from_bytes(&signature_bytes))
        .map_err(|_| SignatureError::Invalid)?;
    Ok(key)
}

/// A fresh key pair from the operating system's random number generator.
pub fn generate_key() -> Result<SigningKey, KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Writes `<prefix>.key` (secret, mode 0600 on Unix) and `<prefix>.pub`; neither may exist.
pub fn write_key_pair(prefix: &Path, key: &SigningKey) -> Result<(PathBuf, PathBuf), KeyError> {
    let with_suffix = |suffix: &str| {
        let mut name = prefix.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let (secret_path, public_path) = (with_suffix(".key"), with_suffix(".pub"));
    for path in [&secret_path, &public_path] {
        if path.exists() {
            return Err(KeyError::Exists { path: path.clone() });
        }
    }
    let verifying = key.verifying_key();
    let secret = format!(
        "# ForgeLens Ed25519 secret key: keep it private. Public key fingerprint {}\n{}\n",
        fingerprint(&verifying),
        hex::encode(key.to_bytes())
    );
    let public = format!(
        "# ForgeLens Ed25519 public key, fingerprint {}\n{}\n",
        fingerprint(&verifying),
        hex::encode(verifying.as_bytes())
    );
    write_new_file(&secret_path, secret.as_bytes(), true)?;
    if let Err(e) = write_new_file(&public_path, public.as_bytes(), false) {
        let _ = std::fs::remove_file(&secret_path);
        return Err(e);
    }
    Ok((secret_path, public_path))
}

fn write_new_file(path: &Path, bytes: &[u8], private: bool) -> Result<(), KeyError> {
    use std::io::Write;
    let io = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

fn read_key_hex(path: &Path, what: &'static str) -> Result<[u8; 32], KeyError> {
    let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .and_then(|l| hex::decode(l).ok())
        .and_then(|b| b.try_into().ok())
        .ok_or(KeyError::Malformed {
            path: path.to_path_buf(),
            what,
        })
}

pub fn read_signing_key(path: &Path) -> Result<SigningKey, KeyError> {
    Ok(SigningKey::from_bytes(&read_key_hex(path, "secret")?))
}

pub fn read_verifying_key(path: &Path) -> Result<VerifyingKey, KeyError> {
    VerifyingKey::from_bytes(&read_key_hex(path, "public")?).map_err(|_| KeyError::Malformed {
        path: path.to_path_buf(),
        what: "public",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_verifies_and_detects_changes() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let json = br#"{"a": 1}"#;
        let signature = sign(json, &key);
        assert_eq!(
            verify_signature(json, &signature).expect("valid"),
            key.verifying_key()
        );
        assert_eq!(
            verify_signature(br#"{"a": 2}"#, &signature),
            Err(SignatureError::ContentChanged)
        );
        // Another key's signature over the same bytes, with this key's public key.
        let mut forged = sign(json, &SigningKey::from_bytes(&[8; 32]));
        forged.public_key = signature.public_key.clone();
        assert_eq!(
            verify_signature(json, &forged),
            Err(SignatureError::Invalid)
        );
    }

    #[test]
    fn key_files_round_trip_and_are_never_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let prefix = dir.path().join("analyst");
        let key = generate_key().expect("random");
        let (secret, public) = write_key_pair(&prefix, &key).expect("written");
        assert_eq!(
            read_signing_key(&secret).expect("secret").to_bytes(),
            key.to_bytes()
        );
        assert_eq!(
            read_verifying_key(&public).expect("public"),
            key.verifying_key()
        );
        assert!(matches!(
            write_key_pair(&prefix, &key),
            Err(KeyError::Exists { .. })
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&secret)
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
