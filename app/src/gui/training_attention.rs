//! The training panel's "Attention during training": the localisation stage's per-epoch
//! snapshots (`training::train::attention_snapshots`) with an epoch slider; for each fixed
//! image its tile beside the attention, CAM and fused maps in the main view's colour map.
//! The UI thread reads only the small `index.json` files; the PNGs are decoded and coloured
//! on a short-lived thread, once per epoch and colour map, and kept as textures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::SystemTime;

use egui::{ColorImage, TextureHandle, TextureOptions, Ui, vec2};
use forgelens_engine::analysis::Heatmap;
use forgelens_engine::render::{Colormap, map_to_rgb};
use forgelens_training::train::attention_snapshots::{INDEX_FILE, epoch_dir};
use forgelens_training::train::{EpochSnapshot, SnapshotImage, list_snapshots};

use super::map_view::{colour_scale_ui, to_color_image};

/// One image of an epoch, ready to draw: the tile, then each map with its title.
struct Decoded {
    name: String,
    input: ColorImage,
    maps: Vec<(&'static str, ColorImage)>,
}

struct Shown {
    name: String,
    input: TextureHandle,
    maps: Vec<(&'static str, TextureHandle)>,
}

type Decoding = Receiver<Result<Vec<Decoded>, String>>;

/// The snapshots of one run folder and the textures of the epochs looked at so far.
#[derive(Default)]
pub struct AttentionSnapshots {
    run_dir: Option<PathBuf>,
    epochs: Vec<EpochSnapshot>,
    /// The epoch the slider is on (a saved epoch's number once there are any).
    pub epoch: usize,
    /// Follow each new epoch as it arrives (the slider at the last one).
    follow: bool,
    colormap: Colormap,
    /// Per epoch: when its index was written (an epoch written again, as a resumed run
    /// does, has new pictures) and its pictures.
    textures: BTreeMap<usize, (Option<SystemTime>, Vec<Shown>)>,
    pending: Option<(usize, Decoding)>,
    error: Option<String>,
}

impl AttentionSnapshots {
    /// Reads the run folder's indexes again (new epochs, or another folder). Only the small
    /// `index.json` files are read here.
    pub fn refresh(&mut self, run_dir: Option<&Path>) {
        if self.run_dir.as_deref() != run_dir {
            *self = Self {
                run_dir: run_dir.map(Path::to_path_buf),
                follow: true,
                colormap: self.colormap,
                ..Self::default()
            };
        }
        let Some(dir) = run_dir else { return };
        match list_snapshots(dir) {
            Ok(epochs) => {
                self.error = None;
                self.textures.retain(|&e, (written, _)| {
                    epochs.iter().any(|s| s.epoch == e) && *written == index_written(dir, e)
                });
                self.epochs = epochs;
                if self.follow || !self.epochs.iter().any(|s| s.epoch == self.epoch) {
                    self.epoch = last(&self.epochs);
                }
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// Whether there is anything to show: saved epochs or an error reading them.
    pub fn has_content(&self) -> bool {
        !self.epochs.is_empty() || self.error.is_some()
    }

    pub fn run_dir(&self) -> Option<&Path> {
        self.run_dir.as_deref()
    }

    pub fn epochs(&self) -> impl Iterator<Item = usize> {
        self.epochs.iter().map(|s| s.epoch)
    }

    /// The epoch whose pictures are on screen, once they are decoded.
    pub fn shown_epoch(&self) -> Option<usize> {
        self.textures
            .contains_key(&self.epoch)
            .then_some(self.epoch)
    }

    pub fn is_loading(&self) -> bool {
        self.pending.is_some()
    }

    pub fn ui(&mut self, ui: &mut Ui, colormap: Colormap) {
        if colormap != self.colormap {
            self.colormap = colormap;
            self.textures.clear();
            self.pending = None;
        }
        if let Some(error) = &self.error {
            ui.colored_label(
                egui::Color32::from_rgb(230, 80, 70),
                format!("Attention snapshots: {error}"),
            );
        }
        let (Some(first), Some(last)) = (self.epochs.first(), self.epochs.last()) else {
            return;
        };
        let (first, last) = (first.epoch, last.epoch);
        ui.horizontal(|ui| {
            ui.spacing_mut().slider_width = 220.0;
            let slider = egui::Slider::new(&mut self.epoch, first..=last).text("Epoch");
            if ui.add(slider).changed() {
                self.epoch = self.nearest_saved(self.epoch);
                self.follow = self.epoch == last;
            }
            ui.label(format!("of {last} saved"));
        });
        self.take_decoded(ui.ctx());
        self.decode_if_needed(ui.ctx());
        ui.label(format!(
            "Epoch {} of the localisation stage: for each fixed val image, the tile the net \
             saw, then the class token's attention, the CAM and the fused map (the CAM walked \
             along the attention), on the maps' fixed [0, 1] scale, never stretched per image.",
            self.epoch
        ));
        colour_scale_ui(ui, self.colormap, "0", "1");
        if let Some((_, images)) = self.textures.get(&self.epoch) {
            images_ui(ui, images);
        } else if self.pending.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the epoch's pictures…");
            });
        }
    }

