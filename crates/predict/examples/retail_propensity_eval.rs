//! Customer purchase propensity and churn on UCI Online Retail: which existing customers buy in
//! the 30 days after a cutoff, and which make no purchase in the 90 days after one, predicted
//! from their history before it. Baselines (base rate, an RFM quintile score), logistic
//! regression and boosted trees, on one later test cutoff.
//!
//! Run with:
//!   cargo run --release -p aisle-predict --example retail_propensity_eval -- [--data ../shared/data]
//!     [--seed 42] [--threads 0]
//!
//! Protocol (time-based, nothing tuned on the test snapshot): training snapshots are taken every
//! 30 days, the latest one's label window ending exactly at the test cutoff (windows are
//! half-open, so no training label falls in the test window), and stacked. 15% of the training
//! *customers*, with all their snapshots, are held out: the trees early-stop on them, logistic
//! regression picks its L2 on them and is refitted on all training rows, and the isotonic
//! calibrator is fitted on the trees' margins for them. The RFM score sums recency, frequency
//! and monetary quintiles (1..=5) taken within each snapshot's own customers; a Platt curve
//! fitted on the training snapshots turns it into a probability. The AUC interval resamples the
//! test customers (1,000 bootstrap draws, the same draws for every model).

use std::collections::HashSet;
use std::error::Error;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use aisle_predict::calibrate::{Isotonic, Platt};
use aisle_predict::dataset::{Dataset, Matrix};
use aisle_predict::datasets::online_retail::{self, customer_features, Transaction};
use aisle_predict::gbdt::{Gbdt, GbdtConfig};
use aisle_predict::logistic::{LogisticConfig, LogisticRegression};
use aisle_predict::metrics::{average_precision, brier_score, log_loss, roc_auc};
use aisle_predict::time::Timestamp;
use aisle_predict::{sigmoid, Classifier};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

type Res<T> = Result<T, Box<dyn Error>>;

const DIR: &str = "uci-online-retail";
const L2_GRID: [f64; 6] = [0.01, 0.1, 1.0, 10.0, 100.0, 1000.0];
const VALID_SHARE: f64 = 0.15;
const SNAPSHOT_STEP_DAYS: i64 = 30;
const BOOTSTRAP: usize = 1000;
const BOOTSTRAP_SEED: u64 = 7;

struct Args {
    data: PathBuf,
    seed: u64,
    threads: usize,
}

fn args() -> Result<Args, String> {
    let mut args = Args { data: PathBuf::from("../shared/data"), seed: 42, threads: 0 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--data" => args.data = PathBuf::from(value),
            "--seed" => args.seed = value.parse().map_err(|e| format!("--seed: {e}"))?,
            "--threads" => args.threads = value.parse().map_err(|e| format!("--threads: {e}"))?,
            _ => return Err(format!("unknown flag {flag}; expected --data, --seed or --threads")),
        }
    }
    Ok(args)
}

/// Every `*.csv.gz` part in the folder, in name order, parsed and concatenated.
fn read_transactions(dir: &Path) -> Res<Vec<Transaction>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".csv.gz"))
        .collect();
    files.sort();
    let (mut transactions, mut lines, mut without_customer, mut issues) = (Vec::new(), 0, 0, 0);
    for file in &files {
        let mut text = String::new();
        std::fs::File::open(file)
            .and_then(|f| flate2::read::GzDecoder::new(f).read_to_string(&mut text))
            .map_err(|e| format!("{}: {e}", file.display()))?;
        let parsed = online_retail::parse(&text)?;
        for issue in parsed.issues.iter().take(3) {
            eprintln!("skipped {}: {issue}", file.display());
        }
        lines += text.lines().count().saturating_sub(1);
        without_customer += parsed.without_customer;
        issues += parsed.issues.len();
        transactions.extend(parsed.transactions);
    }
    if files.is_empty() {
        return Err(format!("no .csv.gz files in {}", dir.display()).into());
    }
    let cancellations = transactions.iter().filter(|t| t.cancellation).count();
    println!(
        "{lines} lines in {} files: {} attributed to a customer ({cancellations} of them \
         cancellation lines, kept as returns), {without_customer} without CustomerID skipped, \
         {issues} unreadable.\n",
        files.len(),
        transactions.len()
    );
    Ok(transactions)
}

