//! `Analyzer::analyze`: one image in, one `Analysis` out. The verdict comes from a
//! whole-image view at the extractor's input size; the maps from overlapping fusion-net
//! tiles at native resolution, stitched and resized to the input, each on its fixed scale
//! (`MapOptions::describe_scale`; never normalised per image).

use std::path::Path;
use std::time::Instant;

use burn::tensor::Tensor;
use burn::tensor::activation::softmax;
use burn::tensor::module::interpolate;
use burn::tensor::ops::{InterpolateMode, InterpolateOptions};
use serde::{Deserialize, Serialize};

use crate::analysis::{
    ANALYSIS_SCHEMA_VERSION, Analysis, DeviceInfo, Heatmap, Maps, ModelInfo, Probabilities,
    TilingInfo, Timings, verdict,
};
use crate::calibration::apply_temperature;
use crate::device::SelectedDevice;
use crate::extractor::{IMAGENET_MEAN, IMAGENET_STD};
use crate::fusion::compute_maps;
use crate::image_input::{
    DecodedImage, ImageInputError, ImageLimits, decode_image, read_image_file,
};
use crate::model::{LoadedModel, ModelDirError, load_model_dir};
use crate::preprocess::to_tensor;
use crate::progress::{CancelToken, Progress, ProgressSink, no_progress};
use crate::tiling::{Stitcher, plan_tiles, resize_map};
use crate::verdict_evidence::VerdictEvidence;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AnalyzerOptions {
    pub limits: ImageLimits,
    /// Overlap between neighbouring tiles, 0..0.9.
    pub tile_overlap: f32,
    /// Upper bound on tiles per image, for memory; larger images are analysed at a reduced
    /// working size, which `Analysis::tiling` records. The default (1024 tiles of 256 px at
    /// 0.25 overlap, about 36 megapixels) keeps camera photographs at native resolution.
    pub max_tiles: usize,
    /// Tiles per forward pass.
    pub batch_size: usize,
    /// The verdict's evidence; `None`: the model card's calibration says (else `global`).
    pub verdict_evidence: Option<VerdictEvidence>,
    /// Upper bound on the detector's native-resolution tiles for the verdict; larger images
    /// are tiled at a reduced working size, which the analysis records.
    pub verdict_max_tiles: usize,
}

