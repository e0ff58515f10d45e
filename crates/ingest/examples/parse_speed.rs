//! Reads files in one import format and prints how fast they parse and what came out: lines per
//! second, records of each kind, distinct users and sessions, and rejected rows by reason.
//!
//! Run with: cargo run --release -p aisle-ingest --example parse_speed -- FORMAT PATH...
//! e.g. `-- online-retail /work/shared/data/uci-online-retail/*.csv.gz`

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use aisle_domain::Actor;
use aisle_ingest::{read, Format, ReadOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: parse_speed FORMAT PATH... (formats: movielens, s3rec, sasrec, online-retail, diginetica, items, users, events, reviews)";
    let format_name = args.next().ok_or(usage)?;
    let format = Format::parse(&format_name).ok_or(usage)?;
    let paths: Vec<PathBuf> = args.map(PathBuf::from).collect();
    if paths.is_empty() {
        return Err(usage.into());
    }
    let (mut items, mut users, mut events, mut orders, mut reviews) = (0, 0, 0, 0, 0);
    let mut actors_user = HashSet::new();
    let mut actors_session = HashSet::new();
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    let start = Instant::now();
    let summary = read(format, &paths, &ReadOptions::default(), &mut |chunk| {
        items += chunk.batch.items.len();
        users += chunk.batch.users.len();
        events += chunk.batch.events.len();
        orders += chunk.batch.orders.len();
        reviews += chunk.batch.reviews.len();
        for event in &chunk.batch.events {
            let (set, id) = match &event.actor {
                Actor::User(u) => (&mut actors_user, u.as_str()),
                Actor::Session(s) => (&mut actors_session, s.as_str()),
            };
            if !set.contains(id) {
                set.insert(id.to_string());
            }
        }
        for issue in &chunk.issues {
            // Group reasons by their text up to the first digit, so counts aggregate.
            let key: String = issue.reason.chars().take_while(|c| !c.is_ascii_digit()).collect();
            *reasons.entry(key).or_default() += 1;
        }
        Ok(())
    })?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "format {format}: {} files, {} lines in {secs:.3} s = {:.0} lines/s",
        summary.files.len(),
        summary.lines,
        summary.lines as f64 / secs
    );
    println!("rows accepted {}, rejected {}", summary.rows_accepted, summary.rows_rejected);
    println!("items {items}, users {users}, events {events}, orders {orders}, reviews {reviews}");
    println!("event actors: {} users, {} sessions", actors_user.len(), actors_session.len());
    for (reason, count) in reasons {
        println!("  {count:>8}  {reason}…");
    }
    Ok(())
}
