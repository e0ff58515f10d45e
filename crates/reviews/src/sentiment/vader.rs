//! VADER (Hutto and Gilbert, 2014), the lexicon-and-rules baseline for English, through the
//! `vader_sentiment` crate (a port of the authors' Python package with their lexicon).
//!
//! VADER reads words, emoticons, emoji, capitals, "!" and boosters ("very"), and negations
//! without any training, so it is both the baseline the trained classifier is measured against
//! and a set of features the classifier reads.

use std::sync::OnceLock;

use vader_sentiment::SentimentIntensityAnalyzer;

/// VADER's scores for one text.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VaderScores {
    /// The normalised sum of valences, from -1 (most negative) to 1 (most positive).
    pub compound: f32,
    /// The share of the text that reads positive.
    pub positive: f32,
    /// The share of the text that reads negative.
    pub negative: f32,
}

/// VADER's authors' thresholds on the compound score: at or above 0.05 positive, at or below
/// -0.05 negative, neutral between.
pub const VADER_THRESHOLD: f32 = 0.05;

fn analyzer() -> &'static SentimentIntensityAnalyzer<'static> {
    static SHARED: OnceLock<SentimentIntensityAnalyzer<'static>> = OnceLock::new();
    SHARED.get_or_init(SentimentIntensityAnalyzer::new)
}

/// Emoji common in reviews that VADER's emoji lexicon describes with words its word lexicon
/// lacks ("thumbs down", "pouting face"), as words it knows.
const MISSED_EMOJI: [(char, &str); 6] = [
    ('👎', " dislike "),
    ('😡', " angry "),
    ('🤬', " furious "),
    ('💩', " crap "),
    ('🤮', " disgusting "),
    ('👌', " good "),
];

fn with_missed_emoji_spelled_out(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| MISSED_EMOJI.iter().any(|(e, _)| *e == c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match MISSED_EMOJI.iter().find(|(e, _)| *e == c) {
            Some((_, word)) => out.push_str(word),
            None => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

impl VaderScores {
    /// How many dense features [`VaderScores::features`] gives.
    pub const FEATURES: usize = 3;

    /// VADER's scores of a readable text.
    pub fn of(text: &str) -> Self {
        if text.trim().is_empty() {
            return Self::default();
        }
        let text = with_missed_emoji_spelled_out(text);
        let scores = analyzer().polarity_scores(&text);
        let get = |key: &str| scores.get(key).copied().unwrap_or(0.0) as f32;
        let finite = |x: f32| if x.is_finite() { x } else { 0.0 };
        Self {
            compound: finite(get("compound")),
            positive: finite(get("pos")),
            negative: finite(get("neg")),
        }
    }

    /// The scores as classifier features.
    pub fn features(self) -> [f32; Self::FEATURES] {
        [self.compound, self.positive, self.negative]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vader_reads_words_negations_and_emoji() {
        assert!(VaderScores::of("I love it, works great!").compound > 0.5);
        assert!(VaderScores::of("not good at all").compound < -0.2);
        assert!(VaderScores::of("😀😀").compound > 0.3);
        assert!(VaderScores::of("😡👎").compound < -0.3, "emoji VADER's lexicon misses");
        assert_eq!(VaderScores::of("   ").compound, 0.0);
        assert_eq!(VaderScores::of("The box is blue.").compound, 0.0);
    }
}
