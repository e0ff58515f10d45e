//! Evaluates models on Amazon Beauty (S3-Rec format) with leave-one-out, full ranking, K = 5, 10,
//! 20, the protocol of the published numbers in `/work/shared/data/amazon-beauty-s3rec/SOURCE.txt`,
//! and prints the Markdown report. Item attributes (brand and category ids, from
//! `Beauty_item2attributes.json` next to the data file) feed the `content` model.
//!
//! Run with: cargo run --release -p aisle-eval --example eval_beauty -- MODEL,MODEL ...
//!
//! Options after the models: `--set MODEL.KEY=VALUE` (a fixed parameter), `--search
//! MODEL.KEY=V1,V2` (grid search on validation, by NDCG@10), `--data FILE` (another S3-Rec
//! file), `--report DIR` (also write report.json, report.md and the charts there).
//!
//! This is an example, not the CLI: arguments are read by hand and errors end the program.

use std::error::Error;
use std::path::PathBuf;

use aisle_domain::InteractionMatrix;
use aisle_eval::{evaluate, write_report, Dataset, EvalConfig, ModelSpec, SearchSpec, Strategy};
use aisle_recommend::{ItemText, ModelConfig};

const DEFAULT_DATA: &str = "/work/shared/data/amazon-beauty-s3rec/Beauty.txt";

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let names = args.next().unwrap_or_else(|| "popular".to_string());
    let mut models: Vec<ModelSpec> = Vec::new();
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let config = ModelConfig::default_for(name).ok_or_else(|| {
            format!("unknown model `{name}`; known: {}", aisle_recommend::MODEL_NAMES.join(", "))
        })?;
        models.push(ModelSpec::new(config));
    }
    let (mut data, mut report_dir) = (PathBuf::from(DEFAULT_DATA), None);
    let mut searches: Vec<(String, String)> = Vec::new();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("`{flag}` needs a value"))?;
        match flag.as_str() {
            "--data" => data = PathBuf::from(value),
            "--report" => report_dir = Some(PathBuf::from(value)),
            "--set" | "--search" => {
                let (model, assignment) = value
                    .split_once('.')
                    .ok_or_else(|| format!("write MODEL.KEY=VALUE, not `{value}`"))?;
                let spec = models
                    .iter_mut()
                    .find(|m| m.config.name() == model)
                    .ok_or_else(|| format!("`{model}` is not among the evaluated models"))?;
                if flag == "--set" {
                    let (key, v) = assignment.split_once('=').ok_or("write KEY=VALUE")?;
                    spec.config.set(key, v)?;
                } else {
                    searches.push((model.to_string(), assignment.to_string()));
                }
            }
            _ => return Err(format!("unknown option `{flag}`").into()),
        }
    }
    for spec in &mut models {
        let space: Vec<&str> = searches
            .iter()
            .filter(|(m, _)| m == spec.config.name())
            .map(|(_, a)| a.as_str())
            .collect();
        if !space.is_empty() {
            spec.search = Some(SearchSpec::new(Strategy::Grid, &space)?);
        }
    }

    let text = std::fs::read_to_string(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    let matrix = read_s3rec(&text)?;
    let attributes = data.with_file_name("Beauty_item2attributes.json");
    let items = match std::fs::read_to_string(&attributes) {
        Ok(json) => read_attributes(&json, matrix.n_items)?,
        Err(_) => Vec::new(),
    };
    let dataset =
        Dataset { name: "Amazon Beauty (S3-Rec)", matrix: &matrix, items: &items, baskets: &[] };
    let config = EvalConfig { ks: vec![5, 10, 20], ..EvalConfig::default() };
    let report = evaluate(&dataset, &config, &models, &mut |done, total, best| {
        let best = best.map_or(String::new(), |b| format!(", best on validation {b:.4}"));
        eprintln!("[{done}/{total}]{best}");
    })?;
    println!("{}", report.to_markdown());
    if let Some(dir) = report_dir {
        for path in write_report(&dir, &report)? {
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(())
}

/// One user per line, `user item item ...`, chronological, 1-based ids; the position in the
/// line is the time, so leave-one-out holds out the last items.
fn read_s3rec(text: &str) -> Result<InteractionMatrix, Box<dyn Error>> {
    let (mut rows, mut items, mut millis) = (Vec::new(), Vec::new(), Vec::new());
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let mut ids = line.split_whitespace().map(|id| id.parse::<u32>().ok().filter(|&i| i > 0));
        let user = ids.next().flatten().ok_or_else(|| format!("line {}: bad user id", n + 1))?;
        for (position, item) in ids.enumerate() {
            let item = item.ok_or_else(|| format!("line {}: bad item id", n + 1))?;
            rows.push(user - 1);
            items.push(item - 1);
            millis.push(position as i64);
        }
    }
    let n_users = rows.iter().max().map_or(0, |&u| u as usize + 1);
    let n_items = items.iter().max().map_or(0, |&i| i as usize + 1);
    let weights = vec![1.0; rows.len()];
    Ok(InteractionMatrix::from_columns(n_users, n_items, &rows, &items, &weights, &millis))
}

/// `{"item": [attribute, ...]}` with 1-based item ids; attributes become `attr=ID` tokens.
fn read_attributes(json: &str, n_items: usize) -> Result<Vec<ItemText>, Box<dyn Error>> {
    let map: std::collections::HashMap<String, Vec<u32>> = serde_json::from_str(json)?;
    let mut items = vec![ItemText::default(); n_items];
    for (id, attributes) in map {
        let slot =
            id.parse::<usize>().ok().and_then(|i| i.checked_sub(1)).and_then(|i| items.get_mut(i));
        if let Some(item) = slot {
            item.attributes = attributes.iter().map(|a| format!("attr={a}")).collect();
        }
    }
    Ok(items)
}
