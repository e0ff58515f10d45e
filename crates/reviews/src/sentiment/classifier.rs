//! One language's trained sentiment classifier: features, a logistic regression and its
//! calibration, with training, cross-validation folds and the model file format.

use std::io::{Read, Write};

use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;

use super::features::{FeatureSet, Features, Featurizer};
use super::logistic::{Logistic, LogisticConfig, Platt};
use crate::error::{Error, Result};

/// How a classifier is trained.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// Hash buckets as a power of two.
    pub bits: u8,
    /// The regression's settings (its `l2` is replaced by the chosen one of `l2_choices`).
    pub logistic: LogisticConfig,
    /// L2 penalties to choose from, by held-out log loss on the training data's own folds.
    pub l2_choices: Vec<f32>,
    /// Folds of the training data whose held-out margins choose the penalty and fit the
    /// calibration.
    pub folds: usize,
}

impl TrainConfig {
    /// The defaults for a language: Chinese reviews have many more distinct character n-grams
    /// than English sentences, so they get more buckets.
    pub fn for_set(set: FeatureSet) -> Self {
        let bits = match set {
            FeatureSet::English => 18,
            FeatureSet::Chinese => 20,
        };
        Self {
            bits,
            logistic: LogisticConfig::default(),
            l2_choices: vec![1e-6, 1e-5, 1e-4],
            folds: 5,
        }
    }
}

/// A trained classifier: the calibrated probability that a text is positive.
#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    featurizer: Featurizer,
    model: Logistic,
    platt: Platt,
}

/// Labelled texts: (readable text, is positive).
pub type Labelled<'a> = [(&'a str, bool)];

impl Classifier {
    /// The feature set it reads.
    pub fn set(&self) -> FeatureSet {
        self.featurizer.set()
    }

    /// The features of a readable text.
    pub fn features(&self, text: &str) -> Features {
        self.featurizer.features(text)
    }

    /// The uncalibrated margin of a feature vector.
    pub fn margin(&self, x: &Features) -> f32 {
        self.model.margin(x)
    }

    /// The calibrated probability that a margin belongs to a positive text.
    pub fn calibrated(&self, margin: f32) -> f32 {
        self.platt.probability(margin)
    }

    /// The calibrated probability that a readable text is positive.
    pub fn probability(&self, text: &str) -> f32 {
        self.calibrated(self.margin(&self.features(text)))
    }

    /// Trains on labelled texts. The calibration is fitted on margins of texts each model did
    /// not see (k folds), then the final model is fitted on everything.
    pub fn train(set: FeatureSet, texts: &Labelled<'_>, config: &TrainConfig) -> Result<Self> {
        let positives = texts.iter().filter(|(_, y)| *y).count();
        if positives == 0 || positives == texts.len() {
            return Err(Error::BadTrainingData(format!(
                "{} texts, {positives} positive: both classes are needed",
                texts.len()
            )));
        }
        let featurizer = Featurizer::new(set, config.bits);
        let features = featurize_all(&featurizer, texts);
        let labelled: Vec<(&Features, bool)> =
            features.iter().zip(texts).map(|(x, (_, y))| (x, *y)).collect();
        let (model, platt) = fit_calibrated(&labelled, featurizer.width(), config);
        Ok(Self { featurizer, model, platt })
    }

    /// The model file's bytes: a header, then the zlib-compressed weights.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 << 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.push(set_code(self.featurizer.set()));
        out.push(self.featurizer.bits());
        for value in [self.model.bias, self.platt.a, self.platt.b] {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&(self.model.weights.len() as u32).to_le_bytes());
        let mut encoder = ZlibEncoder::new(out, Compression::best());
        let mut raw = Vec::with_capacity(self.model.weights.len() * 4);
        for w in &self.model.weights {
            raw.extend_from_slice(&w.to_le_bytes());
        }
        // Writing into a Vec cannot fail.
        let _ = encoder.write_all(&raw);
        encoder.finish().unwrap_or_default()
    }

    /// Reads a model file's bytes; `what` names it in errors.
    pub fn from_bytes(bytes: &[u8], what: &str) -> Result<Self> {
        let bad =
            |reason: &str| Error::BadModel { what: what.to_string(), reason: reason.to_string() };
        let header = MAGIC.len() + 4 + 2 + 12 + 4;
        if bytes.len() < header || &bytes[..MAGIC.len()] != MAGIC {
            return Err(bad("not an Aisle sentiment model"));
        }
        let mut at = MAGIC.len();
        let word = |at: usize| [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
        let version = u32::from_le_bytes(word(at));
        if version != VERSION {
            return Err(bad(&format!("format version {version}, this build reads {VERSION}")));
        }
        at += 4;
        let set = match bytes[at] {
            1 => FeatureSet::English,
            2 => FeatureSet::Chinese,
            _ => return Err(bad("unknown language")),
        };
        let bits = bytes[at + 1];
        if !(10..=24).contains(&bits) {
            return Err(bad(&format!("{bits} hash bits is out of range")));
        }
        at += 2;
        let float = |at: usize| f32::from_le_bytes(word(at));
        let (bias, a, b) = (float(at), float(at + 4), float(at + 8));
        at += 12;
        let width = u32::from_le_bytes(word(at)) as usize;
        at += 4;
        let featurizer = Featurizer::new(set, bits);
        if width != featurizer.width() {
            return Err(bad(&format!(
                "{width} weights where {} were expected",
                featurizer.width()
            )));
        }
        let mut raw = Vec::with_capacity(width * 4);
        ZlibDecoder::new(&bytes[at..])
            .read_to_end(&mut raw)
            .map_err(|e| bad(&format!("weights do not decompress: {e}")))?;
        if raw.len() != width * 4 {
            return Err(bad("weights are truncated"));
        }
        let weights: Vec<f32> =
            raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        if !weights.iter().chain([&bias, &a, &b]).all(|w| w.is_finite()) {
            return Err(bad("weights are not finite numbers"));
        }
        Ok(Self { featurizer, model: Logistic { weights, bias }, platt: Platt { a, b } })
    }
}

