//! Keywords: the key phrases of an item's or a category's reviews, in Chinese and English, by
//! two methods.
//!
//! - [`Corpus::tfidf`]: what a document (all the reviews of one item, or of one category) says
//!   more often than the others do, weighed by TF-IDF against the whole collection.
//! - [`textrank`]: what a set of reviews keeps coming back to, by TextRank (Mihalcea and
//!   Tarau, 2004) over the words that occur near each other; it needs no collection.
//!
//! Candidates are English words of three or more letters and jieba words of two or more Han
//! characters, minus stop words: function words, review filler ("product", 东西) and generic
//! praise ("great", 不错). English word forms are counted together by stem ("battery" and
//! "batteries") and shown in their most frequent form. Two candidates next to each other in a
//! sentence, with nothing but a space between, make a phrase ("battery life", 物流速度) when
//! they do so at least twice; a word seen only inside its phrases gives way to them.
//!
//! This is not aspect detection ([`crate::aspects`] names fixed topics and their sentiment),
//! nor sentiment: a keyword says what reviews talk about, not how they feel. It tags no parts
//! of speech (stop lists stand in for TextRank's noun and adjective filter) and makes no
//! phrases longer than two words.
//!
//! ```
//! use aisle_reviews::keywords::{textrank, Corpus};
//!
//! let mut corpus = Corpus::new();
//! let phone = corpus.add_document(&["Battery life is short.", "The battery life could be longer."]);
//! corpus.add_document(&["The screen is bright.", "Screen scratches easily."]);
//! assert_eq!(corpus.tfidf(phone, 3)[0].phrase, "battery life");
//!
//! let keywords = textrank(&["物流速度很快，电池续航也不错", "物流速度一般，电池续航很长"], 5);
//! assert!(keywords.iter().any(|k| k.phrase == "电池续航"));
//! ```

mod candidates;
mod stop_words;
mod textrank;
mod vocabulary;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

pub use textrank::textrank;

use vocabulary::Vocabulary;

/// A key phrase and its weight.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Keyword {
    /// The phrase as reviewers most often write it, folded (lower case): one word, or two
    /// ("battery life", or 物流速度 without a space in Chinese).
    pub phrase: String,
    /// Its weight: TF-IDF or TextRank score. Higher is more key; scores compare within one
    /// list, not across lists or methods.
    pub score: f32,
    /// How often it occurs in the texts it was extracted from.
    pub count: u32,
}

/// Document frequencies over a collection of documents (one document = all the reviews of one
/// item, or of one category).
///
/// Each document keeps only its term counts, under ids of a shared vocabulary: a word costs
/// eight bytes per document it occurs in, and a phrase twelve per document where it occurs
/// twice. Document frequencies of phrases count every occurrence, kept or not.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    vocabulary: Vocabulary,
    /// Per word id, the number of documents it occurs in.
    word_df: Vec<u32>,
    /// Per phrase (first and second word id), the number of documents it occurs in.
    phrase_df: HashMap<(u32, u32), u32>,
    documents: Vec<Document>,
}

#[derive(Debug, Clone)]
struct Document {
    /// Word id and count, by id.
    words: Box<[(u32, u32)]>,
    /// First and second word id and count, for phrases seen at least twice, by ids.
    phrases: Box<[(u32, u32, u32)]>,
}

/// How often two adjacent words must occur together to make a phrase.
const MIN_PHRASE_COUNT: u32 = 2;

