//! Content Credentials (C2PA 2.x) read and validated with the `c2pa` SDK, offline: no
//! certificate status or remote manifest is fetched. Reports the manifest store, the active
//! manifest (claim generator, signer, signing time, actions with their `digitalSourceType`,
//! e.g. `trainedAlgorithmicMedia` for AI-generated media, ingredients) and the validation
//! status (signature, hashes). Trust comes only from anchors the user supplies (PEM); without
//! them, or when the signer is not on them, a good signature is "a valid signature from an
//! untrusted signer". The SDK is linked only with the crate's `c2pa` feature; without it the
//! tool says so (an error), and the other tools are unaffected.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{Evidence, Findings, ForensicsError, Outcome};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct C2paParams {
    /// Trust anchors: PEM certificates of the roots the user trusts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_anchors_pem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEntry {
    pub code: String,
    pub explanation: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub action: String,
    pub digital_source_type: Option<String>,
    pub software_agent: Option<String>,
    pub when: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngredientInfo {
    pub title: Option<String>,
    pub format: Option<String>,
    pub relationship: Option<String>,
    /// The ingredient's own manifest label, when it carried credentials.
    pub manifest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestInfo {
    pub label: String,
    pub title: Option<String>,
    pub format: Option<String>,
    pub claim_generator: Option<String>,
    pub signer: Option<String>,
    pub issuer: Option<String>,
    pub signing_time: Option<String>,
    pub signature_algorithm: Option<String>,
    pub actions: Vec<Action>,
    pub ingredients: Vec<IngredientInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustList {
    pub certificates: usize,
    /// SHA-256 of the PEM text as given.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct C2paFindings {
    pub present: bool,
    /// One line: "no Content Credentials", "valid signature from an untrusted signer", ...
    pub summary: String,
    /// The SDK's judgement: `Invalid`, `Valid` or `Trusted`.
    pub validation_state: Option<String>,
    pub signature_valid: Option<bool>,
    pub trusted: Option<bool>,
    pub trust_list: Option<TrustList>,
    pub active_manifest: Option<String>,
    pub manifests: Vec<ManifestInfo>,
    /// Failed checks of the active manifest (and ingredient deltas).
    pub failures: Vec<StatusEntry>,
    pub successes: Vec<StatusEntry>,
    /// An action declares AI-generated content (`trainedAlgorithmicMedia` and kin).
    pub ai_generated: bool,
    /// The SDK's error, when the credentials could not be read.
    pub error: Option<String>,
    /// The manifest store as the SDK reports it (JSON).
    pub store: Option<Value>,
}

#[cfg_attr(not(feature = "c2pa"), allow(dead_code))]
const UNTRUSTED: &str = "signingCredential.untrusted";

#[cfg_attr(not(feature = "c2pa"), allow(dead_code))]
fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

#[cfg_attr(not(feature = "c2pa"), allow(dead_code))]
fn statuses(v: Option<&Value>) -> Vec<StatusEntry> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|s| StatusEntry {
                    code: text(s, "code").unwrap_or_default(),
                    explanation: text(s, "explanation"),
                    url: text(s, "url"),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg_attr(not(feature = "c2pa"), allow(dead_code))]
fn manifest_info(label: &str, m: &Value) -> ManifestInfo {
    let signature = m.get("signature_info").cloned().unwrap_or(Value::Null);
    let mut actions = Vec::new();
    for a in m
        .get("assertions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let l = text(a, "label").unwrap_or_default();
        if !l.starts_with("c2pa.actions") {
            continue;
        }
        let list = a.pointer("/data/actions").and_then(Value::as_array);
        for act in list.into_iter().flatten() {
            actions.push(Action {
                action: text(act, "action").unwrap_or_default(),
                digital_source_type: text(act, "digitalSourceType"),
                software_agent: act
                    .get("softwareAgent")
                    .and_then(|s| s.as_str().map(str::to_string).or_else(|| text(s, "name"))),
                when: text(act, "when"),
            });
        }
    }
    let ingredients = m
        .get("ingredients")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|i| IngredientInfo {
                    title: text(i, "title"),
                    format: text(i, "format"),
                    relationship: text(i, "relationship"),
                    manifest: text(i, "active_manifest"),
                })
                .collect()
        })
        .unwrap_or_default();
    ManifestInfo {
        label: label.to_string(),
        title: text(m, "title"),
        format: text(m, "format"),
        claim_generator: text(m, "claim_generator").or_else(|| {
            m.pointer("/claim_generator_info/0/name")
                .and_then(Value::as_str)
                .map(|n| {
                    let version = m
                        .pointer("/claim_generator_info/0/version")
                        .and_then(Value::as_str);
                    match version {
                        Some(v) => format!("{n} {v}"),
                        None => n.to_string(),
                    }
                })
        }),
        signer: text(&signature, "common_name"),
        issuer: text(&signature, "issuer"),
        signing_time: text(&signature, "time"),
        signature_algorithm: text(&signature, "alg"),
        actions,
        ingredients,
    }
}

#[cfg_attr(not(feature = "c2pa"), allow(dead_code))]
fn no_credentials() -> C2paFindings {
    C2paFindings {
        present: false,
        summary: "no Content Credentials".into(),
        validation_state: None,
        signature_valid: None,
        trusted: None,
        trust_list: None,
        active_manifest: None,
        manifests: Vec::new(),
        failures: Vec::new(),
        successes: Vec::new(),
        ai_generated: false,
        error: None,
        store: None,
    }
}

pub fn run(evidence: &Evidence, params: &C2paParams) -> Result<Outcome, ForensicsError> {
    let findings = read(&evidence.bytes, evidence.format.mime_type(), params)?;
    Ok((vec![], Findings::C2pa(Box::new(findings))))
}

