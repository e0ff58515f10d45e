//! Reproducible noise for the unit tests: standard normal draws from a seeded generator, so a
//! test that checks an estimate against a tolerance sees the same sample on every run.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Standard normal draws (Box-Muller on a seeded ChaCha stream).
pub(crate) struct Gaussian {
    rng: ChaCha8Rng,
}

impl Gaussian {
    pub(crate) fn new(seed: u64) -> Gaussian {
        Gaussian { rng: ChaCha8Rng::seed_from_u64(seed) }
    }

    /// The next draw from N(0, 1).
    pub(crate) fn next(&mut self) -> f64 {
        // 1 - u keeps the logarithm's argument in (0, 1].
        let u: f64 = 1.0 - self.rng.random::<f64>();
        let v: f64 = self.rng.random();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}
