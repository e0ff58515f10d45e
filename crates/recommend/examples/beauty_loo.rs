//! Leave-one-out evaluation of any registry model on Amazon Beauty (S3-Rec's `Beauty.txt`: one
//! user per line, `user item1 item2 ...`, in time order), with full ranking: every item is
//! ranked except the user's training items.
//!
//! Test: train on `items[..n-1]`, the last item is the target. `--validation`: train on
//! `items[..n-2]`, the second-to-last item is the target; tune on this, never on the test.
//!
//! Run with: cargo run --release -p aisle-recommend --example beauty_loo -- MODEL [key=value ...]
//! Options: `--validation`, `--data PATH` (default: the shared dataset), `--threads N`.
//!
//! This is a benchmark harness, not the evaluation crate: no splits beyond leave-one-out, no
//! reports.

use std::time::Instant;

use aisle_domain::InteractionMatrix;
use aisle_recommend::{registry, top_k, Exclusions, ModelConfig, Query, TrainData};
use rayon::prelude::*;

const DEFAULT_DATA: &str = "/work/shared/data/amazon-beauty-s3rec/Beauty.txt";
const CUTOFFS: [usize; 3] = [5, 10, 20];

struct Options {
    model: ModelConfig,
    validation: bool,
    data: String,
    threads: usize,
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let name = args.next().ok_or_else(|| {
        format!(
            "usage: beauty_loo MODEL [key=value ...]; models: {}",
            registry::MODEL_NAMES.join(", ")
        )
    })?;
    let mut model = ModelConfig::default_for(&name).ok_or_else(|| {
        format!("unknown model `{name}`; models: {}", registry::MODEL_NAMES.join(", "))
    })?;
    let mut options =
        Options { model: model.clone(), validation: false, data: DEFAULT_DATA.into(), threads: 0 };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--validation" => options.validation = true,
            "--data" => options.data = args.next().ok_or("--data needs a path")?,
            "--threads" => {
                let n = args.next().ok_or("--threads needs a number")?;
                options.threads = n.parse().map_err(|_| format!("--threads {n}: not a number"))?;
            }
            _ => {
                let (key, value) =
                    arg.split_once('=').ok_or_else(|| format!("`{arg}`: expected key=value"))?;
                model.set(key, value).map_err(|e| e.to_string())?;
            }
        }
    }
    options.model = model;
    Ok(options)
}

/// Each user's items in time order, as 0-based item indexes, and the number of items.
fn read_sequences(path: &str) -> Result<(Vec<Vec<u32>>, usize), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut sequences = Vec::new();
    let mut n_items = 0;
    for (line_no, line) in text.lines().enumerate() {
        let mut fields = line.split_whitespace().skip(1);
        let mut items = Vec::new();
        for field in fields.by_ref() {
            let id: u32 = field
                .parse()
                .map_err(|_| format!("{path}:{}: `{field}` is not an id", line_no + 1))?;
            let index =
                id.checked_sub(1).ok_or_else(|| format!("{path}:{}: item 0", line_no + 1))?;
            n_items = n_items.max(index as usize + 1);
            items.push(index);
        }
        sequences.push(items);
    }
    Ok((sequences, n_items))
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let options = parse_args()?;
    let (sequences, n_items) = read_sequences(&options.data)?;
    let held_out = if options.validation { 2 } else { 1 };
    // Training prefixes, and the target of every user long enough to have one.
    let prefixes: Vec<&[u32]> =
        sequences.iter().map(|s| &s[..s.len().saturating_sub(held_out)]).collect();
    let targets: Vec<Option<u32>> = sequences
        .iter()
        .map(|s| if s.len() > held_out { Some(s[s.len() - held_out]) } else { None })
        .collect();
    let (mut rows, mut cols, mut millis) = (Vec::new(), Vec::new(), Vec::new());
    for (u, prefix) in prefixes.iter().enumerate() {
        for (position, &item) in prefix.iter().enumerate() {
            rows.push(u as u32);
            cols.push(item);
            millis.push(position as i64);
        }
    }
    let weights = vec![1.0f32; rows.len()];
    let matrix =
        InteractionMatrix::from_columns(sequences.len(), n_items, &rows, &cols, &weights, &millis);
    let config_json = serde_json::to_string(&options.model).map_err(|e| e.to_string())?;
    println!(
        "{} split, {} users, {n_items} items, {} interactions; {config_json}",
        if options.validation { "validation" } else { "test" },
        matrix.n_rows,
        matrix.nnz()
    );

    let data = TrainData { threads: options.threads, ..TrainData::new(&matrix) };
    let started = Instant::now();
    let model = registry::fit(&options.model, &data).map_err(|e| e.to_string())?;
    let fit_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let max_k = CUTOFFS[CUTOFFS.len() - 1];
    let evaluate = || {
        (0..sequences.len())
            .into_par_iter()
            .filter_map(|u| {
                let target = targets[u]?;
                let history = prefixes[u];
                let ones = vec![1.0f32; history.len()];
                let query =
                    Query { user: Some(u as u32), items: history, weights: &ones, millis: &[] };
                let mut scores = vec![0f32; model.n_items()];
                model.score(&query, &mut scores);
                let top = top_k(&scores, max_k, &Exclusions { items: history, mask: &[] });
                Some(top.iter().position(|&(item, _)| item == target))
            })
            .collect::<Vec<Option<usize>>>()
    };
    let ranks = match rayon::ThreadPoolBuilder::new().num_threads(options.threads).build() {
        Ok(pool) => pool.install(evaluate),
        Err(_) => evaluate(),
    };
    let eval_seconds = started.elapsed().as_secs_f64();
    let n = ranks.len().max(1) as f64;
    let mut line = String::new();
    for k in CUTOFFS {
        let hits = ranks.iter().filter(|r| r.is_some_and(|r| r < k)).count() as f64;
        let ndcg: f64 = ranks
            .iter()
            .filter_map(|r| r.filter(|&r| r < k))
            .map(|r| 1.0 / ((r + 2) as f64).log2())
            .sum();
        line.push_str(&format!("HR@{k} {:.4}  NDCG@{k} {:.4}  ", hits / n, ndcg / n));
    }
    println!("{}", line.trim_end());
    println!("users evaluated {}, fit {fit_seconds:.1}s, scoring {eval_seconds:.1}s", ranks.len());
    Ok(())
}
