//! Training throughput on an S3-Rec format file: trains a fixed number of steps (after 5
//! untimed warm-up steps) and prints `sequences_per_second=...`. The Rust half of
//! `bench/transformer_vs_torch.sh`, which runs the same configuration in PyTorch.
//!
//! `throughput --data Beauty.txt --steps 175 --batch-size 128 --dim 64 --blocks 2 --heads 2
//! --max-len 50 --dropout 0.2 --seed 7`

mod support;

use std::sync::Mutex;

use aisle_sequential::{train, Catalog, Progress, TrainOptions, TransformerConfig};
use support::{read_sequences, Flags};

const WARMUP_STEPS: usize = 5;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let flags = Flags::from_env();
    let path = flags.value("--data").ok_or("give --data PATH")?;
    let steps = flags.number("--steps", 100)?;
    let config = TransformerConfig {
        batch_size: flags.number("--batch-size", 128)?,
        dim: flags.number("--dim", 64)?,
        blocks: flags.number("--blocks", 2)?,
        heads: flags.number("--heads", 2)?,
        max_len: flags.number("--max-len", 50)?,
        dropout: flags.number("--dropout", 0.2)?,
        seed: flags.number("--seed", 7)?,
        attributes: false,
        warmup_steps: 0,
        epochs: 1_000_000,
        validate_every: 1_000_000,
        ..TransformerConfig::default()
    };
    let (sequences, n_items) = read_sequences(path)?;
    // Drop the test item; training then holds out the validation item, as the peer does.
    let sequences: Vec<Vec<u32>> =
        sequences.iter().map(|s| s[..s.len().saturating_sub(1)].to_vec()).collect();
    let clock = Mutex::new((0usize, 0f32, 0f32, 0f32));
    let report = |p: &Progress| {
        if let Ok(mut c) = clock.lock() {
            c.0 += 1;
            if c.0 == WARMUP_STEPS {
                c.1 = p.seconds;
            }
            c.2 = p.seconds;
            c.3 = p.loss;
        }
    };
    let options = TrainOptions {
        progress: Some(&report),
        step_limit: steps + WARMUP_STEPS,
        ..Default::default()
    };
    train(&config, &Catalog::plain(n_items), &sequences, &options)?;
    let (_, start, end, loss) = *clock.lock().map_err(|_| "clock")?;
    let seconds = end - start;
    let per_second = (steps * config.batch_size) as f32 / seconds;
    println!("steps={steps} seconds={seconds:.2} epoch_mean_loss={loss:.4}");
    println!("sequences_per_second={per_second:.1}");
    Ok(())
}
