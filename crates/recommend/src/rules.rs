//! `rules`: "bought together" association rules `i → j` mined from baskets (orders), with
//! support, confidence and lift, and scores that take the best (or summed) rule from the
//! history's items to each candidate.
//!
//! Baskets come from [`TrainData::baskets`]. When none are given, every user's row of the
//! interaction matrix is used as one basket ("interacted with by the same user" instead of
//! "bought in the same order"), so the model still trains on event-only data. Baskets longer
//! than `max_basket_size` are skipped for pair counting: a pair costs the square of the basket
//! size, and a huge basket (a bulk order, a crawler) says little about any single pair.
//!
//! This module mines pairs only, not longer item sets.

use serde::{Deserialize, Serialize};

use crate::artifact::{Reader, Writer};
use crate::knn::sparse::Csr;
use crate::knn::{check, check_neighbours, top_neighbours, with_threads};
use crate::{Error, Query, Recommender, Result, TrainData};

const MODEL: &str = "rules";

/// Which rule strength scores a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleMeasure {
    /// Fraction of baskets holding both items.
    Support,
    /// Fraction of the baskets holding `i` that also hold `j`.
    Confidence,
    /// Confidence divided by `j`'s own basket fraction: above 1 means "more than by chance".
    Lift,
}

/// How the rules from several history items to one candidate combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregate {
    /// The strongest rule.
    Max,
    /// The sum of the rules.
    Sum,
}

/// Configuration of `rules`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RulesConfig {
    /// The measure that ranks rules and scores candidates.
    pub measure: RuleMeasure,
    /// How rules from several history items combine.
    pub aggregate: Aggregate,
    /// Minimum number of baskets holding both items, at least 1.
    pub min_count: usize,
    /// Minimum support, a fraction in [0, 1].
    pub min_support: f64,
    /// Minimum confidence, a fraction in [0, 1].
    pub min_confidence: f64,
    /// Minimum lift, non-negative.
    pub min_lift: f64,
    /// Rules kept per antecedent item (the strongest by `measure`), at least 1.
    pub neighbours: usize,
    /// Baskets with more distinct items than this are skipped for pairs, at least 2. The
    /// default, 50, was chosen on Amazon Beauty's validation item with user rows as baskets
    /// (30 to 100 scored within noise of each other).
    pub max_basket_size: usize,
}

impl Default for RulesConfig {
    fn default() -> Self {
        Self {
            measure: RuleMeasure::Confidence,
            aggregate: Aggregate::Sum,
            min_count: 2,
            min_support: 0.0,
            min_confidence: 0.0,
            min_lift: 0.0,
            neighbours: 100,
            max_basket_size: 50,
        }
    }
}

impl RulesConfig {
    /// Checks every parameter.
    pub fn validate(&self) -> Result<()> {
        check_neighbours(MODEL, self.neighbours)?;
        let fraction = "expected a fraction in [0, 1]";
        check(
            MODEL,
            "min_support",
            self.min_support,
            (0.0..=1.0).contains(&self.min_support),
            fraction,
        )?;
        let confidence = self.min_confidence;
        check(MODEL, "min_confidence", confidence, (0.0..=1.0).contains(&confidence), fraction)?;
        let expected = "expected a non-negative, finite number";
        check(MODEL, "min_lift", self.min_lift, self.min_lift >= 0.0, expected)?;
        let positive = |parameter, value: usize, least: usize, expected| {
            if value < least {
                return Err(Error::Parameter {
                    model: MODEL,
                    parameter,
                    value: value.to_string(),
                    expected,
                });
            }
            Ok(())
        };
        positive("min_count", self.min_count, 1, "expected at least 1")?;
        positive("max_basket_size", self.max_basket_size, 2, "expected at least 2")
    }
}

/// A trained `rules` model: for every item, its strongest rules `item → other`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    aggregate: Aggregate,
    /// Items by items: rule strengths by the configured measure, strongest first.
    rules: Csr,
}

