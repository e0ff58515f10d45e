//! Purchase propensity: the probability that a shopper buys in the next `horizon` days, learnt
//! from the shop's own past.
//!
//! Training replays the shop at a cutoff `horizon` days before its newest event: each shopper
//! seen before the cutoff is an example, their profile as of the cutoff (built from events
//! before it only) the features, and whether they bought between the cutoff and now the label.
//! Gradient-boosted trees learn on 80% of the shoppers with early stopping, Platt scaling on
//! the other 20% calibrates them, and the same 20% gives the reported AUC. Scoring reads the
//! shopper's profile as of now with the same features.
//!
//! This module does not read the store: the engine hands it the examples.

use aisle_predict::calibrate::Platt;
use aisle_predict::dataset::{Dataset, Matrix};
use aisle_predict::gbdt::{Gbdt, GbdtConfig};
use aisle_predict::metrics::{average_precision, roc_auc};
use aisle_predict::split::stratified_split;
use aisle_predict::Classifier;
use serde::Serialize;

use crate::Profile;

/// The features, in the order [`features`] writes them.
pub const FEATURES: [&str; 13] = [
    "recency_days",
    "frequency",
    "monetary",
    "events",
    "events_30d",
    "active_days_30d",
    "views",
    "carts",
    "purchases",
    "first_seen_days",
    "last_seen_days",
    "relative_price",
    "categories",
];

/// The fewest examples of each class training asks for.
pub const MIN_CLASS_EXAMPLES: usize = 10;

/// A profile as the model's features (`NaN` where the profile has no value).
pub fn features(profile: &Profile) -> Vec<f32> {
    let kind = |name: &str| profile.activity.by_kind.get(name).copied().unwrap_or(0) as f32;
    let optional = |value: Option<f64>| value.map_or(f32::NAN, |v| v as f32);
    vec![
        optional(profile.rfm.recency_days),
        profile.rfm.frequency as f32,
        profile.rfm.monetary as f32,
        profile.activity.events as f32,
        profile.activity.events_30d as f32,
        profile.activity.active_days_30d as f32,
        kind("view") + kind("click"),
        kind("add_to_cart"),
        kind("purchase"),
        optional(profile.first_seen_days),
        optional(profile.last_seen_days),
        optional(profile.price.relative),
        profile.affinities.categories.len() as f32,
    ]
}

/// Why a propensity model could not be trained.
#[derive(Debug, thiserror::Error)]
pub enum PropensityError {
    /// Too few buyers or too few non-buyers after the cutoff to learn from.
    #[error(
        "{positives} shoppers bought and {negatives} did not in the {horizon_days} days after the \
         training cutoff; training needs at least {MIN_CLASS_EXAMPLES} of each: the shop's \
         history must span more than {horizon_days} days with buyers in its last {horizon_days}"
    )]
    TooFewExamples {
        /// Examples that bought.
        positives: usize,
        /// Examples that did not.
        negatives: usize,
        /// The horizon.
        horizon_days: u32,
    },
    /// The learner refused the data.
    #[error("training the propensity model: {0}")]
    Predict(#[from] aisle_predict::Error),
}

/// How well the model did on the shoppers held out of training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Validation {
    /// Examples trained on.
    pub trained_on: usize,
    /// Examples held out.
    pub held_out: usize,
    /// The share of held-out shoppers who bought.
    pub positive_rate: f64,
    /// ROC AUC on the held-out shoppers.
    pub auc: f64,
    /// Average precision (PR-AUC) on them.
    pub pr_auc: f64,
}

/// A feature's part in one prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// The feature.
    pub feature: String,
    /// Its value (`null` when missing).
    pub value: Option<f64>,
    /// What it added to the log-odds.
    pub contribution: f64,
}

/// One shopper's propensity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Propensity {
    /// Calibrated probability of buying within the horizon.
    pub probability: f64,
    /// The horizon in days.
    pub horizon_days: u32,
    /// The features that moved the prediction most, strongest first.
    pub reasons: Vec<Reason>,
}

/// A trained, calibrated propensity model.
#[derive(Debug, Clone)]
pub struct PropensityModel {
    trees: Gbdt,
    calibration: Platt,
    horizon_days: u32,
    validation: Validation,
}

