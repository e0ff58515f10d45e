//! Cold start for items: items the serving snapshot has never seen (listed after it was built)
//! still get similar items, by what the catalog says of them. A TF-IDF cosine over the tokens
//! of title, brand, category path and attributes, against an inverted index of the snapshot's
//! items that is built on first use.
//!
//! Descriptions are left out on purpose: they are long and generic ("great quality, fast
//! delivery"), so they would fill the posting lists and blur the match that titles and
//! categories make. This is not search (issue 7 brings a real text index); it answers one
//! question: which known items look most like this new one.

use std::collections::HashMap;

use aisle_recommend::content::tokenize;
use aisle_recommend::ItemText;

/// Token postings over a snapshot's items.
#[derive(Debug, Default)]
pub(crate) struct ContentIndex {
    /// Token → (item index) postings, each item once per token.
    postings: HashMap<String, Vec<u32>>,
    /// `ln(n / df)` of each token.
    idf: HashMap<String, f32>,
    /// The TF-IDF norm of each item's token set.
    norms: Vec<f32>,
}

/// The tokens of an item that describe it: title, brand, categories, attributes, each once.
fn tokens(text: &ItemText) -> Vec<String> {
    let mut all = tokenize(&text.title);
    if let Some(brand) = &text.brand {
        all.extend(tokenize(brand).into_iter().map(|t| format!("brand:{t}")));
    }
    for category in &text.categories {
        all.extend(tokenize(category).into_iter().map(|t| format!("category:{t}")));
    }
    all.extend(text.attributes.iter().map(|a| format!("attribute:{}", a.to_lowercase())));
    all.sort_unstable();
    all.dedup();
    all
}

impl ContentIndex {
    pub(crate) fn build(items: &[ItemText]) -> Self {
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        let per_item: Vec<Vec<String>> = items.iter().map(tokens).collect();
        for (index, item_tokens) in per_item.iter().enumerate() {
            for token in item_tokens {
                postings.entry(token.clone()).or_default().push(index as u32);
            }
        }
        let n = items.len().max(1) as f32;
        let idf: HashMap<String, f32> = postings
            .iter()
            .map(|(token, items)| (token.clone(), (n / items.len() as f32).ln().max(0.0)))
            .collect();
        let norms = per_item
            .iter()
            .map(|t| {
                t.iter().map(|token| idf.get(token).map_or(0.0, |w| w * w)).sum::<f32>().sqrt()
            })
            .collect();
        Self { postings, idf, norms }
    }

    /// Cosine similarity of `text` with every indexed item; items sharing no token get
    /// `NEG_INFINITY`, so that they are never offered as similar.
    pub(crate) fn scores(&self, text: &ItemText) -> Vec<f32> {
        let mut scores = vec![f32::NEG_INFINITY; self.norms.len()];
        let query: Vec<(&Vec<u32>, f32)> = tokens(text)
            .iter()
            .filter_map(|t| Some((self.postings.get(t)?, self.idf.get(t).copied()?)))
            .collect();
        let norm = query.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm == 0.0 {
            return scores;
        }
        for (items, weight) in query {
            for &item in items {
                let score = &mut scores[item as usize];
                *score = score.max(0.0) + weight * weight;
            }
        }
        for (score, &item_norm) in scores.iter_mut().zip(&self.norms) {
            *score = if *score > 0.0 && item_norm > 0.0 {
                *score / (norm * item_norm)
            } else {
                f32::NEG_INFINITY
            };
        }
        scores
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(title: &str, brand: &str, category: &str) -> ItemText {
        ItemText {
            title: title.into(),
            brand: Some(brand.into()),
            categories: vec!["Shoes".into(), category.into()],
            ..ItemText::default()
        }
    }

    #[test]
    fn a_new_item_is_closest_to_the_items_it_shares_words_brand_and_category_with() {
        let known = [
            item("Trail running shoe", "Asics", "Running"),
            item("Leather office shoe", "Clarks", "Formal"),
            item("Road running shoe", "Nike", "Running"),
            item("Wool winter hat", "Clarks", "Hats"),
        ];
        let index = ContentIndex::build(&known);
        let scores = index.scores(&item("Trail running shoe GTX", "Asics", "Running"));
        let best = scores.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|(i, _)| i);
        assert_eq!(best, Some(0));
        assert!(scores[2] > scores[1], "{scores:?}");
        assert!(scores[..3].iter().all(|s| (0.0..=1.0 + 1e-5).contains(s)), "{scores:?}");
        assert_eq!(scores[3], f32::NEG_INFINITY, "shares nothing that counts");
        let nothing = index.scores(&ItemText { title: "zzz".into(), ..ItemText::default() });
        assert!(nothing.iter().all(|&s| s == f32::NEG_INFINITY));
    }
}