/// Baskets by items, binary, each basket's items distinct and in range, long baskets emptied.
fn basket_matrix(config: &RulesConfig, data: &TrainData<'_>, n_items: usize) -> Csr {
    let from_matrix: Vec<Vec<u32>>;
    let baskets: &[Vec<u32>] = if data.baskets.is_empty() {
        let m = data.matrix;
        from_matrix = (0..m.n_rows).map(|r| m.row(r).0.to_vec()).collect();
        &from_matrix
    } else {
        data.baskets
    };
    let rows = baskets
        .iter()
        .map(|basket| {
            let mut items: Vec<u32> =
                basket.iter().copied().filter(|&i| (i as usize) < n_items).collect();
            items.sort_unstable();
            items.dedup();
            if items.len() > config.max_basket_size {
                items.clear();
            }
            items.into_iter().map(|i| (i, 1.0)).collect()
        })
        .collect();
    Csr::from_rows(n_items, rows)
}

/// Mines the rules.
pub fn fit(config: &RulesConfig, data: &TrainData<'_>) -> Result<Rules> {
    let _span = tracing::info_span!("fit", model = MODEL).entered();
    config.validate()?;
    let n_items = data.matrix.n_items;
    let baskets = basket_matrix(config, data, n_items);
    if baskets.nnz() == 0 {
        return Err(Error::NoData {
            model: MODEL,
            detail: "there are no baskets (orders) and no interactions to use instead; import \
                     orders or events first"
                .into(),
        });
    }
    let n = baskets.n_rows() as f32;
    let items = baskets.transpose();
    let counts: Vec<f32> = (0..n_items).map(|i| items.row(i).0.len() as f32).collect();
    let rules = with_threads(data.threads, || {
        top_neighbours(&items, &baskets, config.neighbours, |i, j, together| {
            let support = together / n;
            let confidence = together / counts[i as usize];
            let lift = confidence * n / counts[j as usize];
            let strong = together >= config.min_count as f32
                && f64::from(support) >= config.min_support
                && f64::from(confidence) >= config.min_confidence
                && f64::from(lift) >= config.min_lift;
            match (strong, config.measure) {
                (false, _) => 0.0,
                (true, RuleMeasure::Support) => support,
                (true, RuleMeasure::Confidence) => confidence,
                (true, RuleMeasure::Lift) => lift,
            }
        })
    });
    tracing::info!(baskets = baskets.n_rows(), rules = rules.nnz(), "association rules");
    Ok(Rules { aggregate: config.aggregate, rules })
}

impl Rules {
    /// Reads the payload written by [`Recommender::save`].
    pub fn load(input: &mut Reader<'_>) -> Result<Self> {
        let aggregate: Aggregate = input.json()?;
        Ok(Self { aggregate, rules: Csr::load(input)? })
    }
}

