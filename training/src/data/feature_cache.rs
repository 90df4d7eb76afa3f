//! The frozen extractor's tokens, computed once per image and kept on disk. An entry is
//! keyed by the SHA-256 of the image file's bytes under a folder named for the extractor
//! id, and carries a checksum: a stale, truncated or corrupt entry is recomputed, never
//! trusted.

use std::path::{Path, PathBuf};

use burn::tensor::{Device, Tensor, TensorData};
use forgelens_engine::extractor::{DetectorInput, Extractor, ExtractorConfig};
use forgelens_engine::files::write_atomic;
use forgelens_engine::image_input::{ImageLimits, decode_image};
use forgelens_engine::preprocess::{detector_view, normalized_chw};
use forgelens_engine::progress::CancelToken;
use sha2::{Digest, Sha256};

const MAGIC: &[u8; 8] = b"FLFEAT1\0";
/// Bumped whenever the preprocessing in front of the extractor changes.
const PREPROCESSING_VERSION: u32 = 1;
const BATCH: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum FeatureCacheError {
    #[error("feature cache {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("reading the extractor's output: {0}")]
    Backend(String),
    #[error("cancelled")]
    Cancelled,
}

pub struct FeatureCache {
    dir: PathBuf,
    extractor_id: String,
    tokens: usize,
    width: usize,
    input: DetectorInput,
}

/// Tokens for the images that could be read, in input order.
#[derive(Debug, Clone)]
pub struct CachedFeatures {
    pub tokens: usize,
    pub width: usize,
    /// Indices into the requested paths that have features.
    pub kept: Vec<usize>,
    /// `kept.len()` rows of `tokens * width` values.
    pub rows: Vec<Vec<f32>>,
    /// Images that could not be read, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    pub reused: usize,
    pub computed: usize,
    /// Entries found but rejected (wrong extractor, wrong size, bad checksum).
    pub rejected: usize,
}

impl CachedFeatures {
    /// `[rows.len(), tokens, width]` for the given row positions.
    pub fn batch(&self, rows: &[usize], device: &Device) -> Tensor<3> {
        let mut data = Vec::with_capacity(rows.len() * self.tokens * self.width);
        for &r in rows {
            data.extend_from_slice(&self.rows[r]);
        }
        Tensor::from_data(
            TensorData::new(data, [rows.len(), self.tokens, self.width]),
            device,
        )
    }
}

impl FeatureCache {
    /// A cache of `extractor`'s tokens of the detector's view, seen as `input` says.
    pub fn new(dir: &Path, extractor: &ExtractorConfig, input: DetectorInput) -> Self {
        let extractor_id = format!(
            "{}+pre{PREPROCESSING_VERSION}{}",
            extractor.id(),
            input.key_suffix()
        );
        let folder: String = extractor_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Self {
            dir: dir.join(folder),
            extractor_id,
            tokens: extractor.token_count(),
            width: extractor.token_width(),
            input,
        }
    }

    fn entry_path(&self, hash: &str) -> PathBuf {
        self.dir.join(&hash[..2]).join(format!("{hash}.feat"))
    }

