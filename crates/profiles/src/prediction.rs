//! Behaviour predictions learnt from the shop's own past: purchase propensity (will the shopper
//! buy in the next `horizon` days?) and churn risk (will a shopper who bought before make no
//! purchase in the next `horizon` days?). One model serves both; only the examples and their
//! labels differ, and the engine builds those.
//!
//! Training replays the shop at a cutoff `horizon` days before its newest event: each shopper
//! the outcome applies to (every shopper seen before the cutoff for a purchase, every shopper
//! who had bought before it for churn) is an example, their profile as of the cutoff (built
//! from events before it only) the features, and what they did between the cutoff and now the
//! label. Gradient-boosted trees learn on 80% of the shoppers with early stopping, Platt
//! scaling on the other 20% calibrates them, and the same 20% gives the reported AUC. Scoring
//! reads the shopper's profile as of now with the same features, and the path contributions of
//! the trees say which features moved each prediction.
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

/// What a model predicts; the positive label of its examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A purchase within the horizon, among shoppers seen before the cutoff.
    Purchase,
    /// No purchase within the horizon, among shoppers who had bought before the cutoff.
    Churn,
}

impl Outcome {
    /// Its name on the wire and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Purchase => "purchase",
            Outcome::Churn => "churn",
        }
    }
}

/// Why a model could not be trained.
#[derive(Debug, thiserror::Error)]
pub enum PredictionError {
    /// Too few examples of either label after the cutoff to learn from.
    #[error("{}", too_few_message(*outcome, *positives, *negatives, *horizon_days))]
    TooFewExamples {
        /// What the model was to predict.
        outcome: Outcome,
        /// Examples with the outcome (bought; for churn, lapsed).
        positives: usize,
        /// Examples without it.
        negatives: usize,
        /// The horizon.
        horizon_days: u32,
    },
    /// The learner refused the data.
    #[error("training the {outcome} model: {source}", outcome = .0.as_str(), source = .1)]
    Predict(Outcome, #[source] aisle_predict::Error),
}

/// Says what the shop lacks in the words of the outcome, so a shop owner knows what to wait for.
fn too_few_message(outcome: Outcome, positives: usize, negatives: usize, horizon: u32) -> String {
    let (counted, needs) = match outcome {
        Outcome::Purchase => (
            format!("{positives} shoppers bought and {negatives} did not"),
            format!("buyers in its last {horizon}"),
        ),
        Outcome::Churn => (
            format!("{positives} earlier buyers bought nothing and {negatives} bought again"),
            format!("buyers both before and in its last {horizon}"),
        ),
    };
    format!(
        "{counted} in the {horizon} days after the training cutoff; training needs at least \
         {MIN_CLASS_EXAMPLES} of each: the shop's history must span more than {horizon} days \
         with {needs}"
    )
}

/// How well the model did on the shoppers held out of training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Validation {
    /// Examples trained on.
    pub trained_on: usize,
    /// Examples held out.
    pub held_out: usize,
    /// The share of held-out shoppers with the outcome.
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
    /// What it added to the log-odds of the outcome.
    pub contribution: f64,
}

/// One shopper's prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// Calibrated probability of the outcome within the horizon.
    pub probability: f64,
    /// The horizon in days.
    pub horizon_days: u32,
    /// The features that moved the prediction most, strongest first.
    pub reasons: Vec<Reason>,
}

/// A prediction as the binaries show it: the horizon, the reasons, how the model validated, or
/// why there is no prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detail {
    /// Days ahead.
    pub horizon_days: u32,
    /// The strongest features, each with its value and its part in the log-odds.
    pub reasons: Vec<Reason>,
    /// The model's AUC on shoppers held out of its training.
    pub validation_auc: Option<f64>,
    /// Why there is no prediction, when there is none.
    pub unavailable: Option<String>,
}

impl Detail {
    /// The detail of `prediction` from `model` (or the reason there is no model), with
    /// `unavailable` saying why there is no prediction when the model gave none.
    pub fn of(
        model: &Result<OutcomeModel, String>,
        prediction: &Result<Prediction, String>,
        horizon_days: u32,
    ) -> Self {
        Self {
            horizon_days,
            reasons: prediction.as_ref().map(|p| p.reasons.clone()).unwrap_or_default(),
            validation_auc: model.as_ref().ok().map(|m| round3(m.validation().auc)),
            unavailable: prediction.as_ref().err().cloned(),
        }
    }
}

/// A trained, calibrated model of one outcome.
#[derive(Debug, Clone)]
pub struct OutcomeModel {
    outcome: Outcome,
    trees: Gbdt,
    calibration: Platt,
    horizon_days: u32,
    validation: Validation,
}

