//! What the end-to-end tests of the `aisle` binary share: running it on a data directory with
//! the environment's own configuration left out, and reading what it printed.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `aisle --data-dir DIR --log warn ARGS...` with no configuration from the environment.
pub fn aisle(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aisle"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--log", "warn"])
        .args(args)
        .env_remove("AISLE_CONFIG")
        .env_remove("AISLE_DATA_DIR")
        .stdin(Stdio::null())
        .output()
        .expect("aisle runs")
}

/// Standard output then standard error, as text.
pub fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}
