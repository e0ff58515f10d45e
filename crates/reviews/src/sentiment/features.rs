//! Texts to sparse feature vectors for the linear sentiment classifiers.
//!
//! Features are hashed into a fixed number of buckets (the hashing trick), so a model is a flat
//! weight array with no vocabulary to ship, and a word never seen in training costs nothing.
//!
//! - English: words, word pairs, and character 2- to 5-grams inside words (which catch
//!   misspellings and word forms). Words after a negation ("not", "never", "didn't") up to the
//!   next punctuation are marked as negated, so "not good" and "good" are different features.
//!   VADER's lexicon scores ride along as dense features: on a thousand training sentences they
//!   carry what no n-gram was seen often enough to learn.
//! - Chinese: jieba words, word pairs, and character 1- to 3-grams of every run of Han
//!   characters (negations such as 不好 and 不错 are character pairs).

use aisle_text::{fold, Analyzer, FeatureSink as Sink, Mode};

use super::vader::VaderScores;

/// Which language's features a model reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureSet {
    /// English words, pairs, character n-grams and VADER scores.
    English,
    /// Chinese words, pairs and character n-grams.
    Chinese,
}

impl FeatureSet {
    /// How many dense features follow the hashed ones.
    pub fn dense_count(self) -> usize {
        match self {
            FeatureSet::English => VaderScores::FEATURES,
            FeatureSet::Chinese => 0,
        }
    }
}

/// A sparse feature vector: (index, value) pairs, L2-normalised over the hashed part. Indexes at
/// or past the bucket count are the dense features.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    /// The nonzero entries.
    pub entries: Vec<(u32, f32)>,
}

/// Builds feature vectors for one feature set and bucket count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Featurizer {
    set: FeatureSet,
    bits: u8,
}

const WORD: u64 = 1;
const PAIR: u64 = 2;
const GRAM: u64 = 3;
const MARK: u64 = 4;

impl Featurizer {
    /// A featurizer hashing into `2^bits` buckets.
    pub fn new(set: FeatureSet, bits: u8) -> Self {
        Self { set, bits }
    }

    /// The feature set.
    pub fn set(&self) -> FeatureSet {
        self.set
    }

    /// The number of hash buckets.
    pub fn buckets(&self) -> usize {
        1 << self.bits
    }

    /// The total width: buckets plus dense features.
    pub fn width(&self) -> usize {
        self.buckets() + self.set.dense_count()
    }

    /// The bucket count's power of two.
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// The features of a readable text (see [`crate::readable_text`]).
    pub fn features(&self, text: &str) -> Features {
        let mut sink = Sink::new(self.bits, 256);
        match self.set {
            FeatureSet::English => english(text, &mut sink),
            FeatureSet::Chinese => chinese(text, &mut sink),
        }
        let mut entries = sink.finish();
        if self.set == FeatureSet::English {
            let base = self.buckets() as u32;
            let scores = VaderScores::of(text);
            for (k, value) in scores.features().into_iter().enumerate() {
                if value != 0.0 {
                    entries.push((base + k as u32, value));
                }
            }
        }
        Features { entries }
    }
}

/// Words that flip the meaning of what follows, up to the next punctuation mark.
fn is_negation(word: &str) -> bool {
    matches!(
        word,
        "not"
            | "no"
            | "never"
            | "nothing"
            | "nobody"
            | "none"
            | "nor"
            | "neither"
            | "without"
            | "hardly"
            | "barely"
            | "cannot"
            | "cant"
            | "dont"
            | "didnt"
            | "doesnt"
            | "isnt"
            | "wasnt"
            | "werent"
            | "wont"
            | "wouldnt"
            | "couldnt"
            | "shouldnt"
            | "aint"
            | "havent"
            | "hasnt"
            | "hadnt"
    ) || word.ends_with("n't")
}