impl PropensityModel {
    /// Trains on `(features, bought)` examples (features from [`features`]).
    pub fn train(
        examples: &[(Vec<f32>, bool)],
        horizon_days: u32,
    ) -> Result<Self, PropensityError> {
        let positives = examples.iter().filter(|(_, bought)| *bought).count();
        let negatives = examples.len() - positives;
        if positives < MIN_CLASS_EXAMPLES || negatives < MIN_CLASS_EXAMPLES {
            return Err(PropensityError::TooFewExamples { positives, negatives, horizon_days });
        }
        let names: Vec<String> = FEATURES.iter().map(|f| f.to_string()).collect();
        let rows: Vec<Vec<f32>> = examples.iter().map(|(x, _)| x.clone()).collect();
        let labels: Vec<bool> = examples.iter().map(|(_, y)| *y).collect();
        let data = Dataset::from_bools(Matrix::from_rows(names, &rows)?, labels.clone())?;
        let split = stratified_split(&labels, 0.2, 7)?;
        let (train, held_out) = (data.subset(&split.train), data.subset(&split.test));
        // Shop histories are small next to the defaults' tens of thousands of rows: shallower
        // trees and smaller leaves, early stopping on the held-out fifth.
        let config = GbdtConfig {
            max_trees: 300,
            max_depth: 4,
            max_leaves: 15,
            min_samples_leaf: 5,
            early_stopping_rounds: 30,
            threads: 1,
            ..GbdtConfig::default()
        };
        let trees = Gbdt::fit(&config, &train, Some(&held_out))?;
        let margins = trees.predict_margin(held_out.x())?;
        let calibration = Platt::fit(&margins, held_out.labels())?;
        let validation = Validation {
            trained_on: train.n_rows(),
            held_out: held_out.n_rows(),
            positive_rate: held_out.positive_rate(),
            auc: roc_auc(&margins, held_out.labels())?,
            pr_auc: average_precision(&margins, held_out.labels())?,
        };
        Ok(Self { trees, calibration, horizon_days, validation })
    }

    /// How the model did on the held-out shoppers.
    pub fn validation(&self) -> Validation {
        self.validation
    }

    /// The horizon in days.
    pub fn horizon_days(&self) -> u32 {
        self.horizon_days
    }

    /// The calibrated probability for a row of [`features`].
    pub fn probability(&self, row: &[f32]) -> Result<f64, PropensityError> {
        Ok(self.calibration.predict(self.trees.margin_row(row)?))
    }

    /// A profile's propensity, with the `reasons` features that moved it most.
    pub fn predict(
        &self,
        profile: &Profile,
        reasons: usize,
    ) -> Result<Propensity, PropensityError> {
        let row = features(profile);
        let explained = self.trees.explain_row(&row)?;
        let probability = self.calibration.predict(explained.margin);
        let reasons = explained
            .top(reasons)
            .iter()
            .map(|c| Reason {
                feature: c.feature.clone(),
                value: c.value.is_finite().then(|| (f64::from(c.value) * 1000.0).round() / 1000.0),
                contribution: (c.contribution * 1000.0).round() / 1000.0,
            })
            .collect();
        Ok(Propensity {
            probability: (probability * 1000.0).round() / 1000.0,
            horizon_days: self.horizon_days,
            reasons,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LifecycleRules, ProfileBuilder};

    /// Shoppers active recently and often buy again; the quiet ones do not.
    fn examples(n: usize) -> Vec<(Vec<f32>, bool)> {
        (0..n)
            .map(|i| {
                let recency = (i % 60) as f32;
                let frequency = (i % 7) as f32;
                let mut row = vec![f32::NAN; FEATURES.len()];
                row[0] = recency;
                row[1] = frequency;
                row[3] = frequency * 10.0 + (i % 3) as f32;
                let bought = recency < 20.0 && frequency >= 2.0 || i % 17 == 0;
                (row, bought)
            })
            .collect()
    }

    #[test]
    fn the_model_learns_who_buys_again_and_says_why() {
        let model = PropensityModel::train(&examples(2_000), 30).expect("trains");
        let validation = model.validation();
        assert!(validation.auc > 0.9, "{validation:?}");
        assert_eq!(validation.trained_on + validation.held_out, 2_000);
        let profile = ProfileBuilder::new().profile(0, None, &LifecycleRules::default());
        let quiet = model.predict(&profile, 3).expect("predicts");
        assert!((0.0..=1.0).contains(&quiet.probability));
        assert!(quiet.probability < 0.5, "a shopper who never bought: {quiet:?}");
        assert!(quiet.reasons.len() <= 3);
        assert_eq!(quiet.horizon_days, 30);
    }

    #[test]
    fn one_class_or_too_few_examples_is_a_clear_error() {
        let nobody_bought: Vec<(Vec<f32>, bool)> =
            examples(500).into_iter().map(|(x, _)| (x, false)).collect();
        let error = PropensityModel::train(&nobody_bought, 30).expect_err("one class");
        assert!(error.to_string().contains("0 shoppers bought"), "{error}");
        let error = PropensityModel::train(&[], 30).expect_err("nothing");
        assert!(matches!(
            error,
            PropensityError::TooFewExamples { positives: 0, negatives: 0, .. }
        ));
    }

    #[test]
    fn features_follow_the_profile() {
        let profile = ProfileBuilder::new().profile(0, None, &LifecycleRules::default());
        let row = features(&profile);
        assert_eq!(row.len(), FEATURES.len());
        assert!(row[0].is_nan(), "no purchase, no recency");
        assert_eq!(row[1], 0.0);
    }
}
