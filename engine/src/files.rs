//! Atomic file writes: the content goes to a uniquely named temporary file beside the target
//! (created with `create_new`, so two writers never share one), is synced, and is renamed over
//! the target, then the folder is synced; a reader never sees a half-written file and a
//! failure leaves nothing behind. (`tempfile::NamedTempFile::persist` does the same, but as a
//! normal dependency of the engine it changes the unified features of the Burn stack's own
//! `tempfile` users and rebuilds it; this is the same few lines.)

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let (tmp, mut file) = create_unique(dir, &name)?;
    let result = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Whether `file_name` is a temporary file `write_atomic` left behind for `target` (a
/// process killed mid-write leaves one).
pub fn is_temporary_for(file_name: &str, target: &str) -> bool {
    file_name.starts_with(&format!(".{target}.tmp-"))
}

/// `.{name}.tmp-{pid}-{n}`, with `n` unique within the process; `create_new` refuses a name
/// another process left behind, and the next number is tried.
fn create_unique(dir: &Path, name: &str) -> std::io::Result<(PathBuf, fs::File)> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Makes a rename in `dir` durable. Folders cannot be opened for syncing on Windows, where
/// the rename is already durable once it returns.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    if cfg!(unix) {
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// PNG bytes of an 8-bit image (in memory).
pub fn png_bytes<P, C>(image: &image::ImageBuffer<P, C>) -> Vec<u8>
where
    P: image::PixelWithColorType,
    [P::Subpixel]: image::EncodableLayout,
    C: std::ops::Deref<Target = [P::Subpixel]>,
{
    let mut bytes = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .expect("PNG encoding into memory does not fail for 8-bit images");
    bytes
}

/// PNG-encodes an image in memory and writes it atomically.
pub fn write_png<P, C>(path: &Path, image: &image::ImageBuffer<P, C>) -> std::io::Result<()>
where
    P: image::PixelWithColorType,
    [P::Subpixel]: image::EncodableLayout,
    C: std::ops::Deref<Target = [P::Subpixel]>,
{
    write_atomic(path, &png_bytes(image))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_target_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.json");
        write_atomic(&path, b"first").expect("written");
        write_atomic(&path, b"second").expect("rewritten");
        assert_eq!(fs::read(&path).expect("read"), b"second");
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("listed")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.json")]);
    }

    #[test]
    fn threads_writing_one_file_never_share_a_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("shared.bin");
        std::thread::scope(|scope| {
            for i in 0..8u8 {
                let path = &path;
                scope.spawn(move || {
                    for _ in 0..20 {
                        write_atomic(path, &[i; 4096]).expect("written");
                    }
                });
            }
        });
        let bytes = fs::read(&path).expect("read");
        assert_eq!(bytes.len(), 4096);
        assert!(
            bytes.iter().all(|&b| b == bytes[0]),
            "one writer's bytes, whole"
        );
        assert_eq!(fs::read_dir(dir.path()).expect("listed").count(), 1);
    }

    #[test]
    fn a_failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("a-folder");
        fs::create_dir(&target).expect("folder");
        assert!(
            write_atomic(&target, b"bytes").is_err(),
            "cannot replace a folder"
        );
        assert_eq!(fs::read_dir(dir.path()).expect("listed").count(), 1);
    }
}
