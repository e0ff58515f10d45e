//! Session purchase prediction on the UCI Online Shoppers Intention data (12,330 sessions,
//! `Revenue`): stratified 10-fold cross-validation of an everyone-negative baseline, the
//! `PageValues` heuristic, logistic regression and boosted trees, with training time and
//! prediction throughput.
//!
//! Run with:
//!   cargo run --release -p aisle-predict --example shoppers_eval -- [--data ../shared/data]
//!     [--folds 10] [--seed 42] [--threads 0]
//!
//! (`--threads` is for the trees' histogram building; 0 uses every core.)
//!
//! Nothing is tuned on a test fold. Inside each training split, 15% (stratified) is held out:
//! logistic regression picks its L2 strength on it and is then refitted on the whole split; the
//! trees early-stop on it, and the Platt and isotonic calibrators are fitted on the trees'
//! predictions for it. The tree settings are fixed in advance (the crate's defaults, with a
//! smaller learning rate and larger leaves). The heuristic's log-loss is that of a Platt curve
//! over `ln(1 + PageValues)` fitted on the training split; its ranking is `PageValues` itself.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use aisle_predict::calibrate::{Isotonic, Platt};
use aisle_predict::dataset::Dataset;
use aisle_predict::datasets::online_shoppers::{self, Session};
use aisle_predict::gbdt::{Gbdt, GbdtConfig};
use aisle_predict::logistic::{LogisticConfig, LogisticRegression};
use aisle_predict::metrics::{
    average_precision, brier_score, expected_calibration_error, log_loss, roc_auc,
};
use aisle_predict::split::{stratified_k_fold, stratified_split};
use aisle_predict::{sigmoid, Classifier};

const FILE: &str = "uci-online-shoppers-intention/online_shoppers_intention.csv";
const L2_GRID: [f64; 6] = [0.01, 0.1, 1.0, 10.0, 100.0, 1000.0];
const VALID_SHARE: f64 = 0.15;
const ECE_BINS: usize = 10;

struct Args {
    data: PathBuf,
    folds: usize,
    seed: u64,
    threads: usize,
}

fn args() -> Result<Args, String> {
    let mut args = Args { data: PathBuf::from("../shared/data"), folds: 10, seed: 42, threads: 0 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--data" => args.data = PathBuf::from(value),
            "--folds" => args.folds = value.parse().map_err(|e| format!("--folds: {e}"))?,
            "--seed" => args.seed = value.parse().map_err(|e| format!("--seed: {e}"))?,
            "--threads" => args.threads = value.parse().map_err(|e| format!("--threads: {e}"))?,
            _ => {
                return Err(format!(
                    "unknown flag {flag}; expected --data, --folds, --seed or --threads"
                ))
            }
        }
    }
    Ok(args)
}

/// One model's figures on one test fold.
#[derive(Default, Clone, Copy)]
struct Scores {
    auc: f64,
    ap: f64,
    log_loss: f64,
    brier: f64,
    ece: f64,
}

fn score(ranking: &[f64], probs: &[f64], labels: &[bool]) -> Result<Scores, Box<dyn Error>> {
    Ok(Scores {
        auc: roc_auc(ranking, labels)?,
        ap: average_precision(ranking, labels)?,
        log_loss: log_loss(probs, labels)?,
        brier: brier_score(probs, labels)?,
        ece: expected_calibration_error(probs, labels, ECE_BINS)?,
    })
}

/// A model's figures over all folds, plus its time.
#[derive(Default)]
struct Row {
    folds: Vec<Scores>,
    train: Duration,
    predict: Duration,
    predicted_rows: usize,
}

fn mean_sd(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let v: Vec<f64> = values.collect();
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0).max(1.0);
    (mean, var.sqrt())
}

/// Chooses L2 on a held-out part of `train`, then refits on all of `train`.
fn fit_logistic(train: &Dataset, seed: u64) -> Result<(LogisticRegression, f64), Box<dyn Error>> {
    let inner = stratified_split(train.labels(), VALID_SHARE, seed)?;
    let (fit_part, valid_part) = (train.subset(&inner.train), train.subset(&inner.test));
    let mut best = (f64::INFINITY, L2_GRID[0]);
    for l2 in L2_GRID {
        let model =
            LogisticRegression::fit(&LogisticConfig { l2, ..Default::default() }, &fit_part)?;
        let loss = log_loss(&model.predict_proba(valid_part.x())?, valid_part.labels())?;
        if loss < best.0 {
            best = (loss, l2);
        }
    }
    let model =
        LogisticRegression::fit(&LogisticConfig { l2: best.1, ..Default::default() }, train)?;
    Ok((model, best.1))
}

