//! Profile update throughput: a generated shop's events and orders folded into per-shopper
//! profiles, as the server keeps them current from the event stream, then every profile read.
//!
//! Run with:
//!   cargo run --release -p aisle-profiles --example profile_speed -- [--events 2000000]
//!
//! The events are generated first (not timed); the fold is timed alone, on one thread, with a
//! catalog lookup per event.

use std::collections::HashMap;
use std::time::Instant;

use aisle_domain::{Actor, Batch, Event, Order};
use aisle_profiles::{CatalogFacts, ItemFacts, LifecycleRules, ProfileBuilder, RfmScale};
use aisle_shopgen::{generate, ShopConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut events_wanted = 2_000_000u64;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--events" => events_wanted = args.next().ok_or("--events needs a number")?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let mut items = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut orders: Vec<Order> = Vec::new();
    let started = Instant::now();
    generate(&ShopConfig::new(events_wanted, 42), 100_000, &mut |batch: Batch| {
        items.extend(batch.items);
        events.extend(batch.events);
        orders.extend(batch.orders);
        Ok(())
    })?;
    println!(
        "generated {} events, {} orders, {} items in {:.1} s",
        events.len(),
        orders.len(),
        items.len(),
        started.elapsed().as_secs_f64()
    );
    let catalog = CatalogFacts::new(items.into_iter().map(|item| {
        let facts = ItemFacts {
            category: item.categories.first().cloned(),
            brand: item.brand.clone(),
            price: item.price.as_ref().map(|p| p.amount),
        };
        (item.id.to_string(), facts)
    }));
    let now = events.iter().map(|e| e.timestamp.millis()).max().unwrap_or(0);

    let started = Instant::now();
    let mut builders: HashMap<String, ProfileBuilder> = HashMap::new();
    for event in &events {
        let Actor::User(user) = &event.actor else { continue };
        builders.entry(user.to_string()).or_default().add_event(event, &catalog);
    }
    for order in &orders {
        if let Some(user) = &order.user {
            builders.entry(user.to_string()).or_default().add_order(order);
        }
    }
    let fold = started.elapsed().as_secs_f64();
    let records = events.len() + orders.len();
    println!(
        "| fold | {records} events and orders | {:.2} s | **{:.0} records/s** | {} shoppers |",
        fold,
        records as f64 / fold,
        builders.len()
    );

    let started = Instant::now();
    let buyers: Vec<(f64, f64, f64)> = builders
        .values()
        .filter_map(|b| {
            let (frequency, monetary) = b.frequency_and_monetary();
            b.recency_days(now)
                .filter(|_| frequency > 0)
                .map(|r| (r, f64::from(frequency), monetary))
        })
        .collect();
    let scale = RfmScale::new(&buyers);
    let rules = LifecycleRules::default();
    let mut segments: HashMap<&'static str, usize> = HashMap::new();
    for builder in builders.values() {
        *segments.entry(builder.profile(now, scale.as_ref(), &rules).segment).or_default() += 1;
    }
    let read = started.elapsed().as_secs_f64();
    println!(
        "| read every profile (RFM scale + segment) | {} shoppers | {:.2} s | {:.0} profiles/s | |",
        builders.len(),
        read,
        builders.len() as f64 / read
    );
    let mut listed: Vec<(&&str, &usize)> = segments.iter().collect();
    listed.sort_by(|a, b| b.1.cmp(a.1));
    println!("segments: {listed:?}");
    Ok(())
}
