//! The intent figures in BENCHMARKS.md ("Assistant: intents (issue 10)"):
//!
//! - accuracy and macro-F1 on a stratified, seeded held-out 20% of the shared Bitext data, the
//!   model trained on the other 80% plus our written utterances (minus their held-out
//!   templates), with a per-intent table;
//! - out-of-scope precision and recall on the written evaluation set `training/out_of_scope.tsv`
//!   (never trained on) pooled with the in-scope test utterances;
//! - leave-intents-out: three whole Bitext intents (and their Chinese written utterances) left
//!   out of training; how many of their test utterances are flagged out of scope;
//! - accuracy on held-out templates of our own written Chinese (and English shopping) data;
//! - classify + slot extraction latency, p50 and p99, one thread;
//! - the scikit-learn peer (`bench/peers/intent_sklearn.py`) on the same split, when Python has
//!   scikit-learn.
//!
//! Run with:
//!   cargo run --release -p aisle-nlu --example intent_eval
//!
//! The shared data is read from `$AISLE_DATA_DIR` (default ../shared/data, relative to the
//! workspace root). The threshold, temperature and margin are chosen inside training on a
//! validation slice of the training portion: no test utterance is seen before it is scored.

mod extra;
mod metrics;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use aisle_nlu::written::{
    background_utterances, out_of_scope_utterances, written_utterances, WrittenUtterance,
};
use aisle_nlu::{bitext, IntentModel, LabelledUtterance, Language, TrainConfig, OUT_OF_SCOPE};
use extra::{latency, leave_intents_out, peer};
use metrics::{macro_f1, score, stratified};

const SEED: u64 = 2024;
const LEFT_OUT: usize = 3;

