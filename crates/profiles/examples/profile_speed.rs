//! Profile update throughput: a generated shop's events and orders folded into per-shopper
//! profiles, as the server keeps them current from the event stream, then every profile read.
//!
//! Run with:
//!   cargo run --release -p aisle-profiles --example profile_speed -- [--events 2000000]
//!     [--dump DIR]
//!
//! The events are generated first (not timed); the fold is timed alone, on one thread, with a
//! catalog lookup per event. `--dump DIR` also writes the same records as `items.csv`,
//! `events.csv` and `orders.csv` (after the timing) for the pandas peer,
//! `bench/peers/profile_fold_pandas.py`, run by `bench/profile_fold.sh`.

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use aisle_domain::{Actor, Batch, Event, Item, Order, OrderStatus};
use aisle_profiles::{CatalogFacts, ItemFacts, LifecycleRules, ProfileBuilder, RfmScale};
use aisle_shopgen::{generate, ShopConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut events_wanted = 2_000_000u64;
    let mut dump: Option<PathBuf> = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--events" => events_wanted = args.next().ok_or("--events needs a number")?.parse()?,
            "--dump" => dump = Some(args.next().ok_or("--dump needs a directory")?.into()),
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
    let catalog = CatalogFacts::new(items.iter().map(|item| {
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
    if let Some(dir) = dump {
        write_csv(&dir, &items, &events, &orders)?;
        println!("wrote items.csv, events.csv and orders.csv to {}", dir.display());
    }
    Ok(())
}

/// Text for a CSV field: generated ids and names hold no commas or quotes, but say so if one did.
fn field(text: &str) -> Result<&str, String> {
    if text.contains([',', '"', '\n']) {
        return Err(format!("{text:?} would need quoting; the dump writes plain fields"));
    }
    Ok(text)
}

/// The records the fold read, as the pandas peer reads them: events of signed-in shoppers
/// only, orders of shoppers, prices and quantities as the fold takes them.
fn write_csv(
    dir: &Path,
    items: &[Item],
    events: &[Event],
    orders: &[Order],
) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let create = |name: &str| std::fs::File::create(dir.join(name)).map(BufWriter::new);
    let mut out = create("items.csv")?;
    writeln!(out, "item_id,category,brand,price")?;
    for item in items {
        let category = item.categories.first().map(String::as_str).unwrap_or("");
        let price = item.price.as_ref().map(|p| p.amount.to_string()).unwrap_or_default();
        let brand = item.brand.as_deref().unwrap_or("");
        writeln!(
            out,
            "{},{},{},{price}",
            field(item.id.as_str())?,
            field(category)?,
            field(brand)?
        )?;
    }
    out.flush()?;
    let mut out = create("events.csv")?;
    writeln!(out, "user_id,item_id,kind,ts_ms,price,quantity,device")?;
    for event in events {
        let Actor::User(user) = &event.actor else { continue };
        let item = event.item.as_ref().map(|i| i.as_str()).unwrap_or("");
        let price = event.price.map(|p| p.to_string()).unwrap_or_default();
        let quantity = event.quantity.map(|q| q.to_string()).unwrap_or_default();
        let device = event.context.device.as_deref().unwrap_or("");
        writeln!(
            out,
            "{},{},{},{},{price},{quantity},{}",
            field(user.as_str())?,
            field(item)?,
            event.kind.as_str(),
            event.timestamp.millis(),
            field(device)?
        )?;
    }
    out.flush()?;
    let mut out = create("orders.csv")?;
    writeln!(out, "user_id,order_id,ts_ms,kept,total")?;
    for order in orders {
        let Some(user) = &order.user else { continue };
        let kept = !matches!(order.status, OrderStatus::Cancelled | OrderStatus::Returned);
        let total: f64 = order.lines.iter().map(|l| l.unit_price * l.quantity.max(0) as f64).sum();
        writeln!(
            out,
            "{},{},{},{},{total}",
            field(user.as_str())?,
            field(order.id.as_str())?,
            order.created_at.millis(),
            u8::from(kept)
        )?;
    }
    out.flush()?;
    Ok(())
}
