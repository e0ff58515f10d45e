//! Slots: the order number, product, category, brand, price range, size and colour in what a
//! shopper wrote, in Chinese or English.
//!
//! Prices, sizes, colours and categories are read by the product search's query understanding
//! (`aisle_search::understand`), so the assistant and the search box agree on what "500元以下"
//! or "size 42" means. On top of it this module finds order numbers ([`order`]), the shop's
//! brands, the one-size words (均码, "one size"), and the product: what is left once those and
//! the request's own words ("show me", "我想买", "比较一下这两款") are taken out.

mod order;
mod product;

use std::sync::{Arc, Mutex};

use aisle_search::understand::{understand, ParsedKind, Vocabulary};

/// The shop's own names, given by the caller: category names (`"连衣裙 Dress"`: both halves
/// match, the whole name is reported) and brand names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SlotVocabulary {
    /// Category names.
    pub categories: Vec<String>,
    /// Brand names.
    pub brands: Vec<String>,
}

/// What an utterance names. Colours are canonical English names (`red` for 红色); sizes are
/// upper-cased letters, numbers as written, or `均码`/`ONE SIZE`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Slots {
    /// An order number (`o-123`, `3707955617`, `ABC-1234` from `#ABC-1234`).
    pub order_id: Option<String>,
    /// The product asked about, as the shopper wrote it, without filler, price, size, colour or
    /// brand (`dress` from "a red dress under $50", `耳机` from 比较一下这两款耳机).
    pub product: Option<String>,
    /// The first of the shop's categories named.
    pub category: Option<String>,
    /// The first of the shop's brands named, as the shop spells it.
    pub brand: Option<String>,
    /// Lowest price asked for.
    pub price_min: Option<f64>,
    /// Highest price asked for.
    pub price_max: Option<f64>,
    /// The size asked for.
    pub size: Option<String>,
    /// The colour asked for.
    pub colour: Option<String>,
}

/// A [`SlotVocabulary`] prepared for matching. Build it once per vocabulary and share it;
/// [`extract_slots`] keeps the last one it built.
#[derive(Debug, Clone)]
pub struct SlotExtractor {
    source: SlotVocabulary,
    vocabulary: Vocabulary,
    /// Folded brand names with the shop's spelling, longest first.
    brands: Vec<(String, String)>,
}

impl SlotExtractor {
    /// Prepares a vocabulary.
    pub fn new(source: &SlotVocabulary) -> Self {
        let mut vocabulary = Vocabulary::new();
        for name in &source.categories {
            let words = category_words(name);
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            vocabulary.add_category(name, &words);
        }
        let mut brands: Vec<(String, String)> = source
            .brands
            .iter()
            .map(|b| (aisle_text::fold(b.trim()), b.trim().to_string()))
            .filter(|(folded, _)| !folded.is_empty())
            .collect();
        brands.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Self { source: source.clone(), vocabulary, brands }
    }

    /// The slots of `text` (its first 1,000 characters, as the intent model reads).
    pub fn extract(&self, text: &str) -> Slots {
        let text = match text.char_indices().nth(crate::features::MAX_CHARS) {
            Some((cut, _)) => &text[..cut],
            None => text,
        };
        let mut slots = Slots::default();
        // Byte ranges already explained, blanked out before the next reader looks.
        let mut taken: Vec<(usize, usize)> = Vec::new();
        if let Some(found) = order::find_order_id(text) {
            taken.push((found.start, found.end));
            slots.order_id = Some(found.id);
        }
        if let Some((start, end, brand)) = self.find_brand(text) {
            taken.push((start, end));
            slots.brand = Some(brand);
        }
        if let Some((start, end, size)) = product::one_size(text) {
            taken.push((start, end));
            slots.size = Some(size);
        }
        let blanked = blank(text, &taken);
        let understood = understand(&blanked, &self.vocabulary);
        slots.price_min = understood.min_price;
        slots.price_max = understood.max_price;
        slots.colour = understood.colours.into_iter().next();
        slots.category = understood.categories.into_iter().next();
        if slots.size.is_none() {
            slots.size = understood.sizes.into_iter().next();
        }
        for span in &understood.spans {
            if span.kind != ParsedKind::Category {
                taken.push((span.start, span.end));
            }
        }
        slots.product = product::product_text(&blank(text, &taken));
        slots
    }

    fn find_brand(&self, text: &str) -> Option<(usize, usize, String)> {
        let folded = aisle_text::fold(text);
        // Folding keeps one character per character, so offsets map back by character count.
        self.brands.iter().find_map(|(brand, spelling)| {
            let mut from = 0;
            while let Some(found) = folded[from..].find(brand.as_str()) {
                let start = from + found;
                let end = start + brand.len();
                let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                let latin_edges = brand.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && glued(folded[..start].chars().next_back())
                    || brand.ends_with(|c: char| c.is_ascii_alphanumeric())
                        && glued(folded[end..].chars().next());
                if !latin_edges {
                    let (s, e) = original_range(text, &folded, start, end);
                    return Some((s, e, spelling.clone()));
                }
                from = end;
            }
            None
        })
    }

    /// The vocabulary it was built from.
    pub fn vocabulary(&self) -> &SlotVocabulary {
        &self.source
    }
}

/// The slots of `text` with the shop's names in `vocabulary`. Preparing a vocabulary costs more
/// than reading a sentence, so the last one prepared is kept and reused while it is the same.
pub fn extract_slots(text: &str, vocabulary: &SlotVocabulary) -> Slots {
    static LAST: Mutex<Option<Arc<SlotExtractor>>> = Mutex::new(None);
    let cached = LAST.lock().ok().and_then(|last| last.clone()).filter(|e| e.source == *vocabulary);
    let extractor = cached.unwrap_or_else(|| {
        let built = Arc::new(SlotExtractor::new(vocabulary));
        if let Ok(mut last) = LAST.lock() {
            *last = Some(built.clone());
        }
        built
    });
    extractor.extract(text)
}

/// The words that name a category: its whole name, and its Chinese and Latin halves
/// (`跑步鞋 Running Shoes` is matched by 跑步鞋 and by "running shoes").
fn category_words(name: &str) -> Vec<String> {
    let mut words = vec![name.trim().to_lowercase()];
    let han: String = name.chars().filter(|c| aisle_text::is_han(*c)).collect();
    let latin: String = name.chars().filter(|c| !aisle_text::is_han(*c)).collect();
    for part in [han, latin] {
        let part = part.trim().to_lowercase();
        if !part.is_empty() && !words.contains(&part) {
            words.push(part);
        }
    }
    words
}

/// `text` with the byte ranges replaced by spaces (whole characters, so it stays UTF-8 and
/// every offset keeps its meaning).
fn blank(text: &str, ranges: &[(usize, usize)]) -> String {
    text.char_indices()
        .map(|(at, c)| {
            let inside = ranges.iter().any(|&(s, e)| at >= s && at < e);
            if inside {
                " ".repeat(c.len_utf8())
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The byte range in `text` of the byte range `start..end` of its folded form.
fn original_range(text: &str, folded: &str, start: usize, end: usize) -> (usize, usize) {
    let chars_before = folded[..start].chars().count();
    let chars_inside = folded[start..end].chars().count();
    let mut offsets = text.char_indices().map(|(at, _)| at).chain([text.len()]);
    let s = offsets.nth(chars_before).unwrap_or(text.len());
    let e = if chars_inside == 0 { s } else { offsets.nth(chars_inside - 1).unwrap_or(text.len()) };
    (s, e)
}
