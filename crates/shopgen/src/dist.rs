//! Random streams and the few distributions the generator draws from (normal, log-normal,
//! gamma, geometric).
//!
//! This is not a general statistics library: only what the shop needs, written out so the
//! crate depends on nothing beyond `rand` and `rand_chacha`, and so that every draw is cheap
//! enough for the hot loop.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The generator's random number source. ChaCha8 is fast and its output is fixed across
/// platforms and `rand` versions, which is what makes a seed reproducible.
pub(crate) type ShopRng = ChaCha8Rng;

/// Independent stream ids. Each part of the shop draws from its own stream so that, for
/// example, changing how sessions behave never changes the catalog.
pub(crate) mod stream {
    /// The catalog.
    pub const CATALOG: u64 = 1 << 63;
    /// The shoppers' profiles.
    pub const SHOPPERS: u64 = (1 << 63) | 1;
    /// The session schedule.
    pub const SCHEDULE: u64 = (1 << 63) | 2;
    // Session `n` uses stream `n`, which never reaches these high values.
}

/// A random stream derived from the seed and a stream id. Sessions get one each, keyed by their
/// index, so a session's events depend only on the seed and the session, never on batching.
pub(crate) fn rng_for(seed: u64, stream_id: u64) -> ShopRng {
    let mut key = [0u8; 32];
    let mut state = seed;
    for chunk in key.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    let mut rng = ShopRng::from_seed(key);
    rng.set_stream(stream_id);
    rng
}

/// SplitMix64: spreads a small seed (0, 1, 2...) over a whole key, so neighbouring seeds give
/// unrelated shops.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform draw in (0, 1], safe to take the logarithm of.
pub(crate) fn open01(rng: &mut impl Rng) -> f64 {
    1.0 - rng.random::<f64>()
}

/// A standard normal draw (Box-Muller; one of the pair is dropped, which is simpler than caching
/// and fast enough off the per-event path).
pub(crate) fn normal(rng: &mut impl Rng) -> f64 {
    let u = open01(rng);
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// A log-normal draw with the given median and log-scale sigma.
pub(crate) fn log_normal(rng: &mut impl Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// A gamma draw with unit scale (Marsaglia and Tsang), used for Dirichlet-like taste weights.
pub(crate) fn gamma(rng: &mut impl Rng, shape: f64) -> f64 {
    if shape < 1.0 {
        // Boosting a shape below one: Gamma(a) = Gamma(a + 1) * U^(1/a).
        return gamma(rng, shape + 1.0) * open01(rng).powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u = open01(rng);
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

/// A geometric draw on 1, 2, 3... with the given mean (at least 1).
pub(crate) fn geometric(rng: &mut impl Rng, mean: f64) -> u32 {
    if mean <= 1.0 {
        return 1;
    }
    let p = 1.0 / mean;
    let draws = (open01(rng).ln() / (1.0 - p).ln()).ceil();
    // Capped so one freak draw cannot make a ten-thousand-view session.
    draws.clamp(1.0, 50.0 * mean) as u32
}

/// A value from `weights` chosen by linear scan: for the short tables (a handful of devices,
/// referrers) where an alias table is not worth building.
pub(crate) fn pick<'a, T>(rng: &mut impl Rng, weighted: &'a [(T, f64)]) -> &'a T {
    let total: f64 = weighted.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    for (value, weight) in weighted {
        if x < *weight {
            return value;
        }
        x -= weight;
    }
    // Rounding can leave a sliver past the last weight; it belongs to the last value.
    &weighted[weighted.len() - 1].0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: u64 = rng_for(7, 3).random();
        let b: u64 = rng_for(7, 3).random();
        let c: u64 = rng_for(7, 4).random();
        let d: u64 = rng_for(8, 3).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }

    #[test]
    fn draws_have_the_promised_means() {
        let mut rng = rng_for(1, 1);
        let n = 20_000;
        let mean = |f: &mut dyn FnMut() -> f64| (0..n).map(|_| f()).sum::<f64>() / n as f64;
        let g = mean(&mut || gamma(&mut rng, 0.7));
        assert!((g - 0.7).abs() < 0.05, "gamma mean {g}");
        let mut rng = rng_for(1, 2);
        let geo = mean(&mut || f64::from(geometric(&mut rng, 8.0)));
        assert!((geo - 8.0).abs() < 0.3, "geometric mean {geo}");
        let mut rng = rng_for(1, 3);
        let z = mean(&mut || normal(&mut rng));
        assert!(z.abs() < 0.05, "normal mean {z}");
    }
}