/// Whether this build reads Content Credentials.
pub const AVAILABLE: bool = cfg!(feature = "c2pa");

/// The trust anchors given, checked to hold at least one PEM certificate.
fn trust_list(anchors: Option<&str>) -> Result<Option<TrustList>, ForensicsError> {
    let Some(pem) = anchors else {
        return Ok(None);
    };
    let certificates = pem.matches("-----BEGIN CERTIFICATE-----").count();
    if certificates == 0 {
        return Err(ForensicsError::invalid(
            "c2pa",
            "the trust anchors hold no PEM certificate (-----BEGIN CERTIFICATE-----)",
        ));
    }
    Ok(Some(TrustList {
        certificates,
        sha256: hex::encode(Sha256::digest(pem.as_bytes())),
    }))
}

#[cfg(not(feature = "c2pa"))]
pub fn read(
    _bytes: &[u8],
    _mime: &str,
    params: &C2paParams,
) -> Result<C2paFindings, ForensicsError> {
    trust_list(params.trust_anchors_pem.as_deref())?;
    Err(ForensicsError::Failed {
        tool: "c2pa",
        message: "this build does not read Content Credentials (built without the `c2pa` \
                  feature)"
            .into(),
    })
}

/// Reads and judges the credentials in `bytes`.
#[cfg(feature = "c2pa")]
pub fn read(bytes: &[u8], mime: &str, params: &C2paParams) -> Result<C2paFindings, ForensicsError> {
    use serde_json::json;
    use std::io::Cursor;

    let anchors = params
        .trust_anchors_pem
        .as_deref()
        .filter(|p| !p.trim().is_empty());
    let trust_list = trust_list(anchors)?;
    let settings = json!({
        "verify": {
            "verify_trust": anchors.is_some(),
            "verify_timestamp_trust": anchors.is_some(),
            "ocsp_fetch": false,
            "remote_manifest_fetch": false,
        },
        "trust": { "trust_anchors": anchors },
    });
    let setup_error = |e: c2pa::Error| ForensicsError::Failed {
        tool: "c2pa",
        message: format!("setting up the C2PA reader: {e}"),
    };
    let context = c2pa::Context::new()
        .with_settings(settings.to_string().as_str())
        .map_err(setup_error)?;
    let reader = c2pa::Reader::from_context(context).with_stream(mime, Cursor::new(bytes));
    let reader = match reader {
        Ok(r) => r,
        Err(c2pa::Error::JumbfNotFound) | Err(c2pa::Error::ProvenanceMissing) => {
            return Ok(C2paFindings {
                trust_list,
                ..no_credentials()
            });
        }
        Err(c2pa::Error::UnsupportedType) => {
            return Ok(C2paFindings {
                trust_list,
                error: Some(format!("the C2PA SDK does not read {mime} files")),
                ..no_credentials()
            });
        }
        Err(e) => {
            return Ok(C2paFindings {
                present: true,
                summary: format!("Content Credentials present but unreadable: {e}"),
                signature_valid: Some(false),
                trust_list,
                error: Some(e.to_string()),
                ..no_credentials()
            });
        }
    };
    let store: Value = serde_json::from_str(&reader.json()).unwrap_or(Value::Null);
    let state = format!("{:?}", reader.validation_state());
    let active = reader.active_label().map(str::to_string);
    let mut manifests: Vec<ManifestInfo> = store
        .get("manifests")
        .and_then(Value::as_object)
        .map(|o| o.iter().map(|(l, m)| manifest_info(l, m)).collect())
        .unwrap_or_default();
    // The active manifest first, then the others by label.
    manifests.sort_by_key(|m| (Some(&m.label) != active.as_ref(), m.label.clone()));

    let results = store.get("validation_results");
    let mut failures = statuses(results.and_then(|r| r.pointer("/activeManifest/failure")));
    for delta in results
        .and_then(|r| r.get("ingredientDeltas"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        failures.extend(statuses(delta.pointer("/validationDeltas/failure")));
    }
    if results.is_none() {
        failures = statuses(store.get("validation_status"));
    }
    let successes = statuses(results.and_then(|r| r.pointer("/activeManifest/success")));
    let untrusted = failures.iter().any(|f| f.code == UNTRUSTED);
    let real_failures: Vec<&StatusEntry> =
        failures.iter().filter(|f| f.code != UNTRUSTED).collect();
    let signature_valid = real_failures.is_empty();
    let trusted = anchors.is_some() && signature_valid && !untrusted && state == "Trusted";
    let ai_generated = manifests.iter().flat_map(|m| &m.actions).any(|a| {
        a.digital_source_type.as_deref().is_some_and(|t| {
            t.contains("trainedAlgorithmicMedia") || t.contains("algorithmicMedia")
        })
    });
    let summary = if !signature_valid {
        let codes: Vec<&str> = real_failures.iter().map(|f| f.code.as_str()).collect();
        format!("INVALID Content Credentials: {}", codes.join(", "))
    } else if trusted {
        "valid signature from a trusted signer (on the trust list given)".into()
    } else if anchors.is_some() {
        "valid signature from an untrusted signer (not on the trust list given)".into()
    } else {
        "valid signature from an untrusted signer (no trust list given)".into()
    };
    Ok(C2paFindings {
        present: true,
        summary: if ai_generated {
            format!("{summary}; declares AI-generated content")
        } else {
            summary
        },
        validation_state: Some(state),
        signature_valid: Some(signature_valid),
        trusted: Some(trusted),
        trust_list,
        active_manifest: active,
        manifests,
        failures,
        successes,
        ai_generated,
        error: None,
        store: Some(store),
    })
}
