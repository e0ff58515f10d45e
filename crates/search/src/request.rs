//! What a search asks for and what it answers.

use crate::facets::Facets;
use crate::filters::Filters;

/// The longest query accepted, in characters: longer text is a pasted document, not a query.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// The most results one page may hold.
pub const MAX_LIMIT: usize = 200;

/// The order of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Best match first (then personalised, when a shopper is given).
    #[default]
    Relevance,
    /// Cheapest first.
    PriceAscending,
    /// Dearest first.
    PriceDescending,
    /// Most recently added first.
    Newest,
    /// Most popular first.
    Popular,
}

impl SortOrder {
    /// Parses the API's names: `relevance`, `price_asc`, `price_desc`, `newest`, `popular`.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "relevance" => Self::Relevance,
            "price_asc" => Self::PriceAscending,
            "price_desc" => Self::PriceDescending,
            "newest" => Self::Newest,
            "popular" => Self::Popular,
            _ => return None,
        })
    }
}

/// One search.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// What the shopper typed.
    pub query: String,
    /// Results per page.
    pub limit: usize,
    /// Results to skip.
    pub offset: usize,
    /// Conditions on the results.
    pub filters: Filters,
    /// Order of the results.
    pub sort: SortOrder,
    /// Share of semantic matching (0 lexical only, 1 semantic only); `None` for the shop's
    /// default.
    pub semantic_ratio: Option<f32>,
    /// Facets to count; `None` for all, an empty list for none.
    pub facets: Option<Vec<String>>,
    /// Whether prices, colours and sizes in the query become filters.
    pub understand: bool,
    /// Whether the last word may be unfinished (search as you type).
    pub prefix: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        Self {
            query: String::new(),
            limit: 10,
            offset: 0,
            filters: Filters::default(),
            sort: SortOrder::Relevance,
            semantic_ratio: None,
            facets: None,
            understand: true,
            prefix: true,
        }
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Item index.
    pub item: u32,
    /// The shop's id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The title with matched words in `<mark>`, HTML-escaped.
    pub highlight: String,
    /// Final score, higher is better (relevance fused and personalised, in 0..=2).
    pub score: f32,
    /// The lexical part, normalised to 0..=1, if the item matched lexically.
    pub lexical: Option<f32>,
    /// The cosine similarity of the item to the query, if it matched semantically.
    pub semantic: Option<f32>,
    /// Price, if any.
    pub price: Option<f64>,
}

/// What the query was understood to ask for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// The text searched for after prices, colours and sizes were taken out.
    pub text: String,
    /// The filters taken from the query and applied.
    pub filters: Filters,
    /// Categories the query names (results in them are boosted).
    pub categories: Vec<String>,
}

/// The answer to a search.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    /// The requested page of results.
    pub hits: Vec<Hit>,
    /// How many items match in all.
    pub total: usize,
    /// Facet counts over all matches.
    pub facets: Facets,
    /// How the query was understood.
    pub parsed: Parsed,
    /// The semantic ratio actually used (0 when there is no model or the query's script is
    /// unknown to it).
    pub semantic_ratio: f32,
    /// Whether the shopper's scores re-ranked the results.
    pub personalized: bool,
    /// Things the caller should know (semantic search unavailable, query cut, ...).
    pub notes: Vec<String>,
}
