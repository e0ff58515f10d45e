//! Embedding throughput: titles per second, tokens per second and GFLOP/s, set against the
//! machine's peak single-precision rate, measured two ways (a large matrix product, the
//! practical peak; and a loop of independent fused multiply-adds) and computed two ways (from
//! the CPU's description, as `lscpu` gives it; and from the clock and core count the FMA loop
//! reveals, which on a VM whose vCPUs are hyperthreads of one core is the honest ceiling).
//! Ends with one JSON line holding every figure.
//!
//! Run with:
//! `cargo run --release -p aisle-embed --example embed_throughput -- --model DIR [--titles FILE]
//! [--n 2000] [--batch 64] [--runs 3]` (or set `AISLE_EMBED_MODEL` instead of `--model`).
//! Without `--titles`, a built-in list of product titles, repeated with numbers, is embedded.

use std::path::PathBuf;
use std::time::Instant;

use aisle_embed::{Architecture, Encoder, DEFAULT_BATCH};
use candle_core::{Device, Tensor};
use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Failure = Box<dyn std::error::Error>;

fn main() -> Result<(), Failure> {
    let flags = Flags::from_args()?;
    let model = flags
        .value("--model")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("AISLE_EMBED_MODEL").map(PathBuf::from))
        .ok_or("give --model DIR or set AISLE_EMBED_MODEL")?;
    let n: usize = flags.number("--n", 2000)?;
    let batch: usize = flags.number("--batch", DEFAULT_BATCH)?;
    let runs: usize = flags.number("--runs", 3)?.max(1);

    let started = Instant::now();
    let encoder = Encoder::load(&model)?;
    let load_seconds = started.elapsed().as_secs_f64();
    let titles = match flags.value("--titles") {
        Some(path) => std::fs::read_to_string(path)?
            .lines()
            .filter(|line| !line.trim().is_empty())
            .cycle()
            .take(n)
            .map(String::from)
            .collect(),
        None => built_in_titles(n),
    };
    let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
    let arch = encoder.architecture().clone();
    let threads = rayon::current_num_threads();
    println!(
        "model {} ({} layers, hidden {}, intermediate {}), loaded in {load_seconds:.2} s; \
         {} titles, batch {batch}, {threads} threads",
        encoder.model_name(),
        arch.layers,
        arch.hidden,
        arch.intermediate,
        titles.len()
    );

    let lengths: Vec<usize> =
        titles.iter().map(|t| encoder.token_count(t)).collect::<Result<_, _>>()?;
    let tokens: usize = lengths.iter().sum();
    let flop: f64 = lengths.iter().map(|&len| flop_per_sequence(&arch, len)).sum();
    println!(
        "FLOP per sequence of L tokens = layers x (L x 2(4h^2 + 2hi) + 4 L^2 h) = {} x \
         (L x {} + {} L^2); embeddings, LayerNorm, GELU and softmax not counted",
        arch.layers,
        2 * (4 * arch.hidden * arch.hidden + 2 * arch.hidden * arch.intermediate),
        4 * arch.hidden
    );
    println!(
        "{tokens} tokens ({:.1} per title), {:.2} GFLOP per pass",
        tokens as f64 / titles.len().max(1) as f64,
        flop / 1e9
    );

    encoder.encode_with_progress(&titles[..titles.len().min(2 * batch)], batch, &mut |_, _| {})?;
    let mut seconds = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let vectors = encoder.encode_with_progress(&titles, batch, &mut |_, _| {})?;
        seconds.push(started.elapsed().as_secs_f64());
        assert_eq!(vectors.len(), titles.len());
    }
    let best = seconds.iter().copied().fold(f64::INFINITY, f64::min);
    let mean = seconds.iter().sum::<f64>() / runs as f64;
    let titles_per_second = titles.len() as f64 / best;
    let tokens_per_second = tokens as f64 / best;
    let gflops = flop / best / 1e9;
    println!(
        "best of {runs}: {best:.3} s (mean {mean:.3} s): {titles_per_second:.0} titles/s, \
         {tokens_per_second:.0} tokens/s, {gflops:.1} GFLOP/s"
    );

    let query_ms = single_query_ms(&encoder, &titles)?;
    println!("one query alone: {query_ms:.2} ms (median of 31)");

    let faer_peak = faer_matmul_gflops(2048);
    let candle_peak = candle_matmul_gflops(2048)?;
    let (fma_one, fma_lanes) = fma_gflops(1);
    let (fma_all, _) = fma_gflops(threads);
    let practical = faer_peak.max(candle_peak).max(fma_all).max(fma_one);
    let cpu = CpuDescription::read();
    let theoretical = cpu.peak_gflops();
    // The FMA loop's single-thread rate gives the clock (2 FMA units of `fma_lanes` lanes, 2
    // FLOP each), and all threads against one shows how many cores really compute: vCPUs that
    // are hyperthreads of one core share its FMA units.
    let ghz = fma_one / (fma_lanes as f64 * 2.0 * 2.0);
    let compute_cores = (fma_all / fma_one).round().clamp(1.0, threads as f64);
    let calibrated = compute_cores * ghz * cpu.lanes as f64 * 2.0 * 2.0;
    println!(
        "practical peak: 2048^3 product {faer_peak:.1} GFLOP/s with faer (this crate's \
         products), {candle_peak:.1} with candle; {fma_lanes}-lane FMA loop {fma_one:.1} GFLOP/s \
         on 1 thread, {fma_all:.1} on {threads}"
    );
    println!(
        "theoretical peak (lscpu): {} cores x {:.0} MHz x {} lanes x 2 (FMA) x 2 FMA units = \
         {theoretical:.1} GFLOP/s ({})",
        cpu.cores, cpu.mhz, cpu.lanes, cpu.model
    );
    println!(
        "theoretical peak (measured): {compute_cores:.0} computing core(s) x {ghz:.2} GHz (from \
         the FMA loop) x {} lanes x 2 x 2 = {calibrated:.1} GFLOP/s",
        cpu.lanes
    );
    let share_practical = gflops / practical;
    let share_theoretical = gflops / theoretical;
    let share_calibrated = gflops / calibrated;
    println!(
        "embedding share of peak: {:.0}% of practical, {:.0}% of theoretical (lscpu), {:.0}% of \
         theoretical (measured)",
        100.0 * share_practical,
        100.0 * share_theoretical,
        100.0 * share_calibrated
    );
    let report = serde_json::json!({
        "model": encoder.model_name(),
        "titles": titles.len(),
        "batch": batch,
        "threads": threads,
        "tokens": tokens,
        "tokens_per_title": tokens as f64 / titles.len().max(1) as f64,
        "load_seconds": load_seconds,
        "seconds_best": best,
        "seconds_mean": mean,
        "titles_per_second": titles_per_second,
        "tokens_per_second": tokens_per_second,
        "gflop": flop / 1e9,
        "gflop_per_second": gflops,
        "query_ms": query_ms,
        "peak_matmul_faer_gflops": faer_peak,
        "peak_matmul_candle_gflops": candle_peak,
        "peak_fma_loop_one_thread_gflops": fma_one,
        "peak_fma_loop_all_threads_gflops": fma_all,
        "fma_loop_lanes": fma_lanes,
        "clock_ghz_from_fma_loop": ghz,
        "computing_cores": compute_cores,
        "peak_theoretical_measured_gflops": calibrated,
        "share_of_theoretical_measured_peak": share_calibrated,
        "peak_practical_gflops": practical,
        "peak_theoretical_lscpu_gflops": theoretical,
        "share_of_practical_peak": share_practical,
        "share_of_theoretical_lscpu_peak": share_theoretical,
    });
    println!("{report}");
    Ok(())
}

