//! `aisle assistant`: chat with the shopping assistant, read intents, run the conversation
//! suite, retrain the intent model, list tickets. Chat and the suite run the server's own
//! assistant in-process, over this data directory's shop.

use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;

use aisle_engine::assistant::suite;
use aisle_engine::nlu::{training_set, IntentModel, TrainConfig};
use aisle_engine::{Config, Engine};
use aisle_server::AppState;
use anyhow::{bail, Context};

use crate::cli::{AssistantAction, AssistantArgs};

/// Runs an `aisle assistant` subcommand.
pub fn run(config: &Config, args: AssistantArgs) -> anyhow::Result<ExitCode> {
    let engine = super::open(config)?;
    match args.action {
        AssistantAction::Chat { message, user, conversation, json } => {
            let state = AppState::new(engine).context("cannot start the assistant")?;
            chat(&state, message, user.as_deref(), &conversation, json)
        }
        AssistantAction::Intent { texts, json } => intent(&engine, texts, json),
        AssistantAction::Suite { scripts, json } => {
            let text = match &scripts {
                Some(path) => std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
                None => suite::BUILTIN.to_string(),
            };
            let scripts = suite::parse(&text)?;
            let state = AppState::new(engine).context("cannot start the assistant")?;
            run_suite(&state, &scripts, json)
        }
        AssistantAction::Train { data } => train(&engine, &data),
        AssistantAction::Tickets { json } => tickets(&engine, json),
    }
}

fn chat(
    state: &Arc<AppState>,
    message: Vec<String>,
    user: Option<&str>,
    conversation: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let turn = |text: &str| -> anyhow::Result<()> {
        let answer = aisle_server::assistant_turn(state, conversation, user, text, &mut |_| {})
            .map_err(anyhow::Error::msg)?;
        if json {
            emit!("{}", serde_json::to_string(&answer)?);
        } else {
            emit!("{}", answer.reply);
            let items = answer.items.as_array().map_or(0, Vec::len);
            eprintln!(
                "  [{} {:.2}, {} items, {:.1} ms]",
                answer.intent, answer.confidence, items, answer.took_ms
            );
        }
        Ok(())
    };
    if !message.is_empty() {
        turn(&message.join(" "))?;
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("Chatting with the assistant; an empty line or end of input stops.");
    for line in std::io::stdin().lock().lines() {
        let line = line.context("cannot read standard input")?;
        if line.trim().is_empty() {
            break;
        }
        if let Err(error) = turn(&line) {
            eprintln!("error: {error}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn intent(engine: &Engine, texts: Vec<String>, json: bool) -> anyhow::Result<ExitCode> {
    let texts: Vec<String> = if texts == ["-"] {
        std::io::stdin()
            .lock()
            .lines()
            .collect::<Result<_, _>>()
            .context("cannot read standard input")?
    } else {
        texts
    };
    let model = engine.intent_model()?;
    let mut results = Vec::with_capacity(texts.len());
    for text in &texts {
        let prediction = model.classify(text);
        if json {
            results.push(serde_json::json!({
                "intent": prediction.intent,
                "confidence": (f64::from(prediction.confidence) * 1000.0).round() / 1000.0,
            }));
        } else {
            let flag = if prediction.ambiguous { " (ambiguous)" } else { "" };
            emit!("{:<26} {:.3}{flag}  {text}", prediction.intent, prediction.confidence);
        }
    }
    if json {
        emit!("{}", serde_json::json!({ "results": results }));
    }
    Ok(ExitCode::SUCCESS)
}

fn run_suite(
    state: &Arc<AppState>,
    scripts: &[suite::Script],
    json: bool,
) -> anyhow::Result<ExitCode> {
    eprintln!("Running {} conversations (waiting for the search index first)...", scripts.len());
    let report = aisle_server::assistant_suite(state, scripts).map_err(anyhow::Error::msg)?;
    if json {
        emit!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        emit!(
            "{}/{} conversations succeeded ({:.1}%), {} turns ({} worded by the LLM), {} ungrounded replies, turn p50 {:.2} ms, p95 {:.2} ms",
            report.succeeded,
            report.conversations,
            report.success_rate() * 100.0,
            report.turns,
            report.llm_worded,
            report.ungrounded_replies,
            report.p50_ms,
            report.p95_ms
        );
        for (language, run, succeeded) in &report.by_language {
            emit!("  {language}: {succeeded}/{run}");
        }
        for name in &report.skipped {
            emit!("  skipped (no shopper with the orders it needs): {name}");
        }
        for finding in &report.findings {
            emit!("  {} (turn {}): {}", finding.script, finding.turn, finding.problem);
        }
    }
    Ok(if report.ungrounded_replies == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn train(engine: &Engine, data: &std::path::Path) -> anyhow::Result<ExitCode> {
    let bitext = data.join("bitext-customer-support/train.csv");
    if !bitext.exists() {
        bail!("{} not found; pass --data DIR holding bitext-customer-support/", bitext.display());
    }
    let examples = training_set(Some(&bitext))?;
    eprintln!("Training on {} utterances...", examples.len());
    let model = IntentModel::train(&examples, &TrainConfig::default())?;
    let dir = engine.assistant_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("intents.bin");
    model.save(&path)?;
    emit!(
        "Wrote {} ({} intents); the assistant uses it from its next start.",
        path.display(),
        model.intents().len()
    );
    Ok(ExitCode::SUCCESS)
}

fn tickets(engine: &Engine, json: bool) -> anyhow::Result<ExitCode> {
    let tickets = engine.tickets()?;
    if json {
        emit!("{}", serde_json::to_string(&tickets)?);
        return Ok(ExitCode::SUCCESS);
    }
    if tickets.is_empty() {
        emit!("No tickets yet.");
    }
    for ticket in tickets {
        emit!(
            "{:<6} {:<7} {:<15} {:<12} {}  {}",
            ticket.id,
            ticket.status,
            ticket.kind.as_str(),
            ticket.user_id.as_deref().unwrap_or("guest"),
            &ticket.opened_at[..ticket.opened_at.len().min(16)],
            ticket.summary
        );
    }
    Ok(ExitCode::SUCCESS)
}
