//! The hand-made forge-v2 dataset the evaluation-protocol tests share: from six
//! photographs, crops (real, neural-regeneration and inpainting partial fakes with masks, full
//! fakes) and two whole real photographs, split train / val / test by photograph.

use std::path::Path;
use std::sync::OnceLock;

use image::{GrayImage, Luma, Rgb, RgbImage};

/// A small deterministic generator (no shared state between tests).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 56) as u8
    }
}

pub fn photo(seed: u64, width: u32, height: u32) -> RgbImage {
    let mut rng = Lcg(seed);
    RgbImage::from_fn(width, height, |x, y| {
        let base = ((x * 3 + y * 2) % 200) as u8;
        let n = rng.next() / 8;
        Rgb([
            base.saturating_add(n),
            90u8.saturating_add(n),
            (200 - base / 2),
        ])
    })
}

fn mask(size: u32) -> GrayImage {
    GrayImage::from_fn(size, size, |x, y| {
        Luma([if (16..40).contains(&x) && (20..44).contains(&y) {
            255
        } else {
            0
        }])
    })
}

pub const MANIFEST_HEADER: &str = "path,label,mask,family,generator,processing,source,split,sample";

/// Per photograph p0..p5: a real crop, a neural-regeneration and an inpainting partial fake
/// (with masks), and a full fake; p4 and p5 (test) also give a whole real photograph.
/// p0-p2 train, p3 val, p4-p5 test.
fn make_dataset(root: &Path) {
    for dir in ["real", "partial", "full", "masks"] {
        std::fs::create_dir_all(root.join(dir)).expect("dir");
    }
    let mut rows = vec![MANIFEST_HEADER.to_string()];
    for p in 0..6u64 {
        let split = match p {
            0..=2 => "train",
            3 => "val",
            _ => "test",
        };
        let source = format!("p{p}");
        let crop = photo(p, 64, 64);
        crop.save(root.join(format!("real/{source}.png")))
            .expect("save");
        rows.push(format!(
            "real/{source}.png,real,,real,,none,{source},{split},crop"
        ));
        let m = mask(64);
        m.save(root.join(format!("masks/{source}.png")))
            .expect("save");
        for (family, generator, shift) in [
            ("neural-regeneration", "rdn-slim-x4", 60u8),
            ("inpainting", "patchmatch", 120u8),
        ] {
            let mut fake = crop.clone();
            for (x, y, px) in fake.enumerate_pixels_mut() {
                if m.get_pixel(x, y).0[0] > 0 {
                    px.0[0] = px.0[0].wrapping_add(shift);
                }
            }
            let name = format!("partial/{source}-{generator}.png");
            fake.save(root.join(&name)).expect("save");
            rows.push(format!(
                "{name},partial,masks/{source}.png,{family},{generator},jpeg:90,{source},{split},crop"
            ));
        }
        let full = image::imageops::blur(&crop, 1.5);
        full.save(root.join(format!("full/{source}.png")))
            .expect("save");
        rows.push(format!(
            "full/{source}.png,full,,full-regeneration,rdn-slim-x4,none,{source},{split},crop"
        ));
        if split == "test" {
            photo(p + 100, 150, 100)
                .save(root.join(format!("real/{source}-whole.png")))
                .expect("save");
            rows.push(format!(
                "real/{source}-whole.png,real,,real,,resize:0.5,{source},{split},whole"
            ));
        }
    }
    std::fs::write(root.join("manifest.csv"), rows.join("\n") + "\n").expect("manifest");
}

pub fn dataset() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        make_dataset(dir.path());
        dir
    })
    .path()
}
