//! Inputs for the toolbox tests, made in code from the bundled sample photographs.
#![allow(dead_code)]

use forgelens_forensics::{Evidence, Limits, Map};
use image::RgbImage;

pub fn sample(name: &str) -> RgbImage {
    let path = format!("{}/../../assets/samples/{name}", env!("CARGO_MANIFEST_DIR"));
    image::open(&path).expect("sample photograph").into_rgb8()
}

pub fn sample_bytes(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../assets/samples/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("sample photograph")
}

pub fn jpeg(rgb: &RgbImage, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(rgb)
        .expect("JPEG encoding");
    bytes
}

pub fn decode(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes).expect("decodes").into_rgb8()
}

pub fn evidence(name: &str, bytes: Vec<u8>) -> Evidence {
    Evidence::from_bytes(name, bytes, &Limits::default()).expect("evidence")
}

pub fn map<'a>(maps: &'a [Map], name: &str) -> &'a Map {
    maps.iter().find(|m| m.name == name).unwrap_or_else(|| {
        panic!(
            "no map {name} in {:?}",
            maps.iter().map(|m| &m.name).collect::<Vec<_>>()
        )
    })
}

/// Mean of a map inside and outside a rectangle (x0, y0, x1, y1), away from its edge by `margin`.
pub fn inside_outside(m: &Map, rect: (u32, u32, u32, u32), margin: u32) -> (f32, f32) {
    let (x0, y0, x1, y1) = rect;
    let (mut si, mut ni, mut so, mut no) = (0f64, 0u32, 0f64, 0u32);
    for y in 0..m.height {
        for x in 0..m.width {
            let v = f64::from(m.get(x, y));
            let inner = x >= x0 + margin && x + margin < x1 && y >= y0 + margin && y + margin < y1;
            let outer = x + margin < x0 || x >= x1 + margin || y + margin < y0 || y >= y1 + margin;
            if inner {
                si += v;
                ni += 1;
            } else if outer {
                so += v;
                no += 1;
            }
        }
    }
    ((si / f64::from(ni)) as f32, (so / f64::from(no)) as f32)
}

/// A tiny deterministic generator (xorshift) for test noise.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_f32(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Approximately standard normal (sum of 12 uniforms).
    pub fn normal(&mut self) -> f32 {
        (0..12).map(|_| self.next_f32()).sum::<f32>() - 6.0
    }
}
