//! The shop's policies and FAQ, which the shop edits, retrieved by lexical and embedding search.
//!
//! Entries are plain question/answer pairs in English or Chinese, tagged with the intents they
//! answer. Retrieval fuses three rankings by reciprocal rank: BM25 over the analyzer's tokens
//! (jieba for Chinese, stemmed English), cosine similarity of sentence embeddings when an
//! [`Embedder`] is given, and the intent tags. The answer text is returned verbatim: the
//! assistant never rewrites a policy's facts.

use std::collections::HashMap;

use aisle_nlu::Language;
use aisle_text::{Analyzer, Mode};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The example policies Aisle ships, for the shop to edit.
const BUILTIN: &str = include_str!("../knowledge/default.json");

/// The longest answer the shop may write, in characters.
pub const MAX_ANSWER_CHARS: usize = 4000;
/// The most entries a knowledge base may hold.
pub const MAX_ENTRIES: usize = 5000;

/// Fusion constant of reciprocal rank fusion (Cormack et al. use 60).
const RRF_K: f32 = 60.0;
/// BM25's term-frequency saturation and length normalisation.
const BM25_K1: f32 = 1.2;
const BM25_B: f32 = 0.75;
/// Below this cosine an embedding match is not evidence.
const MIN_COSINE: f32 = 0.35;

/// One policy or FAQ entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeEntry {
    /// The shop's id for the topic; the English and Chinese entries of a topic share it.
    pub id: String,
    /// `en` or `zh`.
    pub language: String,
    /// The intents this entry answers (Bitext names or `store_policy`).
    #[serde(default)]
    pub intents: Vec<String>,
    /// The question as a shopper would ask it.
    pub question: String,
    /// The shop's answer, shown verbatim.
    pub answer: String,
}

/// Turns texts into unit vectors (the server passes its sentence-embedding model).
pub trait Embedder: Send + Sync {
    /// One vector per text, or `None` when this text's language is not one the model reads.
    fn embed(&self, text: &str) -> Option<Vec<f32>>;
}

/// A retrieved entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit<'a> {
    /// The entry.
    pub entry: &'a KnowledgeEntry,
    /// Fused score (higher is better; comparable within one query only).
    pub score: f32,
}

/// The knowledge base with its lexical index (and entry vectors, when embedded).
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    entries: Vec<KnowledgeEntry>,
    /// Term → (entry, term frequency).
    postings: HashMap<String, Vec<(u32, u32)>>,
    lengths: Vec<u32>,
    mean_length: f32,
    vectors: Vec<Option<Vec<f32>>>,
}

impl KnowledgeBase {
    /// The example policies that ship with Aisle.
    pub fn builtin() -> Result<Self> {
        Self::from_json(BUILTIN)
    }

    /// Reads a knowledge base from its JSON form (an array of entries).
    pub fn from_json(text: &str) -> Result<Self> {
        let entries: Vec<KnowledgeEntry> = serde_json::from_str(text).map_err(|e| {
            Error::BadKnowledge(format!(
                "not a JSON array of entries ({e}); each entry needs id, language, question, answer and may have intents"
            ))
        })?;
        Self::new(entries)
    }

