//! Non-personal baselines: `popular` (most interacted items) and `trending` (recent interactions,
//! decayed by age). Both score every item the same way for everybody; they are the floor every
//! personal model must beat and the fallback for users with no history.
//!
//! This module does not look at the query: a user's own history is excluded at top-K time by the
//! caller, not here.

use serde::{Deserialize, Serialize};

use crate::{artifact, Error, Query, Recommender, Result, TrainData};

const MILLIS_PER_DAY: f64 = 86_400_000.0;

/// Configuration of `popular`: an item's score is the sum over users of their interaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PopularConfig {
    /// Count each user once per item (`true`) instead of summing interaction weights.
    pub binary: bool,
}

impl Default for PopularConfig {
    fn default() -> Self {
        Self { binary: true }
    }
}

impl PopularConfig {
    /// Nothing can be out of range; kept so every config has the same shape.
    pub fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// Configuration of `trending`: interactions within `window_days` of the newest interaction in
/// the matrix, each weighted by `0.5^(age / half_life_days)`. The matrix keeps one time per
/// (user, item) pair, its latest, so a pair counts once, at the age of its latest event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrendingConfig {
    /// How far back from the newest interaction to count, in days (positive).
    pub window_days: f64,
    /// Age at which an interaction counts half, in days (positive).
    pub half_life_days: f64,
    /// Count each user once per item instead of summing interaction weights.
    pub binary: bool,
}

impl Default for TrendingConfig {
    fn default() -> Self {
        Self { window_days: 30.0, half_life_days: 7.0, binary: true }
    }
}

impl TrendingConfig {
    /// Checks that the window and half-life are positive and finite.
    pub fn validate(&self) -> Result<()> {
        positive("trending", "window_days", self.window_days)?;
        positive("trending", "half_life_days", self.half_life_days)
    }
}

fn positive(model: &'static str, parameter: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::Parameter {
            model,
            parameter,
            value: value.to_string(),
            expected: "expected a positive, finite number of days",
        })
    }
}

/// A trained `popular` model: one score per item.
#[derive(Debug, Clone, PartialEq)]
pub struct Popular {
    scores: Vec<f32>,
}

/// A trained `trending` model: one decayed score per item.
#[derive(Debug, Clone, PartialEq)]
pub struct Trending {
    scores: Vec<f32>,
}

fn require_interactions(model: &'static str, data: &TrainData<'_>) -> Result<()> {
    if data.matrix.n_rows == 0 || data.matrix.nnz() == 0 {
        return Err(Error::NoData {
            model,
            detail: "the interaction matrix is empty; import events or orders first".into(),
        });
    }
    Ok(())
}

/// Counts every item's interactions.
pub fn fit(config: &PopularConfig, data: &TrainData<'_>) -> Result<Popular> {
    let _span = tracing::info_span!("fit", model = "popular").entered();
    config.validate()?;
    require_interactions("popular", data)?;
    let m = data.matrix;
    let mut scores = vec![0f32; m.n_items];
    for (&item, &weight) in m.indices.iter().zip(&m.weights) {
        if let Some(s) = scores.get_mut(item as usize) {
            *s += if config.binary { 1.0 } else { weight };
        }
    }
    Ok(Popular { scores })
}

/// Counts every item's recent interactions, decayed by age.
pub fn fit_trending(config: &TrendingConfig, data: &TrainData<'_>) -> Result<Trending> {
    let _span = tracing::info_span!("fit", model = "trending").entered();
    config.validate()?;
    require_interactions("trending", data)?;
    let m = data.matrix;
    let newest = m.last_millis.iter().copied().max().unwrap_or(0);
    let window = config.window_days * MILLIS_PER_DAY;
    let half_life = config.half_life_days * MILLIS_PER_DAY;
    let mut scores = vec![0f32; m.n_items];
    for ((&item, &weight), &millis) in m.indices.iter().zip(&m.weights).zip(&m.last_millis) {
        // i128 because two far-apart i64 timestamps can overflow a subtraction.
        let age = (i128::from(newest) - i128::from(millis)) as f64;
        if age > window {
            continue;
        }
        let decay = 0.5f64.powf(age / half_life);
        if let Some(s) = scores.get_mut(item as usize) {
            *s += ((if config.binary { 1.0 } else { f64::from(weight) }) * decay) as f32;
        }
    }
    Ok(Trending { scores })
}

