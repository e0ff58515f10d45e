//! Measures how fast the embedded store imports: 540,000 events, 26,000 orders and 4,000 items
//! (the shape of the UCI Online Retail data set) in batches of 50,000 events, into a fresh store.
//!
//! Run with: cargo run --release -p aisle-store --example import_speed -- [DATA_DIR]
//! (without DATA_DIR a temporary directory is used and removed).

#[path = "common/synthetic.rs"]
mod synthetic;

use std::time::Instant;

use aisle_store::{EmbeddedStore, Store, WriteReport};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let dir = std::env::args_os().nth(1).map_or_else(|| temp.path().to_path_buf(), Into::into);
    let batches = synthetic::import(540_000, 26_000, 4_000, 50_000);
    let store = EmbeddedStore::open(&dir)?;
    let (started, cpu) = (Instant::now(), cpu_seconds());
    let mut report = WriteReport::default();
    for batch in &batches {
        report += store.write(batch)?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    println!("{report:?}");
    println!(
        "first import: {seconds:.2} s wall, {:.0} events/s; {cpu:.2} s of CPU, {:.0} events per \
         CPU second (the wall rate drops when other processes share the cores)",
        report.events_inserted as f64 / seconds,
        report.events_inserted as f64 / cpu
    );
    let started = Instant::now();
    let mut again = WriteReport::default();
    for batch in &batches {
        again += store.write(batch)?;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "same import again (all duplicates): {seconds:.2} s, {:.0} events/s",
        again.events_duplicate as f64 / seconds
    );
    println!("{:?}", store.counts()?);
    Ok(())
}

/// User plus system CPU time of this process so far (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |k: usize| fields.get(k).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
