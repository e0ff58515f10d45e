//! `hybrid`: a weighted blend of any registry models. Every component scores the query, its
//! scores are normalised per query (so a popularity count and a cosine sum are comparable), and
//! the blend is `sum of weight * normalised score`.
//!
//! The weights are configuration here; learning them (a search on the validation split) is the
//! evaluation crate's job. The artifact nests each component's payload after the blend's own
//! settings, so one file holds the whole ensemble.

use serde::{Deserialize, Serialize};

use crate::artifact::{Reader, Writer};
use crate::registry::{self, ModelConfig};
use crate::{Error, Query, Recommender, Result, TrainData};

const MODEL: &str = "hybrid";

/// How each component's scores are made comparable, per query, over its finite scores. Items a
/// component cannot score (non-finite) get its lowest normalised value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Normalization {
    /// `(s - min) / (max - min)`, so every component spans [0, 1]; all-equal scores become 0.
    MinMax,
    /// `(s - mean) / standard deviation`; all-equal scores become 0.
    ZScore,
    /// The raw scores.
    None,
}

/// Configuration of `hybrid`: the components and their blend weights, one per component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HybridConfig {
    /// The models to blend (any registry model, each with its own configuration).
    pub components: Vec<ModelConfig>,
    /// The weight of each component: finite, non-negative, not all zero.
    pub weights: Vec<f32>,
    /// How scores are made comparable before blending.
    pub normalization: Normalization,
}

impl Default for HybridConfig {
    /// Item-kNN and user-kNN, equally weighted after z-scoring: on Amazon Beauty's validation
    /// item z-scores beat min-max and the weights mattered little.
    fn default() -> Self {
        Self {
            components: vec![
                ModelConfig::ItemKnn(Default::default()),
                ModelConfig::UserKnn(Default::default()),
            ],
            weights: vec![0.5, 0.5],
            normalization: Normalization::ZScore,
        }
    }
}

impl HybridConfig {
    /// Checks the weights against the components, and every component.
    pub fn validate(&self) -> Result<()> {
        let bad = |parameter, value: String, expected| {
            Err(Error::Parameter { model: MODEL, parameter, value, expected })
        };
        if self.components.is_empty() {
            return bad("components", "empty".into(), "expected at least one model to blend");
        }
        if self.weights.len() != self.components.len() {
            return bad(
                "weights",
                format!(
                    "{:?} ({} for {} components)",
                    self.weights,
                    self.weights.len(),
                    self.components.len()
                ),
                "expected one weight per component",
            );
        }
        if self.weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
            return bad(
                "weights",
                format!("{:?}", self.weights),
                "expected finite, non-negative weights",
            );
        }
        if self.weights.iter().all(|&w| w == 0.0) {
            return bad(
                "weights",
                format!("{:?}", self.weights),
                "expected at least one positive weight",
            );
        }
        self.components.iter().try_for_each(ModelConfig::validate)
    }
}

/// A trained `hybrid` model: its trained components and how to blend them.
pub struct Hybrid {
    components: Vec<Box<dyn Recommender>>,
    configs: Vec<ModelConfig>,
    weights: Vec<f32>,
    normalization: Normalization,
}

impl std::fmt::Debug for Hybrid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hybrid")
            .field("configs", &self.configs)
            .field("weights", &self.weights)
            .field("normalization", &self.normalization)
            .finish_non_exhaustive()
    }
}

/// Trains every component on the same data.
pub fn fit(config: &HybridConfig, data: &TrainData<'_>) -> Result<Hybrid> {
    let _span = tracing::info_span!("fit", model = MODEL).entered();
    config.validate()?;
    let components =
        config.components.iter().map(|c| registry::fit(c, data)).collect::<Result<Vec<_>>>()?;
    Ok(Hybrid {
        components,
        configs: config.components.clone(),
        weights: config.weights.clone(),
        normalization: config.normalization,
    })
}

impl Hybrid {
    /// Reads the payload written by [`Recommender::save`], components included.
    pub fn load(input: &mut Reader<'_>) -> Result<Self> {
        let (normalization, weights, configs): (Normalization, Vec<f32>, Vec<ModelConfig>) =
            input.json()?;
        let mut components = Vec::with_capacity(configs.len());
        for config in &configs {
            let n_items: usize = input.json()?;
            let component = registry::load_payload(config, input)?;
            if component.n_items() != n_items {
                return Err(Error::Artifact(format!(
                    "hybrid: component `{}` should score {n_items} items but holds {}",
                    config.name(),
                    component.n_items()
                )));
            }
            components.push(component);
        }
        let config = HybridConfig { components: configs, weights, normalization };
        config.validate().map_err(|e| Error::Artifact(format!("hybrid: {e}")))?;
        Ok(Self { components, configs: config.components, weights: config.weights, normalization })
    }
}

