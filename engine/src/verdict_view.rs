//! The detector's side of an analysis: the whole-image view, and, when the verdict's
//! evidence asks for them, native-resolution tiles of the extractor's input size (no
//! overlap, within `verdict_max_tiles`), combined by `VerdictEvidence::aggregate`.

use burn::tensor::Tensor;

use crate::analyzer::{AnalyzeError, Analyzer};
use crate::image_input::DecodedImage;
use crate::preprocess::{detector_view, to_tensor};
use crate::progress::CancelToken;
use crate::tiling::plan_tiles;
use crate::verdict_evidence::VerdictSource;

impl Analyzer {
    /// The verdict's uncalibrated probabilities (real, partial, full), the whole-image view's
    /// discrepancies (N_S1, N_S2), and what the verdict rested on.
    pub(crate) fn detect_verdict(
        &self,
        image: &DecodedImage,
        cancel: &CancelToken,
    ) -> Result<([f32; 3], [f32; 2], VerdictSource), AnalyzeError> {
        let device = &self.device().device;
        let config = &self.model().config;
        let model = &self.model().model;
        let (mean, std) = config.extractor.normalization();
        let view = detector_view(&image.rgb, &config.extractor);
        let input = config.detector_input();
        let detected = model.detect(to_tensor(&view, mean, std, device), input);
        let stats = Tensor::cat(
            vec![
                detected.probabilities,
                detected.d1.reshape([1, 1]),
                detected.d2.reshape([1, 1]),
            ],
            1,
        );
        let stats = self.read_back(stats)?;
        let global = [stats[0], stats[1], stats[2]];
        let discrepancy = [stats[3], stats[4]];

        let evidence = self.verdict_evidence();
        let (width, height) = image.rgb.dimensions();
        let tile = config.extractor.image_size() as u32;
        let mut source = VerdictSource {
            evidence,
            tiles: 0,
            work_width: width,
            work_height: height,
        };
        if !evidence.uses_tiles() || width <= tile || height <= tile {
            return Ok((global, discrepancy, source));
        }
        let plan = plan_tiles(width, height, tile, 0.0, self.options().verdict_max_tiles);
        let work = plan.working_image(&image.rgb);
        let mut tiles = Vec::with_capacity(plan.origins.len());
        for batch in plan.origins.chunks(self.options().batch_size.max(1)) {
            if cancel.is_cancelled() {
                return Err(AnalyzeError::Cancelled);
            }
            let pixels: Vec<Tensor<4>> = batch
                .iter()
                .map(|&origin| to_tensor(&plan.cut_tile(&work, origin), mean, std, device))
                .collect();
            let probabilities = model.detect(Tensor::cat(pixels, 0), input).probabilities; // [b, 3]
            let values = self.read_back(probabilities)?;
            tiles.extend(values.chunks_exact(3).map(|p| [p[0], p[1], p[2]]));
        }
        source.tiles = tiles.len() as u32;
        source.work_width = plan.work_width;
        source.work_height = plan.work_height;
        Ok((evidence.aggregate(global, &tiles), discrepancy, source))
    }
}