impl Recommender for Rules {
    fn name(&self) -> &'static str {
        MODEL
    }

    fn n_items(&self) -> usize {
        self.rules.n_rows()
    }

    /// History weights are not used: a rule holds or it does not.
    fn score(&self, query: &Query<'_>, scores: &mut [f32]) {
        scores.fill(0.0);
        for &i in query.items {
            let (js, strengths) = self.rules.row(i as usize);
            for (&j, &s) in js.iter().zip(strengths) {
                if let Some(slot) = scores.get_mut(j as usize) {
                    *slot = match self.aggregate {
                        Aggregate::Max => slot.max(s),
                        Aggregate::Sum => *slot + s,
                    };
                }
            }
        }
    }

    fn save(&self, out: &mut Writer<'_>) -> Result<()> {
        out.json(&self.aggregate)?;
        self.rules.save(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aisle_domain::InteractionMatrix;

    /// Item 0 is bought with 1 in 3 of 4 baskets; 2 goes with 0 once; 3 only alone.
    fn baskets() -> Vec<Vec<u32>> {
        vec![vec![0, 1], vec![0, 1, 1], vec![1, 0, 2], vec![3], vec![0, 9]]
    }

    fn scores(
        config: RulesConfig,
        baskets: &[Vec<u32>],
        matrix: &InteractionMatrix,
        history: &[u32],
    ) -> Vec<f32> {
        let data = TrainData { baskets, threads: 1, ..TrainData::new(matrix) };
        let model = fit(&config, &data).expect("fit");
        let mut out = vec![f32::NAN; model.n_items()];
        model.score(&Query { user: None, items: history, weights: &[], millis: &[] }, &mut out);
        out
    }

    fn four_items() -> InteractionMatrix {
        InteractionMatrix::from_columns(1, 4, &[0], &[0], &[1.0], &[0])
    }

    #[test]
    fn measures_follow_their_definitions() {
        let m = four_items();
        let config = |measure| RulesConfig { measure, min_count: 1, ..RulesConfig::default() };
        // Baskets: 5; item 0 in 4, item 1 in 3, both in 3, 0 and 2 in 1.
        let s = scores(config(RuleMeasure::Confidence), &baskets(), &m, &[0]);
        assert_eq!(s, vec![0.0, 0.75, 0.25, 0.0]);
        let s = scores(config(RuleMeasure::Support), &baskets(), &m, &[0]);
        assert_eq!(s, vec![0.0, 0.6, 0.2, 0.0]);
        let s = scores(config(RuleMeasure::Lift), &baskets(), &m, &[1]);
        assert!((s[0] - 1.25).abs() < 1e-6 && (s[2] - 5.0 / 3.0).abs() < 1e-6, "{s:?}");
    }

    #[test]
    fn minimums_aggregates_and_fallback_to_user_rows() {
        let m = four_items();
        // min_count 2 drops 0 → 2, seen together once.
        let s = scores(RulesConfig::default(), &baskets(), &m, &[0]);
        assert_eq!(s, vec![0.0, 0.75, 0.0, 0.0]);
        // From 1, the lift to 0 is 1.25 and to 2 is 5/3.
        let lift = RulesConfig { min_count: 1, min_lift: 1.5, ..RulesConfig::default() };
        let s = scores(lift, &baskets(), &m, &[1]);
        assert!(s[0] == 0.0 && (s[2] - 1.0 / 3.0).abs() < 1e-6, "{s:?}");
        let sum = RulesConfig { min_count: 1, ..RulesConfig::default() };
        let max = RulesConfig { aggregate: Aggregate::Max, ..sum.clone() };
        // 0 → 2 is 0.25 and 1 → 2 is 1/3.
        assert!((scores(sum, &baskets(), &m, &[0, 1])[2] - (0.25 + 1.0 / 3.0)).abs() < 1e-6);
        assert!((scores(max, &baskets(), &m, &[0, 1])[2] - 1.0 / 3.0).abs() < 1e-6);
        // No baskets: user rows are the baskets.
        let users =
            InteractionMatrix::from_columns(2, 3, &[0, 0, 1, 1], &[0, 1, 0, 1], &[1.0; 4], &[0; 4]);
        assert_eq!(scores(RulesConfig::default(), &[], &users, &[0]), vec![0.0, 1.0, 0.0]);
    }

    #[test]
    fn nothing_to_mine_and_bad_parameters_are_refused() {
        let empty = InteractionMatrix::from_columns(0, 3, &[], &[], &[], &[]);
        let data = TrainData { threads: 1, ..TrainData::new(&empty) };
        assert!(matches!(fit(&RulesConfig::default(), &data), Err(Error::NoData { .. })));
        for config in [
            RulesConfig { min_support: f64::NAN, ..RulesConfig::default() },
            RulesConfig { min_confidence: 1.5, ..RulesConfig::default() },
            RulesConfig { min_lift: -1.0, ..RulesConfig::default() },
            RulesConfig { min_count: 0, ..RulesConfig::default() },
            RulesConfig { max_basket_size: 1, ..RulesConfig::default() },
            RulesConfig { neighbours: 0, ..RulesConfig::default() },
        ] {
            assert!(matches!(config.validate(), Err(Error::Parameter { .. })), "{config:?}");
        }
    }
}
