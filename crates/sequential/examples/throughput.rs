//! Training throughput on an S3-Rec format file: trains a fixed number of steps (after 5
//! untimed warm-up steps) and prints `sequences_per_second=...`. The Rust half of
//! `bench/transformer_vs_torch.sh`, which runs the same configuration in PyTorch.
//!
//! `throughput --data Beauty.txt --steps 175 --batch-size 128 --dim 64 --blocks 2 --heads 2
//! --max-len 50 --dropout 0.2 --seed 7`

use std::sync::Mutex;

use aisle_sequential::{train, Catalog, Progress, TrainOptions, TransformerConfig};

const WARMUP_STEPS: usize = 5;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| -> Option<&str> {
        args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).map(String::as_str)
    };
    let number = |flag: &str, default: usize| -> Result<usize, Box<dyn std::error::Error>> {
        Ok(value(flag).map(str::parse).transpose()?.unwrap_or(default))
    };
    let path = value("--data").ok_or("give --data PATH")?;
    let steps = number("--steps", 100)?;
    let config = TransformerConfig {
        batch_size: number("--batch-size", 128)?,
        dim: number("--dim", 64)?,
        blocks: number("--blocks", 2)?,
        heads: number("--heads", 2)?,
        max_len: number("--max-len", 50)?,
        dropout: value("--dropout").map(str::parse).transpose()?.unwrap_or(0.2),
        seed: number("--seed", 7)? as u64,
        attributes: false,
        warmup_steps: 0,
        epochs: 1_000_000,
        validate_every: 1_000_000,
        ..TransformerConfig::default()
    };
    let mut n_items = 0;
    let mut sequences = Vec::new();
    for line in std::fs::read_to_string(path)?.lines() {
        let items: Vec<u32> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|f| f.parse::<u32>().ok())
            .map(|i| i - 1)
            .collect();
        n_items = n_items.max(items.iter().map(|&i| i as usize + 1).max().unwrap_or(0));
        // Drop the test item; training then holds out the validation item, as the peer does.
        sequences.push(items[..items.len().saturating_sub(1)].to_vec());
    }
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
