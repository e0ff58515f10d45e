//! First-token latency and decode speed of the local assistant model (SmolLM2-135M-Instruct
//! Q4_1 by default) on realistic assistant prompts: a short system message, the facts a tool
//! returned, and the shopper's question (about 60-120 tokens). Prints one line per prompt, then
//! the p50 and worst first-token time and the decode rate, and one JSON line to close.
//!
//! Run with:
//!   cargo run --release -p aisle-llm --example llm_speed -- --model path/to/model.gguf
//! or `bash bench/llm.sh`. Options: --runs N (rounds over the 10 prompts, default 1),
//! --max-tokens N (answer length, default 48), --sweep (then also the first-token time of
//! prompts grown to about 200, 400, 800 and 1600 tokens with more facts).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use aisle_llm::{ChatMessage, ChatModel, GenerateOptions, LocalGguf};

const SYSTEM: &str = "You are Aisle, a shop assistant. Answer in one or two short sentences, \
using only the facts given. Never invent prices or orders.";

/// (tool facts, shopper's question): what the assistant hands the model after running a tool.
const TURNS: &[(&str, &str)] = &[
    (
        "Order A1042: shipped on 2024-05-02 by courier, expected 2024-05-06.",
        "Where is my order A1042?",
    ),
    (
        "Products: Trail Runner 3 ($89.00, blue, sizes 38-46); Road Flex ($64.50, black).",
        "Which running shoes do you have under $90?",
    ),
    (
        "Return policy: 30 days, unworn, with receipt; refunds in 5-7 days.",
        "Can I return shoes I bought three weeks ago?",
    ),
    ("Order B2210: placed, awaiting payment. Total $42.80.", "Why hasn't my order shipped yet?"),
    (
        "Products: Ceramic Wok 30 cm ($39.90); Steel Wok 32 cm ($29.00, induction).",
        "Is there a wok that works on induction?",
    ),
    (
        "Shipping: free over $50, else $4.99; 2-4 working days.",
        "How much is delivery for a $30 order?",
    ),
    (
        "Order C3307: delivered 2024-04-28, signed by J. Li.",
        "My parcel says delivered but I can't find it.",
    ),
    (
        "Products: Green Tea 100 bags ($8.50, organic); Jasmine Tea 50 bags ($6.20).",
        "Do you sell organic tea?",
    ),
    (
        "Order D4418: cancelled on 2024-05-01 at the shopper's request; refund issued.",
        "Did I get my money back for order D4418?",
    ),
    (
        "Products: USB-C cable 2 m ($12.50, braided); USB-C cable 1 m ($9.00).",
        "I need a long phone charging cable.",
    ),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut model_path = std::env::var_os("AISLE_LLM_MODEL").map(PathBuf::from);
    let mut runs = 1usize;
    let mut max_tokens = 48usize;
    let mut sweep = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--model" => model_path = Some(PathBuf::from(value()?)),
            "--runs" => runs = value()?.parse()?,
            "--max-tokens" => max_tokens = value()?.parse()?,
            "--sweep" => sweep = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let model_path = model_path.ok_or("name the model with --model or AISLE_LLM_MODEL")?;
    let loading = Instant::now();
    let model = LocalGguf::load(&model_path)?;
    let load = loading.elapsed();
    println!("model: {} (loaded in {:.2} s)", model.path().display(), load.as_secs_f64());
    println!("threads: {}", std::thread::available_parallelism().map_or(1, |n| n.get()));

    // A warm-up answer, so the first measured prompt does not pay for page faults.
    let warm = [ChatMessage::user("Hello")];
    model
        .generate(&warm, &GenerateOptions { max_tokens: 4, ..Default::default() }, &mut |_| true)?;

    let options = GenerateOptions { max_tokens, ..GenerateOptions::default() };
    let mut first_tokens = Vec::new();
    let mut prompt_lengths = Vec::new();
    let (mut decoded, mut decode_time) = (0usize, Duration::ZERO);
    for _ in 0..runs {
        for (facts, question) in TURNS {
            let messages = [
                ChatMessage::system(format!("{SYSTEM}\nFacts: {facts}")),
                ChatMessage::user(*question),
            ];
            let answer = model.generate(&messages, &options, &mut |_| true)?;
            let decode = answer.total.saturating_sub(answer.first_token);
            println!(
                "prompt {:3} tokens: first token {:6.0} ms, {:3} tokens at {:5.1} tokens/s: {:?}",
                answer.prompt_tokens,
                answer.first_token.as_secs_f64() * 1e3,
                answer.generated_tokens,
                answer.decode_tokens_per_second(),
                answer.text.chars().take(70).collect::<String>()
            );
            first_tokens.push(answer.first_token);
            prompt_lengths.push(answer.prompt_tokens);
            decoded += answer.generated_tokens.saturating_sub(1);
            decode_time += decode;
        }
    }
    if sweep {
        sweep_prompt_lengths(&model)?;
    }
    first_tokens.sort();
    prompt_lengths.sort();
    let p50 = first_tokens[first_tokens.len() / 2];
    let worst = first_tokens[first_tokens.len() - 1];
    let rate = decoded as f64 / decode_time.as_secs_f64().max(1e-9);
    println!(
        "first token p50 {:.0} ms, worst {:.0} ms over prompts of {}-{} tokens (median {}); decode {:.1} tokens/s",
        p50.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3,
        prompt_lengths[0],
        prompt_lengths[prompt_lengths.len() - 1],
        prompt_lengths[prompt_lengths.len() / 2],
        rate
    );
    println!(
        "{{\"first_token_p50_ms\":{:.1},\"first_token_max_ms\":{:.1},\"prompt_tokens_median\":{},\"decode_tokens_per_second\":{:.2},\"load_seconds\":{:.3}}}",
        p50.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3,
        prompt_lengths[prompt_lengths.len() / 2],
        rate,
        load.as_secs_f64()
    );
    Ok(())
}

/// First-token time against prompt length: the facts of every turn, repeated until the prompt
/// reaches each target (the median of 3 answers of one token).
fn sweep_prompt_lengths(model: &LocalGguf) -> Result<(), Box<dyn std::error::Error>> {
    let all_facts: Vec<&str> = TURNS.iter().map(|(facts, _)| *facts).collect();
    for target in [200, 400, 800, 1600] {
        let mut facts = String::new();
        let mut messages = Vec::new();
        for fact in all_facts.iter().cycle() {
            facts.push_str(fact);
            facts.push('\n');
            messages = vec![
                ChatMessage::system(format!("{SYSTEM}\nFacts:\n{facts}")),
                ChatMessage::user("Which of these can I get delivered this week?"),
            ];
            if model.prompt_tokens(&messages)? >= target {
                break;
            }
        }
        let mut times = Vec::new();
        for _ in 0..3 {
            let one = GenerateOptions { max_tokens: 1, ..GenerateOptions::default() };
            times.push(model.generate(&messages, &one, &mut |_| true)?.first_token);
        }
        times.sort();
        println!(
            "sweep: prompt {:4} tokens: first token {:5.0} ms",
            model.prompt_tokens(&messages)?,
            times[1].as_secs_f64() * 1e3
        );
    }
    Ok(())
}
