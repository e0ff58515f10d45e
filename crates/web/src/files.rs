//! The generated table of embedded files (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/files.rs"));
