//! Training an intent model: features, the regression, and the three numbers chosen on a
//! validation slice of the training data (never on anything held out for testing):
//!
//! - the softmax temperature, by validation log loss, so confidences are calibrated;
//! - the out-of-scope threshold, by pretending not to know a few intents (several rounds of
//!   leaving whole intents out of training) and choosing the threshold that best separates
//!   their validation utterances from the known ones, while keeping at least
//!   [`TrainConfig::min_in_scope_kept`] of the known ones in scope;
//! - the ambiguity margin: the widest gap between the top two probabilities that flags at most
//!   [`TrainConfig::max_ambiguous_share`] of validation utterances.
//!
//! Examples labelled [`OUT_OF_SCOPE`] train a background class: off-topic text then gives
//! its probability to the background instead of borrowing a shop intent's. The background is
//! not an intent: it is never a winner or an alternative, it only lowers the others.
//!
//! The shipped weights are then fitted on all the examples, validation slice included.

use std::collections::BTreeSet;
use std::sync::Arc;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};
use crate::features::{Features, Featurizer};
use crate::model::{IntentModel, LabelledUtterance, OUT_OF_SCOPE};
use crate::softmax::{fit_temperature, softmax_in_place, Linear, SoftmaxConfig};

/// How an intent model is trained.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// Hash buckets as a power of two: 2^17 buckets of int8 weights for ~35 intents make a
    /// model file of about 1 MB after compression.
    pub bits: u8,
    /// The regression's settings.
    pub softmax: SoftmaxConfig,
    /// Share of each intent's examples kept aside to choose the temperature, threshold and
    /// margin.
    pub validation_share: f32,
    /// Seed of the validation split and of which intents are left out when choosing the
    /// threshold.
    pub seed: u64,
    /// Rounds of leaving intents out when choosing the out-of-scope threshold.
    pub unknown_rounds: usize,
    /// Intents left out in each round.
    pub unknown_intents: usize,
    /// The least share of known validation utterances the threshold must keep in scope.
    pub min_in_scope_kept: f32,
    /// The most validation utterances the ambiguity margin may flag.
    pub max_ambiguous_share: f32,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            bits: 17,
            softmax: SoftmaxConfig::default(),
            validation_share: 0.15,
            seed: 42,
            unknown_rounds: 3,
            unknown_intents: 4,
            min_in_scope_kept: 0.98,
            max_ambiguous_share: 0.04,
        }
    }
}

/// The longest intent name a model file accepts.
const MAX_INTENT_NAME: usize = 200;

impl IntentModel {
    /// Trains a model on labelled utterances (see the module documentation of `train`).
    pub fn train(examples: &[LabelledUtterance], config: &TrainConfig) -> Result<IntentModel> {
        let (intents, known) = class_names(examples)?;
        if !(8..=22).contains(&config.bits) {
            return Err(Error::BadTrainingData(format!("{} hash bits: use 8 to 22", config.bits)));
        }
        let featurizer = Featurizer::new(config.bits);
        let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
        let features = featurize_all(&featurizer, &texts);
        let labels: Vec<usize> = examples
            .iter()
            .map(|e| intents.iter().position(|n| *n == e.intent).unwrap_or_default())
            .collect();
        let data = Data {
            features: &features,
            labels: &labels,
            classes: intents.len(),
            known,
            buckets: featurizer.buckets(),
        };
        let (fit, validation) = stratified_split(&labels, intents.len(), config);
        let main = data.fit(&fit, &config.softmax);
        let scored = data.scores(&main, &validation);
        let temperature = fit_temperature(&scored);
        let margin = choose_margin(&scored, temperature, known, config.max_ambiguous_share);
        let threshold = choose_threshold(&data, &fit, &validation, config);
        tracing::info!(temperature, threshold, margin, examples = examples.len(), "intent model");
        let all: Vec<usize> = (0..labels.len()).collect();
        let weights = data.fit(&all, &config.softmax).quantize();
        Ok(IntentModel {
            featurizer,
            intents: intents.into(),
            known,
            weights: Arc::new(weights),
            temperature,
            threshold,
            margin,
        })
    }
}

