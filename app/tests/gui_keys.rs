//! File → Trusted keys under `egui_kittest`: the window lists a keyring (the app's is the
//! user's, the folder `forgelens keys` manages; here one in a temporary folder), a key file given to
//! the app is trusted under the typed name and shown with its fingerprint, a file that is
//! not a key is refused with a message, and removal asks first and then deletes the file.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forgelens_app::gui::{Command, ForgeLensApp, KeysWindow};
use forgelens_report::Keyring;
use forgelens_report::signing::{fingerprint, generate_key, write_key_pair};

mod gui_common;
use gui_common::{app_harness, settle_within, tiny_model};

fn open_window(harness: &mut Harness<'static, ForgeLensApp>) {
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Trusted keys…").click();
    harness.run_steps(2);
}

#[test]
fn keys_are_trusted_listed_and_removed_from_the_app() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ring_dir = tmp.path().join("trusted-keys");

    let key = generate_key().expect("a key");
    let (_, public) = write_key_pair(&tmp.path().join("lab"), &key).expect("key pair written");
    let print = fingerprint(&key.verifying_key());
    let not_a_key = tmp.path().join("notes.pub");
    std::fs::write(&not_a_key, "not a key").expect("written");

    let mut harness = app_harness(tiny_model(tmp.path()), [1200.0, 800.0]);
    settle_within(&mut harness, Duration::from_secs(60));
    harness.state_mut().keys = KeysWindow::new(Ok(Keyring::at(&ring_dir)));
    open_window(&mut harness);
    assert!(harness.state().keys.open);
    harness.get_by_label("No trusted keys yet.");

    harness.state_mut().keys.name = "lab-2026".into();
    harness
        .state_mut()
        .execute(Command::TrustKey(public.clone()));
    harness.run_steps(2);
    harness.get_by_label("lab-2026");
    harness.get_by_label(&print);
    assert!(ring_dir.join("lab-2026.pub").is_file());
    let listed = Keyring::at(&ring_dir).list().expect("the keyring reads");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].fingerprint(), print);

    harness
        .state_mut()
        .execute(Command::TrustKey(not_a_key.clone()));
    harness.run_steps(2);
    let refused = harness.state().keys.outcome.clone();
    assert!(
        matches!(&refused, Some(Err(m)) if m.contains("notes.pub")),
        "{refused:?}"
    );
    assert_eq!(Keyring::at(&ring_dir).list().expect("reads").len(), 1);

    harness.get_by_label("Remove…").click();
    harness.run_steps(2);
    assert!(
        ring_dir.join("lab-2026.pub").is_file(),
        "removal asks first"
    );
    harness.get_by_label("Remove `lab-2026`").click();
    harness.run_steps(3);
    assert!(!ring_dir.join("lab-2026.pub").exists());
    harness.get_by_label("No trusted keys yet.");
    assert!(
        harness.state().error.is_none(),
        "{:?}",
        harness.state().error
    );
}
