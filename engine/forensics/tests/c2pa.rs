//! Content Credentials: the c2pa-rs SDK's fixtures judged as the SDK judges them, a trust
//! list that does not hold the signer, and a photograph without credentials.
#![cfg(feature = "c2pa")]

mod common;

use common::*;
use forgelens_forensics::credentials::C2paFindings;
use forgelens_forensics::{Findings, Params, Tool, run};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn c2pa(name: &str, bytes: Vec<u8>, params: &Params) -> C2paFindings {
    let out = run(Tool::C2pa, &evidence(name, bytes), params).expect("c2pa tool");
    let Findings::C2pa(f) = out.findings else {
        panic!("c2pa findings")
    };
    *f
}

#[test]
fn a_valid_manifest_from_an_untrusted_signer() {
    let f = c2pa("CA.jpg", fixture("CA.jpg"), &Params::default());
    assert!(f.present);
    assert_eq!(
        f.validation_state.as_deref(),
        Some("Valid"),
        "{:?}",
        f.failures
    );
    assert_eq!(f.signature_valid, Some(true));
    assert_eq!(f.trusted, Some(false));
    assert!(
        f.summary
            .contains("valid signature from an untrusted signer"),
        "{}",
        f.summary
    );
    let active = &f.manifests[0];
    assert_eq!(Some(&active.label), f.active_manifest.as_ref());
    assert!(active.claim_generator.is_some(), "{active:?}");
    assert!(
        active.signer.is_some() && active.signing_time.is_some(),
        "{active:?}"
    );
    assert!(!active.ingredients.is_empty(), "{active:?}");
    assert!(
        active
            .ingredients
            .iter()
            .any(|i| i.relationship.as_deref() == Some("parentOf"))
    );
    assert!(!f.successes.is_empty());
}

#[test]
fn a_broken_signature_is_invalid() {
    let f = c2pa("E-sig-CA.jpg", fixture("E-sig-CA.jpg"), &Params::default());
    assert!(f.present);
    assert_eq!(f.validation_state.as_deref(), Some("Invalid"));
    assert_eq!(f.signature_valid, Some(false));
    assert!(
        f.failures
            .iter()
            .any(|s| s.code == "claimSignature.mismatch"),
        "{:?}",
        f.failures
    );
    assert!(f.summary.starts_with("INVALID"), "{}", f.summary);
}

#[test]
fn a_trust_list_without_the_signer_leaves_it_untrusted() {
    let mut params = Params::default();
    params.c2pa.trust_anchors_pem = Some(UNRELATED_ROOT.into());
    let f = c2pa("CA.jpg", fixture("CA.jpg"), &params);
    assert_eq!(f.signature_valid, Some(true), "{:?}", f.failures);
    assert_eq!(f.trusted, Some(false));
    assert_eq!(f.trust_list.as_ref().map(|t| t.certificates), Some(1));
    assert!(
        f.summary
            .contains("valid signature from an untrusted signer (not on the trust list"),
        "{}",
        f.summary
    );
}

#[test]
fn a_photograph_without_credentials() {
    let f = c2pa(
        "chelsea.png",
        sample_bytes("chelsea.png"),
        &Params::default(),
    );
    assert!(!f.present);
    assert_eq!(f.summary, "no Content Credentials");
    let f = c2pa(
        "coffee.jpg",
        jpeg(&sample("coffee.png"), 90),
        &Params::default(),
    );
    assert_eq!(f.summary, "no Content Credentials");
}