/// The class names: the sorted distinct intents, then [`OUT_OF_SCOPE`] when there are
/// background examples. Returns the names and how many are known intents.
fn class_names(examples: &[LabelledUtterance]) -> Result<(Vec<String>, usize)> {
    let names: BTreeSet<&str> = examples.iter().map(|e| e.intent.as_str()).collect();
    if let Some(bad) = names.iter().find(|n| n.is_empty() || n.len() > MAX_INTENT_NAME) {
        return Err(Error::BadTrainingData(format!(
            "intent name {bad:?} must be 1 to {MAX_INTENT_NAME} bytes"
        )));
    }
    let mut known: Vec<String> =
        names.iter().filter(|n| **n != OUT_OF_SCOPE).map(|n| n.to_string()).collect();
    if known.len() < 2 {
        return Err(Error::BadTrainingData(format!(
            "{} examples of {} intent(s): at least two intents are needed",
            examples.len(),
            known.len()
        )));
    }
    let count = known.len();
    if names.contains(OUT_OF_SCOPE) {
        known.push(OUT_OF_SCOPE.to_string());
    }
    Ok((known, count))
}

/// The featurized training data.
struct Data<'a> {
    features: &'a [Features],
    labels: &'a [usize],
    classes: usize,
    /// Classes below this index are intents; the one at it, if any, is the background.
    known: usize,
    buckets: usize,
}

impl Data<'_> {
    fn fit(&self, rows: &[usize], config: &SoftmaxConfig) -> Linear {
        let examples: Vec<(&Features, usize)> =
            rows.iter().map(|&k| (&self.features[k], self.labels[k])).collect();
        Linear::fit(&examples, self.buckets, self.classes, config)
    }

    fn scores(&self, model: &Linear, rows: &[usize]) -> Vec<(Vec<f32>, usize)> {
        rows.iter()
            .map(|&k| {
                let mut s = vec![0.0; self.classes];
                model.logits(&self.features[k], &mut s);
                (s, self.labels[k])
            })
            .collect()
    }
}

/// Row indexes split into (fit, validation), the same share of every intent in validation.
fn stratified_split(
    labels: &[usize],
    classes: usize,
    config: &TrainConfig,
) -> (Vec<usize>, Vec<usize>) {
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); classes];
    for (k, &label) in labels.iter().enumerate() {
        by_class[label].push(k);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let (mut fit, mut validation) = (Vec::new(), Vec::new());
    for mut rows in by_class {
        rows.shuffle(&mut rng);
        let held = if rows.len() < 2 {
            0
        } else {
            ((rows.len() as f32 * config.validation_share).round() as usize)
                .clamp(1, rows.len() - 1)
        };
        validation.extend_from_slice(&rows[..held]);
        fit.extend_from_slice(&rows[held..]);
    }
    (fit, validation)
}

/// The calibrated top-two probabilities among the known intents (the first `known` classes).
fn top_two(scores: &[f32], temperature: f32, known: usize) -> (f32, f32) {
    let mut p: Vec<f32> = scores.iter().map(|s| s / temperature).collect();
    softmax_in_place(&mut p);
    let (mut first, mut second) = (0.0f32, 0.0f32);
    for &v in p.iter().take(known) {
        if v > first {
            (second, first) = (first, v);
        } else if v > second {
            second = v;
        }
    }
    (first, second)
}

fn choose_margin(
    scored: &[(Vec<f32>, usize)],
    temperature: f32,
    known: usize,
    max_share: f32,
) -> f32 {
    let mut gaps: Vec<f32> = scored
        .iter()
        .filter(|(_, label)| *label < known)
        .map(|(s, _)| top_two(s, temperature, known))
        .map(|(a, b)| a - b)
        .collect();
    gaps.sort_by(f32::total_cmp);
    let allowed = (gaps.len() as f32 * max_share).floor() as usize;
    // The margin is the gap of the first utterance that must not be flagged.
    gaps.get(allowed).copied().unwrap_or(0.0).clamp(0.0, MAX_MARGIN)
}