    fn nearest_saved(&self, epoch: usize) -> usize {
        self.epochs
            .iter()
            .map(|s| s.epoch)
            .min_by_key(|e| e.abs_diff(epoch))
            .unwrap_or(epoch)
    }

    fn take_decoded(&mut self, ctx: &egui::Context) {
        let Some((epoch, rx)) = &self.pending else {
            return;
        };
        let epoch = *epoch;
        match rx.try_recv() {
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => self.pending = None,
            Ok(result) => {
                self.pending = None;
                match result {
                    Ok(decoded) => {
                        let shown = decoded
                            .into_iter()
                            .enumerate()
                            .map(|(i, d)| textures(ctx, epoch, i, d))
                            .collect();
                        let written = self
                            .run_dir
                            .as_deref()
                            .and_then(|d| index_written(d, epoch));
                        self.textures.insert(epoch, (written, shown));
                    }
                    Err(e) => self.error = Some(e),
                }
            }
        }
    }

    fn decode_if_needed(&mut self, ctx: &egui::Context) {
        if self.pending.is_some() || self.textures.contains_key(&self.epoch) {
            return;
        }
        let Some(snapshot) = self.epochs.iter().find(|s| s.epoch == self.epoch) else {
            return;
        };
        let images = snapshot.images.clone();
        let colormap = self.colormap;
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("forgelens-snapshots".into())
            .spawn(move || {
                let result = images.iter().map(|i| decode(i, colormap)).collect();
                let _ = tx.send(result);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.pending = Some((self.epoch, rx)),
            Err(e) => self.error = Some(format!("cannot start reading the snapshots: {e}")),
        }
    }
}

fn index_written(run_dir: &Path, epoch: usize) -> Option<SystemTime> {
    std::fs::metadata(epoch_dir(run_dir, epoch).join(INDEX_FILE))
        .and_then(|m| m.modified())
        .ok()
}

fn last(epochs: &[EpochSnapshot]) -> usize {
    epochs.last().map_or(0, |s| s.epoch)
}

fn textures(ctx: &egui::Context, epoch: usize, i: usize, d: Decoded) -> Shown {
    let name = |kind: &str| format!("snapshot-{epoch}-{i}-{kind}");
    Shown {
        input: ctx.load_texture(name("input"), d.input, TextureOptions::LINEAR),
        maps: d
            .maps
            .into_iter()
            .map(|(title, image)| {
                (
                    title,
                    ctx.load_texture(name(title), image, TextureOptions::LINEAR),
                )
            })
            .collect(),
        name: d.name,
    }
}

/// The tile, then each map as coloured pictures (runs off the UI thread).
fn decode(image: &SnapshotImage, colormap: Colormap) -> Result<Decoded, String> {
    let input = image::open(&image.input)
        .map_err(|e| format!("{}: {e}", image.input.display()))?
        .to_rgb8();
    let mut maps = vec![("Attention", &image.attention), ("CAM", &image.cam)];
    if let Some(fused) = &image.fused {
        maps.push(("Fused", fused));
    }
    let maps = maps
        .into_iter()
        .map(|(title, path)| {
            let grey = image::open(path)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .to_luma8();
            let heatmap = Heatmap {
                width: grey.width(),
                height: grey.height(),
                values: grey.pixels().map(|p| f32::from(p.0[0]) / 255.0).collect(),
            };
            Ok((title, to_color_image(&map_to_rgb(&heatmap, colormap))))
        })
        .collect::<Result<_, String>>()?;
    Ok(Decoded {
        name: image.name.clone(),
        input: to_color_image(&input),
        maps,
    })
}

/// One row per image: its name, then the tile and the maps side by side.
fn images_ui(ui: &mut Ui, images: &[Shown]) {
    let columns = 4.0;
    let side = ((ui.available_width() - 8.0 * columns) / columns).clamp(48.0, 160.0);
    for image in images {
        ui.small(&image.name);
        ui.horizontal(|ui| {
            let pictures = std::iter::once(("Input", &image.input))
                .chain(image.maps.iter().map(|(title, texture)| (*title, texture)));
            for (title, texture) in pictures {
                ui.vertical(|ui| {
                    ui.label(title);
                    ui.image((texture.id(), vec2(side, side)));
                });
            }
        });
    }
}