impl Corpus {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one document given as its review texts; returns its index.
    pub fn add_document<S: AsRef<str>>(&mut self, texts: &[S]) -> usize {
        let mut words: HashMap<u32, u32> = HashMap::new();
        let mut pairs: HashMap<(u32, u32), u32> = HashMap::new();
        for text in texts {
            for sentence in candidates::sentences(text.as_ref()) {
                let mut previous = None;
                for candidate in &sentence {
                    let id = self.vocabulary.add(candidate);
                    bump(words.entry(id).or_default());
                    if let Some(pair) = phrase_pair(previous, id, candidate.joined) {
                        bump(pairs.entry(pair).or_default());
                    }
                    previous = Some(id);
                }
            }
        }
        self.word_df.resize(self.vocabulary.len(), 0);
        for &id in words.keys() {
            if let Some(df) = self.word_df.get_mut(id as usize) {
                bump(df);
            }
        }
        for &pair in pairs.keys() {
            bump(self.phrase_df.entry(pair).or_default());
        }
        let mut words: Vec<(u32, u32)> = words.into_iter().collect();
        words.sort_unstable();
        let mut phrases: Vec<(u32, u32, u32)> = pairs
            .into_iter()
            .filter(|&(_, count)| count >= MIN_PHRASE_COUNT)
            .map(|((first, second), count)| (first, second, count))
            .collect();
        phrases.sort_unstable();
        self.documents.push(Document {
            words: words.into_boxed_slice(),
            phrases: phrases.into_boxed_slice(),
        });
        self.documents.len() - 1
    }

    /// The number of documents added.
    pub fn documents(&self) -> usize {
        self.documents.len()
    }

    /// TF-IDF key phrases of document `index` (sublinear tf, smoothed idf ln((1+N)/(1+df))+1),
    /// best first, at most `top`. An index past the documents gives an empty list.
    pub fn tfidf(&self, index: usize, top: usize) -> Vec<Keyword> {
        let Some(document) = self.documents.get(index) else {
            return Vec::new();
        };
        let documents = self.documents.len() as f64;
        let weight = |count: u32, df: u32| {
            let tf = 1.0 + f64::from(count.max(1)).ln();
            let idf = ((1.0 + documents) / (1.0 + f64::from(df))).ln() + 1.0;
            (tf * idf) as f32
        };
        let phrases = document.phrases.iter().map(|&(first, second, count)| {
            let df = self.phrase_df.get(&(first, second)).copied().unwrap_or(1);
            ((first, second), count, weight(count, df))
        });
        let words = document.words.iter().map(|&(id, count)| {
            let df = self.word_df.get(id as usize).copied().unwrap_or(1);
            (id, count, weight(count, df))
        });
        best(&self.vocabulary, words, phrases.collect(), top)
    }
}

/// The phrase a candidate makes with the one before it, if it directly follows it and is
/// another word (a word repeated, "哈哈 哈哈", is no phrase).
fn phrase_pair(previous: Option<u32>, id: u32, joined: bool) -> Option<(u32, u32)> {
    previous.filter(|&first| joined && first != id).map(|first| (first, id))
}

fn bump(count: &mut u32) {
    *count = count.saturating_add(1);
}

/// The `top` best keywords from scored words (id, count, score) and phrases: words seen only
/// inside the phrases give way to them; ties go to the more frequent, then alphabetically.
fn best(
    vocabulary: &Vocabulary,
    words: impl Iterator<Item = (u32, u32, f32)>,
    phrases: Vec<((u32, u32), u32, f32)>,
    top: usize,
) -> Vec<Keyword> {
    let mut inside_phrases: HashMap<u32, u32> = HashMap::new();
    for &((first, second), count, _) in &phrases {
        for id in [first, second] {
            let total = inside_phrases.entry(id).or_default();
            *total = total.saturating_add(count);
        }
    }
    let mut keywords: Vec<Keyword> = words
        .filter(|&(id, count, _)| inside_phrases.get(&id).is_none_or(|&inside| count > inside))
        .map(|(id, count, score)| Keyword { phrase: vocabulary.display(id), score, count })
        .chain(phrases.into_iter().map(|((first, second), count, score)| Keyword {
            phrase: vocabulary.display_phrase(first, second),
            score,
            count,
        }))
        .collect();
    keywords.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then(b.count.cmp(&a.count)).then(a.phrase.cmp(&b.phrase))
    });
    keywords.truncate(top);
    keywords
}
