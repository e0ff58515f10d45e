//! Trains EASE on a shared dataset and reports fit time, peak memory and full-ranking accuracy;
//! not a general evaluation harness (that is `beauty_loo` and the eval crate).
//!
//! Protocols:
//! - `beauty` (Amazon Beauty, S3-Rec format): leave-one-out. Validation trains on `items[:-2]`
//!   and targets `items[-2]`; test trains on `items[:-1]` and targets `items[-1]`. Every item is
//!   ranked except the user's training items. HR@K and NDCG@K.
//! - `ml-100k` (MovieLens 100k, every rating an implicit positive): RecBole's random 8:1:1 split
//!   of each user's interactions (seeded). The model trains on the 80 %; validation targets the
//!   10 % valid items excluding train items; test targets the 10 % test items excluding train
//!   and valid items (RecBole's test-phase mask) and, for comparison, excluding train items only.
//!   Recall@K and NDCG@K (ideal DCG over `min(|test|, K)` items).
//!
//! `--tune a,b,c` picks λ by validation NDCG@10 first. Peak memory is VmHWM of this process.
//!
//! Run with:
//! `cargo run --release -p aisle-recommend --example ease_speed -- --dataset beauty --lambda 500`
//! (options: `--dataset beauty|ml-100k`, `--lambda X`, `--tune X,Y,..`, `--threads N`, `--f64`,
//! `--weighted`, `--max-items N`, `--seed N`, `--test-only` (skip the validation report), `--data DIR` defaulting to `$AISLE_DATA_DIR` or
//! `../shared/data`).

use std::time::Instant;

use aisle_domain::InteractionMatrix;
use aisle_recommend::ease::{self, Ease, EaseConfig};
use aisle_recommend::{top_k, Exclusions, Query, Recommender, TrainData};
use rayon::prelude::*;

/// One evaluation: what each user trains on, what is excluded from the ranking, what is hit.
struct Split {
    n_items: usize,
    train: Vec<Vec<u32>>,
    exclude: Vec<Vec<u32>>,
    targets: Vec<Vec<u32>>,
}

struct Options {
    dataset: String,
    data: String,
    lambdas: Vec<f32>,
    threads: usize,
    config: EaseConfig,
    seed: u64,
    test_only: bool,
}

fn main() -> Result<(), String> {
    let options = parse_args()?;
    let (valid, tests) = match options.dataset.as_str() {
        "beauty" => beauty(&format!("{}/amazon-beauty-s3rec/Beauty.txt", options.data))?,
        "ml-100k" => movielens(&format!("{}/movielens-100k/u.data", options.data), options.seed)?,
        other => return Err(format!("unknown dataset {other:?}; use beauty or ml-100k")),
    };
    let mut lambda = options.lambdas[0];
    if options.lambdas.len() > 1 {
        let mut best = f64::NEG_INFINITY;
        for &candidate in &options.lambdas {
            let config = EaseConfig { lambda: candidate, ..options.config.clone() };
            let (model, seconds) = train(&valid, &config, options.threads)?;
            let metrics = evaluate(&model, &valid);
            println!("tune lambda={candidate} fit={seconds:.2}s valid NDCG@10={:.4}", metrics[1].1);
            if metrics[1].1 > best {
                (best, lambda) = (metrics[1].1, candidate);
            }
        }
    }
    let config = EaseConfig { lambda, ..options.config.clone() };
    // Splits that train on the same histories share one fit.
    let mut fitted: Option<(Ease, f64, &Vec<Vec<u32>>)> = None;
    let mut reported = None;
    for (name, split) in
        std::iter::once(("valid", &valid)).chain(tests.iter().map(|(n, s)| (n.as_str(), s)))
    {
        if name == "valid" && options.test_only {
            continue;
        }
        if fitted.as_ref().is_none_or(|f| f.2 != &split.train) {
            drop(fitted.take()); // free the old weights before the next fit
            let (model, seconds) = train(split, &config, options.threads)?;
            fitted = Some((model, seconds, &split.train));
        }
        let Some((model, seconds, _)) = &fitted else { continue };
        let metrics = evaluate(model, split);
        print_metrics(name, &metrics);
        if name != "valid" && reported.is_none() {
            reported = Some((metrics, *seconds, model.modelled_items().len()));
        }
    }
    let Some((metrics, fit_seconds, modelled)) = reported else {
        return Err("no test split".into());
    };
    println!(
        "RESULT dataset={} lambda={} precision={} items={} fit_seconds={:.3} peak_rss_mib={:.0} \
         HR@10={:.5} NDCG@10={:.5}",
        options.dataset,
        lambda,
        if config.double_precision { "f64" } else { "f32" },
        modelled,
        fit_seconds,
        peak_rss_mib(),
        metrics[1].0,
        metrics[1].1
    );
    Ok(())
}

