//! `aisle`: the command line of Aisle, a self-hosted personalization engine for e-commerce.
//!
//! A thin client of `aisle-engine`: it parses arguments (clap), loads the configuration, draws
//! progress bars and prints reports. It holds no business logic. Exit codes: 0 success, 1 a
//! failure (or rejected rows under `--strict`), 2 a usage error.

/// `println!` that returns an error instead of panicking when stdout is closed (`aisle stats |
/// head -1`); `main` turns a broken pipe into a quiet exit.
macro_rules! emit {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

mod cli;
mod commands;
mod format;
mod progress;

use std::process::ExitCode;

use clap::Parser;

// Imports allocate and free millions of short strings; mimalloc does that markedly faster than
// the system allocator (about 10% of an import's time went to glibc malloc).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}

/// True when the reader of our output went away: not an error of ours.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
