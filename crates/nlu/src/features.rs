//! Utterances to sparse feature vectors, for Chinese and English alike.
//!
//! Features are hashed into `2^bits` buckets (the hashing trick), so the model file carries no
//! vocabulary and a word never seen in training costs nothing. One feature space serves both
//! languages: a Chinese sentence with an English brand name, or the reverse, needs no routing.
//!
//! - Words from `aisle-text`'s analyzer (jieba for Chinese, Snowball stems for English), each
//!   alone and with its neighbour, plus the first word marked as such ("how ...", "我想 ...").
//! - Numbers by shape only (short, medium, long), so `3707955617` and `o-123` teach "an order
//!   number is here" instead of one weight per number.
//! - Character 3- to 5-grams inside each English word, which carry the many misspellings of
//!   real requests ("cancelation", "refnd"), and Han character 1- to 3-grams, which carry
//!   words jieba cut differently.

use aisle_text::{Analyzer, FeatureSink as Sink, Mode, TokenKind};

/// Only this many characters of an utterance are read: a request is a sentence or two, and a
/// pasted essay must not cost more than a request.
pub const MAX_CHARS: usize = 1_000;

/// A sparse feature vector: sorted, merged `(bucket, value)` pairs of unit length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    /// The nonzero entries, by bucket.
    pub entries: Vec<(u32, f32)>,
}

/// Builds feature vectors for one bucket count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Featurizer {
    bits: u8,
}

const WORD: u64 = 1;
const PAIR: u64 = 2;
const FIRST: u64 = 3;
const GRAM: u64 = 4;
const HAN_GRAM: u64 = 5;

impl Featurizer {
    /// A featurizer hashing into `2^bits` buckets.
    pub fn new(bits: u8) -> Self {
        Self { bits }
    }

    /// The bucket count's power of two.
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// The number of buckets.
    pub fn buckets(&self) -> usize {
        1 << self.bits
    }

    /// The features of an utterance (its first [`MAX_CHARS`] characters).
    pub fn features(&self, text: &str) -> Features {
        let text = match text.char_indices().nth(MAX_CHARS) {
            Some((cut, _)) => &text[..cut],
            None => text,
        };
        let mut sink = Sink::new(self.bits, 128);
        let tokens = Analyzer::shared().tokens(text, Mode::Query, true);
        let mut previous: Option<&str> = None;
        let mut pair = Vec::with_capacity(64);
        for token in &tokens {
            let term: &str = match token.kind {
                TokenKind::Number => number_shape(&token.word),
                TokenKind::Word => {
                    word_grams(&token.word, &mut sink);
                    &token.text
                }
                TokenKind::Han => &token.text,
            };
            sink.add(WORD, term.as_bytes());
            match previous {
                Some(before) => {
                    pair.clear();
                    pair.extend_from_slice(before.as_bytes());
                    pair.push(b' ');
                    pair.extend_from_slice(term.as_bytes());
                    sink.add(PAIR, &pair);
                }
                None => sink.add(FIRST, term.as_bytes()),
            }
            previous = Some(term);
        }
        han_grams(text, &mut sink);
        Features { entries: sink.finish() }
    }
}

/// A number by its shape: small numbers are quantities and prices, long ones are ids.
fn number_shape(word: &str) -> &'static str {
    let digits = word.chars().filter(char::is_ascii_digit).count();
    let letters = word.chars().count() - digits;
    match (letters, digits) {
        (0, 0..=2) => "<num:short>",
        (0, 3..=5) => "<num:medium>",
        (0, _) => "<num:long>",
        _ => "<num:code>",
    }
}

/// Character 3- to 5-grams of a folded word with its boundaries marked.
fn word_grams(word: &str, sink: &mut Sink) {
    let mut chars = [' '; 34];
    let mut len = 1;
    for c in word.chars().take(32) {
        chars[len] = c;
        len += 1;
    }
    len += 1;
    let chars = &chars[..len];
    let mut bytes = [0u8; 24];
    for n in 3..=5 {
        for window in chars.windows(n) {
            let mut at = 0;
            for c in window {
                at += c.encode_utf8(&mut bytes[at..]).len();
            }
            sink.add(GRAM + ((n as u64) << 8), &bytes[..at]);
        }
    }
}

/// Character 1- to 3-grams of every run of Han characters.
fn han_grams(text: &str, sink: &mut Sink) {
    aisle_text::han_ngrams(
        text,
        3,
        &mut |n, gram| sink.add(HAN_GRAM + ((n as u64) << 8), gram),
        &mut |_| {},
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_sorted_merged_and_of_unit_length() {
        let f = Featurizer::new(16);
        for text in ["cancel order 3707955617", "我想取消订单", "Nike 红色跑鞋 size 42"] {
            let v = f.features(text);
            let norm: f32 = v.entries.iter().map(|(_, x)| x * x).sum();
            assert!((norm - 1.0).abs() < 1e-4, "{text}: {norm}");
            assert!(v.entries.windows(2).all(|w| w[0].0 < w[1].0), "{text}");
        }
    }

    #[test]
    fn order_numbers_share_their_shape() {
        let f = Featurizer::new(18);
        assert_eq!(f.features("track order 3707955617"), f.features("track order 1234567"));
        assert_ne!(f.features("track order 12"), f.features("track order 1234567"));
    }

    #[test]
    fn symbols_and_empty_texts_have_no_features() {
        let f = Featurizer::new(12);
        assert!(f.features("").entries.is_empty());
        assert!(f.features("?!... 😀😀").entries.is_empty());
    }

    #[test]
    fn only_the_start_of_a_huge_text_is_read() {
        let f = Featurizer::new(12);
        let huge = "refund ".repeat(20_000);
        assert_eq!(f.features(&huge), f.features(&"refund ".repeat(MAX_CHARS / 7 + 1)));
    }
}