/// One prediction task: a label window length, a test cutoff and how many training snapshots.
struct Task {
    title: &'static str,
    horizon_days: u32,
    test_cutoff: Timestamp,
    train_snapshots: i64,
    /// Positive = no purchase in the window.
    churn: bool,
}

/// Stacked snapshots: the features, and per row its customer, RFM score and snapshot number.
struct Stacked {
    data: Dataset,
    customers: Vec<u32>,
    rfm: Vec<f64>,
    snapshot: Vec<usize>,
}

fn day(t: Timestamp) -> String {
    let (y, m, d) = t.ymd();
    format!("{y:04}-{m:02}-{d:02}")
}

/// Quintile scores 1..=5 of `values` within themselves (ties share a score).
fn quintiles(values: &[f64]) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = values.len() as f64;
    values
        .iter()
        .map(|v| {
            let below = sorted.partition_point(|s| s < v) as f64;
            (1.0 + (5.0 * below / n).floor()).min(5.0)
        })
        .collect()
}

/// R + F + M quintiles of one snapshot (recent, frequent, big spenders score high).
fn rfm_scores(x: &Matrix) -> Res<Vec<f64>> {
    let column = |name: &str| -> Res<Vec<f64>> {
        let j = x.column(name).ok_or_else(|| format!("no `{name}` feature"))?;
        Ok(x.rows().map(|r| f64::from(r[j])).collect())
    };
    let recency: Vec<f64> = column("recency_days")?.iter().map(|r| -r).collect();
    let (r, f, m) =
        (quintiles(&recency), quintiles(&column("frequency")?), quintiles(&column("monetary")?));
    Ok((0..r.len()).map(|i| r[i] + f[i] + m[i]).collect())
}

fn snapshots(transactions: &[Transaction], task: &Task, cutoffs: &[Timestamp]) -> Res<Stacked> {
    let (mut values, mut labels, mut customers, mut rfm) = (vec![], vec![], vec![], vec![]);
    let (mut names, mut snapshot_of) = (Vec::new(), Vec::new());
    for (k, &cutoff) in cutoffs.iter().enumerate() {
        let snapshot = customer_features(transactions, cutoff, task.horizon_days)?;
        let data = if task.churn { snapshot.churn()? } else { snapshot.data.clone() };
        let end = cutoff.plus_days(i64::from(task.horizon_days));
        let role = if cutoff == task.test_cutoff { "test" } else { "train" };
        println!(
            "| {role} | {} | {} | {} | {:.1}% |",
            day(cutoff),
            day(end),
            data.n_rows(),
            100.0 * data.positive_rate()
        );
        names = data.x().names().to_vec();
        values.extend_from_slice(data.x().values());
        labels.extend_from_slice(data.labels());
        customers.extend_from_slice(&snapshot.customers);
        rfm.extend(rfm_scores(data.x())?);
        snapshot_of.resize(labels.len(), k);
    }
    let data = Dataset::from_bools(Matrix::new(names, values)?, labels)?;
    Ok(Stacked { data, customers, rfm, snapshot: snapshot_of })
}

/// Every feature as `sign(x) ln(1 + |x|)`, for the linear model (money and counts are skewed).
fn log_scaled(data: &Dataset) -> Res<Dataset> {
    let names = data.x().names().iter().map(|n| format!("log1p({n})")).collect();
    let values = data.x().values().iter().map(|&v| v.signum() * v.abs().ln_1p()).collect();
    Ok(Dataset::from_bools(Matrix::new(names, values)?, data.labels().to_vec())?)
}

/// Rows of the training stack whose customer is (test) or is not (train) in the held-out share.
fn customer_holdout(customers: &[u32], seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut distinct: Vec<u32> = customers.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let held = (distinct.len() as f64 * VALID_SHARE).round() as usize;
    let held: HashSet<u32> = distinct[..held].iter().copied().collect();
    (0..customers.len()).partition(|&i| !held.contains(&customers[i]))
}

