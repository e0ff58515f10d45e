//! Training and prediction speed of the boosted trees on synthetic data of growing size, on one
//! thread and on all cores (the thread count never changes the model, only the time).
//!
//! Run with:
//!   cargo run --release -p aisle-predict --example gbdt_speed -- [--rows 10000,100000,500000]
//!
//! Data: 20 features `U(-1, 1)`, 5 of them informative through a sum of pairwise products and
//! a threshold, labels flipped with 10% noise. Each fit grows 100 trees of up to 31 leaves
//! without early stopping.

use std::error::Error;
use std::process::ExitCode;
use std::time::Instant;

use aisle_predict::dataset::{Dataset, Matrix};
use aisle_predict::gbdt::{Gbdt, GbdtConfig};
use aisle_predict::Classifier;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const FEATURES: usize = 20;
const TREES: usize = 100;

fn synthetic(rows: usize, seed: u64) -> Result<Dataset, Box<dyn Error>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut values = Vec::with_capacity(rows * FEATURES);
    let mut labels = Vec::with_capacity(rows);
    for _ in 0..rows {
        let x: Vec<f32> = (0..FEATURES).map(|_| rng.random_range(-1.0f32..1.0)).collect();
        let signal = x[0] * x[1] + x[2] * x[3] - 0.5 * x[4];
        labels.push((signal > 0.0) != (rng.random::<f64>() < 0.1));
        values.extend(x);
    }
    let names = (0..FEATURES).map(|j| format!("x{j}")).collect();
    Ok(Dataset::from_bools(Matrix::new(names, values)?, labels)?)
}

fn run() -> Result<(), Box<dyn Error>> {
    let mut sizes = vec![10_000usize, 100_000, 500_000];
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match (flag.as_str(), args.next()) {
            ("--rows", Some(list)) => {
                sizes = list.split(',').map(str::parse).collect::<Result<_, _>>()?;
            }
            _ => return Err(format!("unknown flag {flag}; expected --rows N,N,...").into()),
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("| rows | fit 1 thread (s) | fit {cores} threads (s) | speed-up | predict rows/s |");
    println!("|---|---|---|---|---|");
    for rows in sizes {
        let data = synthetic(rows, 1)?;
        let mut fits = Vec::new();
        let mut model = None;
        for threads in [1, cores] {
            let config = GbdtConfig {
                max_trees: TREES,
                early_stopping_rounds: 0,
                threads,
                ..GbdtConfig::default()
            };
            let started = Instant::now();
            model = Some(Gbdt::fit(&config, &data, None)?);
            fits.push(started.elapsed().as_secs_f64());
        }
        let model = model.ok_or("no model")?;
        let started = Instant::now();
        let margins = model.predict_margin(data.x())?;
        let per_second = margins.len() as f64 / started.elapsed().as_secs_f64();
        println!(
            "| {rows} | {:.2} | {:.2} | {:.2}× | {per_second:.0} |",
            fits[0],
            fits[1],
            fits[0] / fits[1]
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
