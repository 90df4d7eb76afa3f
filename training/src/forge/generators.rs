//! The forge's neural generators as one closed set: every shipped super-resolution network,
//! by the name the manifest records, with its scale and weight file. A generator regenerates
//! every pixel of an 8-bit image at `scale` times its size. Also the weight-file loader that
//! decodes uint8-quantised files as TF.js does.

use std::path::{Path, PathBuf};

use burn::tensor::Device;
use burn_store::ModuleSnapshot;
use forgelens_engine::extractor::{ImportError, WeightSource, load_safetensors};
use image::RgbImage;

use super::rdn::{Rdn, RdnPreset, load_rdn, upscale};
use super::rrdn::{Rrdn, RrdnConfig, load_rrdn};

/// A shipped neural generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GeneratorPreset {
    RdnSlimX2,
    RdnSlimX4,
    RdnMediumX4,
    /// idealo's RDN trained on DIV2K with an L1 loss (`@upscalerjs/models@0.9.0`).
    RdnDiv2kX2,
    RdnDiv2kX3,
    RdnDiv2kX4,
    /// idealo's GAN-trained RRDN (`@upscalerjs/models@0.9.0` `models/idealo/gans`).
    RrdnGansX4,
}

impl GeneratorPreset {
    pub const ALL: [GeneratorPreset; 7] = [
        GeneratorPreset::RdnSlimX2,
        GeneratorPreset::RdnSlimX4,
        GeneratorPreset::RdnMediumX4,
        GeneratorPreset::RdnDiv2kX2,
        GeneratorPreset::RdnDiv2kX3,
        GeneratorPreset::RdnDiv2kX4,
        GeneratorPreset::RrdnGansX4,
    ];

    /// The name the manifest's `generator` column records.
    pub fn name(self) -> &'static str {
        match self {
            GeneratorPreset::RdnSlimX2 => "rdn-slim-x2",
            GeneratorPreset::RdnSlimX4 => "rdn-slim-x4",
            GeneratorPreset::RdnMediumX4 => "rdn-medium-x4",
            GeneratorPreset::RdnDiv2kX2 => "rdn-div2k-x2",
            GeneratorPreset::RdnDiv2kX3 => "rdn-div2k-x3",
            GeneratorPreset::RdnDiv2kX4 => "rdn-div2k-x4",
            GeneratorPreset::RrdnGansX4 => "rrdn-gans-x4",
        }
    }

    pub fn from_name(name: &str) -> Option<GeneratorPreset> {
        Self::ALL.into_iter().find(|g| g.name() == name)
    }

    pub fn scale(self) -> u32 {
        match self {
            GeneratorPreset::RdnSlimX2 | GeneratorPreset::RdnDiv2kX2 => 2,
            GeneratorPreset::RdnDiv2kX3 => 3,
            GeneratorPreset::RdnSlimX4
            | GeneratorPreset::RdnMediumX4
            | GeneratorPreset::RdnDiv2kX4
            | GeneratorPreset::RrdnGansX4 => 4,
        }
    }

    /// Whether the network was trained adversarially (a GAN); the forge records its fakes
    /// under the GAN families, whose traces differ from those of L1-trained networks.
    pub fn gan_trained(self) -> bool {
        matches!(self, GeneratorPreset::RrdnGansX4)
    }

    /// The RDN weight file of an RDN preset; `None` for the RRDN.
    fn rdn_preset(self) -> Option<RdnPreset> {
        match self {
            GeneratorPreset::RdnSlimX2 => Some(RdnPreset::SlimX2),
            GeneratorPreset::RdnSlimX4 => Some(RdnPreset::SlimX4),
            GeneratorPreset::RdnMediumX4 => Some(RdnPreset::MediumX4),
            GeneratorPreset::RdnDiv2kX2 => Some(RdnPreset::Div2kX2),
            GeneratorPreset::RdnDiv2kX3 => Some(RdnPreset::Div2kX3),
            GeneratorPreset::RdnDiv2kX4 => Some(RdnPreset::Div2kX4),
            GeneratorPreset::RrdnGansX4 => None,
        }
    }

    pub fn file_name(self) -> &'static str {
        match self.rdn_preset() {
            Some(rdn) => rdn.file_name(),
            None => "rrdn-gans-x4.safetensors",
        }
    }

    /// Loads the weights from `dir` (the folder holding the shipped `.safetensors` files).
    pub fn load(self, dir: &Path, device: &Device) -> Result<NeuralGenerator, ImportError> {
        let path: PathBuf = dir.join(self.file_name());
        let network = match self.rdn_preset() {
            Some(rdn) => Network::Rdn(Box::new(load_rdn(&rdn.config(), &path, device)?)),
            None => Network::Rrdn(Box::new(load_rrdn(&RrdnConfig::new(), &path, device)?)),
        };
        Ok(NeuralGenerator {
            preset: self,
            network,
        })
    }
}