    fn encode(&self, values: &[f32]) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + values.len() * 4);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.extractor_id.len() as u32).to_le_bytes());
        out.extend_from_slice(self.extractor_id.as_bytes());
        out.extend_from_slice(&(self.tokens as u32).to_le_bytes());
        out.extend_from_slice(&(self.width as u32).to_le_bytes());
        for v in values {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
        out
    }

    /// The values of a valid entry, or `None` for anything else.
    fn decode(&self, bytes: &[u8]) -> Option<Vec<f32>> {
        let id = self.extractor_id.as_bytes();
        let header = MAGIC.len() + 4 + id.len() + 8;
        let n = self.tokens * self.width;
        if bytes.len() != header + n * 4 + 32 {
            return None;
        }
        let (body, digest) = bytes.split_at(bytes.len() - 32);
        if Sha256::digest(body).as_slice() != digest {
            return None;
        }
        let mut expected = Vec::with_capacity(header);
        expected.extend_from_slice(MAGIC);
        expected.extend_from_slice(&(id.len() as u32).to_le_bytes());
        expected.extend_from_slice(id);
        expected.extend_from_slice(&(self.tokens as u32).to_le_bytes());
        expected.extend_from_slice(&(self.width as u32).to_le_bytes());
        if body[..header] != expected[..] {
            return None;
        }
        Some(
            body[header..]
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }

    /// Features for every path: from the cache where valid, otherwise computed with
    /// `extractor` (E's config must be the one the cache was made for) and stored.
    pub fn features(
        &self,
        paths: &[PathBuf],
        extractor_config: &ExtractorConfig,
        extractor: &Extractor,
        device: &Device,
        progress: &dyn Fn(usize, usize),
        cancel: &CancelToken,
    ) -> Result<CachedFeatures, FeatureCacheError> {
        let mut slots: Vec<Option<Vec<f32>>> = vec![None; paths.len()];
        let mut result = CachedFeatures {
            tokens: self.tokens,
            width: self.width,
            kept: Vec::new(),
            rows: Vec::new(),
            skipped: Vec::new(),
            reused: 0,
            computed: 0,
            rejected: 0,
        };
        let mut pending: Vec<(usize, String, Vec<f32>)> = Vec::new();
        let (mean, std) = extractor_config.normalization();
        let size = extractor_config.image_size();
        let limits = ImageLimits::default();
        for (i, path) in paths.iter().enumerate() {
            if cancel.is_cancelled() {
                return Err(FeatureCacheError::Cancelled);
            }
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    result.skipped.push((path.clone(), e.to_string()));
                    continue;
                }
            };
            let hash = hex(&Sha256::digest(&bytes));
            let entry = self.entry_path(&hash);
            if let Ok(stored) = std::fs::read(&entry) {
                match self.decode(&stored) {
                    Some(values) => {
                        slots[i] = Some(values);
                        result.reused += 1;
                        progress(i + 1, paths.len());
                        continue;
                    }
                    None => result.rejected += 1,
                }
            }
            match decode_image(&bytes, &path.display().to_string(), &limits) {
                Ok(decoded) => {
                    let view = detector_view(&decoded.rgb, extractor_config);
                    pending.push((i, hash, normalized_chw(&view, mean, std)));
                }
                Err(e) => result.skipped.push((path.clone(), e.to_string())),
            }
            if pending.len() == BATCH {
                self.compute(&mut pending, size, extractor, device, &mut slots)?;
            }
            progress(i + 1, paths.len());
        }
        if !pending.is_empty() {
            self.compute(&mut pending, size, extractor, device, &mut slots)?;
        }
        result.computed = slots.iter().flatten().count() - result.reused;
        for (i, slot) in slots.into_iter().enumerate() {
            if let Some(values) = slot {
                result.kept.push(i);
                result.rows.push(values);
            }
        }
        Ok(result)
    }

    fn compute(
        &self,
        pending: &mut Vec<(usize, String, Vec<f32>)>,
        size: usize,
        extractor: &Extractor,
        device: &Device,
        slots: &mut [Option<Vec<f32>>],
    ) -> Result<(), FeatureCacheError> {
        let n = pending.len();
        let mut pixels = Vec::with_capacity(n * 3 * size * size);
        for (_, _, p) in pending.iter() {
            pixels.extend_from_slice(p);
        }
        let input = Tensor::<4>::from_data(TensorData::new(pixels, [n, 3, size, size]), device);
        let tokens = extractor.tokens(self.input.apply(input)); // [n, tokens, width]
        let values: Vec<f32> = tokens
            .into_data()
            .try_into_vec::<f32>()
            .map_err(|e| FeatureCacheError::Backend(format!("{e:?}")))?;
        let row = self.tokens * self.width;
        for (k, (i, hash, _)) in pending.drain(..).enumerate() {
            let v = values[k * row..(k + 1) * row].to_vec();
            let entry = self.entry_path(&hash);
            let parent = entry.parent().expect("entries live in a folder");
            std::fs::create_dir_all(parent).map_err(|source| FeatureCacheError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
            write_atomic(&entry, &self.encode(&v)).map_err(|source| FeatureCacheError::Io {
                path: entry.clone(),
                source,
            })?;
            slots[i] = Some(v);
        }
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