impl Default for AnalyzerOptions {
    fn default() -> Self {
        Self {
            limits: ImageLimits::default(),
            tile_overlap: 0.25,
            max_tiles: 1024,
            batch_size: 4,
            verdict_evidence: None,
            verdict_max_tiles: 256,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error(transparent)]
    Image(#[from] ImageInputError),
    #[error(transparent)]
    Model(#[from] ModelDirError),
    #[error("the analysis was cancelled")]
    Cancelled,
    #[error("reading results back from the {backend} device failed: {message}")]
    Backend { backend: String, message: String },
}

pub struct Analyzer {
    model: LoadedModel,
    device: SelectedDevice,
    options: AnalyzerOptions,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("model", &self.model.id())
            .field("device", &self.device.name)
            .finish()
    }
}

impl Analyzer {
    /// The fusion net's batch norms are folded into their convolutions here: an analyzer
    /// only infers.
    pub fn new(mut model: LoadedModel, device: SelectedDevice, options: AnalyzerOptions) -> Self {
        model.model.fusion = model.model.fusion.fold_batch_norm();
        Self {
            model,
            device,
            options,
        }
    }

    pub fn from_dir(
        dir: &Path,
        device: SelectedDevice,
        options: AnalyzerOptions,
    ) -> Result<Self, AnalyzeError> {
        let model = load_model_dir(dir, &device.device)?;
        Ok(Self::new(model, device, options))
    }

    pub fn model(&self) -> &LoadedModel {
        &self.model
    }

    pub fn device(&self) -> &SelectedDevice {
        &self.device
    }

    pub fn options(&self) -> &AnalyzerOptions {
        &self.options
    }

    /// The verdict's evidence analyses use: the options', else the card's calibration's.
    pub fn verdict_evidence(&self) -> VerdictEvidence {
        self.options.verdict_evidence.unwrap_or_else(|| {
            self.model
                .card
                .calibration
                .as_ref()
                .map_or_else(VerdictEvidence::default, |c| c.evidence)
        })
    }

    pub fn analyze_file(&self, path: &Path) -> Result<Analysis, AnalyzeError> {
        self.analyze_file_with(path, &no_progress(), &CancelToken::new())
    }

    pub fn analyze_file_with(
        &self,
        path: &Path,
        progress: &dyn ProgressSink,
        cancel: &CancelToken,
    ) -> Result<Analysis, AnalyzeError> {
        let image = read_image_file(path, &self.options.limits)?;
        self.analyze_image(&image, progress, cancel)
    }

    pub fn analyze_bytes(&self, bytes: &[u8], name: &str) -> Result<Analysis, AnalyzeError> {
        let image = decode_image(bytes, name, &self.options.limits)?;
        self.analyze_image(&image, &no_progress(), &CancelToken::new())
    }

    pub(crate) fn read_back(&self, tensor: Tensor<2>) -> Result<Vec<f32>, AnalyzeError> {
        tensor
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|e| AnalyzeError::Backend {
                backend: self.device.backend.to_string(),
                message: format!("{e:?}"),
            })
    }

    /// Analyses an image decoded with `image_input`; `decode_ms` in the timings is the time
    /// that decoding took, as recorded in `image`.
    pub fn analyze_image(
        &self,
        image: &DecodedImage,
        progress: &dyn ProgressSink,
        cancel: &CancelToken,
    ) -> Result<Analysis, AnalyzeError> {
        let start = Instant::now();
        let decode_ms = image.decode_ms;
        let device = &self.device.device;
        let config = &self.model.config;
        let model = &self.model.model;

        // Verdict: the whole image at the extractor's input size, with native tiles if asked.
        let t = Instant::now();
        let (raw, discrepancy, verdict_source) = self.detect_verdict(image, cancel)?;
        let calibration = self.model.card.calibration.as_ref();
        let probabilities = apply_temperature(
            &Probabilities {
                real: raw[0],
                partial: raw[1],
                full: raw[2],
            },
            calibration.map_or(1.0, |c| c.temperature),
        );
        let detect_ms = ms(t);

        // Maps: fusion-net tiles at native resolution.
        let t = Instant::now();
        let tile = config.fusion.image_size as u32;
        let (width, height) = image.rgb.dimensions();
        let plan = plan_tiles(
            width,
            height,
            tile,
            self.options.tile_overlap,
            self.options.max_tiles,
        );
        let work = plan.working_image(&image.rgb);
        let mut stitcher = Stitcher::<3>::new(&plan);
        let mut fusion_sums = [0f32; 3];
        let total = plan.origins.len();
        for (batch_index, batch) in plan
            .origins
            .chunks(self.options.batch_size.max(1))
            .enumerate()
        {
            if cancel.is_cancelled() {
                return Err(AnalyzeError::Cancelled);
            }
            let tiles: Vec<Tensor<4>> = batch
                .iter()
                .map(|&origin| {
                    let crop = plan.cut_tile(&work, origin);
                    to_tensor(&crop, IMAGENET_MEAN, IMAGENET_STD, device)
                })
                .collect();
            let output = model.fusion.forward(Tensor::cat(tiles, 0));
            // Conformer's prediction: the CNN and transformer heads averaged.
            let classes = (softmax(output.cnn_logits.clone(), 1)
                + softmax(output.transformer_logits.clone(), 1))
                / 2.0; // [b, 3]
            let maps = compute_maps(&output, &config.maps);
            let [b, _, _] = maps.cam.dims();
            let stacked = Tensor::stack::<4>(vec![maps.cam, maps.attention, maps.fused], 1); // [b, 3, grid, grid]
            let up = interpolate(
                stacked,
                InterpolateOptions::new(InterpolateMode::Bilinear)
                    .with_align_corners(false)
                    .with_output_size([tile as usize, tile as usize]),
            ); // [b, 3, tile, tile]
            let n = (tile * tile) as usize;
            let values = self.read_back(Tensor::cat(vec![up.reshape([b, 3 * n]), classes], 1))?;
            for (i, &origin) in batch.iter().enumerate() {
                let base = i * (3 * n + 3);
                for (sum, p) in fusion_sums
                    .iter_mut()
                    .zip(&values[base + 3 * n..base + 3 * n + 3])
                {
                    *sum += p;
                }
                stitcher.add(
                    origin,
                    [
                        &values[base..base + n],
                        &values[base + n..base + 2 * n],
                        &values[base + 2 * n..base + 3 * n],
                    ],
                );
            }
            progress.report(Progress {
                stage: "localising",
                done: (batch_index * self.options.batch_size.max(1) + batch.len()).min(total),
                total,
            });
        }
        let [cam, attention, fused] = stitcher.finish().map(|values| {
            let values = resize_map(values, plan.work_width, plan.work_height, width, height);
            Heatmap {
                width,
                height,
                values,
            }
        });
        let localise_ms = ms(t);

        let card = &self.model.card;
        Ok(Analysis {
            schema_version: ANALYSIS_SCHEMA_VERSION,
            input: image.info.clone(),
            model: ModelInfo {
                id: self.model.id(),
                name: config.name.clone(),
                weights_sha256: self.model.weights_sha256.clone(),
                extractor: config.extractor.id(),
                trained: card.trained,
            },
            device: DeviceInfo {
                backend: self.device.backend.to_string(),
                name: self.device.name.clone(),
            },
            verdict: verdict(
                &probabilities,
                card.trained,
                calibration.map(|c| c.inconclusive_below),
            ),
            probabilities,
            discrepancy,
            fusion_probabilities: Some(Probabilities {
                real: fusion_sums[0] / total.max(1) as f32,
                partial: fusion_sums[1] / total.max(1) as f32,
                full: fusion_sums[2] / total.max(1) as f32,
            }),
            maps: Maps {
                cam,
                attention,
                fused,
            },
            map_scale: Some(config.maps.describe_scale()),
            verdict_source: Some(verdict_source),
            tiling: TilingInfo {
                tile_size: tile,
                tiles: total as u32,
                overlap: plan.overlap,
                work_width: plan.work_width,
                work_height: plan.work_height,
            },
            timings: Timings {
                decode_ms,
                detect_ms,
                localise_ms,
                total_ms: decode_ms + ms(start),
            },
        })
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}
