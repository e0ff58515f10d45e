//! `aisle reviews`: sentiment of texts, an item's review summary, category keywords, and
//! training the sentiment models.

use std::io::BufRead;
use std::process::ExitCode;

use aisle_domain::ExternalId;
use aisle_engine::review_text::aspects::aspect_mentions;
use aisle_engine::review_text::sentiment::{Sentiment, SentimentModels};
use aisle_engine::{summarize_item, train_sentiment, Config, Engine};
use anyhow::{bail, Context};
use serde_json::json;

use crate::cli::{ReviewsAction, ReviewsArgs};

/// Runs one `aisle reviews` subcommand.
pub fn run(config: &Config, args: ReviewsArgs) -> anyhow::Result<ExitCode> {
    match args.action {
        ReviewsAction::Train { data, out } => {
            let out = out
                .or_else(|| config.reviews.model_dir.clone())
                .unwrap_or_else(|| config.data_dir.join("sentiment-model"));
            eprintln!("training sentiment models from {} ...", data.display());
            let report = train_sentiment(&data, &out)?;
            for (path, issue) in &report.issues {
                eprintln!("{}:{}: skipped: {}", path.display(), issue.line, issue.reason);
            }
            emit!(
                "trained on {} English sentences and {} distinct Chinese reviews in {:.1} s; wrote {}",
                report.english_texts,
                report.chinese_texts,
                report.seconds,
                report.written_to.display()
            );
            if config.reviews.model_dir.as_deref() != Some(out.as_path()) {
                emit!(
                    "to use them, set reviews.model_dir = {:?} in aisle.toml (or AISLE_REVIEWS__MODEL_DIR)",
                    out.display().to_string()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ReviewsAction::Sentiment { texts, detail, json } => {
            let engine = open(config)?;
            let (models, _) = engine.sentiment_models()?;
            let texts = if texts.len() == 1 && texts[0] == "-" { stdin_lines()? } else { texts };
            sentiment(&models, &texts, detail, json)
        }
        ReviewsAction::Summary { item, json } => {
            let engine = open(config)?;
            let (models, _) = engine.sentiment_models()?;
            let id = ExternalId::parse(item.clone())
                .map_err(|e| anyhow::anyhow!("item id {item:?}: {e}"))?;
            let Some(reviews) = engine.item_reviews(&id)? else {
                bail!("no item {item} in the store");
            };
            let corpus = engine.review_corpus()?;
            let (summary, _) = summarize_item(&models, &item, &reviews, Some(&corpus));
            if json {
                emit!("{}", serde_json::to_string_pretty(&summary)?);
                return Ok(ExitCode::SUCCESS);
            }
            emit!(
                "{} reviews, {} rated, average {}",
                summary.reviews,
                summary.rated,
                summary.average_rating.map_or("-".to_string(), |r| format!("{r:.2}"))
            );
            let s = &summary.sentiment;
            emit!(
                "sentiment: {} positive, {} neutral, {} negative",
                s.positive,
                s.neutral,
                s.negative
            );
            for (title, points) in [("pros", &summary.pros), ("cons", &summary.cons)] {
                for point in points.iter() {
                    emit!("{title}: {} ({} mentions)", point.label_en, point.mentions);
                    for quote in &point.quotes {
                        emit!("    \"{}\"", quote.text);
                    }
                }
            }
            let phrases: Vec<&str> =
                summary.keywords.tfidf.iter().map(|k| k.phrase.as_str()).collect();
            emit!("keywords: {}", phrases.join(", "));
            Ok(ExitCode::SUCCESS)
        }
        ReviewsAction::Keywords { category, json } => {
            let engine = open(config)?;
            let corpus = engine.review_corpus()?;
            let Some(category) = category else {
                for (name, reviews) in corpus.categories() {
                    emit!("{reviews:>8}  {name}");
                }
                return Ok(ExitCode::SUCCESS);
            };
            let Some(found) = corpus.category_keywords(&category) else {
                bail!("no reviewed item is in category {category:?}; `aisle reviews keywords` lists the categories");
            };
            if json {
                emit!("{}", serde_json::to_string_pretty(&found)?);
                return Ok(ExitCode::SUCCESS);
            }
            emit!("{} ({} reviews)", found.category, found.reviews);
            for (method, list) in
                [("tf-idf", &found.keywords.tfidf), ("textrank", &found.keywords.textrank)]
            {
                let phrases: Vec<String> =
                    list.iter().map(|k| format!("{} ({:.2})", k.phrase, k.score)).collect();
                emit!("{method}: {}", phrases.join(", "));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn open(config: &Config) -> anyhow::Result<Engine> {
    Engine::open(config)
        .with_context(|| format!("cannot open the store in {}", config.data_dir.display()))
}

fn stdin_lines() -> anyhow::Result<Vec<String>> {
    let mut lines = Vec::new();
    for (k, line) in std::io::stdin().lock().lines().enumerate() {
        let line =
            line.with_context(|| format!("standard input line {} is not UTF-8 text", k + 1))?;
        lines.push(line);
    }
    Ok(lines)
}

fn sentiment_json(s: &Sentiment) -> serde_json::Value {
    json!({"label": s.polarity.as_str(), "score": s.score, "positive": s.positive, "language": s.language.code()})
}

fn sentiment(
    models: &SentimentModels,
    texts: &[String],
    detail: bool,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let mut results = Vec::with_capacity(texts.len());
    for text in texts {
        let whole = models.analyze(text);
        let mut result = sentiment_json(&whole);
        if detail {
            let (readable, sentences) = models.sentences(text);
            let sentences: Vec<serde_json::Value> = sentences
                .iter()
                .map(|s| json!({"text": s.span.of(&readable), "sentiment": sentiment_json(&s.sentiment)}))
                .collect();
            let aspects: Vec<serde_json::Value> = aspect_mentions(models, &readable)
                .iter()
                .map(|m| json!({"aspect": m.aspect.as_str(), "clause": m.clause.of(&readable), "sentiment": sentiment_json(&m.sentiment)}))
                .collect();
            result["sentences"] = json!(sentences);
            result["aspects"] = json!(aspects);
        }
        results.push(result);
    }
    if as_json {
        emit!("{}", json!({ "results": results }));
        return Ok(ExitCode::SUCCESS);
    }
    for (text, result) in texts.iter().zip(&results) {
        emit!(
            "{:<8} {:.2} {}  {}",
            result["label"].as_str().unwrap_or_default(),
            result["score"].as_f64().unwrap_or_default(),
            result["language"].as_str().unwrap_or_default(),
            text.chars().take(80).collect::<String>()
        );
        if let Some(aspects) = result.get("aspects").and_then(|a| a.as_array()) {
            for aspect in aspects {
                emit!(
                    "         {} ({}): {}",
                    aspect["aspect"].as_str().unwrap_or_default(),
                    aspect["sentiment"]["label"].as_str().unwrap_or_default(),
                    aspect["clause"].as_str().unwrap_or_default()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
