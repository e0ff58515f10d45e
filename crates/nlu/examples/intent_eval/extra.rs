//! The parts of the evaluation beyond the main split: leave-intents-out, latency, and the
//! scikit-learn peer.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use aisle_nlu::written::{background_utterances, WrittenUtterance};
use aisle_nlu::{extract_slots, IntentModel, LabelledUtterance, SlotVocabulary, TrainConfig};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::metrics::quantile;
use crate::{LEFT_OUT, SEED};

/// Trains without `LEFT_OUT` whole Bitext intents (their written Chinese utterances too) and
/// counts how many of their test utterances are turned down, against the known ones.
pub fn leave_intents_out(
    rows: &[LabelledUtterance],
    train: &[usize],
    test: &[usize],
    written: &[WrittenUtterance],
    written_train: &[usize],
) -> anyhow::Result<()> {
    let mut intents: Vec<&str> =
        rows.iter().map(|r| r.intent.as_str()).collect::<HashSet<_>>().into_iter().collect();
    intents.sort_unstable();
    intents.shuffle(&mut ChaCha8Rng::seed_from_u64(SEED));
    let left_out: Vec<&str> = intents[..LEFT_OUT].to_vec();
    let known = |intent: &str| !left_out.contains(&intent);
    let mut examples: Vec<LabelledUtterance> =
        train.iter().map(|&k| rows[k].clone()).filter(|r| known(&r.intent)).collect();
    examples.extend(
        written_train
            .iter()
            .map(|&k| &written[k])
            .filter(|w| known(&w.intent))
            .map(|w| LabelledUtterance::new(w.text.clone(), w.intent.clone())),
    );
    examples.extend(background_utterances());
    let model = IntentModel::train(&examples, &TrainConfig::default())?;
    let (mut unknown, mut caught, mut seen, mut false_alarms) = (0, 0, 0, 0);
    for &k in test {
        let flagged = model.classify(&rows[k].text).is_out_of_scope();
        if known(&rows[k].intent) {
            seen += 1;
            false_alarms += usize::from(flagged);
        } else {
            unknown += 1;
            caught += usize::from(flagged);
        }
    }
    println!("\n## Leave-intents-out: trained without {}", left_out.join(", "));
    for threshold in [0.7, 0.8, 0.9] {
        let strict = model.with_decision(threshold, model.ambiguity_margin());
        let flagged = |known_intent: bool| {
            test.iter()
                .filter(|&&k| known(&rows[k].intent) == known_intent)
                .filter(|&&k| strict.classify(&rows[k].text).is_out_of_scope())
                .count()
        };
        let (hit, alarm) = (flagged(false), flagged(true));
        println!(
            "at threshold {threshold}: recall {:.3}, {alarm} known flagged (precision {:.3})",
            hit as f64 / test.iter().filter(|&&k| !known(&rows[k].intent)).count().max(1) as f64,
            hit as f64 / (hit + alarm).max(1) as f64
        );
    }
    println!(
        "their {unknown} test utterances flagged out of scope: recall {:.3}; precision {:.3} ({false_alarms} of {seen} known test utterances flagged too)",
        caught as f64 / unknown.max(1) as f64,
        caught as f64 / (caught + false_alarms).max(1) as f64,
    );
    Ok(())
}

/// Classify plus slot extraction, one utterance at a time on one thread.
pub fn latency(model: &IntentModel, test: &[LabelledUtterance]) {
    let vocabulary = SlotVocabulary {
        categories: vec![
            "连衣裙 Dress".into(),
            "跑步鞋 Running Shoes".into(),
            "耳机 Headphones".into(),
        ],
        brands: vec!["Nike".into(), "Sony".into(), "小米".into()],
    };
    let texts: Vec<&str> = test
        .iter()
        .map(|u| u.text.as_str())
        .chain(["500元以下的运动鞋", "比较一下这两款耳机", "a red dress under $50"])
        .collect();
    for text in &texts {
        std::hint::black_box((model.classify(text), extract_slots(text, &vocabulary)));
    }
    let mut times = Vec::with_capacity(texts.len() * 3);
    for _ in 0..3 {
        for text in &texts {
            let started = Instant::now();
            std::hint::black_box((model.classify(text), extract_slots(text, &vocabulary)));
            times.push(started.elapsed().as_secs_f64() * 1e6);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "\n## Latency: classify + extract_slots, {} calls, one thread\np50 {:.0} µs, p99 {:.0} µs",
        times.len(),
        quantile(&times, 0.5),
        quantile(&times, 0.99)
    );
}

/// Writes the split for `bench/peers/intent_sklearn.py` and runs it, when Python can.
pub fn peer(root: &Path, rows: &[LabelledUtterance], train: &[usize], test: &[usize]) {
    let dir = std::env::temp_dir().join(format!("aisle-intent-peer-{}", std::process::id()));
    let write = |name: &str, picks: &[usize]| -> std::io::Result<std::path::PathBuf> {
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(name);
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for &k in picks {
            writeln!(out, "{}\t{}", rows[k].intent, rows[k].text.replace(['\t', '\n'], " "))?;
        }
        Ok(path)
    };
    println!(
        "\n## Peer: scikit-learn TF-IDF + LogisticRegression, Bitext split only (no written data)"
    );
    let (Ok(train_path), Ok(test_path)) = (write("train.tsv", train), write("test.tsv", test))
    else {
        println!("skipped: could not write the split to {}", dir.display());
        return;
    };
    let script = root.join("bench/peers/intent_sklearn.py");
    match std::process::Command::new("python3")
        .arg(&script)
        .arg(&train_path)
        .arg(&test_path)
        .output()
    {
        Ok(out) if out.status.success() => print!("{}", String::from_utf8_lossy(&out.stdout)),
        Ok(out) => println!(
            "skipped: {}",
            String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("failed")
        ),
        Err(e) => println!("skipped: python3 not runnable ({e})"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
