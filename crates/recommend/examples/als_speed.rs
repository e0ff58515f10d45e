//! Measures ALS (and BPR) training speed and leave-one-out accuracy on Amazon Beauty, the
//! protocol of `bench/als_vs_implicit.sh`, or ALS speed and peak memory on a synthetic
//! 1,000,000 × 100,000 matrix with about 10 million pairs.
//!
//! Run with: cargo run --release -p aisle-recommend --example als_speed -- [OPTIONS]
//!   --factors 64,128  --threads 1,2  --iterations 15  --alpha A  --regularization L
//!   --cg-steps N  --scale-regularization true|false  --validation (train on items[:-2], score items[-2]; default: items[:-1], items[-1])
//!   --model als|bpr  --epochs N  --learning-rate R  --seed S  --json  --data PATH/Beauty.txt
//!   --skip-eval  --print-defaults (AlsConfig::default() as JSON)  --synthetic  (the scale check; `--iterations` defaults to 2 there)
//! The Beauty file is read from `$AISLE_DATA_DIR/amazon-beauty-s3rec/Beauty.txt`
//! (`AISLE_DATA_DIR` defaults to `../shared/data`).

use std::time::Instant;

use aisle_domain::InteractionMatrix;
use aisle_recommend::{als, bpr, Query, Recommender, TrainData};
use rayon::prelude::*;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

struct Args {
    factors: Vec<usize>,
    threads: Vec<usize>,
    iterations: Option<usize>,
    alpha: Option<f32>,
    regularization: Option<f32>,
    cg_steps: Option<usize>,
    epochs: Option<usize>,
    learning_rate: Option<f32>,
    seed: Option<u64>,
    validation: bool,
    synthetic: bool,
    json: bool,
    skip_eval: bool,
    scale_reg: Option<bool>,
    print_defaults: bool,
    model: String,
    data: String,
}

fn parse_args() -> Res<Args> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let dir = std::env::var("AISLE_DATA_DIR").unwrap_or_else(|_| "../shared/data".into());
    let mut args = Args {
        factors: vec![],
        threads: vec![2],
        iterations: None,
        alpha: None,
        regularization: None,
        cg_steps: None,
        epochs: None,
        learning_rate: None,
        seed: None,
        validation: false,
        synthetic: false,
        json: false,
        skip_eval: false,
        scale_reg: None,
        print_defaults: false,
        model: "als".into(),
        data: format!("{dir}/amazon-beauty-s3rec/Beauty.txt"),
    };
    let list = |v: &str| -> Res<Vec<usize>> {
        v.split(',').map(|x| x.trim().parse().map_err(Into::into)).collect()
    };
    let mut it = raw.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--factors" => args.factors = list(value()?)?,
            "--threads" => args.threads = list(value()?)?,
            "--iterations" => args.iterations = Some(value()?.parse()?),
            "--alpha" => args.alpha = Some(value()?.parse()?),
            "--regularization" => args.regularization = Some(value()?.parse()?),
            "--cg-steps" => args.cg_steps = Some(value()?.parse()?),
            "--epochs" => args.epochs = Some(value()?.parse()?),
            "--learning-rate" => args.learning_rate = Some(value()?.parse()?),
            "--seed" => args.seed = Some(value()?.parse()?),
            "--model" => args.model = value()?.clone(),
            "--data" => args.data = value()?.clone(),
            "--validation" => args.validation = true,
            "--synthetic" => args.synthetic = true,
            "--json" => args.json = true,
            "--skip-eval" => args.skip_eval = true,
            "--scale-regularization" => args.scale_reg = Some(value()?.parse()?),
            "--print-defaults" => args.print_defaults = true,
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    Ok(args)
}