fn run() -> Result<(), Box<dyn Error>> {
    let args = args()?;
    let path = args.data.join(FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (sessions, issues) = online_shoppers::parse(&text)?;
    for issue in issues.iter().take(5) {
        eprintln!("skipped {issue}");
    }
    let positives = sessions.iter().filter(|s| s.revenue).count();
    println!("# UCI Online Shoppers Intention: purchase prediction\n");
    println!(
        "{} sessions read, {} rows skipped, {} with a missing value (empty field or -1 duration); \
         {} purchases ({:.1}%). Stratified {}-fold CV, seed {}.\n",
        sessions.len(),
        issues.len(),
        sessions.iter().filter(|s| s.has_missing()).count(),
        positives,
        100.0 * positives as f64 / sessions.len() as f64,
        args.folds,
        args.seed
    );
    let trees_data = online_shoppers::tree_features(&sessions)?;
    let linear_data = online_shoppers::one_hot_features(&sessions)?;
    let page_values: Vec<f64> =
        sessions.iter().map(|s: &Session| f64::from(s.numeric[8])).collect();
    let labels = trees_data.labels().to_vec();
    let folds = stratified_k_fold(&labels, args.folds, args.seed)?;

    let names = [
        "Everyone negative (base rate)",
        "Heuristic: PageValues",
        "Logistic regression (one-hot, L2 by inner holdout)",
        "GBDT (early-stopped on inner holdout)",
        "GBDT + Platt (fitted on inner holdout)",
        "GBDT + isotonic (fitted on inner holdout)",
    ];
    let mut rows: Vec<Row> = names.iter().map(|_| Row::default()).collect();
    let mut chosen_l2 = Vec::new();
    let mut kept_trees = Vec::new();
    let mut importance: Vec<(String, f64)> = Vec::new();
    let mut example = None;

    for (k, fold) in folds.iter().enumerate() {
        let fold_seed = args.seed.wrapping_add(k as u64 + 1);
        let test_labels: Vec<bool> = fold.test.iter().map(|&i| labels[i]).collect();
        let train_labels: Vec<bool> = fold.train.iter().map(|&i| labels[i]).collect();

        // Everyone negative: a constant score, the training base rate as its probability.
        let rate = train_labels.iter().filter(|&&y| y).count() as f64 / train_labels.len() as f64;
        let constant = vec![rate; fold.test.len()];
        rows[0].folds.push(score(&constant, &constant, &test_labels)?);

        // PageValues ranks as it is; a Platt curve on its log makes it a probability.
        let started = Instant::now();
        let log_pv = |i: usize| page_values[i].max(0.0).ln_1p();
        let train_pv: Vec<f64> = fold.train.iter().map(|&i| log_pv(i)).collect();
        let platt_pv = Platt::fit(&train_pv, &train_labels)?;
        rows[1].train += started.elapsed();
        let started = Instant::now();
        let ranking: Vec<f64> = fold.test.iter().map(|&i| page_values[i]).collect();
        let probs: Vec<f64> = fold.test.iter().map(|&i| platt_pv.predict(log_pv(i))).collect();
        rows[1].predict += started.elapsed();
        rows[1].predicted_rows += fold.test.len();
        rows[1].folds.push(score(&ranking, &probs, &test_labels)?);

        // Logistic regression.
        let (train, test) = (linear_data.subset(&fold.train), linear_data.subset(&fold.test));
        let started = Instant::now();
        let (lr, l2) = fit_logistic(&train, fold_seed)?;
        rows[2].train += started.elapsed();
        chosen_l2.push(l2);
        let started = Instant::now();
        let probs = lr.predict_proba(test.x())?;
        rows[2].predict += started.elapsed();
        rows[2].predicted_rows += fold.test.len();
        rows[2].folds.push(score(&probs, &probs, &test_labels)?);

        // Boosted trees, early-stopped on a holdout of the training split.
        let (train, test) = (trees_data.subset(&fold.train), trees_data.subset(&fold.test));
        let inner = stratified_split(train.labels(), VALID_SHARE, fold_seed)?;
        let (fit_part, valid_part) = (train.subset(&inner.train), train.subset(&inner.test));
        let started = Instant::now();
        let gbdt = Gbdt::fit(
            &GbdtConfig::small_tables(fold_seed, args.threads),
            &fit_part,
            Some(&valid_part),
        )?;
        let gbdt_train = started.elapsed();
        rows[3].train += gbdt_train;
        kept_trees.push(gbdt.n_trees() as f64);
        let started = Instant::now();
        let margins = gbdt.predict_margin(test.x())?;
        let gbdt_predict = started.elapsed();
        rows[3].predict += gbdt_predict;
        rows[3].predicted_rows += fold.test.len();
        let probs: Vec<f64> = margins.iter().map(|&m| sigmoid(m)).collect();
        rows[3].folds.push(score(&margins, &probs, &test_labels)?);

        // Calibrated: the trees' time plus the calibrator's fit (on the holdout margins) and
        // mapping.
        let valid_margins = gbdt.predict_margin(valid_part.x())?;
        let started = Instant::now();
        let platt = Platt::fit(&valid_margins, valid_part.labels())?;
        rows[4].train += gbdt_train + started.elapsed();
        let started = Instant::now();
        let probs = platt.predict_all(&margins);
        rows[4].predict += gbdt_predict + started.elapsed();
        rows[4].predicted_rows += fold.test.len();
        rows[4].folds.push(score(&margins, &probs, &test_labels)?);
        let started = Instant::now();
        let isotonic = Isotonic::fit(&valid_margins, valid_part.labels())?;
        rows[5].train += gbdt_train + started.elapsed();
        let started = Instant::now();
        let probs = isotonic.predict_all(&margins);
        rows[5].predict += gbdt_predict + started.elapsed();
        rows[5].predicted_rows += fold.test.len();
        // Isotonic ties scores within a step, so rank by its output to measure what it serves.
        rows[5].folds.push(score(&probs, &probs, &test_labels)?);

        for f in gbdt.feature_importance() {
            match importance.iter_mut().find(|(name, _)| *name == f.feature) {
                Some(entry) => entry.1 += f.share / folds.len() as f64,
                None => importance.push((f.feature, f.share / folds.len() as f64)),
            }
        }
        if example.is_none() {
            // The first buyer of the first test fold, explained.
            if let Some(i) = (0..test.n_rows()).find(|&i| test.labels()[i]) {
                example = Some(gbdt.explain_row(test.x().row(i))?);
            }
        }
    }

    println!("| Model | ROC AUC | PR-AUC (AP) | log-loss | Brier | ECE (10 bins) | train s/fold | predict rows/s |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, row) in names.iter().zip(&rows) {
        let cell = |f: fn(&Scores) -> f64| {
            let (m, s) = mean_sd(row.folds.iter().map(f));
            format!("{m:.4} ± {s:.4}")
        };
        let timing = if row.predicted_rows > 0 {
            format!(
                "{:.3} | {:.0}",
                row.train.as_secs_f64() / row.folds.len() as f64,
                row.predicted_rows as f64 / row.predict.as_secs_f64()
            )
        } else {
            "— | —".into()
        };
        println!(
            "| {name} | {} | {} | {} | {} | {} | {timing} |",
            cell(|s| s.auc),
            cell(|s| s.ap),
            cell(|s| s.log_loss),
            cell(|s| s.brier),
            cell(|s| s.ece)
        );
    }
    println!("\nMean ± standard deviation over the {} test folds.", args.folds);
    let (trees_mean, trees_sd) = mean_sd(kept_trees.iter().copied());
    println!(
        "GBDT kept {trees_mean:.0} ± {trees_sd:.0} trees (of at most {}); L2 chosen for logistic \
         regression per fold: {chosen_l2:?}.",
        GbdtConfig::small_tables(0, 0).max_trees
    );

    importance.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!("\n| GBDT feature | share of split gain |\n|---|---|");
    for (name, share) in importance.iter().take(8) {
        println!("| {name} | {:.1}% |", 100.0 * share);
    }
    if let Some(why) = example {
        println!(
            "\nWhy the first buyer in fold 1 scored {:.3} (margin {:+.3} = bias {:+.3} + reasons):\n",
            why.probability(),
            why.margin,
            why.bias
        );
        println!("| feature | value | contribution (log-odds) |\n|---|---|---|");
        for c in why.top(5) {
            println!("| {} | {} | {:+.3} |", c.feature, c.value, c.contribution);
        }
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