#[derive(Debug)]
enum Network {
    Rdn(Box<Rdn>),
    Rrdn(Box<Rrdn>),
}

/// A loaded generator.
#[derive(Debug)]
pub struct NeuralGenerator {
    pub preset: GeneratorPreset,
    network: Network,
}

impl NeuralGenerator {
    pub fn scale(&self) -> u32 {
        self.preset.scale()
    }

    /// Every output pixel is the network's, clipped to 0..255 and rounded; the output is
    /// `scale` times the input's size.
    pub fn upscale(&self, image: &RgbImage, device: &Device) -> RgbImage {
        match &self.network {
            Network::Rdn(rdn) => upscale(rdn, image, device),
            Network::Rrdn(rrdn) => rrdn.upscale(image, device),
        }
    }
}

/// The folder of the shipped generator weights, as `engine::data_dir` finds it (the
/// environment, beside the executable, the system folder, the source tree in development).
/// When none has it, the bare relative name, whose load error says what is missing.
pub fn shipped_dir() -> PathBuf {
    forgelens_engine::data_dir::locate(forgelens_engine::data_dir::GENERATORS).map_or_else(
        |_| PathBuf::from(forgelens_engine::data_dir::GENERATORS),
        |found| found.path,
    )
}

/// Loads a generator's weight file into `module` (field paths equal the file's keys).
/// Float32 files load as they are. A uint8-quantised file (the converter keeps the TF.js
/// shard's codes: tensor `k` is U8 and `k.quantization` is F64 `[min, scale]`) is decoded
/// first, each value `f32(f64(q) * scale + min)`, exactly as tfjs-core's `decodeWeights`
/// does at load (`v * quantization.scale + quantization.min` in JavaScript numbers, stored
/// into a `Float32Array`).
pub fn load_weights<M: ModuleSnapshot>(
    module: &mut M,
    path: &Path,
    architecture: &'static str,
) -> Result<(), ImportError> {
    let read_error = |message: String| ImportError::Read {
        path: path.to_path_buf(),
        message,
    };
    if !path.is_file() {
        return load_safetensors(module, WeightSource::File(path), architecture);
    }
    let bytes = std::fs::read(path).map_err(|e| read_error(e.to_string()))?;
    match dequantise_safetensors(&bytes).map_err(read_error)? {
        None => load_safetensors(module, WeightSource::File(path), architecture),
        Some(bytes) => {
            let name = path.display().to_string();
            load_safetensors(
                module,
                WeightSource::Bytes { name: &name, bytes },
                architecture,
            )
        }
    }
}

