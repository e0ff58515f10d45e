//! `content`: item-item similarity from what items say about themselves (title, description,
//! categories, brand, attributes), as TF-IDF cosine over word tokens, scored like item-kNN.
//! Items nobody has interacted with yet are as scorable as any other: it is the cold-start model.
//!
//! The tokenizer here is deliberately simple and dependency-free (lowercased alphanumeric runs;
//! every CJK character a token, plus CJK bigrams). A proper tokenizer (jieba, stemming) belongs
//! to a future `text` crate; this module does no language detection.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::artifact::{Reader, Writer};
use crate::knn::sparse::{Csr, FeatureWeights};
use crate::knn::{check, check_neighbours, propagate, top_neighbours, with_threads, Measure};
use crate::knn::{Similarity, Weighting};
use crate::{Error, ItemText, Query, Recommender, Result, TrainData};

const MODEL: &str = "content";

/// Configuration of `content`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContentConfig {
    /// Neighbours kept per item, at least 1.
    pub neighbours: usize,
    /// Shrinkage added to the cosine's denominator, non-negative.
    pub shrink: f64,
    /// Ignore tokens found in more than this fraction of the items, in (0, 1]. Besides removing
    /// words that say nothing, this bounds the cost, which grows with the square of a token's
    /// item count.
    pub max_df: f64,
    /// Ignore tokens found in fewer than this many items.
    pub min_df: usize,
    /// Use `1 + ln(count)` instead of the raw count of a token in an item.
    pub sublinear_tf: bool,
    /// Treat every history item as weight 1 when scoring.
    pub binary: bool,
}

impl Default for ContentConfig {
    fn default() -> Self {
        Self {
            neighbours: 100,
            shrink: 0.0,
            max_df: 0.5,
            min_df: 1,
            sublinear_tf: true,
            binary: true,
        }
    }
}

impl ContentConfig {
    /// Checks every parameter.
    pub fn validate(&self) -> Result<()> {
        check_neighbours(MODEL, self.neighbours)?;
        let expected = "expected a non-negative, finite number";
        check(MODEL, "shrink", self.shrink, self.shrink >= 0.0, expected)?;
        let in_range = self.max_df > 0.0 && self.max_df <= 1.0;
        check(MODEL, "max_df", self.max_df, in_range, "expected a fraction in (0, 1]")
    }
}

/// A trained `content` model: every item's most similar items by text.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    binary: bool,
    neighbours: Csr,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F) // CJK Extensions B and later
}

/// Splits text into lowercase tokens: runs of letters and digits, and for CJK scripts (which do
/// not separate words) every character plus every pair of adjacent characters.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut previous_cjk: Option<char> = None;
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            if let Some(p) = previous_cjk {
                tokens.push([p, c].iter().collect());
            }
            tokens.push(c.to_string());
            previous_cjk = Some(c);
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
            previous_cjk = None;
        } else {
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            previous_cjk = None;
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    tokens
}

fn item_tokens(item: &ItemText) -> Vec<String> {
    let mut tokens = tokenize(&item.title);
    tokens.extend(tokenize(&item.description));
    for text in item.categories.iter().chain(&item.brand).chain(&item.attributes) {
        tokens.extend(tokenize(text));
    }
    tokens
}

/// Items by tokens, holding token counts (or `1 + ln count`), with rare and common tokens removed.
fn term_matrix(config: &ContentConfig, items: &[ItemText], n_items: usize) -> Csr {
    let mut vocabulary: HashMap<String, u32> = HashMap::new();
    let mut rows: Vec<Vec<(u32, f32)>> = Vec::with_capacity(n_items);
    for item in items.iter().take(n_items) {
        let mut ids: Vec<u32> = item_tokens(item)
            .into_iter()
            .map(|t| {
                let next = vocabulary.len() as u32;
                *vocabulary.entry(t).or_insert(next)
            })
            .collect();
        ids.sort_unstable();
        let mut row: Vec<(u32, f32)> = Vec::new();
        for id in ids {
            match row.last_mut() {
                Some((last, count)) if *last == id => *count += 1.0,
                _ => row.push((id, 1.0)),
            }
        }
        rows.push(row);
    }
    rows.resize(n_items, Vec::new());
    let mut df = vec![0usize; vocabulary.len()];
    for row in &rows {
        for &(t, _) in row {
            df[t as usize] += 1;
        }
    }
    let with_text = rows.iter().filter(|r| !r.is_empty()).count();
    let max_df = (config.max_df * with_text as f64).max(1.0);
    let keep = |t: u32| (config.min_df..=max_df as usize).contains(&df[t as usize]);
    for row in &mut rows {
        row.retain(|&(t, _)| keep(t));
        if config.sublinear_tf {
            for (_, count) in row.iter_mut() {
                *count = 1.0 + count.ln();
            }
        }
    }
    Csr::from_rows(vocabulary.len(), rows)
}

