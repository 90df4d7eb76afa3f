//! File → Trusted keys: the keyring that report signatures are authenticated against (the
//! folder `forgelens keys` manages), each key with its name and fingerprint; keys are added
//! from a public-key file and removed after a confirmation. The window returns commands;
//! the app carries them out through `add` and `remove`.

use std::path::Path;

use egui::{Context, RichText};
use forgelens_report::{Keyring, TrustedKey};

use super::command::Command;

/// The window's state: the keyring, its keys as last read, and the last outcome.
pub struct KeysWindow {
    pub open: bool,
    ring: Result<Keyring, String>,
    keys: Result<Vec<TrustedKey>, String>,
    /// The name the next added key gets (empty: the file's name without `.pub`).
    pub name: String,
    /// The outcome of the last add or remove: `Ok` a confirmation, `Err` why it failed.
    pub outcome: Option<Result<String, String>>,
    /// The fingerprint of the key whose removal awaits confirmation.
    confirm_remove: Option<String>,
}

impl KeysWindow {
    /// The window over `ring` (the user's keyring, or why there is none).
    pub fn new(ring: Result<Keyring, String>) -> Self {
        Self {
            open: false,
            ring,
            keys: Ok(Vec::new()),
            name: String::new(),
            outcome: None,
            confirm_remove: None,
        }
    }

    pub fn show(&mut self) {
        self.open = true;
        self.refresh();
    }

    fn refresh(&mut self) {
        self.keys = match &self.ring {
            Ok(ring) => ring.list().map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
    }

    /// Trusts the public key in `file`, under the name typed in the window if any.
    pub fn add(&mut self, file: &Path) {
        let name = Some(self.name.trim()).filter(|n| !n.is_empty());
        self.outcome = Some(match &self.ring {
            Ok(ring) => ring
                .add(file, name)
                .map(|key| format!("trusted `{}` ({})", key.name, key.fingerprint()))
                .map_err(|e| format!("{}: {e}", file.display())),
            Err(e) => Err(e.clone()),
        });
        if matches!(self.outcome, Some(Ok(_))) {
            self.name.clear();
        }
        self.show();
    }

    /// No longer trusts the key with this fingerprint.
    pub fn remove(&mut self, fingerprint: &str) {
        self.confirm_remove = None;
        self.outcome = Some(match &self.ring {
            Ok(ring) => ring
                .remove(fingerprint)
                .map(|key| format!("no longer trusted: `{}` ({})", key.name, key.fingerprint()))
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        });
        self.refresh();
    }

    pub fn ui(&mut self, ctx: &Context, commands: &mut Vec<Command>) {
        let mut open = self.open;
        egui::Window::new("Trusted keys")
            .open(&mut open)
            .resizable(true)
            .default_width(520.0)
            .show(ctx, |ui| {
                ui.label(
                    "A signed report is authenticated only by one of these keys (or a key \
                     given to `verify-report --public-key`). A valid signature by any other \
                     key is reported as signed by an unknown key.",
                );
                if let Ok(ring) = &self.ring {
                    ui.label(RichText::new(format!("folder: {}", ring.dir().display())).weak());
                }
                ui.separator();
                match &self.keys {
                    Err(e) => {
                        ui.colored_label(ui.visuals().error_fg_color, e);
                    }
                    Ok(keys) if keys.is_empty() => {
                        ui.label("No trusted keys yet.");
                    }
                    Ok(keys) => self.key_table(ui, keys.clone(), commands),
                }
                ui.separator();
                ui.horizontal(|ui| {
                    ui.label("Name (optional):");
                    ui.add(egui::TextEdit::singleline(&mut self.name).desired_width(160.0));
                    if ui.button("Add a public key…").clicked() {
                        commands.push(Command::TrustKeyDialog);
                    }
                });
                match &self.outcome {
                    Some(Ok(text)) => {
                        ui.label(text);
                    }
                    Some(Err(text)) => {
                        ui.colored_label(ui.visuals().error_fg_color, text);
                    }
                    None => {}
                }
            });
        self.open = open;
    }

    fn key_table(&mut self, ui: &mut egui::Ui, keys: Vec<TrustedKey>, commands: &mut Vec<Command>) {
        egui::Grid::new("trusted_keys")
            .striped(true)
            .num_columns(3)
            .show(ui, |ui| {
                ui.strong("name");
                ui.strong("fingerprint");
                ui.end_row();
                for key in keys {
                    let fingerprint = key.fingerprint();
                    ui.label(&key.name);
                    ui.monospace(&fingerprint);
                    if self.confirm_remove.as_deref() == Some(fingerprint.as_str()) {
                        ui.horizontal(|ui| {
                            if ui.button(format!("Remove `{}`", key.name)).clicked() {
                                commands.push(Command::UntrustKey(fingerprint.clone()));
                            }
                            if ui.button("Keep").clicked() {
                                self.confirm_remove = None;
                            }
                        });
                    } else if ui.button("Remove…").clicked() {
                        self.confirm_remove = Some(fingerprint);
                    }
                    ui.end_row();
                }
            });
    }
}
