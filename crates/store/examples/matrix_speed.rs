//! Measures how fast an existing embedded store builds the interaction matrix.
//!
//! Run with: cargo run --release -p aisle-store --example matrix_speed -- DATA_DIR
//! Add `--fill N` to first write N synthetic events into DATA_DIR (in batches of 50,000).

#[path = "common/synthetic.rs"]
mod synthetic;

use std::time::Instant;

use aisle_domain::Batch;
use aisle_store::{EmbeddedStore, MatrixOptions, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        return Err("usage: matrix_speed DATA_DIR [--fill N]".into());
    };
    let store = EmbeddedStore::open(std::path::Path::new(dir))?;
    if let Some(k) = args.iter().position(|a| a == "--fill") {
        let n: u64 = args.get(k + 1).ok_or("--fill needs a number")?.parse()?;
        let start = store.counts()?.events;
        let mut rng = synthetic::Rng::new(7 + start);
        let started = Instant::now();
        let mut first = start;
        while first < start + n {
            let count = 50_000.min(start + n - first);
            let events = synthetic::events(&mut rng, first, count, 100_000, 20_000);
            store.write(&Batch { events, ..Batch::default() })?;
            first += count;
        }
        let seconds = started.elapsed().as_secs_f64();
        println!("filled {n} events in {seconds:.1} s ({:.0} events/s)", n as f64 / seconds);
    }
    let events = store.counts()?.events;
    for include_sessions in [false, true] {
        let options = MatrixOptions { include_sessions, ..MatrixOptions::default() };
        let started = Instant::now();
        let matrix = store.interaction_matrix(&options)?;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "include_sessions={include_sessions}: {seconds:.3} s for {events} stored events, \
             {} rows, nnz {}, heap_bytes {}",
            matrix.n_rows,
            matrix.nnz(),
            matrix.heap_bytes()
        );
    }
    Ok(())
}