/// Beauty as leave-one-out: the training matrix and each user's held-out item.
fn load_beauty(path: &str, validation: bool) -> Res<(InteractionMatrix, Vec<u32>)> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let (mut rows, mut items, mut targets) = (vec![], vec![], vec![]);
    let mut n_items = 0;
    for (user, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let seq: Vec<u32> = line
            .split_whitespace()
            .skip(1)
            .map(|t| t.parse::<u32>().map(|i| i - 1))
            .collect::<Result<_, _>>()?;
        n_items = n_items.max(seq.iter().map(|&i| i as usize + 1).max().unwrap_or(0));
        let cut = seq.len().saturating_sub(if validation { 2 } else { 1 });
        targets.push(seq.get(cut).copied().unwrap_or(u32::MAX));
        for &item in &seq[..cut] {
            rows.push(user as u32);
            items.push(item);
        }
    }
    let ones = vec![1.0f32; rows.len()];
    let zeros = vec![0i64; rows.len()];
    let m = InteractionMatrix::from_columns(targets.len(), n_items, &rows, &items, &ones, &zeros);
    Ok((m, targets))
}

/// HR@10 and NDCG@10 with full ranking, training items excluded, ties to the lower index.
fn evaluate(model: &dyn Recommender, m: &InteractionMatrix, targets: &[u32]) -> (f64, f64) {
    let (hits, gains) = (0..m.n_rows)
        .into_par_iter()
        .map_init(
            || vec![0.0f32; model.n_items()],
            |scores, u| {
                let t = targets[u] as usize;
                let (items, weights) = m.row(u);
                if t >= scores.len() {
                    return (0.0, 0.0);
                }
                model.score(&Query { user: Some(u as u32), items, weights, millis: &[] }, scores);
                for &i in items {
                    scores[i as usize] = f32::NEG_INFINITY;
                }
                let st = scores[t];
                let rank = scores
                    .iter()
                    .enumerate()
                    .filter(|&(j, &s)| s > st || (s == st && j < t))
                    .count();
                if rank < 10 {
                    (1.0, 1.0 / ((rank + 2) as f64).log2())
                } else {
                    (0.0, 0.0)
                }
            },
        )
        .reduce(|| (0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
    (hits / m.n_rows as f64, gains / m.n_rows as f64)
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// CPU seconds this process has used (all threads), from /proc/self/stat; 0 elsewhere.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<f64> = after.split_whitespace().map(|f| f.parse().unwrap_or(0.0)).collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    (fields.get(11).copied().unwrap_or(0.0) + fields.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn als_config(args: &Args, factors: usize) -> als::AlsConfig {
    let d = als::AlsConfig::default();
    als::AlsConfig {
        factors,
        iterations: args.iterations.unwrap_or(if args.synthetic { 2 } else { d.iterations }),
        alpha: args.alpha.unwrap_or(d.alpha),
        regularization: args.regularization.unwrap_or(d.regularization),
        cg_steps: args.cg_steps.unwrap_or(d.cg_steps),
        scale_regularization: args.scale_reg.unwrap_or(d.scale_regularization),
        seed: args.seed.unwrap_or(d.seed),
        ..d
    }
}

/// Trains ALS and returns the model and the mean seconds per iteration (setup excluded).
fn train_als(
    config: &als::AlsConfig,
    m: &InteractionMatrix,
    threads: usize,
) -> Res<(als::Als, f64, f64)> {
    let data = TrainData { threads, ..TrainData::new(m) };
    let started = Instant::now();
    let mut last = None::<Instant>;
    let mut per_iteration = vec![];
    let mut first_done = 0.0;
    let model = als::fit_with_progress(config, &data, &mut |it, _| {
        let now = Instant::now();
        match last {
            Some(prev) => per_iteration.push((now - prev).as_secs_f64()),
            None => first_done = (now - started).as_secs_f64(),
        }
        let _ = it;
        last = Some(now);
    })?;
    let total = started.elapsed().as_secs_f64();
    // The first iteration's time includes the set-up (transpose); later ones are pure.
    let mean = if per_iteration.is_empty() {
        first_done
    } else {
        per_iteration.iter().sum::<f64>() / per_iteration.len() as f64
    };
    Ok((model, mean, total))
}

/// A deterministic 1,000,000 × 100,000 matrix with about 10 million pairs: user lengths
/// 1..=19 (mean 10), items from a skewed popularity curve.
fn synthetic() -> InteractionMatrix {
    let (n_users, n_items) = (1_000_000usize, 100_000usize);
    let mut state = 0x5EED_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let (mut rows, mut items) = (Vec::with_capacity(10_500_000), Vec::with_capacity(10_500_000));
    for u in 0..n_users {
        let len = 1 + next() % 19;
        for _ in 0..len {
            // u² skews towards low item indexes: a popular head and a long tail.
            let r = (next() >> 11) as f64 / (1u64 << 53) as f64;
            rows.push(u as u32);
            items.push(((r * r) * n_items as f64) as u32);
        }
    }
    let ones = vec![1.0f32; rows.len()];
    let zeros = vec![0i64; rows.len()];
    InteractionMatrix::from_columns(n_users, n_items, &rows, &items, &ones, &zeros)
}

fn main() -> Res<()> {
    let args = parse_args()?;
    if args.print_defaults {
        println!("{}", serde_json::to_string(&als::AlsConfig::default())?);
        return Ok(());
    }
    if args.synthetic {
        let started = Instant::now();
        let m = synthetic();
        println!(
            "synthetic matrix: {} users × {} items, {} pairs, built in {:.1} s",
            m.n_rows,
            m.n_items,
            m.nnz(),
            started.elapsed().as_secs_f64()
        );
        for &factors in if args.factors.is_empty() { &[64][..] } else { &args.factors } {
            for &threads in &args.threads {
                let config = als_config(&args, factors);
                let (_, per_it, total) = train_als(&config, &m, threads)?;
                println!(
                    "als synthetic factors={factors} threads={threads} iterations={}: {per_it:.2} s/iteration, fit {total:.1} s, peak RSS {:.0} MiB",
                    config.iterations,
                    peak_rss_mib()
                );
            }
        }
        return Ok(());
    }
    let (m, targets) = load_beauty(&args.data, args.validation)?;
    let split = if args.validation { "validation" } else { "test" };
    if args.model == "bpr" {
        let d = bpr::BprConfig::default();
        let factors = if args.factors.is_empty() { vec![d.factors] } else { args.factors.clone() };
        for &factors in &factors {
            let config = bpr::BprConfig {
                factors,
                epochs: args.epochs.unwrap_or(d.epochs),
                learning_rate: args.learning_rate.unwrap_or(d.learning_rate),
                regularization: args.regularization.unwrap_or(d.regularization),
                seed: args.seed.unwrap_or(d.seed),
            };
            let threads = args.threads.first().copied().unwrap_or(1);
            let started = Instant::now();
            let data = TrainData { threads, ..TrainData::new(&m) };
            let model = bpr::fit(&config, &data)?;
            let seconds = started.elapsed().as_secs_f64();
            let (hr, ndcg) = evaluate(&model, &m, &targets);
            println!(
                "bpr {split} factors={factors} threads={threads} epochs={} lr={} reg={}: fit {seconds:.2} s, HR@10 {hr:.4}, NDCG@10 {ndcg:.4}",
                config.epochs, config.learning_rate, config.regularization
            );
        }
        return Ok(());
    }
    let factors = if args.factors.is_empty() { vec![64, 128] } else { args.factors.clone() };
    for &factors in &factors {
        for &threads in &args.threads {
            let config = als_config(&args, factors);
            let cpu_before = cpu_seconds();
            let (model, per_it, total) = train_als(&config, &m, threads)?;
            let cpu = (cpu_seconds() - cpu_before) / config.iterations as f64;
            let (hr, ndcg) =
                if args.skip_eval { (f64::NAN, f64::NAN) } else { evaluate(&model, &m, &targets) };
            if args.json {
                println!(
                    "{{\"impl\": \"aisle\", \"split\": \"{split}\", \"factors\": {factors}, \"threads\": {threads}, \"alpha\": {}, \"regularization\": {}, \"scale_regularization\": {}, \"seconds_per_iteration\": {per_it:.5}, \"fit_seconds\": {total:.3}, \"hr10\": {hr:.5}, \"ndcg10\": {ndcg:.5}}}",
                    config.alpha, config.regularization, config.scale_regularization
                );
            } else {
                println!(
                    "aisle als {split} factors={factors} threads={threads} alpha={} reg={} iterations={}: {per_it:.4} s/iteration (fit {total:.2} s, CPU {cpu:.4} s/iteration), HR@10 {hr:.4}, NDCG@10 {ndcg:.4}",
                    config.alpha, config.regularization, config.iterations
                );
            }
        }
    }
    Ok(())
}