fn main() -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let data = std::env::var_os("AISLE_DATA_DIR")
        .map_or_else(|| root.join("../shared/data"), PathBuf::from);
    let (bitext_rows, issues) = bitext::read(&data.join("bitext-customer-support/train.csv"))?;
    println!("Bitext: {} utterances, {} unreadable rows", bitext_rows.len(), issues.len());
    let (bitext_train, bitext_test) = stratified(&bitext_rows, |r| r.intent.as_str(), 0.2, SEED);
    let written = written_utterances()?;
    let (written_train, written_test) = split_templates(&written);
    let pick = |rows: &[usize], from: &[LabelledUtterance]| {
        rows.iter().map(|&k| from[k].clone()).collect::<Vec<_>>()
    };
    let written_labelled: Vec<LabelledUtterance> =
        written.iter().map(|w| LabelledUtterance::new(w.text.clone(), w.intent.clone())).collect();
    let mut train = pick(&bitext_train, &bitext_rows);
    train.extend(pick(&written_train, &written_labelled));
    train.extend(background_utterances());
    let test = pick(&bitext_test, &bitext_rows);

    let started = Instant::now();
    let model = IntentModel::train(&train, &TrainConfig::default())?;
    println!(
        "trained on {} utterances in {:.1} s; temperature {:.3}, threshold {:.3}, margin {:.3}\n",
        train.len(),
        started.elapsed().as_secs_f64(),
        model.temperature(),
        model.threshold(),
        model.ambiguity_margin()
    );

    // Bitext held-out 20%.
    let predictions: Vec<(String, String, String)> = test
        .iter()
        .map(|u| {
            let p = model.classify(&u.text);
            let top = p.alternatives.first().map(|a| a.intent.clone()).unwrap_or_default();
            (u.intent.clone(), p.intent, top)
        })
        .collect();
    let decided: Vec<(String, String)> =
        predictions.iter().map(|(t, p, _)| (t.clone(), p.clone())).collect();
    let top1: Vec<(String, String)> =
        predictions.iter().map(|(t, _, a)| (t.clone(), a.clone())).collect();
    let (accuracy, table) = score(&decided);
    let (top1_accuracy, top1_table) = score(&top1);
    let rejected = predictions.iter().filter(|(_, p, _)| p == OUT_OF_SCOPE).count();
    println!("## Bitext held-out 20% ({} utterances, seed {SEED})", test.len());
    println!("accuracy {accuracy:.4}, macro-F1 {:.4} (with the out-of-scope decision; {rejected} turned down)", macro_f1(&table));
    println!("top-1 accuracy {top1_accuracy:.4}, macro-F1 {:.4} (best intent, no out-of-scope decision)\n", macro_f1(&top1_table));
    println!("| intent | support | precision | recall | F1 |\n|---|---:|---:|---:|---:|");
    for s in &table {
        println!(
            "| {} | {} | {:.3} | {:.3} | {:.3} |",
            s.intent, s.support, s.precision, s.recall, s.f1
        );
    }

    // Written held-out templates.
    println!(
        "\n## Our own written data, held-out templates (every 5th template line of each intent)"
    );
    for (language, name) in [
        (Language::Chinese, "Chinese, all 34 intents"),
        (
            Language::English,
            "English, shopping intents, greeting, thanks and demo-shop service requests",
        ),
    ] {
        let rows: Vec<&WrittenUtterance> =
            written_test.iter().map(|&k| &written[k]).filter(|w| w.language == language).collect();
        let pairs: Vec<(String, String)> =
            rows.iter().map(|w| (w.intent.clone(), model.classify(&w.text).intent)).collect();
        let (acc, t) = score(&pairs);
        println!(
            "{name}: {} utterances, accuracy {acc:.4}, macro-F1 {:.4}",
            pairs.len(),
            macro_f1(&t)
        );
    }

    // Out of scope: the written evaluation set against every in-scope test utterance.
    let oos = out_of_scope_utterances();
    let in_scope: Vec<&str> = test
        .iter()
        .map(|u| u.text.as_str())
        .chain(written_test.iter().map(|&k| written[k].text.as_str()))
        .collect();
    println!("\n## Out of scope: written set ({} utterances, never trained on) vs {} in-scope test utterances", oos.len(), in_scope.len());
    let flagged_in = in_scope.iter().filter(|t| model.classify(t).is_out_of_scope()).count();
    for language in [Language::English, Language::Chinese] {
        let texts: Vec<&str> =
            oos.iter().filter(|(l, _)| *l == language).map(|(_, t)| t.as_str()).collect();
        let caught = texts.iter().filter(|t| model.classify(t).is_out_of_scope()).count();
        println!(
            "{}: recall {:.3} ({caught}/{})",
            language.code(),
            caught as f64 / texts.len() as f64,
            texts.len()
        );
    }
    let caught = oos.iter().filter(|(_, t)| model.classify(t).is_out_of_scope()).count();
    let precision = caught as f64 / (caught + flagged_in).max(1) as f64;
    println!(
        "all: recall {:.3}, precision {precision:.3} ({flagged_in} in-scope utterances flagged)",
        caught as f64 / oos.len() as f64
    );

    leave_intents_out(&bitext_rows, &bitext_train, &bitext_test, &written, &written_train)?;
    latency(&model, &test);
    let bitext_only =
        IntentModel::train(&pick(&bitext_train, &bitext_rows), &TrainConfig::default())?;
    let pairs: Vec<(String, String)> = test
        .iter()
        .map(|u| (u.intent.clone(), bitext_only.classify(&u.text).alternatives[0].intent.clone()))
        .collect();
    let (acc, t) = score(&pairs);
    println!("\n## Same split, Bitext training rows only (to compare with the peer)\nAisle: top-1 accuracy {acc:.4}, macro-F1 {:.4}", macro_f1(&t));
    peer(&root, &bitext_rows, &bitext_train, &bitext_test);
    Ok(())
}

/// Every fifth template line of each intent and language is held out (utterances of one
/// template are near copies, so the split goes by template).
pub fn split_templates(written: &[WrittenUtterance]) -> (Vec<usize>, Vec<usize>) {
    let mut templates: Vec<(&str, Language, usize)> = Vec::new();
    for w in written {
        let key = (w.intent.as_str(), w.language, w.template);
        if !templates.contains(&key) {
            templates.push(key);
        }
    }
    let held: HashSet<(Language, usize)> = templates
        .iter()
        .enumerate()
        .filter(|(k, (intent, language, _))| {
            let nth =
                templates[..*k].iter().filter(|(i, l, _)| i == intent && l == language).count();
            nth % 5 == 4
        })
        .map(|(_, (_, language, line))| (*language, *line))
        .collect();
    (0..written.len()).partition(|&k| !held.contains(&(written[k].language, written[k].template)))
}
