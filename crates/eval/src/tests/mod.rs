//! Tests of the whole crate, with tiny scripted models and a scripted configuration so they do not
//! depend on the real models of `aisle-recommend`.

mod blend;
mod evaluation;
mod metrics;
mod protocol;
mod report;
mod search;
mod splits;

use std::sync::{Arc, Mutex};

use aisle_domain::InteractionMatrix;
use aisle_recommend::hybrid::Normalization;
use aisle_recommend::{artifact, Query, Recommender, TrainData};

use crate::Trainable;

/// A matrix from `(user, item, millis)` triples, weight 1.
pub(crate) fn matrix(
    n_users: usize,
    n_items: usize,
    pairs: &[(u32, u32, i64)],
) -> InteractionMatrix {
    let rows: Vec<u32> = pairs.iter().map(|p| p.0).collect();
    let items: Vec<u32> = pairs.iter().map(|p| p.1).collect();
    let millis: Vec<i64> = pairs.iter().map(|p| p.2).collect();
    InteractionMatrix::from_columns(
        n_users,
        n_items,
        &rows,
        &items,
        &vec![1.0; pairs.len()],
        &millis,
    )
}

/// A deterministic pseudo-random matrix: each user gets `per_user` distinct items at times 0..
pub(crate) fn random_matrix(n_users: usize, n_items: usize, per_user: usize) -> InteractionMatrix {
    let mut pairs = Vec::new();
    for u in 0..n_users as u64 {
        let mut item = mix(u) % n_items as u64;
        for t in 0..per_user as i64 {
            item = (item + 1 + mix(u * 31 + t as u64) % 7) % n_items as u64;
            pairs.push((u as u32, item as u32, t));
        }
    }
    matrix(n_users, n_items, &pairs)
}

/// SplitMix64: a fixed hash for scripted scores.
pub(crate) fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// How a scripted model scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scoring {
    /// Higher item index, higher score.
    ByIndex,
    /// One item first, the rest tied at 0.
    Favourite(u32),
    /// A fixed pseudo-random score per (user, item).
    Hashed,
}

pub(crate) struct ScriptedModel {
    pub(crate) n_items: usize,
    pub(crate) scoring: Scoring,
}

impl Recommender for ScriptedModel {
    fn name(&self) -> &'static str {
        "scripted"
    }

    fn n_items(&self) -> usize {
        self.n_items
    }

    fn score(&self, query: &Query<'_>, scores: &mut [f32]) {
        let user = u64::from(query.user.unwrap_or(u32::MAX));
        for (i, s) in scores.iter_mut().enumerate() {
            *s = match self.scoring {
                Scoring::ByIndex => i as f32,
                Scoring::Favourite(f) => f32::from(u8::from(i as u32 == f)),
                Scoring::Hashed => (mix(user << 32 | i as u64) % 1000) as f32,
            };
        }
    }

    fn save(&self, _out: &mut artifact::Writer<'_>) -> aisle_recommend::Result<()> {
        Ok(())
    }
}

/// A scripted configuration: `favourite=N` picks the favourite item; with `components` it is a
/// scripted hybrid whose `weights` blend them. Every fit records the number of pairs it was
/// trained on.
#[derive(Debug, Clone)]
pub(crate) struct ScriptedConfig {
    pub(crate) scoring: Scoring,
    pub(crate) components: Vec<Scoring>,
    pub(crate) weights: Vec<f64>,
    pub(crate) fits: Arc<Mutex<Vec<usize>>>,
}

impl ScriptedConfig {
    pub(crate) fn new(scoring: Scoring) -> Self {
        Self { scoring, components: Vec::new(), weights: Vec::new(), fits: Arc::default() }
    }

    pub(crate) fn hybrid(components: &[Scoring], weights: &[f64]) -> Self {
        Self {
            components: components.to_vec(),
            weights: weights.to_vec(),
            ..Self::new(Scoring::ByIndex)
        }
    }

    pub(crate) fn trained_on(&self) -> Vec<usize> {
        self.fits.lock().map(|f| f.clone()).unwrap_or_default()
    }
}

impl PartialEq for ScriptedConfig {
    fn eq(&self, other: &Self) -> bool {
        self.scoring == other.scoring
            && self.components == other.components
            && self.weights == other.weights
    }
}

fn bad(value: &str) -> aisle_recommend::Error {
    aisle_recommend::Error::Parameter {
        model: "scripted",
        parameter: "favourite",
        value: value.to_string(),
        expected: "a whole number",
    }
}

impl Trainable for ScriptedConfig {
    fn name(&self) -> &str {
        "scripted"
    }

    fn set(&mut self, key: &str, value: &str) -> aisle_recommend::Result<()> {
        match key {
            "favourite" => {
                self.scoring = Scoring::Favourite(value.parse().map_err(|_| bad(value))?)
            }
            "weights" => self.weights = serde_json::from_str(value).map_err(|_| bad(value))?,
            _ => return Err(bad(key)),
        }
        Ok(())
    }

    fn fit(&self, data: &TrainData<'_>) -> aisle_recommend::Result<Box<dyn Recommender>> {
        if let Ok(mut fits) = self.fits.lock() {
            fits.push(data.matrix.nnz());
        }
        // A trained scripted hybrid scores like its most weighted component.
        let heaviest = self.weights.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1));
        let scoring = heaviest.and_then(|(i, _)| self.components.get(i)).copied();
        Ok(Box::new(ScriptedModel {
            n_items: data.matrix.n_items,
            scoring: scoring.unwrap_or(self.scoring),
        }))
    }

    fn to_json(&self) -> serde_json::Value {
        let favourite = match self.scoring {
            Scoring::Favourite(f) => serde_json::json!(f),
            _ => serde_json::Value::Null,
        };
        serde_json::json!({"model": "scripted", "favourite": favourite, "weights": self.weights})
    }

    fn blend_parts(&self) -> Option<(Vec<Self>, Normalization)> {
        let part = |&scoring| Self { scoring, fits: Arc::clone(&self.fits), ..Self::new(scoring) };
        let parts: Vec<Self> = self.components.iter().map(part).collect();
        (!parts.is_empty()).then_some((parts, Normalization::MinMax))
    }
}
