//! Small synthetic datasets for the unit tests.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::dataset::{Dataset, Matrix};
use crate::model::sigmoid;

fn names(d: usize) -> Vec<String> {
    (0..d).map(|j| format!("x{j}")).collect()
}

/// Features `U(-1, 1)`, label `~ Bernoulli(σ(theta[0] + Σ theta[j] x_{j-1}))`.
pub(crate) fn linear(n: usize, theta: &[f64], seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let d = theta.len() - 1;
    let mut values = Vec::with_capacity(n * d);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let row: Vec<f32> = (0..d).map(|_| rng.random_range(-1.0f32..1.0)).collect();
        let margin =
            theta[0] + row.iter().zip(&theta[1..]).map(|(&x, t)| f64::from(x) * t).sum::<f64>();
        labels.push(rng.random::<f64>() < sigmoid(margin));
        values.extend(row);
    }
    Dataset::from_bools(Matrix::new(names(d), values).expect("shape"), labels).expect("labels")
}

/// Two informative features whose signs' XOR is the label (with `noise` of labels flipped),
/// plus `extra` pure-noise features.
pub(crate) fn xor(n: usize, extra: usize, noise: f64, seed: u64) -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let d = 2 + extra;
    let mut values = Vec::with_capacity(n * d);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let row: Vec<f32> = (0..d).map(|_| rng.random_range(-1.0f32..1.0)).collect();
        let label = (row[0] > 0.0) != (row[1] > 0.0);
        labels.push(label != (rng.random::<f64>() < noise));
        values.extend(row);
    }
    Dataset::from_bools(Matrix::new(names(d), values).expect("shape"), labels).expect("labels")
}