fn english(text: &str, sink: &mut Sink) {
    let folded = fold(text);
    let mut negated = false;
    let mut previous: Option<String> = None;
    let mut word = String::new();
    let mut buffer = Vec::with_capacity(64);
    let mut flush =
        |word: &mut String, previous: &mut Option<String>, negated: &mut bool, sink: &mut Sink| {
            if word.is_empty() {
                return;
            }
            let trimmed = word.trim_matches('\'');
            if !trimmed.is_empty() {
                let marked = if *negated { format!("!{trimmed}") } else { trimmed.to_string() };
                sink.add(WORD, marked.as_bytes());
                if let Some(before) = previous.as_deref() {
                    buffer.clear();
                    buffer.extend_from_slice(before.as_bytes());
                    buffer.push(b' ');
                    buffer.extend_from_slice(marked.as_bytes());
                    sink.add(PAIR, &buffer);
                }
                char_grams(trimmed, sink);
                if is_negation(trimmed) {
                    *negated = true;
                }
                *previous = Some(marked);
            }
            word.clear();
        };
    for c in folded.chars() {
        if c.is_alphanumeric() || c == '\'' || c == '\u{2019}' {
            word.push(if c == '\u{2019}' { '\'' } else { c });
            continue;
        }
        flush(&mut word, &mut previous, &mut negated, sink);
        match c {
            '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')' | '"' => {
                negated = false;
                previous = None;
                if c == '!' || c == '?' {
                    sink.add(MARK, c.to_string().as_bytes());
                }
            }
            _ => {}
        }
    }
    flush(&mut word, &mut previous, &mut negated, sink);
}

/// Character n-grams of a word with its boundaries marked: "good" gives " g", "go", ... "od ".
fn char_grams(word: &str, sink: &mut Sink) {
    let chars: Vec<char> = std::iter::once(' ').chain(word.chars()).chain([' ']).collect();
    let mut bytes = [0u8; 32];
    for n in 2..=5 {
        if chars.len() < n {
            break;
        }
        for window in chars.windows(n) {
            let mut len = 0;
            for c in window {
                len += c.encode_utf8(&mut bytes[len..]).len();
            }
            sink.add(GRAM + ((n as u64) << 8), &bytes[..len]);
        }
    }
}

fn chinese(text: &str, sink: &mut Sink) {
    let tokens = Analyzer::shared().tokens(text, Mode::Query, false);
    let mut previous: Option<&str> = None;
    let mut buffer = Vec::with_capacity(64);
    for token in &tokens {
        sink.add(WORD, token.text.as_bytes());
        if let Some(before) = previous {
            buffer.clear();
            buffer.extend_from_slice(before.as_bytes());
            buffer.push(b' ');
            buffer.extend_from_slice(token.text.as_bytes());
            sink.add(PAIR, &buffer);
        }
        previous = Some(&token.text);
    }
    // Character n-grams over each run of Han characters, and the exclamation and question
    // marks between them (the sink is a bag, so the marks may come after the grams).
    let mut marks = Vec::new();
    aisle_text::han_ngrams(
        text,
        3,
        &mut |n, gram| sink.add(GRAM + ((n as u64) << 8), gram),
        &mut |c| {
            if matches!(c, '!' | '！' | '?' | '？') {
                marks.push(c);
            }
        },
    );
    for mark in marks {
        sink.add(MARK, mark.to_string().as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexes(f: &Featurizer, text: &str) -> Vec<u32> {
        f.features(text).entries.iter().map(|(i, _)| *i).collect()
    }

    #[test]
    fn negation_changes_the_features_of_what_follows() {
        let f = Featurizer::new(FeatureSet::English, 20);
        let good = indexes(&f, "good");
        let not_good = indexes(&f, "not good");
        let word_good = good.iter().filter(|i| not_good.contains(i)).count();
        // The character n-grams of "good" are shared; the word feature is not.
        assert!(word_good < good.len(), "{good:?} vs {not_good:?}");
        assert_ne!(f.features("not good. good"), f.features("not good"));
    }

    #[test]
    fn vectors_have_unit_length_over_the_hashed_part() {
        for (set, text) in [
            (FeatureSet::English, "Great value, fast delivery!"),
            (FeatureSet::Chinese, "质量很好，物流很快"),
        ] {
            let f = Featurizer::new(set, 18);
            let v = f.features(text);
            let norm: f32 = v
                .entries
                .iter()
                .filter(|(i, _)| (*i as usize) < f.buckets())
                .map(|(_, x)| x * x)
                .sum();
            assert!((norm - 1.0).abs() < 1e-4, "{text}: {norm}");
            assert!(v.entries.windows(2).all(|w| w[0].0 < w[1].0), "sorted and merged");
        }
    }

    #[test]
    fn empty_and_symbol_only_texts_have_no_hashed_features() {
        let f = Featurizer::new(FeatureSet::Chinese, 16);
        assert!(f.features("").entries.is_empty());
        assert!(f.features("...  ").entries.is_empty());
    }
}