/// The 2.5% and 97.5% quantiles of the AUC over bootstrap resamples of the test customers. The
/// resamples are the same for every model, so overlapping intervals mean what they seem to.
fn auc_interval(ranking: &[f64], labels: &[bool]) -> Res<(f64, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(BOOTSTRAP_SEED);
    let n = labels.len();
    let (mut scores, mut ys) = (vec![0.0; n], vec![false; n]);
    let mut aucs = Vec::with_capacity(BOOTSTRAP);
    for _ in 0..BOOTSTRAP {
        for (s, y) in scores.iter_mut().zip(ys.iter_mut()) {
            let j = rng.random_range(0..n);
            (*s, *y) = (ranking[j], labels[j]);
        }
        aucs.push(roc_auc(&scores, &ys)?);
    }
    aucs.sort_by(f64::total_cmp);
    Ok((aucs[BOOTSTRAP / 40], aucs[BOOTSTRAP - 1 - BOOTSTRAP / 40]))
}

/// Prints one table row: ranking metrics on `ranking`, probability metrics on `probs`.
fn report(name: &str, ranking: &[f64], probs: &[f64], test: &Dataset, seconds: f64) -> Res<()> {
    let y = test.labels();
    let (low, high) = auc_interval(ranking, y)?;
    println!(
        "| {name} | {:.4} | {low:.3}–{high:.3} | {:.4} | {:.4} | {:.4} | {} | {:.1}% | {seconds:.2} |",
        roc_auc(ranking, y)?,
        average_precision(ranking, y)?,
        log_loss(probs, y)?,
        brier_score(probs, y)?,
        test.n_rows(),
        100.0 * test.positive_rate()
    );
    Ok(())
}

