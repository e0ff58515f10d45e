//! Serving speed of the transformer: latency of top-10 for one 50-item sequence, and
//! throughput of batched scoring, over the catalog of an S3-Rec format file (Amazon Beauty:
//! 12,101 items). Trains briefly first (the weights' values do not change the cost).
//!
//! `serving --data Beauty.txt [--queries 2000] [--batch 256] [--epochs 1]`

mod support;

use std::time::Instant;

use aisle_sequential::{train, Catalog, TrainOptions, TransformerConfig};
use rand::{Rng, SeedableRng};
use support::{read_sequences, Flags};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let flags = Flags::from_env();
    let path = flags.value("--data").ok_or("give --data PATH")?;
    let (queries, batch, epochs) = (
        flags.number("--queries", 2000)?,
        flags.number("--batch", 256)?,
        flags.number("--epochs", 1)?,
    );
    let (sequences, n_items) = read_sequences(path)?;
    let config = TransformerConfig { epochs, attributes: false, ..TransformerConfig::default() };
    let model = train(&config, &Catalog::plain(n_items), &sequences, &TrainOptions::default())?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let mut random_sequence =
        || -> Vec<u32> { (0..50).map(|_| rng.random_range(0..n_items as u32)).collect() };

    let mut latencies = Vec::with_capacity(queries);
    for _ in 0..queries + 50 {
        let sequence = random_sequence();
        let started = Instant::now();
        let scores = model.score(&sequence)?;
        let top = top_10(&scores, &sequence);
        latencies.push(started.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(top);
    }
    latencies.drain(..50); // warm-up
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    println!(
        "single sequence of 50 over {n_items} items, top-10: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({queries} queries)",
        at(0.5),
        at(0.99),
        at(1.0)
    );

    let batches: Vec<Vec<Vec<u32>>> =
        (0..8).map(|_| (0..batch).map(|_| random_sequence()).collect()).collect();
    let started = Instant::now();
    for group in &batches {
        let refs: Vec<&[u32]> = group.iter().map(|s| &s[..]).collect();
        let scores = model.score_batch(&refs)?;
        for (row, sequence) in scores.iter().zip(group) {
            std::hint::black_box(top_10(row, sequence));
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "batches of {batch}: {:.0} sequences/s ({:.2} ms per batch)",
        (8 * batch) as f64 / seconds,
        seconds * 1e3 / 8.0
    );
    Ok(())
}

/// The 10 best items not in the sequence.
fn top_10(scores: &[f32], seen: &[u32]) -> Vec<u32> {
    let mut excluded = vec![false; scores.len()];
    seen.iter().for_each(|&i| excluded[i as usize] = true);
    let mut candidates: Vec<u32> =
        (0..scores.len() as u32).filter(|&i| !excluded[i as usize]).collect();
    let k = 10.min(candidates.len());
    if k > 0 {
        candidates.select_nth_unstable_by(k - 1, |&a, &b| {
            scores[b as usize].total_cmp(&scores[a as usize])
        });
    }
    candidates.truncate(k);
    candidates.sort_by(|&a, &b| scores[b as usize].total_cmp(&scores[a as usize]));
    candidates
}
