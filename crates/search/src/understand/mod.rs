//! Query understanding for product search, in Chinese and English: prices, colours, sizes and
//! categories taken out of what the shopper typed and turned into filters, with the rest left
//! for full-text search.
//!
//! `红色 跑鞋 200元以下` becomes colour `red`, category `跑步鞋 Running Shoes`, price at most
//! 200, and no text; `iphone 15` stays text, because a bare number is not a price.
//!
//! It is a hand-written scanner over the query's characters (`lexer`) followed by three
//! passes, each taking units the earlier ones left: sizes (`size`), prices (`price`), then
//! colour and category words ([`Vocabulary`]), longest first. It runs in time linear in the
//! query, never fails, and leaves anything it does not recognise (query syntax included) in
//! [`Understood::text`]. It is not a parser of search syntax, a spell checker or a
//! translator: which words mean which category is the catalog's to say.
//!
//! ```
//! # use aisle_search::understand::{understand, Vocabulary};
//! let mut vocabulary = Vocabulary::new();
//! vocabulary.add_category("跑步鞋 Running Shoes", &["跑步鞋", "跑鞋", "running shoes"]);
//! let understood = understand("Nike 红色 running shoes 300以下", &vocabulary);
//! assert_eq!(understood.text, "Nike");
//! assert_eq!(understood.max_price, Some(300.0));
//! assert_eq!(understood.colours, ["red"]);
//! assert_eq!(understood.categories, ["跑步鞋 Running Shoes"]);
//! ```

mod lexer;
mod phrases;
mod price;
mod size;
#[cfg(test)]
mod tests;
mod vocabulary;

pub use vocabulary::Vocabulary;

use lexer::{lex, Unit};
use price::PriceScan;
use vocabulary::TermKind;

/// What a query was understood to ask for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Understood {
    /// What is left for full-text search, whitespace-normalised; empty if nothing but
    /// punctuation is left.
    pub text: String,
    /// Lowest price asked for.
    pub min_price: Option<f64>,
    /// Highest price asked for.
    pub max_price: Option<f64>,
    /// Canonical colours, in the order they appear, without repeats.
    pub colours: Vec<String>,
    /// Sizes as written (numbers) or upper-cased (letter sizes), without repeats.
    pub sizes: Vec<String>,
    /// Canonical categories, in the order they appear, without repeats.
    pub categories: Vec<String>,
    /// What was taken out of the query, in query order, for the API to echo.
    pub spans: Vec<Parsed>,
}

/// One piece taken out of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// What it was read as.
    pub kind: ParsedKind,
    /// The text as the shopper wrote it.
    pub original: String,
    /// Byte offset of its start in the query.
    pub start: usize,
    /// Byte offset just past its end in the query.
    pub end: usize,
}

/// What a [`Parsed`] span was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParsedKind {
    /// A price bound or range.
    Price,
    /// A colour.
    Colour,
    /// A size.
    Size,
    /// A category.
    Category,
}

impl ParsedKind {
    /// The kind's name in lower case, for wire formats.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Price => "price",
            Self::Colour => "colour",
            Self::Size => "size",
            Self::Category => "category",
        }
    }
}

/// Reads prices, sizes, colours and categories out of `query`, leaving the rest as text.
pub fn understand(query: &str, vocabulary: &Vocabulary) -> Understood {
    let units = lex(query);
    let mut scan =
        Scan { query, free: vec![true; units.len()], units: &units, out: Understood::default() };
    let phrases = &vocabulary.phrases;
    scan.pass(|s, at| {
        let found = size::size_at(s.units, &s.free, at, phrases)?;
        s.take(at, found.len, ParsedKind::Size);
        push_new(&mut s.out.sizes, found.size);
        Some(found.len)
    });
    scan.pass(|s, at| {
        let prices = PriceScan { units: s.units, free: &s.free, words: &phrases.price };
        let found = prices.price_at(at)?;
        s.take(at, found.len, ParsedKind::Price);
        // Several price expressions narrow each other: the highest floor, the lowest ceiling.
        s.out.min_price = max_of(s.out.min_price, found.min);
        s.out.max_price = min_of(s.out.max_price, found.max);
        Some(found.len)
    });
    scan.pass(|s, at| {
        let found = vocabulary.match_at(s.units, &s.free, at)?;
        let (kind, list) = match found.kind {
            TermKind::Category => (ParsedKind::Category, &mut s.out.categories),
            TermKind::Colour => (ParsedKind::Colour, &mut s.out.colours),
        };
        push_new(list, found.canonical);
        s.take(at, found.len, kind);
        Some(found.len)
    });
    let mut out = scan.out;
    out.text = leftover(&units, &scan.free);
    out.spans.sort_by_key(|span| span.start);
    out
}

/// The units being understood, which of them are still free, and what was found so far.
struct Scan<'q> {
    query: &'q str,
    units: &'q [Unit],
    free: Vec<bool>,
    out: Understood,
}

impl Scan<'_> {
    /// Walks the free units left to right; `find` returns how many units it took at a
    /// position, and the walk resumes after them.
    fn pass(&mut self, mut find: impl FnMut(&mut Self, usize) -> Option<usize>) {
        let mut at = 0;
        while at < self.units.len() {
            let taken = if self.free[at] { find(self, at) } else { None };
            at += taken.unwrap_or(1).max(1);
        }
    }

    /// Marks `len` units from `at` as taken and records the span.
    fn take(&mut self, at: usize, len: usize, kind: ParsedKind) {
        let end = (at + len).min(self.units.len());
        let Some(last) = end.checked_sub(1).filter(|&last| last >= at) else { return };
        self.free[at..end].iter_mut().for_each(|free| *free = false);
        let (start, end) = (self.units[at].start, self.units[last].end);
        let original = self.query.get(start..end).unwrap_or_default().to_owned();
        self.out.spans.push(Parsed { kind, original, start, end });
    }
}

/// The free units joined back into text: a space where the query had one or where taken
/// units were cut out, none elsewhere (`红色跑鞋` stays glued where nothing was removed).
fn leftover(units: &[Unit], free: &[bool]) -> String {
    let mut text = String::new();
    let mut previous_free = true;
    for (unit, &is_free) in units.iter().zip(free) {
        if is_free {
            if !text.is_empty() && (unit.space_before || !previous_free) {
                text.push(' ');
            }
            text.push_str(&unit.display);
        }
        previous_free = is_free;
    }
    if text.chars().any(char::is_alphanumeric) {
        text
    } else {
        String::new()
    }
}

fn push_new(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// The larger of two optional bounds (a lower bound tightened by another).
pub(crate) fn max_of(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The smaller of two optional bounds (an upper bound tightened by another).
pub(crate) fn min_of(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