/// Builds the item-item text similarities. Needs `data.items`; interactions are not used.
pub fn fit(config: &ContentConfig, data: &TrainData<'_>) -> Result<Content> {
    let _span = tracing::info_span!("fit", model = MODEL).entered();
    config.validate()?;
    let n_items = data.matrix.n_items.max(data.items.len());
    let mut terms = term_matrix(config, data.items, n_items);
    if terms.nnz() == 0 {
        return Err(Error::NoData {
            model: MODEL,
            detail: "no item has a title, description, category, brand or attribute with a \
                     usable word; import the catalog first"
                .into(),
        });
    }
    FeatureWeights::learn(&terms, Weighting::TfIdf, 0.0, 0.0).apply_rows(&mut terms);
    let tokens = terms.transpose();
    let norms = terms.squared_norms();
    let measure =
        Measure { similarity: Similarity::Cosine, alpha: 0.5, shrink: config.shrink as f32 };
    let neighbours = with_threads(data.threads, || {
        top_neighbours(&terms, &tokens, config.neighbours, |i, j, dot| {
            measure.of(dot, norms[i as usize], norms[j as usize])
        })
    });
    tracing::info!(
        items = n_items,
        tokens = tokens.n_rows(),
        pairs = neighbours.nnz(),
        "text neighbours"
    );
    Ok(Content { binary: config.binary, neighbours })
}

impl Content {
    /// Reads the payload written by [`Recommender::save`].
    pub fn load(input: &mut Reader<'_>) -> Result<Self> {
        let binary: bool = input.json()?;
        Ok(Self { binary, neighbours: Csr::load(input)? })
    }
}

impl Recommender for Content {
    fn name(&self) -> &'static str {
        MODEL
    }

    fn n_items(&self) -> usize {
        self.neighbours.n_rows()
    }

    fn score(&self, query: &Query<'_>, scores: &mut [f32]) {
        scores.fill(0.0);
        propagate(&self.neighbours, query.items, query.weights, self.binary, scores);
    }

    fn save(&self, out: &mut Writer<'_>) -> Result<()> {
        out.json(&self.binary)?;
        self.neighbours.save(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aisle_domain::InteractionMatrix;

    fn check_tokens(text: &str, expected: &[&str]) {
        assert_eq!(tokenize(text), expected, "{text:?}");
    }

    #[test]
    fn tokenizer_splits_words_and_cjk() {
        check_tokens("Hello, World! 42x", &["hello", "world", "42x"]);
        check_tokens("", &[]);
        check_tokens("  --  ", &[]);
        check_tokens("Éclair CAFÉ", &["éclair", "café"]);
        check_tokens("口红", &["口", "口红", "红"]);
        check_tokens("YSL口红 set", &["ysl", "口", "口红", "红", "set"]);
        check_tokens("面霜，乳液", &["面", "面霜", "霜", "乳", "乳液", "液"]);
    }

    fn text(title: &str) -> ItemText {
        ItemText { title: title.into(), ..ItemText::default() }
    }

    #[test]
    fn similar_texts_are_neighbours_and_new_items_score() {
        let items = [
            text("red lipstick matte"),
            text("red lipstick glossy"),
            text("garden hose"),
            text("matte lipstick nude"), // never interacted with
        ];
        // Only items 0-2 have interactions; item 3 is new.
        let matrix = InteractionMatrix::from_columns(1, 4, &[0, 0], &[0, 2], &[1.0; 2], &[0; 2]);
        let data = TrainData { items: &items, threads: 1, ..TrainData::new(&matrix) };
        let model = fit(&ContentConfig::default(), &data).expect("fit");
        let mut scores = vec![f32::NAN; 4];
        model.score(&Query { user: None, items: &[0], weights: &[1.0], millis: &[] }, &mut scores);
        assert!(scores[1] > 0.0 && scores[3] > 0.0, "{scores:?}");
        assert_eq!(scores[2], 0.0);
        assert_eq!(scores[0], 0.0, "an item is not its own neighbour");
        // Out-of-range history items are ignored.
        model.score(&Query { user: None, items: &[99], weights: &[1.0], millis: &[] }, &mut scores);
        assert!(scores.iter().all(|&s| s == 0.0));
    }

    #[test]
    fn no_text_is_no_data_and_bad_parameters_are_refused() {
        let matrix = InteractionMatrix::from_columns(1, 2, &[0], &[0], &[1.0], &[0]);
        let items = [text(""), text("!!")];
        let data = TrainData { items: &items, threads: 1, ..TrainData::new(&matrix) };
        assert!(matches!(fit(&ContentConfig::default(), &data), Err(Error::NoData { .. })));
        for config in [
            ContentConfig { neighbours: 0, ..ContentConfig::default() },
            ContentConfig { shrink: f64::NAN, ..ContentConfig::default() },
            ContentConfig { max_df: 0.0, ..ContentConfig::default() },
            ContentConfig { max_df: 1.5, ..ContentConfig::default() },
        ] {
            assert!(matches!(config.validate(), Err(Error::Parameter { .. })), "{config:?}");
        }
    }
}