fn parse_args() -> Result<Options, String> {
    let data = std::env::var("AISLE_DATA_DIR").unwrap_or_else(|_| "../shared/data".into());
    let mut options = Options {
        dataset: "beauty".into(),
        data,
        lambdas: vec![EaseConfig::default().lambda],
        threads: 0,
        config: EaseConfig::default(),
        seed: 2020,
        test_only: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<f32>().map_err(|e| format!("{v:?}: {e}"));
        match flag.as_str() {
            "--dataset" => options.dataset = value()?,
            "--data" => options.data = value()?,
            "--lambda" => options.lambdas = vec![number(value()?)?],
            "--tune" => {
                options.lambdas =
                    value()?.split(',').map(|v| number(v.to_string())).collect::<Result<_, _>>()?
            }
            "--threads" => options.threads = value()?.parse().map_err(|e| format!("{e}"))?,
            "--max-items" => {
                options.config.max_items = Some(value()?.parse().map_err(|e| format!("{e}"))?)
            }
            "--seed" => options.seed = value()?.parse().map_err(|e| format!("{e}"))?,
            "--f64" => options.config.double_precision = true,
            "--test-only" => options.test_only = true,
            "--weighted" => options.config.binarize = false,
            other => return Err(format!("unknown option {other:?}; see the file header")),
        }
    }
    if options.lambdas.is_empty() {
        return Err("--tune needs at least one value".into());
    }
    Ok(options)
}

fn train(split: &Split, config: &EaseConfig, threads: usize) -> Result<(Ease, f64), String> {
    let matrix = to_matrix(split);
    let started = Instant::now();
    let data = TrainData { threads, ..TrainData::new(&matrix) };
    let mut stages: Vec<(ease::Stage, Instant)> = Vec::new();
    let model =
        ease::fit_with_progress(config, &data, &mut |stage| stages.push((stage, Instant::now())))
            .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let ends = stages.iter().skip(1).map(|s| s.1).chain([Instant::now()]);
    let timing: Vec<String> = stages
        .iter()
        .zip(ends)
        .map(|((stage, start), end)| format!("{stage:?} {:.2}s", (end - *start).as_secs_f64()))
        .collect();
    println!("fit lambda={} in {seconds:.2}s: {}", config.lambda, timing.join(", "));
    Ok((model, seconds))
}

fn to_matrix(split: &Split) -> InteractionMatrix {
    let (mut rows, mut items) = (Vec::new(), Vec::new());
    for (u, history) in split.train.iter().enumerate() {
        rows.extend(std::iter::repeat_n(u as u32, history.len()));
        items.extend_from_slice(history);
    }
    let ones = vec![1.0; rows.len()];
    let times = vec![0; rows.len()];
    InteractionMatrix::from_columns(split.train.len(), split.n_items, &rows, &items, &ones, &times)
}

const KS: [usize; 3] = [5, 10, 20];

/// (Recall or HR, NDCG) at each of [`KS`], averaged over users with a target.
fn evaluate(model: &Ease, split: &Split) -> Vec<(f64, f64)> {
    let per_user = (0..split.train.len()).into_par_iter().filter(|&u| !split.targets[u].is_empty());
    let (sums, users) = per_user
        .map(|u| {
            let mut scores = vec![0.0; model.n_items()];
            let query =
                Query { user: Some(u as u32), items: &split.train[u], weights: &[], millis: &[] };
            model.score(&query, &mut scores);
            let exclusions = Exclusions { items: &split.exclude[u], mask: &[] };
            let ranked = top_k(&scores, KS[2], &exclusions);
            let targets = &split.targets[u];
            let metrics: Vec<(f64, f64)> = KS
                .iter()
                .map(|&k| {
                    let hits =
                        ranked.iter().take(k).enumerate().filter(|(_, r)| targets.contains(&r.0));
                    let (count, dcg) = hits.fold((0usize, 0.0), |(c, d), (rank, _)| {
                        (c + 1, d + 1.0 / (rank as f64 + 2.0).log2())
                    });
                    let ideal: f64 =
                        (0..targets.len().min(k)).map(|r| 1.0 / (r as f64 + 2.0).log2()).sum();
                    (count as f64 / targets.len() as f64, dcg / ideal)
                })
                .collect();
            (metrics, 1usize)
        })
        .reduce(
            || (vec![(0.0, 0.0); KS.len()], 0),
            |(a, n), (b, m)| {
                (a.iter().zip(&b).map(|(x, y)| (x.0 + y.0, x.1 + y.1)).collect(), n + m)
            },
        );
    sums.iter().map(|(r, n)| (r / users.max(1) as f64, n / users.max(1) as f64)).collect()
}