    /// Checks and indexes entries: ids present, language `en` or `zh`, question and answer
    /// non-empty, answers at most [`MAX_ANSWER_CHARS`], no topic twice in one language.
    pub fn new(entries: Vec<KnowledgeEntry>) -> Result<Self> {
        if entries.len() > MAX_ENTRIES {
            return Err(Error::BadKnowledge(format!(
                "{} entries; at most {MAX_ENTRIES} are allowed",
                entries.len()
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for (position, entry) in entries.iter().enumerate() {
            let at = format!("entry {position} (id `{}`)", entry.id);
            if entry.id.trim().is_empty() {
                return Err(Error::BadKnowledge(format!("entry {position}: `id` is empty")));
            }
            if !matches!(entry.language.as_str(), "en" | "zh") {
                return Err(Error::BadKnowledge(format!(
                    "{at}: language `{}` is not `en` or `zh`",
                    entry.language
                )));
            }
            if entry.question.trim().is_empty() || entry.answer.trim().is_empty() {
                return Err(Error::BadKnowledge(format!(
                    "{at}: question and answer must not be empty"
                )));
            }
            if entry.answer.chars().count() > MAX_ANSWER_CHARS {
                return Err(Error::BadKnowledge(format!(
                    "{at}: the answer is longer than {MAX_ANSWER_CHARS} characters; shorten it or split the topic"
                )));
            }
            if !seen.insert((entry.id.as_str(), entry.language.as_str())) {
                return Err(Error::BadKnowledge(format!(
                    "{at}: a second `{}` entry for id `{}`; ids are unique per language",
                    entry.language, entry.id
                )));
            }
        }
        let analyzer = Analyzer::shared();
        let mut postings: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
        let mut lengths = Vec::with_capacity(entries.len());
        for (position, entry) in entries.iter().enumerate() {
            let text = format!("{} {}", entry.question, entry.answer);
            let tokens = analyzer.tokens(&text, Mode::Index, true);
            lengths.push(tokens.len() as u32);
            let mut counts: HashMap<String, u32> = HashMap::new();
            for token in tokens {
                *counts.entry(token.text).or_default() += 1;
            }
            for (term, count) in counts {
                postings.entry(term).or_default().push((position as u32, count));
            }
        }
        let mean_length =
            (lengths.iter().map(|&l| l as f32).sum::<f32>() / lengths.len().max(1) as f32).max(1.0);
        let vectors = vec![None; entries.len()];
        Ok(Self { entries, postings, lengths, mean_length, vectors })
    }

    /// Embeds every entry's question and answer for semantic retrieval.
    pub fn embed_with(&mut self, embedder: &dyn Embedder) {
        self.vectors = self
            .entries
            .iter()
            .map(|e| embedder.embed(&format!("{} {}", e.question, e.answer)))
            .collect();
    }

    /// Whether entry vectors are present (semantic retrieval is on).
    pub fn is_embedded(&self) -> bool {
        self.vectors.iter().any(Option::is_some)
    }

    /// The entries, in the shop's order.
    pub fn entries(&self) -> &[KnowledgeEntry] {
        &self.entries
    }

    /// The JSON form the shop edits.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.entries).unwrap_or_else(|_| "[]".into())
    }

    /// The best entries for a question, in the shopper's language (the other language's
    /// entries only when none of theirs matches), preferring entries tagged with `intent`.
    pub fn search(
        &self,
        question: &str,
        language: Language,
        intent: Option<&str>,
        embedder: Option<&dyn Embedder>,
        limit: usize,
    ) -> Vec<Hit<'_>> {
        let code = match language {
            Language::Chinese => "zh",
            Language::English => "en",
        };
        let hits = self.search_in(question, Some(code), intent, embedder, limit);
        if hits.is_empty() {
            self.search_in(question, None, intent, embedder, limit)
        } else {
            hits
        }
    }

    fn search_in(
        &self,
        question: &str,
        language: Option<&str>,
        intent: Option<&str>,
        embedder: Option<&dyn Embedder>,
        limit: usize,
    ) -> Vec<Hit<'_>> {
        let admitted = |i: usize| language.is_none_or(|code| self.entries[i].language == code);
        let mut fused: HashMap<usize, f32> = HashMap::new();
        let mut add_ranking = |ranking: Vec<(usize, f32)>| {
            for (rank, (entry, _)) in ranking.into_iter().enumerate() {
                *fused.entry(entry).or_default() += 1.0 / (RRF_K + rank as f32 + 1.0);
            }
        };
        let lexical: Vec<(usize, f32)> =
            self.bm25(question).into_iter().filter(|&(i, _)| admitted(i)).collect();
        add_ranking(lexical);
        if let Some(query) = embedder.and_then(|e| e.embed(question)) {
            let mut semantic: Vec<(usize, f32)> = self
                .vectors
                .iter()
                .enumerate()
                .filter(|&(i, _)| admitted(i))
                .filter_map(|(i, v)| v.as_ref().map(|v| (i, dot(v, &query))))
                .filter(|&(_, cosine)| cosine >= MIN_COSINE)
                .collect();
            semantic.sort_by(|a, b| b.1.total_cmp(&a.1));
            add_ranking(semantic);
        }
        if let Some(intent) = intent {
            // Tagged entries count as one more ranking, in the shop's order, weighted double:
            // the classifier is more reliable than word overlap on one-line questions.
            let tagged: Vec<usize> = (0..self.entries.len())
                .filter(|&i| admitted(i) && self.entries[i].intents.iter().any(|t| t == intent))
                .collect();
            for (rank, entry) in tagged.into_iter().enumerate() {
                *fused.entry(entry).or_default() += 2.0 / (RRF_K + rank as f32 + 1.0);
            }
        }
        let mut hits: Vec<Hit<'_>> =
            fused.into_iter().map(|(i, score)| Hit { entry: &self.entries[i], score }).collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.entry.id.cmp(&b.entry.id)));
        hits.truncate(limit);
        hits
    }

    /// Entries with any query term, by BM25, best first.
    fn bm25(&self, question: &str) -> Vec<(usize, f32)> {
        let n = self.entries.len() as f32;
        let mut scores: HashMap<usize, f32> = HashMap::new();
        let mut terms: Vec<String> = Analyzer::shared()
            .tokens(question, Mode::Query, true)
            .into_iter()
            .map(|t| t.text)
            .collect();
        terms.sort();
        terms.dedup();
        for term in terms {
            let Some(list) = self.postings.get(&term) else { continue };
            let df = list.len() as f32;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for &(entry, tf) in list {
                let tf = tf as f32;
                let norm =
                    1.0 - BM25_B + BM25_B * self.lengths[entry as usize] as f32 / self.mean_length;
                *scores.entry(entry as usize).or_default() +=
                    idf * tf * (BM25_K1 + 1.0) / (tf + BM25_K1 * norm);
            }
        }
        let mut ranked: Vec<(usize, f32)> = scores.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(kb: &KnowledgeBase, question: &str, language: Language, intent: Option<&str>) -> String {
        kb.search(question, language, intent, None, 1)
            .first()
            .map(|h| h.entry.id.clone())
            .unwrap_or_default()
    }

    #[test]
    fn the_builtin_policies_answer_typical_questions_in_both_languages() {
        let kb = KnowledgeBase::builtin().unwrap();
        let check = |question: &str, language: Language, expected: &str| {
            assert_eq!(top(&kb, question, language, None), expected, "{question}");
        };
        check("how long does shipping take", Language::English, "delivery-period");
        check("can I pay with alipay", Language::English, "payment-methods");
        check("do you have a warranty on electronics", Language::English, "warranty");
        check("I forgot my password", Language::English, "password");
        check("多久能送到", Language::Chinese, "delivery-period");
        check("支持微信支付吗", Language::Chinese, "payment-methods");
        check("怎么注销账户", Language::Chinese, "delete-account");
    }

    #[test]
    fn an_intent_tag_decides_between_weak_word_matches() {
        let kb = KnowledgeBase::builtin().unwrap();
        assert_eq!(
            top(&kb, "how does it work", Language::English, Some("newsletter_subscription")),
            "newsletter"
        );
    }

    #[test]
    fn answers_come_back_in_the_shoppers_language() {
        let kb = KnowledgeBase::builtin().unwrap();
        let hits = kb.search("退货政策", Language::Chinese, Some("check_refund_policy"), None, 3);
        assert!(hits.iter().all(|h| h.entry.language == "zh"));
        assert_eq!(hits[0].entry.id, "returns");
    }

    #[test]
    fn nothing_matches_a_question_with_no_shared_words_and_no_intent() {
        let kb = KnowledgeBase::builtin().unwrap();
        assert!(kb.search("zzzz qqqq", Language::English, None, None, 3).is_empty());
    }

    #[test]
    fn bad_entries_are_refused_with_their_position() {
        let check = |json: &str, expected: &str| {
            let error = KnowledgeBase::from_json(json).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        };
        check("{}", "not a JSON array");
        check(r#"[{"id":"a","language":"fr","question":"q","answer":"a"}]"#, "language `fr`");
        check(
            r#"[{"id":" ","language":"en","question":"q","answer":"a"}]"#,
            "entry 0: `id` is empty",
        );
        check(r#"[{"id":"a","language":"en","question":"q","answer":" "}]"#, "must not be empty");
        check(
            r#"[{"id":"a","language":"en","question":"q","answer":"x"},{"id":"a","language":"en","question":"q","answer":"y"}]"#,
            "entry 1 (id `a`)",
        );
        check(
            r#"[{"id":"a","language":"en","question":"q","answer":"x","extra":1}]"#,
            "unknown field",
        );
        let long = format!(
            r#"[{{"id":"a","language":"en","question":"q","answer":"{}"}}]"#,
            "x".repeat(4001)
        );
        check(&long, "longer than 4000");
    }

    struct Letters;
    impl Embedder for Letters {
        fn embed(&self, text: &str) -> Option<Vec<f32>> {
            // A toy bag of letters is enough to check that vectors take part in the fusion.
            let mut v = vec![0f32; 26];
            for c in text.to_ascii_lowercase().bytes().filter(u8::is_ascii_lowercase) {
                v[usize::from(c - b'a')] += 1.0;
            }
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
            Some(v.into_iter().map(|x| x / norm).collect())
        }
    }

    #[test]
    fn embedded_entries_take_part_in_retrieval() {
        let mut kb = KnowledgeBase::builtin().unwrap();
        assert!(!kb.is_embedded());
        kb.embed_with(&Letters);
        assert!(kb.is_embedded());
        assert!(kb.search("etaoin shrdlu", Language::English, None, None, 3).is_empty());
        assert!(!kb.search("etaoin shrdlu", Language::English, None, Some(&Letters), 3).is_empty());
    }
}
