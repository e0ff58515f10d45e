//! `aisle experiments`: list, create, stop, start and delete A/B experiments in
//! `<data-dir>/experiments.json`, and print their results as `GET /v1/experiments/{id}/results`
//! answers them. Offline: a running server reads the file when it starts and keeps its own copy,
//! so with a server up, change experiments through its API instead.

use std::process::ExitCode;

use aisle_engine::experiment::{results, Book, Entry, Experiment, Status, Variant};
use aisle_engine::{Config, Engine};
use aisle_server::routes::experiments::{ExperimentView, ResultsView};
use anyhow::{bail, Context};

use crate::cli::{ExperimentsAction, ExperimentsArgs};
use crate::format::thousands;

/// Runs one `aisle experiments` subcommand.
pub fn run(config: &Config, args: ExperimentsArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::open(config)
        .with_context(|| format!("cannot open the store in {}", config.data_dir.display()))?;
    let files = engine.experiment_files();
    let book = files.read()?;
    match args.action {
        ExperimentsAction::List { json } => list(&book, json),
        ExperimentsAction::Results { id, json } => show_results(book.get(&id)?, json),
        ExperimentsAction::Create { id, name, variants, weights, traffic, stopped } => {
            let experiment = Experiment {
                id: id.clone(),
                name,
                variants: parse_variants(&variants, &weights)?,
                traffic,
                status: if stopped { Status::Stopped } else { Status::Running },
                started_at: None,
                stopped_at: None,
            };
            experiment.validate()?;
            engine.check_experiment_models(&experiment)?;
            change(&engine, book, |b, now| b.create(experiment, now).map(|_| ()))?;
            emit!("created {id} ({})", if stopped { "stopped" } else { "running" });
            Ok(ExitCode::SUCCESS)
        }
        ExperimentsAction::Stop { id } => {
            change(&engine, book, |b, now| b.set_status(&id, Status::Stopped, now).map(|_| ()))?;
            emit!("stopped {id}; its results stay readable");
            Ok(ExitCode::SUCCESS)
        }
        ExperimentsAction::Start { id } => {
            engine.check_experiment_models(&book.get(&id)?.experiment)?;
            change(&engine, book, |b, now| b.set_status(&id, Status::Running, now).map(|_| ()))?;
            emit!("started {id}");
            Ok(ExitCode::SUCCESS)
        }
        ExperimentsAction::Delete { id } => {
            change(&engine, book, |b, _| b.remove(&id).map(|_| ()))?;
            files.remove_marks(&id)?;
            emit!("deleted {id} and its counts");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `NAME=MODEL` pairs, with weights from `NAME=WEIGHT` pairs (default 1).
fn parse_variants(variants: &[String], weights: &[String]) -> anyhow::Result<Vec<Variant>> {
    let pair = |text: &str, what: &str| -> anyhow::Result<(String, String)> {
        match text.split_once('=') {
            Some((name, value)) if !name.is_empty() && !value.is_empty() => {
                Ok((name.trim().to_string(), value.trim().to_string()))
            }
            _ => bail!("`{text}`: expected NAME={what}, e.g. `b=als`"),
        }
    };
    let mut out: Vec<Variant> = variants
        .iter()
        .map(|text| {
            let (name, model) = pair(text, "MODEL")?;
            Ok(Variant { name, model, weight: 1.0 })
        })
        .collect::<anyhow::Result<_>>()?;
    for text in weights {
        let (name, weight) = pair(text, "WEIGHT")?;
        let weight: f64 =
            weight.parse().with_context(|| format!("`{text}`: the weight is not a number"))?;
        let Some(variant) = out.iter_mut().find(|v| v.name == name) else {
            bail!("`--weight {text}`: no variant `{name}`; name one given with --variant");
        };
        variant.weight = weight;
    }
    Ok(out)
}

/// Applies a change to the book and writes it.
fn change(
    engine: &Engine,
    mut book: Book,
    apply: impl FnOnce(&mut Book, i64) -> aisle_engine::experiment::Result<()>,
) -> anyhow::Result<()> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    apply(&mut book, now)?;
    engine.experiment_files().write(&book)?;
    eprintln!(
        "note: a running `aisle serve` reads experiments when it starts; restart it, or make \
         changes through /v1/experiments while it runs"
    );
    Ok(())
}

fn view(entry: &Entry) -> ExperimentView {
    ExperimentView::of(entry, &|_| None)
}

fn list(book: &Book, json: bool) -> anyhow::Result<ExitCode> {
    if json {
        let views: Vec<ExperimentView> = book.experiments.iter().map(view).collect();
        emit!("{}", serde_json::to_string_pretty(&serde_json::json!({ "experiments": views }))?);
        return Ok(ExitCode::SUCCESS);
    }
    if book.experiments.is_empty() {
        emit!("no experiments; create one with `aisle experiments create`");
        return Ok(ExitCode::SUCCESS);
    }
    emit!("{:<24} {:<8} {:>8} {:>10}  variants", "id", "status", "traffic", "shoppers");
    for entry in &book.experiments {
        let experiment = &entry.experiment;
        let variants: Vec<String> =
            experiment.variants.iter().map(|v| format!("{}={}", v.name, v.model)).collect();
        let shoppers: u64 = entry.tallies.iter().map(|t| t.shoppers).sum();
        emit!(
            "{:<24} {:<8} {:>7.0}% {:>10}  {}",
            experiment.id,
            experiment.status.as_str(),
            experiment.traffic * 100.0,
            thousands(shoppers),
            variants.join(" ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn show_results(entry: &Entry, json: bool) -> anyhow::Result<ExitCode> {
    let answer = ResultsView::of(view(entry), results(entry));
    if json {
        emit!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(ExitCode::SUCCESS);
    }
    let experiment = &answer.experiment;
    emit!("{} ({}): {}", experiment.id, entry.experiment.status.as_str(), experiment.name);
    let percent =
        |rate: Option<f64>| rate.map_or("-".to_string(), |r| format!("{:.2}%", r * 100.0));
    emit!(
        "{:<12} {:<12} {:>9} {:>9} {:>8}  {:<18} {:>12} {:>8}",
        "variant",
        "model",
        "shoppers",
        "converted",
        "rate",
        "95% interval",
        format!("vs {}", answer.control),
        "p"
    );
    for v in &answer.variants {
        let interval = match (v.conversion.low, v.conversion.high) {
            (Some(low), Some(high)) => format!("[{}, {}]", percent(Some(low)), percent(Some(high))),
            _ => "-".to_string(),
        };
        let (difference, p) = match &v.conversion_vs_control {
            Some(c) => (
                format!("{:+.2} pts", c.difference * 100.0),
                format!("{:.3}{}", c.p_value, if c.significant { " *" } else { "" }),
            ),
            None => (String::new(), String::new()),
        };
        emit!(
            "{:<12} {:<12} {:>9} {:>9} {:>8}  {:<18} {:>12} {:>8}",
            v.name,
            v.model,
            thousands(v.shoppers),
            thousands(v.conversion.count),
            percent(v.conversion.rate),
            interval,
            difference,
            p
        );
    }
    emit!("verdict: {}", answer.verdict.text);
    Ok(ExitCode::SUCCESS)
}
