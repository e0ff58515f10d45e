//! `aisle matrix`: builds the interaction matrix as training would and reports its shape, time
//! and the process's peak memory.

use std::process::ExitCode;

use aisle_engine::{Engine, MatrixRequest};

use crate::cli::MatrixArgs;
use crate::format::thousands;

/// Builds the matrix and prints the report.
pub fn run(engine: &Engine, args: MatrixArgs) -> anyhow::Result<ExitCode> {
    let request = MatrixRequest {
        include_sessions: args.include_sessions,
        half_life_days: args.half_life_days,
    };
    let (_matrix, report) = engine.matrix(request)?;
    let peak = peak_rss_bytes();
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        if let Some(object) = value.as_object_mut() {
            object.insert("peak_rss_bytes".into(), serde_json::json!(peak));
        }
        emit!("{value}");
    } else {
        emit!(
            "Interaction matrix: {} rows x {} items, {} pairs (density {:.5}), {:.1} MiB, built in {:.2} s",
            thousands(report.rows as u64),
            thousands(report.items as u64),
            thousands(report.nnz as u64),
            report.density,
            report.matrix_bytes as f64 / 1_048_576.0,
            report.seconds
        );
        if let Some(peak) = peak {
            emit!("  peak memory of this process: {:.1} MiB", peak as f64 / 1_048_576.0);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The process's peak resident set size, from Linux's /proc; `None` elsewhere.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
