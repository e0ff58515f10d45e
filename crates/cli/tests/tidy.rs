//! Architecture rules the compiler cannot check, checked over the source tree: every source
//! file opens with a `//!` doc comment; only the binary crate uses `anyhow`; only `server` (when
//! it exists) may use an HTTP framework; the pure crates do no IO.

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn crate_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(workspace_root().join("crates"))
        .expect("crates/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_source_file_opens_with_a_doc_comment() {
    let mut files = Vec::new();
    for dir in crate_dirs() {
        rust_files(&dir, &mut files);
    }
    let missing: Vec<String> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a `//!` opening comment:\n{}", missing.join("\n"));
}

fn dependencies(dir: &Path) -> String {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("manifest");
    // Only [dependencies]: dev-dependencies may use anything.
    manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap_or("")
        .split("\n[")
        .next()
        .unwrap_or("")
        .to_string()
}

#[test]
fn only_binaries_use_anyhow_and_only_server_uses_http() {
    for dir in crate_dirs() {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        let deps = dependencies(&dir);
        if name != "cli" {
            assert!(
                !deps.contains("anyhow"),
                "library crate `{name}` depends on anyhow; use a typed error"
            );
        }
        if name != "server" {
            for http in ["axum", "hyper", "actix", "warp", "tower-http"] {
                assert!(
                    !deps.contains(http),
                    "crate `{name}` depends on {http}; only `server` knows HTTP"
                );
            }
        }
    }
}

#[test]
fn pure_crates_do_no_io() {
    for name in ["domain", "shopgen", "analytics", "experiments"] {
        let mut files = Vec::new();
        rust_files(&workspace_root().join("crates").join(name).join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for io in ["std::fs", "std::net", "File::open", "tokio"] {
                assert!(
                    !text.contains(io),
                    "{} uses {io}; `{name}` must stay pure",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn the_domain_depends_on_no_other_aisle_crate_and_store_on_no_reader() {
    assert!(!dependencies(&workspace_root().join("crates/domain")).contains("aisle-"));
    let store = dependencies(&workspace_root().join("crates/store"));
    assert!(
        !store.contains("aisle-ingest") && !store.contains("aisle-engine"),
        "store must not depend on readers"
    );
    let ingest = dependencies(&workspace_root().join("crates/ingest"));
    assert!(!ingest.contains("aisle-store"), "ingest makes no storage calls");
}
