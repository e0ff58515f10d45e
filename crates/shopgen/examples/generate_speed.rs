//! Measures how fast the demo shop is generated, and prints its shape.
//!
//! Run with: cargo run --release -p aisle-shopgen --example generate_speed -- EVENTS
//!
//! Counts every record produced (events with their orders and reviews); nothing is stored, each
//! batch is dropped after counting, so the rate is the generator's alone.

use std::time::Instant;

use aisle_domain::EventKind;
use aisle_shopgen::{generate, ShopConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let events: u64 = match std::env::args().nth(1) {
        Some(text) => text.replace('_', "").parse()?,
        None => 1_000_000,
    };
    let config = ShopConfig::new(events, 42);
    let mut by_kind = [0u64; EventKind::ALL.len()];
    let mut batches = 0u64;
    let started = Instant::now();
    let summary = generate(&config, 10_000, &mut |batch| {
        batches += 1;
        for event in &batch.events {
            by_kind[usize::from(event.kind.code())] += 1;
        }
        Ok(())
    })?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} events in {seconds:.2} s: {:.0} events/s ({} batches)",
        summary.events,
        summary.events as f64 / seconds,
        batches
    );
    println!(
        "items {}, users {}, orders {}, reviews {}",
        summary.items, summary.users, summary.orders, summary.reviews
    );
    for kind in EventKind::ALL {
        println!("  {:<18} {}", kind.as_str(), by_kind[usize::from(kind.code())]);
    }
    Ok(())
}
