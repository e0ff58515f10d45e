//! Trains the shipped intent model on the shared Bitext data and this crate's written
//! utterances, and writes `crates/nlu/models/intent.bin`.
//!
//! Run with:
//!   cargo run --release -p aisle-nlu --example train_intents -- [BITEXT_CSV] [OUT]
//!
//! BITEXT_CSV defaults to `$AISLE_DATA_DIR/bitext-customer-support/train.csv` (AISLE_DATA_DIR
//! falls back to ../shared/data); OUT to the crate's `models/intent.bin`.

use std::path::PathBuf;
use std::time::Instant;

use aisle_nlu::{training_set, IntentModel, TrainConfig};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data = std::env::var_os("AISLE_DATA_DIR")
        .map_or_else(|| PathBuf::from("../shared/data"), PathBuf::from);
    let bitext =
        args.next().map_or_else(|| data.join("bitext-customer-support/train.csv"), PathBuf::from);
    let out = args.next().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/intent.bin"),
        PathBuf::from,
    );
    let examples = training_set(Some(&bitext))?;
    let started = Instant::now();
    let model = IntentModel::train(&examples, &TrainConfig::default())?;
    model.save(&out)?;
    let size = std::fs::metadata(&out)?.len();
    println!(
        "{} utterances, {} intents, trained in {:.1} s; temperature {:.3}, out-of-scope threshold {:.3}, ambiguity margin {:.3}; wrote {} ({:.2} MB)",
        examples.len(),
        model.intents().len(),
        started.elapsed().as_secs_f64(),
        model.temperature(),
        model.threshold(),
        model.ambiguity_margin(),
        out.display(),
        size as f64 / 1e6,
    );
    Ok(())
}