/// Matrix-product FLOPs of one sequence through the encoder layers: per token and layer the
/// four hidden x hidden projections and the two feed-forward products (2 FLOP per
/// multiply-add), plus attention's two L x L x hidden products per layer.
fn flop_per_sequence(arch: &Architecture, len: usize) -> f64 {
    let (h, i, l) = (arch.hidden as f64, arch.intermediate as f64, len as f64);
    arch.layers as f64 * (l * 2.0 * (4.0 * h * h + 2.0 * h * i) + 4.0 * l * l * h)
}

/// Median time to embed one title alone, as a search query is.
fn single_query_ms(encoder: &Encoder, titles: &[&str]) -> Result<f64, Failure> {
    let mut times = Vec::new();
    for title in titles.iter().cycle().take(31) {
        let started = Instant::now();
        encoder.encode(&[title])?;
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// Varied product titles, repeated with numbers: about 10 to 16 word pieces each.
fn built_in_titles(n: usize) -> Vec<String> {
    const ADJECTIVES: &[&str] = &[
        "Lightweight",
        "Waterproof",
        "Organic",
        "Stainless Steel",
        "Wireless",
        "Handmade",
        "Ergonomic",
        "Vintage",
        "Compact",
        "Premium",
        "Non-Stick",
        "Rechargeable",
        "Insulated",
        "Adjustable",
        "Foldable",
        "Scented",
    ];
    const PRODUCTS: &[&str] = &[
        "Running Shoes",
        "Ceramic Wok",
        "Bluetooth Headphones",
        "Yoga Mat",
        "Coffee Grinder",
        "Leather Wallet",
        "Desk Lamp",
        "Hiking Backpack",
        "Green Tea",
        "Phone Case",
        "Cast Iron Skillet",
        "Wool Socks",
        "Water Bottle",
        "Mechanical Keyboard",
        "Face Serum",
        "Dog Harness",
        "Soy Candle",
        "Chef's Knife",
        "Rain Jacket",
        "Board Game",
    ];
    const DETAILS: &[&str] = &[
        "- Blue",
        "for Men",
        "for Women",
        "(Pack of 2)",
        "with Lid",
        "2 m, Braided",
        "Large",
        "USB-C",
        "500 ml",
        "Set of 4",
        "with Vitamin C",
        "Gift Box",
        "30 cm",
        "for Kids",
    ];
    (0..n)
        .map(|i| {
            format!(
                "{} {} {} {}",
                ADJECTIVES[i % ADJECTIVES.len()],
                PRODUCTS[(i / 3) % PRODUCTS.len()],
                DETAILS[(i / 7) % DETAILS.len()],
                1000 + i % 977
            )
        })
        .collect()
}

/// Best GFLOP/s of a square f32 product with faer on all threads, as the encoder's products run.
fn faer_matmul_gflops(size: usize) -> f64 {
    let a: Vec<f32> = (0..size * size).map(|i| (i % 17) as f32 * 0.01).collect();
    let b: Vec<f32> = (0..size * size).map(|i| (i % 13) as f32 * 0.01).collect();
    let mut c = vec![0f32; size * size];
    let flop = 2.0 * (size as f64).powi(3);
    best_of(5, || {
        matmul(
            MatMut::from_row_major_slice_mut(&mut c, size, size),
            Accum::Replace,
            MatRef::from_row_major_slice(&a, size, size),
            MatRef::from_row_major_slice(&b, size, size),
            1.0,
            Par::rayon(0),
        );
    }) * flop
        / 1e9
}

/// The same with candle's matrix product.
fn candle_matmul_gflops(size: usize) -> Result<f64, Failure> {
    let a = Tensor::rand(0f32, 1f32, (size, size), &Device::Cpu)?;
    let b = Tensor::rand(0f32, 1f32, (size, size), &Device::Cpu)?;
    let mut failure = None;
    let rate = best_of(3, || {
        if let Err(e) = a.matmul(&b) {
            failure = Some(e);
        }
    });
    match failure {
        Some(e) => Err(e.into()),
        None => Ok(rate * 2.0 * (size as f64).powi(3) / 1e9),
    }
}

/// Runs `work` once untimed, then `times` times; the best rate in runs per second.
fn best_of(times: usize, mut work: impl FnMut()) -> f64 {
    work();
    (0..times)
        .map(|_| {
            let started = Instant::now();
            work();
            1.0 / started.elapsed().as_secs_f64()
        })
        .fold(0.0, f64::max)
}

/// Independent fused multiply-adds on every thread, in the widest vectors `pulp` dispatches to
/// (AVX2's 8 lanes on x86 with the workspace's pulp features; AVX-512 needs pulp's `x86-v4`).
/// Returns GFLOP/s and the lane count.
fn fma_gflops(threads: usize) -> (f64, usize) {
    const ITERATIONS: u64 = 40_000_000;
    let run = || pulp::Arch::new().dispatch(FmaLoop { iterations: ITERATIONS });
    run();
    let started = Instant::now();
    let results: Vec<(f32, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(run)).collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let lanes = results.first().map_or(1, |&(_, lanes)| lanes);
    let checksum: f32 = results.iter().map(|&(sum, _)| sum).sum();
    assert!(checksum.is_finite());
    let flop =
        results.len() as f64 * ITERATIONS as f64 * FmaLoop::CHAINS as f64 * lanes as f64 * 2.0;
    (flop / seconds / 1e9, lanes)
}

struct FmaLoop {
    iterations: u64,
}

impl FmaLoop {
    /// Independent accumulators: enough to cover an FMA's latency on two FMA units.
    const CHAINS: usize = 12;
}

impl pulp::WithSimd for FmaLoop {
    type Output = (f32, usize);

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) -> Self::Output {
        let (a, b) = (simd.splat_f32s(0.999_999), simd.splat_f32s(1e-7));
        let mut chains = [simd.splat_f32s(1.0); Self::CHAINS];
        for _ in 0..self.iterations {
            for chain in chains.iter_mut() {
                *chain = simd.mul_add_f32s(*chain, a, b);
            }
        }
        let total = chains.iter().fold(simd.splat_f32s(0.0), |sum, &c| simd.add_f32s(sum, c));
        (simd.reduce_sum_f32s(total), S::F32_LANES)
    }
}

/// What `lscpu` would say: cores, clock and vector width.
struct CpuDescription {
    model: String,
    cores: usize,
    mhz: f64,
    lanes: usize,
}

impl CpuDescription {
    fn read() -> CpuDescription {
        let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let field = |name: &str| {
            info.lines()
                .find(|line| line.starts_with(name))
                .and_then(|line| line.split(':').nth(1))
                .map(|value| value.trim().to_string())
        };
        // The highest clock the kernel knows (turbo), else the nominal one.
        let max_khz =
            std::fs::read_to_string("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
                .ok()
                .and_then(|text| text.trim().parse::<f64>().ok());
        let mhz = max_khz
            .map(|khz| khz / 1000.0)
            .or_else(|| field("cpu MHz").and_then(|v| v.parse().ok()))
            .unwrap_or(0.0);
        let flags = field("flags").unwrap_or_default();
        let has = |flag: &str| flags.split_whitespace().any(|f| f == flag);
        let lanes = if has("avx512f") {
            16
        } else if has("avx2") && has("fma") {
            8
        } else {
            4
        };
        CpuDescription {
            model: field("model name").unwrap_or_else(|| "unknown CPU".into()),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            mhz,
            lanes,
        }
    }

    fn peak_gflops(&self) -> f64 {
        self.cores as f64 * self.mhz * 1e-3 * self.lanes as f64 * 2.0 * 2.0
    }
}

/// `--name value` pairs from the command line.
struct Flags(Vec<String>);

impl Flags {
    fn from_args() -> Result<Flags, Failure> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if !args.len().is_multiple_of(2) || args.iter().step_by(2).any(|a| !a.starts_with("--")) {
            return Err("usage: embed_throughput [--model DIR] [--titles FILE] [--n N] \
                        [--batch B] [--runs R]"
                .into());
        }
        Ok(Flags(args))
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.0.chunks(2).find(|pair| pair[0] == name).map(|pair| pair[1].as_str())
    }

    fn number(&self, name: &str, default: usize) -> Result<usize, Failure> {
        match self.value(name) {
            Some(text) => text.parse().map_err(|e| format!("{name} {text}: {e}").into()),
            None => Ok(default),
        }
    }
}
