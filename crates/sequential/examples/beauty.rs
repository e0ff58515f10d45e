//! Trains the transformer on an S3-Rec or SASRec format file and reports leave-one-out full
//! ranking HR and NDCG at 5, 10 and 20 on each user's last item (the test item), after early
//! stopping on the second-to-last (validation) item. A quick loop for model work; the product
//! path is `aisle eval --models transformer`.
//!
//! `cargo run --release -p aisle-sequential --example beauty -- PATH [ATTRIBUTES.json] [key=value...]`

mod support;

use std::collections::HashMap;
use std::time::Instant;

use aisle_sequential::{train_with_summary, Catalog, Progress, TrainOptions, TransformerConfig};
use support::read_sequences;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().ok_or("give the data file")?;
    let attributes_path = args.get(1).filter(|a| a.ends_with(".json"));
    let mut config = serde_json::to_value(TransformerConfig::default())?;
    for pair in args.iter().skip(1).filter(|a| a.contains('=')) {
        let (key, value) = pair.split_once('=').ok_or("key=value")?;
        config[key] =
            serde_json::from_str(value).unwrap_or(serde_json::Value::String(value.into()));
    }
    let config: TransformerConfig = serde_json::from_value(config)?;
    let (sequences, n_items) = read_sequences(path)?;
    let mut catalog = Catalog::plain(n_items);
    if let Some(attributes_path) = attributes_path {
        let map: HashMap<String, Vec<u32>> =
            serde_json::from_str(&std::fs::read_to_string(attributes_path)?)?;
        catalog.attributes = vec![Vec::new(); n_items];
        for (item, attrs) in map {
            let index: usize = item.parse::<usize>()? - 1;
            if index < n_items {
                catalog.n_attributes =
                    catalog.n_attributes.max(attrs.iter().max().map_or(0, |&a| a as usize + 1));
                catalog.attributes[index] = attrs;
            }
        }
    }
    let train_sequences: Vec<Vec<u32>> =
        sequences.iter().map(|s| s[..s.len().saturating_sub(1)].to_vec()).collect();
    eprintln!(
        "{} users, {n_items} items, config {}",
        sequences.len(),
        serde_json::to_string(&config)?
    );
    let report = |p: &Progress| {
        if p.step == p.steps {
            eprintln!(
                "epoch {:>3}/{} loss {:.4} best val ndcg@10 {:?} {:.0}s",
                p.epoch, p.epochs, p.loss, p.best_ndcg, p.seconds
            );
        }
    };
    let options = TrainOptions { progress: Some(&report), ..Default::default() };
    let started = Instant::now();
    let (model, summary) = train_with_summary(&config, &catalog, &train_sequences, &options)?;
    eprintln!("{summary:?}");
    let ks = [5usize, 10, 20];
    let mut hr = [0.0f64; 3];
    let mut ndcg = [0.0f64; 3];
    let tested: Vec<&Vec<u32>> = sequences.iter().filter(|s| s.len() >= 2).collect();
    for chunk in tested.chunks(512) {
        let contexts: Vec<&[u32]> = chunk.iter().map(|s| &s[..s.len() - 1]).collect();
        let scores = model.score_batch(&contexts)?;
        for (row, s) in scores.iter().zip(chunk) {
            let target = s[s.len() - 1] as usize;
            let own = row[target];
            let context = &s[..s.len() - 1];
            let rank = row
                .iter()
                .enumerate()
                .filter(|&(i, &v)| v > own && i != target && !context.contains(&(i as u32)))
                .count();
            for (k, &cut) in ks.iter().enumerate() {
                if rank < cut {
                    hr[k] += 1.0;
                    ndcg[k] += 1.0 / (rank as f64 + 2.0).log2();
                }
            }
        }
    }
    let n = tested.len() as f64;
    for (k, &cut) in ks.iter().enumerate() {
        println!("HR@{cut} {:.4}  NDCG@{cut} {:.4}", hr[k] / n, ndcg[k] / n);
    }
    println!("seconds {:.0}", started.elapsed().as_secs_f64());
    Ok(())
}