/// The widest ambiguity margin: past it, the runner-up is not a serious alternative however
/// confident the model is on validation data.
const MAX_MARGIN: f32 = 0.25;

/// Rounds of leaving whole intents out of training: their validation utterances, and the
/// background class's, are the unknown ones the threshold should turn down.
fn choose_threshold(
    data: &Data<'_>,
    fit: &[usize],
    validation: &[usize],
    config: &TrainConfig,
) -> f32 {
    let mut intents: Vec<usize> = (0..data.known).collect();
    intents.shuffle(&mut ChaCha8Rng::seed_from_u64(config.seed ^ 0x5eed));
    let per_round = config.unknown_intents.clamp(1, data.known.saturating_sub(2).max(1));
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for round in 0..config.unknown_rounds {
        let left_out: Vec<usize> =
            (0..per_round).map(|k| intents[(round * per_round + k) % intents.len()]).collect();
        let keep = |&&k: &&usize| !left_out.contains(&data.labels[k]);
        let round_fit: Vec<usize> = fit.iter().filter(keep).copied().collect();
        let model = data.fit(&round_fit, &config.softmax);
        let (seen, unseen): (Vec<usize>, Vec<usize>) = validation.iter().partition(|k| keep(k));
        let seen_scores = data.scores(&model, &seen);
        let temperature = fit_temperature(&seen_scores);
        for (scores, label) in &seen_scores {
            let top = top_two(scores, temperature, data.known).0;
            if *label < data.known {
                known.push(top)
            } else {
                unknown.push(top)
            }
        }
        unknown.extend(
            data.scores(&model, &unseen).iter().map(|(s, _)| top_two(s, temperature, data.known).0),
        );
    }
    pick_threshold(&known, &unknown, config.min_in_scope_kept)
}

/// The threshold with the best balanced accuracy (known kept, unknown flagged) among those
/// keeping at least `min_kept` of the known utterances.
pub(crate) fn pick_threshold(known: &[f32], unknown: &[f32], min_kept: f32) -> f32 {
    if unknown.is_empty() {
        return 0.0;
    }
    let mut candidates: Vec<f32> = known.iter().chain(unknown).copied().collect();
    candidates.sort_by(f32::total_cmp);
    candidates.dedup();
    let (mut best, mut best_score) = (0.0f32, f32::MIN);
    for &t in &candidates {
        let kept = known.iter().filter(|&&p| p >= t).count() as f32 / known.len().max(1) as f32;
        let flagged =
            unknown.iter().filter(|&&p| p < t).count() as f32 / unknown.len().max(1) as f32;
        let score = kept + flagged;
        if kept >= min_kept && score > best_score {
            (best, best_score) = (t, score);
        }
    }
    best
}

/// Features of many texts on all cores.
pub(crate) fn featurize_all(featurizer: &Featurizer, texts: &[&str]) -> Vec<Features> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = texts.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|t| featurizer.features(t)).collect::<Vec<_>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_keeps_known_utterances_and_flags_unknown_ones() {
        let known = [0.9, 0.8, 0.85, 0.95, 0.7, 0.6];
        let unknown = [0.3, 0.2, 0.5, 0.4];
        assert_eq!(pick_threshold(&known, &unknown, 1.0), 0.6);
        assert_eq!(pick_threshold(&known, &[], 0.5), 0.0);
    }

    #[test]
    fn training_refuses_fewer_than_two_intents() {
        let one = [LabelledUtterance::new("hello", "greeting")];
        let error = IntentModel::train(&one, &TrainConfig::default()).expect_err("refused");
        assert!(error.to_string().contains("at least two intents"), "{error}");
        let background = [
            LabelledUtterance::new("weather?", OUT_OF_SCOPE),
            LabelledUtterance::new("hi", "greeting"),
        ];
        assert!(IntentModel::train(&background, &TrainConfig::default()).is_err());
    }
}
