//! A hostile-input corpus through the binary, as an analyst's folder might hold it:
//! truncations, bit flips, decompression bombs, absurd headers, random bytes, empty files
//! and the bad images of the fixtures. Each is analysed (with a report) by `forgelens
//! analyze` under a 4 GB address-space limit: a clear error or a result, never a panic or
//! an abort, nothing half-written, and the evidence unchanged.

#[allow(dead_code)]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Stream, init_tiny, repo};

/// A PNG whose header claims `width` x `height` and whose one IDAT chunk is a deflate
/// stream of zeros: small on disk, enormous once decoded.
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut image = image::RgbImage::new(64, 64);
    image.put_pixel(0, 0, image::Rgb([1, 2, 3]));
    let mut bytes = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("encoded");
    // IHDR's width and height sit at bytes 16..24; its CRC then no longer matches, which a
    // decoder may or may not check: both paths must end in an error, not an allocation.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    bytes
}

fn corpus(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let photo = std::fs::read(repo("assets/samples/chelsea.png")).expect("sample");
    let decoded = image::load_from_memory(&photo).expect("decodes").to_rgb8();
    let mut jpeg = Vec::new();
    decoded
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .expect("jpeg");
    for (name, bytes) in [("png", &photo), ("jpg", &jpeg)] {
        for cut in [8, 33, 100, bytes.len() / 2, bytes.len() - 1] {
            files.push((format!("truncated-{cut}.{name}"), bytes[..cut].to_vec()));
        }
        let mut s = Stream(bytes.len() as u64);
        for i in 0..6 {
            let mut flipped = bytes.clone();
            for _ in 0..1 + i * 4 {
                let at = (s.next() % flipped.len() as u64) as usize;
                flipped[at] ^= 1 << (s.next() % 8);
            }
            files.push((format!("flipped-{i}.{name}"), flipped));
        }
    }
    files.push(("bomb-100k.png".into(), png_bomb(100_000, 100_000)));
    files.push(("bomb-wide.png".into(), png_bomb(u32::MAX, 1)));
    files.push(("bomb-zero.png".into(), png_bomb(0, 0)));
    let mut absurd = jpeg.clone();
    // The SOF0 marker's height and width: 65535 x 65535.
    if let Some(sof) = absurd.windows(2).position(|w| w == [0xFF, 0xC0]) {
        absurd[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    }
    files.push(("absurd-sof.jpg".into(), absurd));
    let mut s = Stream(42);
    files.push((
        "random.png".into(),
        (0..4096).map(|_| s.next() as u8).collect(),
    ));
    files.push(("empty.jpg".into(), Vec::new()));
    for entry in std::fs::read_dir(repo("tests/fixtures/images")).expect("fixtures") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e != "py") {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            files.push((
                format!("fixture-{name}"),
                std::fs::read(&path).expect("read"),
            ));
        }
    }
    let evidence = dir.join("evidence");
    std::fs::create_dir_all(&evidence).expect("folder");
    files
        .into_iter()
        .map(|(name, bytes)| {
            let path = evidence.join(name);
            std::fs::write(&path, bytes).expect("written");
            path
        })
        .collect()
}

#[test]
fn hostile_files_give_clear_errors_never_a_panic_or_leftovers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = init_tiny(dir.path());
    let files = corpus(dir.path());
    let before: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    let (mut failed, mut analysed) = (0, 0);
    for file in &files {
        let out = dir.path().join("out");
        let reports = dir.path().join("reports");
        // 4 GB of address space: a decoder that believed a bomb's header would abort here.
        let run = Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 4000000 && exec \"$@\"")
            .arg("sh")
            .arg(env!("CARGO_BIN_EXE_forgelens"))
            .env("RUST_LOG", "warn")
            .args(["analyze", "--device", "cpu", "--model"])
            .arg(&model)
            .arg("--out")
            .arg(&out)
            .arg("--report-dir")
            .arg(&reports)
            .arg("--report-format")
            .arg("json")
            .arg(file)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&run.stderr);
        let name = file.display();
        assert!(!stderr.contains("panicked"), "{name}: a panic: {stderr}");
        match run.status.code() {
            Some(0) => analysed += 1,
            Some(code) => {
                assert!(
                    !stderr.trim().is_empty(),
                    "{name}: exit {code} without a word"
                );
                failed += 1;
            }
            None => panic!("{name}: killed by a signal (an abort?): {stderr}"),
        }
        for folder in [&out, &reports] {
            for entry in std::fs::read_dir(folder).into_iter().flatten() {
                let entry = entry.expect("entry").file_name();
                let entry = entry.to_string_lossy();
                assert!(!entry.contains(".tmp-"), "{name}: left {entry} behind");
            }
        }
    }
    for (file, bytes) in files.iter().zip(&before) {
        assert_eq!(
            &std::fs::read(file).expect("read"),
            bytes,
            "{} changed",
            file.display()
        );
    }
    eprintln!(
        "{} hostile files: {failed} refused, {analysed} analysed",
        files.len()
    );
    assert!(failed >= 15, "most of the corpus must be refused: {failed}");
    assert!(analysed >= 1, "some flips still decode: {analysed}");
}
