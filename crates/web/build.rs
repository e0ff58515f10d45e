//! Lists every file under `assets/` into `$OUT_DIR/files.rs` as an `Asset` with its bytes
//! included, so that adding a file to a page needs no edit here.
//!
//! The directory comes from `CARGO_MANIFEST_DIR` as Cargo sets it when it runs the script, not
//! as it was when the script was compiled: a build script compiled in one checkout and reused
//! by a target directory shared with another must still read this checkout's files.

use std::path::{Path, PathBuf};

fn main() {
    let manifest =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
    let root = manifest.join("assets");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    // An empty table would build a server whose pages all answer 404.
    assert!(!files.is_empty(), "no files under {}: the pages would be missing", root.display());
    let mut out =
        String::from("/// Every embedded file.\npub static FILES: &[crate::Asset] = &[\n");
    for file in &files {
        let relative = file.strip_prefix(&root).unwrap_or(file);
        let path = relative.to_string_lossy().replace('\\', "/");
        let extension = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        out.push_str(&format!(
            "    crate::Asset {{ path: {path:?}, bytes: include_bytes!({abs:?}), content_type: crate::content_type({extension:?}) }},\n",
            abs = file.display().to_string(),
        ));
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    if let Err(e) = std::fs::write(out_dir.join("files.rs"), out) {
        panic!("cannot write the asset table: {e}");
    }
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            files.push(path);
        }
    }
}