impl OutcomeModel {
    /// Trains on `(features, outcome happened)` examples (features from [`features`]).
    pub fn train(
        outcome: Outcome,
        examples: &[(Vec<f32>, bool)],
        horizon_days: u32,
    ) -> Result<Self, PredictionError> {
        let positives = examples.iter().filter(|(_, happened)| *happened).count();
        let negatives = examples.len() - positives;
        if positives < MIN_CLASS_EXAMPLES || negatives < MIN_CLASS_EXAMPLES {
            return Err(PredictionError::TooFewExamples {
                outcome,
                positives,
                negatives,
                horizon_days,
            });
        }
        let refused = |e| PredictionError::Predict(outcome, e);
        let names: Vec<String> = FEATURES.iter().map(|f| f.to_string()).collect();
        let rows: Vec<Vec<f32>> = examples.iter().map(|(x, _)| x.clone()).collect();
        let labels: Vec<bool> = examples.iter().map(|(_, y)| *y).collect();
        let matrix = Matrix::from_rows(names, &rows).map_err(refused)?;
        let data = Dataset::from_bools(matrix, labels.clone()).map_err(refused)?;
        let split = stratified_split(&labels, 0.2, 7).map_err(refused)?;
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
        let trees = Gbdt::fit(&config, &train, Some(&held_out)).map_err(refused)?;
        let margins = trees.predict_margin(held_out.x()).map_err(refused)?;
        let calibration = Platt::fit(&margins, held_out.labels()).map_err(refused)?;
        let validation = Validation {
            trained_on: train.n_rows(),
            held_out: held_out.n_rows(),
            positive_rate: held_out.positive_rate(),
            auc: roc_auc(&margins, held_out.labels()).map_err(refused)?,
            pr_auc: average_precision(&margins, held_out.labels()).map_err(refused)?,
        };
        Ok(Self { outcome, trees, calibration, horizon_days, validation })
    }

    /// What the model predicts.
    pub fn outcome(&self) -> Outcome {
        self.outcome
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
    pub fn probability(&self, row: &[f32]) -> Result<f64, PredictionError> {
        let margin =
            self.trees.margin_row(row).map_err(|e| PredictionError::Predict(self.outcome, e))?;
        Ok(self.calibration.predict(margin))
    }

    /// A profile's prediction, with the `reasons` features that moved it most.
    pub fn predict(
        &self,
        profile: &Profile,
        reasons: usize,
    ) -> Result<Prediction, PredictionError> {
        let row = features(profile);
        let explained =
            self.trees.explain_row(&row).map_err(|e| PredictionError::Predict(self.outcome, e))?;
        let probability = self.calibration.predict(explained.margin);
        let reasons = explained
            .top(reasons)
            .iter()
            .map(|c| Reason {
                feature: c.feature.clone(),
                value: c.value.is_finite().then(|| round3(f64::from(c.value))),
                contribution: round3(c.contribution),
            })
            .collect();
        Ok(Prediction {
            probability: round3(probability),
            horizon_days: self.horizon_days,
            reasons,
        })
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
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
        let model = OutcomeModel::train(Outcome::Purchase, &examples(2_000), 30).expect("trains");
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
        let error =
            OutcomeModel::train(Outcome::Purchase, &nobody_bought, 30).expect_err("one class");
        assert!(error.to_string().contains("0 shoppers bought"), "{error}");
        let error = OutcomeModel::train(Outcome::Churn, &[], 60).expect_err("nothing");
        assert!(matches!(
            error,
            PredictionError::TooFewExamples { outcome: Outcome::Churn, positives: 0, .. }
        ));
        assert!(error.to_string().contains("0 earlier buyers bought nothing"), "{error}");
    }

    #[test]
    fn churn_learns_who_lapses_and_a_detail_says_why_there_is_none() {
        // The same shoppers, labelled the other way round: the quiet ones lapse.
        let lapsed: Vec<(Vec<f32>, bool)> =
            examples(2_000).into_iter().map(|(x, bought)| (x, !bought)).collect();
        let model = OutcomeModel::train(Outcome::Churn, &lapsed, 60).expect("trains");
        assert_eq!(model.outcome(), Outcome::Churn);
        assert!(model.validation().auc > 0.9, "{:?}", model.validation());
        let quiet = ProfileBuilder::new().profile(0, None, &LifecycleRules::default());
        let risk = model.predict(&quiet, 3).expect("predicts");
        assert!(risk.probability > 0.5, "no recent activity, high risk: {risk:?}");
        let never: Result<Prediction, String> = Err("never bought".into());
        let detail = Detail::of(&Ok(model), &never, 60);
        assert_eq!(detail.unavailable.as_deref(), Some("never bought"));
        assert!(detail.reasons.is_empty() && detail.validation_auc.is_some());
        let detail = Detail::of(&Err("too short".into()), &Err("too short".into()), 60);
        assert_eq!((detail.validation_auc, detail.horizon_days), (None, 60));
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