fn evaluate(transactions: &[Transaction], task: &Task, args: &Args) -> Res<()> {
    println!("## {}\n", task.title);
    let step = SNAPSHOT_STEP_DAYS;
    let latest = task.test_cutoff.plus_days(-i64::from(task.horizon_days));
    let cutoffs: Vec<Timestamp> =
        (0..task.train_snapshots).rev().map(|k| latest.plus_days(-step * k)).collect();
    // The guard the protocol rests on: every training label is observed before the test cutoff.
    let horizon = i64::from(task.horizon_days);
    if cutoffs.iter().any(|c| c.plus_days(horizon) > task.test_cutoff) {
        return Err("a training label window overlaps the test window".into());
    }
    println!(
        "| snapshot | cutoff | window ends | customers | positive rate |\n|---|---|---|---|---|"
    );
    let train = snapshots(transactions, task, &cutoffs)?;
    let test = snapshots(transactions, task, &[task.test_cutoff])?;
    let (fit_rows, valid_rows) = customer_holdout(&train.customers, args.seed);
    let (fit_part, valid_part) = (train.data.subset(&fit_rows), train.data.subset(&valid_rows));
    println!(
        "\nTraining: {} stacked rows ({:.1}% positive); {} rows of {:.0}% of the customers held \
         out for early stopping, L2 and calibration.\n",
        train.data.n_rows(),
        100.0 * train.data.positive_rate(),
        valid_part.n_rows(),
        100.0 * VALID_SHARE
    );
    println!("| Model | ROC AUC | AUC 95% CI | PR-AUC (AP) | log-loss | Brier | test customers | positive rate | train s |");
    println!("|---|---|---|---|---|---|---|---|---|");

    let rate = train.data.positive_rate();
    let constant = vec![rate; test.data.n_rows()];
    report("Everyone negative (training base rate)", &constant, &constant, &test.data, 0.0)?;

    // Churn is the low end of RFM, so the score turns around for it.
    let sign = if task.churn { -1.0 } else { 1.0 };
    let started = Instant::now();
    let train_rfm: Vec<f64> = train.rfm.iter().map(|s| sign * s).collect();
    let platt = Platt::fit(&train_rfm, train.data.labels())?;
    let test_rfm: Vec<f64> = test.rfm.iter().map(|s| sign * s).collect();
    let seconds = started.elapsed().as_secs_f64();
    report(
        "RFM quintile score (R+F+M) + Platt",
        &test_rfm,
        &platt.predict_all(&test_rfm),
        &test.data,
        seconds,
    )?;

    let started = Instant::now();
    let (linear, linear_test) = (log_scaled(&train.data)?, log_scaled(&test.data)?);
    let (linear_fit, linear_valid) = (linear.subset(&fit_rows), linear.subset(&valid_rows));
    let mut best = (f64::INFINITY, L2_GRID[0]);
    for l2 in L2_GRID {
        let model =
            LogisticRegression::fit(&LogisticConfig { l2, ..Default::default() }, &linear_fit)?;
        let loss = log_loss(&model.predict_proba(linear_valid.x())?, linear_valid.labels())?;
        if loss < best.0 {
            best = (loss, l2);
        }
    }
    let lr =
        LogisticRegression::fit(&LogisticConfig { l2: best.1, ..Default::default() }, &linear)?;
    let seconds = started.elapsed().as_secs_f64();
    let probs = lr.predict_proba(linear_test.x())?;
    report(
        &format!("Logistic regression (log features, L2 {})", best.1),
        &probs,
        &probs,
        &test.data,
        seconds,
    )?;

    let config = GbdtConfig::small_tables(args.seed, args.threads);
    let started = Instant::now();
    let gbdt = Gbdt::fit(&config, &fit_part, Some(&valid_part))?;
    let gbdt_seconds = started.elapsed().as_secs_f64();
    let margins = gbdt.predict_margin(test.data.x())?;
    let probs: Vec<f64> = margins.iter().map(|&m| sigmoid(m)).collect();
    report(
        &format!("GBDT ({} trees, early-stopped)", gbdt.n_trees()),
        &margins,
        &probs,
        &test.data,
        gbdt_seconds,
    )?;

    let started = Instant::now();
    let isotonic = Isotonic::fit(&gbdt.predict_margin(valid_part.x())?, valid_part.labels())?;
    let seconds = gbdt_seconds + started.elapsed().as_secs_f64();
    // Isotonic ties scores within a step, so rank by what it serves.
    let calibrated = isotonic.predict_all(&margins);
    report(
        "GBDT + isotonic (fitted on held-out customers)",
        &calibrated,
        &calibrated,
        &test.data,
        seconds,
    )?;

    // Ablation: the latest training snapshot alone, with the same held-out customers.
    let last = cutoffs.len() - 1;
    let in_last = |rows: &[usize]| -> Vec<usize> {
        rows.iter().copied().filter(|&i| train.snapshot[i] == last).collect()
    };
    let (fit_last, valid_last) = (in_last(&fit_rows), in_last(&valid_rows));
    let started = Instant::now();
    let single =
        Gbdt::fit(&config, &train.data.subset(&fit_last), Some(&train.data.subset(&valid_last)))?;
    let seconds = started.elapsed().as_secs_f64();
    let margins = single.predict_margin(test.data.x())?;
    let probs: Vec<f64> = margins.iter().map(|&m| sigmoid(m)).collect();
    report(
        &format!("GBDT, latest snapshot only ({} trees)", single.n_trees()),
        &margins,
        &probs,
        &test.data,
        seconds,
    )?;

    println!("\n| GBDT feature | share of split gain |\n|---|---|");
    for f in gbdt.feature_importance().iter().take(8) {
        println!("| {} | {:.1}% |", f.feature, 100.0 * f.share);
    }
    println!();
    Ok(())
}

fn run() -> Res<()> {
    let args = args()?;
    let started = Instant::now();
    println!("# UCI Online Retail: customer purchase propensity and churn\n");
    let transactions = read_transactions(&args.data.join(DIR))?;
    let date = |y, m, d| Timestamp::date(y, m, d).ok_or("bad date");
    let tasks = [
        Task {
            title: "Purchase in the 30 days after the cutoff",
            horizon_days: 30,
            test_cutoff: date(2011, 11, 9)?,
            train_snapshots: 6,
            churn: false,
        },
        Task {
            title: "Churn: no purchase in the 90 days after the cutoff",
            horizon_days: 90,
            test_cutoff: date(2011, 9, 10)?,
            train_snapshots: 4,
            churn: true,
        },
    ];
    for task in &tasks {
        evaluate(&transactions, task, &args)?;
    }
    println!(
        "Total time {:.1} s (reading, features, all models).",
        started.elapsed().as_secs_f64()
    );
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