/// A safetensors file with every U8 tensor (and its `.quantization` pair) replaced by the
/// F32 tensor it encodes; `None` when the file has no U8 tensor.
fn dequantise_safetensors(bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
    use serde_json::{Map, Value, json};

    let header_len = bytes
        .first_chunk::<8>()
        .map(|b| u64::from_le_bytes(*b))
        .ok_or("shorter than a safetensors header")?;
    let header_end = usize::try_from(header_len)
        .ok()
        .and_then(|n| n.checked_add(8))
        .filter(|&end| end <= bytes.len())
        .ok_or("header longer than the file")?;
    let header: Map<String, Value> =
        serde_json::from_slice(&bytes[8..header_end]).map_err(|e| e.to_string())?;
    let data = &bytes[header_end..];
    let tensor = |key: &str| tensor_entry(&header, data, key);
    if !header.values().any(|v| v["dtype"] == "U8") {
        return Ok(None);
    }
    let mut keys: Vec<&String> = header
        .keys()
        .filter(|k| *k != "__metadata__" && !k.ends_with(".quantization"))
        .collect();
    keys.sort();
    let (mut out_header, mut out_data) = (Map::new(), Vec::new());
    for key in keys {
        let (dtype, shape, raw) = tensor(key)?;
        let start = out_data.len();
        match dtype.as_str() {
            "F32" => out_data.extend_from_slice(raw),
            "U8" => {
                let (qdtype, _, qraw) = tensor(&format!("{key}.quantization"))?;
                let [min, scale] = match (qdtype.as_str(), qraw.as_chunks::<8>()) {
                    ("F64", ([min, scale], [])) => {
                        [f64::from_le_bytes(*min), f64::from_le_bytes(*scale)]
                    }
                    _ => return Err(format!("`{key}.quantization` is not F64 [min, scale]")),
                };
                for &q in raw {
                    let value = (f64::from(q) * scale + min) as f32;
                    out_data.extend_from_slice(&value.to_le_bytes());
                }
            }
            other => return Err(format!("tensor `{key}`: dtype {other}, expected F32 or U8")),
        }
        let offsets = [start, out_data.len()];
        out_header.insert(
            key.clone(),
            json!({"dtype": "F32", "shape": shape, "data_offsets": offsets}),
        );
    }
    let mut header_bytes = serde_json::to_vec(&out_header).map_err(|e| e.to_string())?;
    header_bytes.resize(header_bytes.len().div_ceil(8) * 8, b' ');
    let mut file = (header_bytes.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(&header_bytes);
    file.extend_from_slice(&out_data);
    Ok(Some(file))
}

/// One tensor of a safetensors header: dtype, shape and its bytes in `data`.
fn tensor_entry<'a>(
    header: &serde_json::Map<String, serde_json::Value>,
    data: &'a [u8],
    key: &str,
) -> Result<(String, Vec<usize>, &'a [u8]), String> {
    let info = header.get(key).ok_or(format!("no tensor `{key}`"))?;
    let dtype = info["dtype"].as_str().unwrap_or_default().to_string();
    let shape = serde_json::from_value(info["shape"].clone()).map_err(|e| e.to_string())?;
    let [start, end]: [usize; 2] =
        serde_json::from_value(info["data_offsets"].clone()).map_err(|e| e.to_string())?;
    let raw = data
        .get(start..end)
        .ok_or(format!("tensor `{key}`: data outside the file"))?;
    Ok((dtype, shape, raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_only_the_rrdn_is_a_gan() {
        for preset in GeneratorPreset::ALL {
            assert_eq!(GeneratorPreset::from_name(preset.name()), Some(preset));
            assert_eq!(
                preset.gan_trained(),
                preset == GeneratorPreset::RrdnGansX4,
                "{preset:?}"
            );
            assert!(preset.name().ends_with(&format!("-x{}", preset.scale())));
        }
        assert_eq!(GeneratorPreset::from_name("esrgan-slim-x4"), None);
    }

    #[test]
    fn every_shipped_generator_loads() {
        let device = Device::flex();
        for preset in GeneratorPreset::ALL {
            let generator = preset
                .load(&shipped_dir(), &device)
                .unwrap_or_else(|e| panic!("{preset:?}: {e}"));
            assert_eq!(generator.scale(), preset.scale());
        }
    }

    /// Seconds per roughly 256x256 output (input `ceil(256 / scale)` square), per generator.
    #[test]
    #[ignore = "timing: cargo test --release --lib forge::generators -- --ignored --nocapture"]
    fn time_one_256px_output() {
        let device = Device::flex();
        for preset in GeneratorPreset::ALL {
            let generator = preset.load(&shipped_dir(), &device).expect("weights");
            let side = 256u32.div_ceil(preset.scale());
            let image = RgbImage::from_fn(side, side, |x, y| {
                image::Rgb([
                    (x * 7 % 256) as u8,
                    (y * 5 % 256) as u8,
                    ((x + y) % 256) as u8,
                ])
            });
            generator.upscale(&image, &device); // warm-up
            let start = std::time::Instant::now();
            let out = generator.upscale(&image, &device);
            eprintln!(
                "{}: {side}x{side} -> {}x{}: {:.2} s",
                preset.name(),
                out.width(),
                out.height(),
                start.elapsed().as_secs_f64()
            );
        }
    }

    /// A tiny U8 file: q = [0, 1, 255] with min -1, scale 0.5 decodes to [-1, -0.5, 126.5].
    #[test]
    fn uint8_codes_decode_as_tfjs_does() {
        let header = br#"{"w":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},"w.quantization":{"dtype":"F64","shape":[2],"data_offsets":[3,19]}}"#;
        let mut file = (header.len() as u64).to_le_bytes().to_vec();
        file.extend_from_slice(header);
        file.extend_from_slice(&[0, 1, 255]);
        file.extend_from_slice(&(-1.0f64).to_le_bytes());
        file.extend_from_slice(&0.5f64.to_le_bytes());
        let out = dequantise_safetensors(&file)
            .expect("valid file")
            .expect("has U8");
        let st = safetensors::SafeTensors::deserialize(&out).expect("valid output");
        assert_eq!(st.names().len(), 1);
        let values: Vec<f32> = st
            .tensor("w")
            .expect("w")
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        assert_eq!(values, [-1.0, -0.5, 126.5]);
        // Without its [min, scale] the codes mean nothing: a clear error.
        let bad = br#"{"w":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}"#;
        let mut file = (bad.len() as u64).to_le_bytes().to_vec();
        file.extend_from_slice(bad);
        file.extend_from_slice(&[0, 1, 255]);
        let err = dequantise_safetensors(&file).expect_err("no quantization");
        assert!(err.contains("w.quantization"), "{err}");
    }
}
