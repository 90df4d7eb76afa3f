//! Image files in a folder, by extension: the one list of image extensions, used by the
//! command line and the app (`analyze DIR`, `inspect DIR`, the batch table, next / previous
//! image) and by training (dataset folders, the forge's photographs).

use std::path::{Path, PathBuf};

/// The extensions taken as images (compared case-insensitively).
pub const IMAGE_EXTENSIONS: [&str; 9] = [
    "png", "jpg", "jpeg", "tif", "tiff", "webp", "gif", "bmp", "jfif",
];

/// Whether `path` names an image by its extension (the file need not exist).
pub fn has_image_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Whether `path` is a file with an image extension.
pub fn is_image_file(path: &Path) -> bool {
    path.is_file() && has_image_extension(path)
}

/// Image files directly in `dir`, sorted by name.
pub fn image_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_image_file(p))
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_only_images_sorted_by_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["b.PNG", "a.jpg", "notes.txt", "c.webp"] {
            std::fs::write(dir.path().join(name), b"x").expect("write");
        }
        std::fs::create_dir(dir.path().join("d.png")).expect("a folder named like an image");
        let files = image_files(dir.path()).expect("listed");
        let names: Vec<_> = files
            .iter()
            .map(|p| {
                p.file_name()
                    .expect("a file name")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["a.jpg", "b.PNG", "c.webp"]);
    }
}