/// ISRG Root X1 (Let's Encrypt), a public root that signs no C2PA test manifest.
const UNRELATED_ROOT: &str = "-----BEGIN CERTIFICATE-----
MIIFazCCA1OgAwIBAgIRAIIQz7DSQONZRGPgu2OCiwAwDQYJKoZIhvcNAQELBQAw
TzELMAkGA1UEBhMCVVMxKTAnBgNVBAoTIEludGVybmV0IFNlY3VyaXR5IFJlc2Vh
cmNoIEdyb3VwMRUwEwYDVQQDEwxJU1JHIFJvb3QgWDEwHhcNMTUwNjA0MTEwNDM4
WhcNMzUwNjA0MTEwNDM4WjBPMQswCQYDVQQGEwJVUzEpMCcGA1UEChMgSW50ZXJu
ZXQgU2VjdXJpdHkgUmVzZWFyY2ggR3JvdXAxFTATBgNVBAMTDElTUkcgUm9vdCBY
MTCCAiIwDQYJKoZIhvcNAQEBBQADggIPADCCAgoCggIBAK3oJHP0FDfzm54rVygc
h77ct984kIxuPOZXoHj3dcKi/vVqbvYATyjb3miGbESTtrFj/RQSa78f0uoxmyF+
0TM8ukj13Xnfs7j/EvEhmkvBioZxaUpmZmyPfjxwv60pIgbz5MDmgK7iS4+3mX6U
A5/TR5d8mUgjU+g4rk8Kb4Mu0UlXjIB0ttov0DiNewNwIRt18jA8+o+u3dpjq+sW
T8KOEUt+zwvo/7V3LvSye0rgTBIlDHCNAymg4VMk7BPZ7hm/ELNKjD+Jo2FR3qyH
B5T0Y3HsLuJvW5iB4YlcNHlsdu87kGJ55tukmi8mxdAQ4Q7e2RCOFvu396j3x+UC
B5iPNgiV5+I3lg02dZ77DnKxHZu8A/lJBdiB3QW0KtZB6awBdpUKD9jf1b0SHzUv
KBds0pjBqAlkd25HN7rOrFleaJ1/ctaJxQZBKT5ZPt0m9STJEadao0xAH0ahmbWn
OlFuhjuefXKnEgV4We0+UXgVCwOPjdAvBbI+e0ocS3MFEvzG6uBQE3xDk3SzynTn
jh8BCNAw1FtxNrQHusEwMFxIt4I7mKZ9YIqioymCzLq9gwQbooMDQaHWBfEbwrbw
qHyGO0aoSCqI3Haadr8faqU9GY/rOPNk3sgrDQoo//fb4hVC1CLQJ13hef4Y53CI
rU7m2Ys6xt0nUW7/vGT1M0NPAgMBAAGjQjBAMA4GA1UdDwEB/wQEAwIBBjAPBgNV
HRMBAf8EBTADAQH/MB0GA1UdDgQWBBR5tFnme7bl5AFzgAiIyBpY9umbbjANBgkq
hkiG9w0BAQsFAAOCAgEAVR9YqbyyqFDQDLHYGmkgJykIrGF1XIpu+ILlaS/V9lZL
ubhzEFnTIZd+50xx+7LSYK05qAvqFyFWhfFQDlnrzuBZ6brJFe+GnY+EgPbk6ZGQ
3BebYhtF8GaV0nxvwuo77x/Py9auJ/GpsMiu/X1+mvoiBOv/2X/qkSsisRcOj/KK
NFtY2PwByVS5uCbMiogziUwthDyC3+6WVwW6LLv3xLfHTjuCvjHIInNzktHCgKQ5
ORAzI4JMPJ+GslWYHb4phowim57iaztXOoJwTdwJx4nLCgdNbOhdjsnvzqvHu7Ur
TkXWStAmzOVyyghqpZXjFaH3pO3JLF+l+/+sKAIuvtd7u+Nxe5AW0wdeRlN8NwdC
jNPElpzVmbUq4JUagEiuTDkHzsxHpFKVK7q4+63SM1N95R1NbdWhscdCb+ZAJzVc
oyi3B43njTOQ5yOf+1CceWxG1bQVs5ZufpsMljq4Ui0/1lvh+wjChP4kqKOJ2qxq
4RgqsahDYVvTH9w7jXbyLeiNdd8XM2w9U/t7y0Ff/9yi0GE44Za4rF2LN9d11TPA
mRGunUHBcnWEvgJBQl9nJEiU0Zsnvgc/ubhPgXRR4Xq37Z0j4r7g1SgEEzwxA57d
emyPxgcYxn/eR44/KJ4EBs+lVDR3veyJm+kXQ99b21/+jh5Xos1AnX5iItreGCc=
-----END CERTIFICATE-----
";