/// Scores `query` with every component, normalises each component's scores per query and sums
/// them with `weights` into `scores`. Public so the evaluation harness can re-weight trained
/// components exactly as a trained hybrid scores.
pub fn blend_scores(
    components: &[Box<dyn Recommender>],
    weights: &[f32],
    normalization: Normalization,
    query: &Query<'_>,
    scores: &mut [f32],
) {
    scores.fill(0.0);
    let mut component_scores = Vec::new();
    for (component, &weight) in components.iter().zip(weights) {
        if weight == 0.0 {
            continue;
        }
        component_scores.clear();
        component_scores.resize(component.n_items(), 0.0);
        component.score(query, &mut component_scores);
        normalize(&mut component_scores, normalization);
        for (s, c) in scores.iter_mut().zip(&component_scores) {
            *s += weight * c;
        }
    }
}

/// Normalises finite scores in place and moves non-finite ones to the lowest normalised value.
fn normalize(scores: &mut [f32], how: Normalization) {
    let finite = || scores.iter().copied().filter(|s| s.is_finite());
    let count = finite().count();
    if count == 0 {
        scores.fill(0.0);
        return;
    }
    let (min, max) =
        finite().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), s| (lo.min(s), hi.max(s)));
    let (shift, scale) = match how {
        Normalization::None => (0.0, 1.0),
        Normalization::MinMax => (min, if max > min { 1.0 / (max - min) } else { 0.0 }),
        Normalization::ZScore => {
            // f64 sums: a catalog of a million scores loses precision in f32.
            let mean = finite().map(f64::from).sum::<f64>() / count as f64;
            let variance =
                finite().map(|s| (f64::from(s) - mean).powi(2)).sum::<f64>() / count as f64;
            let sd = variance.sqrt();
            (mean as f32, if sd > 0.0 { (1.0 / sd) as f32 } else { 0.0 })
        }
    };
    let lowest = (min - shift) * scale;
    for s in scores.iter_mut() {
        *s = if s.is_finite() { (*s - shift) * scale } else { lowest };
    }
}

impl Recommender for Hybrid {
    fn name(&self) -> &'static str {
        MODEL
    }

    fn n_items(&self) -> usize {
        self.components.iter().map(|c| c.n_items()).max().unwrap_or(0)
    }

    fn score(&self, query: &Query<'_>, scores: &mut [f32]) {
        blend_scores(&self.components, &self.weights, self.normalization, query, scores);
    }

    fn save(&self, out: &mut Writer<'_>) -> Result<()> {
        out.json(&(self.normalization, &self.weights, &self.configs))?;
        for component in &self.components {
            out.json(&component.n_items())?;
            component.save(out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &[f32], how: Normalization, expected: &[f32]) {
        let mut scores = input.to_vec();
        normalize(&mut scores, how);
        for (got, want) in scores.iter().zip(expected) {
            assert!((got - want).abs() < 1e-6, "{input:?} {how:?}: {scores:?}");
        }
    }

    #[test]
    fn normalisations() {
        use Normalization::*;
        let inf = f32::NEG_INFINITY;
        check(&[1.0, 3.0, 2.0], MinMax, &[0.0, 1.0, 0.5]);
        check(&[1.0, 3.0, inf], MinMax, &[0.0, 1.0, 0.0]);
        check(&[5.0, 5.0], MinMax, &[0.0, 0.0]);
        check(&[inf, f32::NAN], MinMax, &[0.0, 0.0]);
        check(&[1.0, 3.0], ZScore, &[-1.0, 1.0]);
        check(&[1.0, 3.0, inf], ZScore, &[-1.0, 1.0, -1.0]);
        let (half, two) = (std::f32::consts::FRAC_1_SQRT_2, std::f32::consts::SQRT_2);
        check(&[0.0, 0.0, 3.0], ZScore, &[-half, -half, two]);
        check(&[2.0, inf], None, &[2.0, 2.0]);
    }

    #[test]
    fn weights_must_match_the_components() {
        let two = HybridConfig::default();
        for weights in
            [vec![1.0], vec![1.0, 2.0, 3.0], vec![0.0, 0.0], vec![-1.0, 1.0], vec![f32::NAN, 1.0]]
        {
            let config = HybridConfig { weights: weights.clone(), ..two.clone() };
            assert!(
                matches!(config.validate(), Err(Error::Parameter { model: MODEL, .. })),
                "{weights:?}"
            );
        }
        let none = HybridConfig { components: vec![], weights: vec![], ..two.clone() };
        assert!(none.validate().is_err());
        let mut bad_component = two.clone();
        bad_component.components[0] = ModelConfig::Trending(crate::popular::TrendingConfig {
            window_days: f64::NAN,
            ..Default::default()
        });
        assert!(matches!(
            bad_component.validate(),
            Err(Error::Parameter { model: "trending", .. })
        ));
    }
}