fn print_metrics(name: &str, metrics: &[(f64, f64)]) {
    let text: Vec<String> = KS
        .iter()
        .zip(metrics)
        .map(|(k, (r, n))| format!("HR/Recall@{k}={r:.4} NDCG@{k}={n:.4}"))
        .collect();
    println!("{name}: {}", text.join(" "));
}

/// Amazon Beauty's validation split and its test split.
fn beauty(path: &str) -> Result<(Split, Vec<(String, Split)>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut sequences: Vec<Vec<u32>> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let ids: Vec<u32> = line
            .split_whitespace()
            .skip(1)
            .map(|t| t.parse::<u32>().map_err(|e| format!("{path}: {t:?}: {e}")))
            .collect::<Result<_, _>>()?;
        sequences.push(ids.iter().map(|&i| i.saturating_sub(1)).collect());
    }
    let n_items = sequences.iter().flatten().max().map_or(0, |&m| m as usize + 1);
    let leave_out = |held: usize| {
        let train: Vec<Vec<u32>> =
            sequences.iter().map(|s| s[..s.len().saturating_sub(held)].to_vec()).collect();
        let targets = sequences
            .iter()
            .map(|s| s.len().checked_sub(held).map(|i| vec![s[i]]).unwrap_or_default())
            .collect();
        Split { n_items, exclude: train.clone(), train, targets }
    };
    Ok((leave_out(2), vec![("test".into(), leave_out(1))]))
}

/// MovieLens 100k split 8:1:1 per user as RecBole does (shuffle, then `int(0.1 n)` valid and
/// test items, at least one each when `0.1 n < 1`).
fn movielens(path: &str, seed: u64) -> Result<(Split, Vec<(String, Split)>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut by_user: Vec<Vec<u32>> = Vec::new();
    let mut n_items = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut fields = line.split('\t').map(|f| f.parse::<usize>());
        let (Some(Ok(user)), Some(Ok(item))) = (fields.next(), fields.next()) else {
            return Err(format!("{path}: bad line {line:?}"));
        };
        let (user, item) = (user.saturating_sub(1), item.saturating_sub(1));
        if by_user.len() <= user {
            by_user.resize(user + 1, Vec::new());
        }
        by_user[user].push(item as u32);
        n_items = n_items.max(item + 1);
    }
    let mut rng = SplitMix(seed);
    let (mut train, mut valid, mut test) = (Vec::new(), Vec::new(), Vec::new());
    for mut items in by_user {
        for i in (1..items.len()).rev() {
            items.swap(i, (rng.next() % (i as u64 + 1)) as usize);
        }
        let n = items.len();
        let mut counts = [0, n / 10, n / 10];
        counts[0] = n - counts[1] - counts[2];
        for i in 1..3 {
            if counts[0] <= 1 {
                break;
            }
            if n > 0 && n < 10 {
                counts[3 - i] += 1;
                counts[0] -= 1;
            }
        }
        test.push(items[counts[0] + counts[1]..].to_vec());
        valid.push(items[counts[0]..counts[0] + counts[1]].to_vec());
        train.push(items[..counts[0]].to_vec());
    }
    let seen: Vec<Vec<u32>> = train.iter().zip(&valid).map(|(t, v)| [&t[..], v].concat()).collect();
    let validation =
        Split { n_items, train: train.clone(), exclude: train.clone(), targets: valid };
    let recbole = Split { n_items, train: train.clone(), exclude: seen, targets: test.clone() };
    let train_only = Split { n_items, train: train.clone(), exclude: train, targets: test };
    Ok((
        validation,
        vec![("test".into(), recbole), ("test-excluding-train-only".into(), train_only)],
    ))
}

/// SplitMix64: a small seeded generator, so the split is the same on every machine.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The process's peak resident memory (VmHWM), in MiB; 0 where /proc is missing.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("");
    let kb: f64 = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    kb / 1024.0
}
