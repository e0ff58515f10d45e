//! Autocomplete: what to offer under a search box as the shopper types: shoppers' own past
//! queries, category names and item titles that start with what was typed.

use std::collections::HashSet;

use aisle_text::fold;

use crate::index::SearchIndex;
use crate::{Result, SearchRequest};

/// One suggestion.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The text to show and to search for.
    pub text: String,
    /// `query` (searched by shoppers before), `category` or `item`.
    pub kind: &'static str,
    /// The item's id, for `item` suggestions.
    pub id: Option<String>,
    /// How often shoppers searched it, for `query` suggestions.
    pub count: Option<u64>,
}

/// Whether `candidate` has a word starting with `typed` (both folded); for Chinese, anywhere.
fn completes(candidate: &str, typed: &str) -> bool {
    let candidate = fold(candidate);
    if aisle_text::has_han(typed) {
        return candidate.contains(typed);
    }
    candidate.starts_with(typed)
        || candidate
            .match_indices(typed)
            .any(|(at, _)| candidate[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric()))
}

impl SearchIndex {
    /// Up to `n` suggestions for what the shopper has typed so far: past queries first, then
    /// categories, then items.
    pub fn suggest(&self, typed: &str, n: usize) -> Result<Vec<Suggestion>> {
        let typed = fold(typed.trim());
        if typed.is_empty() || n == 0 {
            return Ok(Vec::new());
        }
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(n);
        for (query, count) in self.popular_queries().iter() {
            // Past queries take at most about half the list.
            if out.len() > n / 2 {
                break;
            }
            if completes(query, &typed) && seen.insert(fold(query)) {
                out.push(Suggestion {
                    text: query.clone(),
                    kind: "query",
                    id: None,
                    count: Some(*count),
                });
            }
        }
        let request = SearchRequest {
            query: typed.clone(),
            limit: n.clamp(1, 50),
            semantic_ratio: Some(0.0),
            facets: Some(vec!["category".into()]),
            understand: false,
            ..SearchRequest::default()
        };
        let results = self.search(&request, None)?;
        if let Some(categories) = results.facets.get("category") {
            let mut names: Vec<(&String, &u64)> =
                categories.iter().filter(|(c, _)| completes(c, &typed)).collect();
            names.sort_by(|a, b| b.1.cmp(a.1));
            for (name, _) in names.into_iter().take(3) {
                if out.len() < n && seen.insert(fold(name)) {
                    out.push(Suggestion {
                        text: name.clone(),
                        kind: "category",
                        id: None,
                        count: None,
                    });
                }
            }
        }
        for hit in results.hits {
            if out.len() >= n {
                break;
            }
            if seen.insert(fold(&hit.title)) {
                out.push(Suggestion {
                    text: hit.title,
                    kind: "item",
                    id: Some(hit.id),
                    count: None,
                });
            }
        }
        Ok(out)
    }
}