fn load_scores(input: &mut artifact::Reader<'_>) -> Result<Vec<f32>> {
    let scores = input.f32s()?;
    if scores.iter().any(|s| !s.is_finite()) {
        return Err(Error::Artifact(
            "a popularity score is not finite; the file is corrupt".into(),
        ));
    }
    Ok(scores)
}

impl Popular {
    /// Reads the payload written by [`Recommender::save`].
    pub fn load(input: &mut artifact::Reader<'_>) -> Result<Self> {
        Ok(Self { scores: load_scores(input)? })
    }
}

impl Trending {
    /// Reads the payload written by [`Recommender::save`].
    pub fn load(input: &mut artifact::Reader<'_>) -> Result<Self> {
        Ok(Self { scores: load_scores(input)? })
    }
}

fn copy_scores(from: &[f32], scores: &mut [f32]) {
    let n = from.len().min(scores.len());
    scores[..n].copy_from_slice(&from[..n]);
}

impl Recommender for Popular {
    fn name(&self) -> &'static str {
        "popular"
    }
    fn n_items(&self) -> usize {
        self.scores.len()
    }
    fn score(&self, _query: &Query<'_>, scores: &mut [f32]) {
        copy_scores(&self.scores, scores);
    }
    fn save(&self, out: &mut artifact::Writer<'_>) -> Result<()> {
        out.f32s(&self.scores)
    }
}

impl Recommender for Trending {
    fn name(&self) -> &'static str {
        "trending"
    }
    fn n_items(&self) -> usize {
        self.scores.len()
    }
    fn score(&self, _query: &Query<'_>, scores: &mut [f32]) {
        copy_scores(&self.scores, scores);
    }
    fn save(&self, out: &mut artifact::Writer<'_>) -> Result<()> {
        out.f32s(&self.scores)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aisle_domain::InteractionMatrix;

    const DAY: i64 = 86_400_000;

    fn data(matrix: &InteractionMatrix) -> TrainData<'_> {
        TrainData { threads: 1, ..TrainData::new(matrix) }
    }

    fn scores(model: &dyn Recommender) -> Vec<f32> {
        let mut out = vec![f32::NAN; model.n_items()];
        model.score(&Query::default(), &mut out);
        out
    }

    #[test]
    fn popular_counts_users_or_sums_weights() {
        // Users: 0 -> {0 (w3), 1}, 1 -> {1}, 2 -> {1, 2 (w5)}; item 3 untouched.
        let m = InteractionMatrix::from_columns(
            3,
            4,
            &[0, 0, 1, 2, 2],
            &[0, 1, 1, 1, 2],
            &[3.0, 1.0, 1.0, 1.0, 5.0],
            &[0; 5],
        );
        let binary = fit(&PopularConfig { binary: true }, &data(&m)).expect("fit");
        assert_eq!(scores(&binary), vec![1.0, 3.0, 1.0, 0.0]);
        let weighted = fit(&PopularConfig { binary: false }, &data(&m)).expect("fit");
        assert_eq!(scores(&weighted), vec![3.0, 3.0, 5.0, 0.0]);
    }

    #[test]
    fn trending_decays_by_age_and_drops_the_old() {
        // Item 0 now, item 1 a half-life ago, item 2 outside the window.
        let m = InteractionMatrix::from_columns(
            1,
            3,
            &[0, 0, 0],
            &[0, 1, 2],
            &[1.0; 3],
            &[100 * DAY, 93 * DAY, 60 * DAY],
        );
        let model = fit_trending(&TrendingConfig::default(), &data(&m)).expect("fit");
        let s = scores(&model);
        assert_eq!(s[0], 1.0);
        assert!((s[1] - 0.5).abs() < 1e-6, "{s:?}");
        assert_eq!(s[2], 0.0);
    }

    #[test]
    fn empty_matrices_and_bad_parameters_are_refused() {
        let empty = InteractionMatrix::from_columns(0, 0, &[], &[], &[], &[]);
        assert!(matches!(fit(&PopularConfig::default(), &data(&empty)), Err(Error::NoData { .. })));
        let no_events = InteractionMatrix::from_columns(2, 2, &[], &[], &[], &[]);
        assert!(matches!(
            fit_trending(&TrendingConfig::default(), &data(&no_events)),
            Err(Error::NoData { .. })
        ));
        for (window_days, half_life_days) in
            [(f64::NAN, 1.0), (1.0, 0.0), (-1.0, 1.0), (1.0, f64::INFINITY)]
        {
            let config = TrendingConfig { window_days, half_life_days, binary: true };
            assert!(matches!(config.validate(), Err(Error::Parameter { .. })), "{config:?}");
        }
    }
}
