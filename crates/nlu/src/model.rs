//! The intent model: what an utterance asks for, with a calibrated confidence, an out-of-scope
//! decision and an ambiguity flag.

use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::features::Featurizer;
use crate::softmax::{softmax_in_place, Quantized};

/// The intent reported when no known intent is likely enough.
pub const OUT_OF_SCOPE: &str = "out_of_scope";

/// The shipped model, built by `cargo run --release -p aisle-nlu --example train_intents`.
static BUNDLED: &[u8] = include_bytes!("../models/intent.bin");

/// One labelled training utterance.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LabelledUtterance {
    /// What the shopper wrote.
    pub text: String,
    /// The intent's name (`cancel_order`, `find_product`, ...).
    pub intent: String,
}

impl LabelledUtterance {
    /// A labelled utterance.
    pub fn new(text: impl Into<String>, intent: impl Into<String>) -> Self {
        Self { text: text.into(), intent: intent.into() }
    }
}

/// An intent with its probability.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredIntent {
    /// The intent's name.
    pub intent: String,
    /// Its calibrated probability.
    pub probability: f32,
}

/// What the model made of an utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct IntentPrediction {
    /// The most likely intent, or [`OUT_OF_SCOPE`] when its probability is under the model's
    /// threshold (and the utterance is not merely torn between two known intents).
    pub intent: String,
    /// The calibrated probability of the most likely known intent (for an out-of-scope
    /// utterance, the probability of the best intent that was turned down).
    pub confidence: f32,
    /// The three most likely known intents, best first, before the out-of-scope decision.
    pub alternatives: Vec<ScoredIntent>,
    /// The two most likely intents are within the ambiguity margin of each other and together
    /// likely enough: the assistant should ask which one the shopper means.
    pub ambiguous: bool,
}

impl IntentPrediction {
    /// Whether the utterance was judged out of scope.
    pub fn is_out_of_scope(&self) -> bool {
        self.intent == OUT_OF_SCOPE
    }
}

/// A trained intent classifier. Cloning is cheap (the weights are shared), and a model is used
/// from many threads at once.
#[derive(Debug, Clone)]
pub struct IntentModel {
    pub(crate) featurizer: Featurizer,
    /// Every class: the known intents, then [`OUT_OF_SCOPE`] if a background class was trained.
    pub(crate) intents: Arc<[String]>,
    /// How many of `intents` are known intents.
    pub(crate) known: usize,
    pub(crate) weights: Arc<Quantized>,
    /// Scores are divided by this before the softmax (fitted on validation data).
    pub(crate) temperature: f32,
    /// Under this top probability an utterance is out of scope.
    pub(crate) threshold: f32,
    /// Top two probabilities closer than this make a prediction ambiguous.
    pub(crate) margin: f32,
}

impl IntentModel {
    /// The model shipped in the binary.
    pub fn bundled() -> Result<IntentModel> {
        Self::from_bytes(BUNDLED, "bundled")
    }

    /// Reads a model file written by [`IntentModel::save`].
    pub fn load(path: &Path) -> Result<IntentModel> {
        let bytes =
            std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        Self::from_bytes(&bytes, &path.display().to_string())
    }

    /// Writes the model file.
    pub fn save(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_bytes())
            .map_err(|source| Error::Io { path: path.to_path_buf(), source })
    }

    /// The intents it knows, in the model's order (without [`OUT_OF_SCOPE`]).
    pub fn intents(&self) -> &[String] {
        &self.intents[..self.known]
    }

    /// The top probability under which an utterance is out of scope.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// The gap between the top two probabilities under which a prediction is ambiguous.
    pub fn ambiguity_margin(&self) -> f32 {
        self.margin
    }

    /// The softmax temperature fitted on validation data.
    pub fn temperature(&self) -> f32 {
        self.temperature
    }

    /// The same weights with another out-of-scope threshold and ambiguity margin (both clamped
    /// to [0, 1]), for experiments and for shops that want a stricter or looser assistant.
    pub fn with_decision(&self, threshold: f32, margin: f32) -> IntentModel {
        IntentModel {
            threshold: threshold.clamp(0.0, 1.0),
            margin: margin.clamp(0.0, 1.0),
            ..self.clone()
        }
    }

    /// The calibrated probability of every known intent, in the order of [`Self::intents`].
    /// They sum to one less the background class's share. A text with nothing to read (empty,
    /// emoji or punctuation only) gets the training prior.
    pub fn probabilities(&self, text: &str) -> Vec<f32> {
        let x = self.featurizer.features(text);
        let mut p = vec![0.0f32; self.intents.len()];
        self.weights.logits(&x, &mut p);
        let scale = 1.0 / self.temperature;
        p.iter_mut().for_each(|s| *s *= scale);
        softmax_in_place(&mut p);
        p.truncate(self.known);
        p
    }

    /// What `text` asks for.
    pub fn classify(&self, text: &str) -> IntentPrediction {
        let p = self.probabilities(text);
        let mut ranked: Vec<(usize, f32)> = p.into_iter().enumerate().collect();
        // Ties go to the earlier intent, so the answer never depends on the sort's whims.
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let alternatives: Vec<ScoredIntent> = ranked
            .iter()
            .take(3)
            .map(|&(k, probability)| ScoredIntent { intent: self.intents[k].clone(), probability })
            .collect();
        let first = ranked.first().map_or(0.0, |r| r.1);
        let second = ranked.get(1).map_or(0.0, |r| r.1);
        let has_words = text.chars().any(char::is_alphanumeric);
        let ambiguous = has_words && self.decide_ambiguous(first, second);
        let in_scope = has_words && (first >= self.threshold || ambiguous);
        let intent = match alternatives.first() {
            Some(best) if in_scope => best.intent.clone(),
            _ => OUT_OF_SCOPE.to_string(),
        };
        IntentPrediction { intent, confidence: first, alternatives, ambiguous }
    }

    /// Two known intents close together and, between them, as likely as a confident answer:
    /// the text is in scope, only unclear.
    pub(crate) fn decide_ambiguous(&self, first: f32, second: f32) -> bool {
        first - second < self.margin && first + second >= self.threshold
    }
}