/// Fits a logistic regression and its calibration on any feature vectors: the penalty is chosen
/// from `config.l2_choices` by the held-out log loss over `config.folds` folds, the calibration
/// is fitted on those held-out margins, and the final model on everything.
pub fn fit_calibrated(
    labelled: &[(&Features, bool)],
    width: usize,
    config: &TrainConfig,
) -> (Logistic, Platt) {
    let folds = config.folds.max(2);
    let mut best: Option<(f64, f32, Platt)> = None;
    for &l2 in &config.l2_choices {
        let logistic = LogisticConfig { l2, ..config.logistic };
        let held_out = held_out_margins(labelled, width, folds, &logistic);
        let platt = Platt::fit(&held_out);
        let loss = log_loss(&held_out, &platt);
        tracing::debug!(l2, loss, "sentiment penalty candidate");
        if best.as_ref().is_none_or(|(b, _, _)| loss < *b) {
            best = Some((loss, l2, platt));
        }
    }
    let (_, l2, platt) = best.unwrap_or((0.0, config.logistic.l2, Platt::default()));
    (Logistic::fit(labelled, width, &LogisticConfig { l2, ..config.logistic }), platt)
}

/// Margins of every example from a model trained on the other folds.
fn held_out_margins(
    labelled: &[(&Features, bool)],
    width: usize,
    folds: usize,
    config: &LogisticConfig,
) -> Vec<(f32, bool)> {
    let mut held_out = Vec::with_capacity(labelled.len());
    for fold in 0..folds {
        let train: Vec<(&Features, bool)> = labelled
            .iter()
            .enumerate()
            .filter(|(k, _)| k % folds != fold)
            .map(|(_, e)| *e)
            .collect();
        let model = Logistic::fit(&train, width, config);
        held_out.extend(
            labelled
                .iter()
                .enumerate()
                .filter(|(k, _)| k % folds == fold)
                .map(|(_, (x, y))| (model.margin(x), *y)),
        );
    }
    held_out
}

/// The mean log loss of calibrated margins.
fn log_loss(margins: &[(f32, bool)], platt: &Platt) -> f64 {
    let total: f64 = margins
        .iter()
        .map(|&(z, y)| {
            let p = f64::from(platt.probability(z)).clamp(1e-7, 1.0 - 1e-7);
            -(if y { p.ln() } else { (1.0 - p).ln() })
        })
        .sum();
    total / margins.len().max(1) as f64
}

const MAGIC: &[u8] = b"AISLE-SENTIMENT\n";
const VERSION: u32 = 1;

fn set_code(set: FeatureSet) -> u8 {
    match set {
        FeatureSet::English => 1,
        FeatureSet::Chinese => 2,
    }
}

/// Features of many texts on both cores.
pub(crate) fn featurize_all(featurizer: &Featurizer, texts: &Labelled<'_>) -> Vec<Features> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let chunk = texts.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter().map(|(t, _)| featurizer.features(t)).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Vec<(&'static str, bool)> {
        let mut texts = Vec::new();
        for _ in 0..20 {
            texts.extend([
                ("great product, love it", true),
                ("works well, very happy", true),
                ("terrible, broke in a day", false),
                ("waste of money, awful", false),
            ]);
        }
        texts
    }

    #[test]
    fn a_model_survives_its_file_format() {
        let mut config = TrainConfig::for_set(FeatureSet::English);
        config.bits = 12;
        let model = Classifier::train(FeatureSet::English, &tiny(), &config).expect("trains");
        assert!(model.probability("love it, great") > 0.7);
        assert!(model.probability("awful waste") < 0.3);
        let bytes = model.to_bytes();
        assert_eq!(Classifier::from_bytes(&bytes, "test").expect("reads"), model);
        for broken in [&bytes[..10], &bytes[..bytes.len() - 5], b"not a model at all, not at all"] {
            let error = Classifier::from_bytes(broken, "test").expect_err("rejected");
            assert!(error.to_string().contains("aisle reviews train"), "{error}");
        }
    }

    #[test]
    fn one_class_cannot_train() {
        let texts = [("good", true), ("great", true)];
        let error = Classifier::train(
            FeatureSet::English,
            &texts,
            &TrainConfig::for_set(FeatureSet::English),
        )
        .expect_err("refused");
        assert!(error.to_string().contains("both classes"), "{error}");
    }
}
