//! The catalog facts search filters, facets, sorts and answers with, kept in memory by item
//! index: lookups per hit must cost nanoseconds, not a stored-document read.

use std::collections::BTreeMap;

use aisle_domain::{AttributeValue, Item};

/// What search needs to know about one item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemFacts {
    /// The shop's id.
    pub id: String,
    /// Display title.
    pub title: String,
    /// Category path, top level first.
    pub categories: Vec<String>,
    /// Brand, if any.
    pub brand: Option<String>,
    /// Price amount, if any.
    pub price: Option<f64>,
    /// Attribute values as lower-case words, by attribute key (numbers and flags as text).
    pub attributes: BTreeMap<String, Vec<String>>,
    /// In stock.
    pub available: bool,
    /// Hidden by the shop: never returned.
    pub hidden: bool,
    /// Creation time in milliseconds, for the "newest" sort.
    pub created_millis: i64,
    /// A hash of the indexed text, to tell whether an item changed since it was indexed.
    pub text_hash: u64,
}

impl ItemFacts {
    /// The facts of a domain item.
    pub fn of(item: &Item) -> Self {
        let attributes = item
            .attributes
            .iter()
            .map(|(key, value)| (key.to_lowercase(), attribute_words(value)))
            .collect();
        Self {
            id: item.id.as_str().to_string(),
            title: item.title.clone(),
            categories: item.categories.clone(),
            brand: item.brand.clone(),
            price: item.price.as_ref().map(|p| p.amount),
            attributes,
            available: item.available,
            hidden: item.hidden,
            created_millis: item.created_at.map_or(0, |t| t.millis()),
            text_hash: text_hash(item),
        }
    }

    /// Whether the attribute `key` has `value` (both compared in lower case).
    pub fn has_attribute(&self, key: &str, value: &str) -> bool {
        self.attributes.get(key).is_some_and(|values| values.iter().any(|v| v == value))
    }
}

fn attribute_words(value: &AttributeValue) -> Vec<String> {
    match value {
        AttributeValue::Bool(b) => vec![b.to_string()],
        AttributeValue::Number(n) => vec![format_number(*n)],
        AttributeValue::Text(t) => vec![t.to_lowercase()],
        AttributeValue::List(list) => list.iter().map(|t| t.to_lowercase()).collect(),
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// The text search indexes for an item, one string per field.
pub fn item_text(item: &Item) -> [String; 5] {
    let attributes: Vec<String> = item
        .attributes
        .iter()
        .flat_map(|(key, value)| {
            attribute_words(value).into_iter().map(move |v| format!("{key} {v}"))
        })
        .collect();
    [
        item.title.clone(),
        item.brand.clone().unwrap_or_default(),
        item.categories.join(" / "),
        attributes.join(" ; "),
        item.description.clone(),
    ]
}

/// The sentence an embedding model reads for an item: title, brand and categories.
/// Descriptions are left out: they are long, repetitive boilerplate in many shops, and titles
/// carry what a shopper searches for.
pub fn embedding_text(item: &ItemFacts) -> String {
    let mut text = item.title.clone();
    if let Some(brand) = &item.brand {
        if !text.contains(brand.as_str()) {
            text.push_str(" by ");
            text.push_str(brand);
        }
    }
    if let Some(leaf) = item.categories.last() {
        text.push_str(" (");
        text.push_str(leaf);
        text.push(')');
    }
    text
}

fn text_hash(item: &Item) -> u64 {
    // FNV-1a over the indexed text and the facts: stable across runs and builds.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    for field in item_text(item) {
        feed(field.as_bytes());
    }
    feed(&item.price.as_ref().map_or(-1.0, |p| p.amount).to_le_bytes());
    feed(&[u8::from(item.available), u8::from(item.hidden)]);
    feed(&item.created_at.map_or(0, |t| t.millis()).to_le_bytes());
    hash
}

/// Facts of every item, by item index (gaps are `None`).
#[derive(Debug, Clone, Default)]
pub struct CatalogFacts {
    items: Vec<Option<ItemFacts>>,
    live: usize,
}

impl CatalogFacts {
    /// Sets the facts of item `index`.
    pub fn set(&mut self, index: u32, facts: ItemFacts) {
        let i = index as usize;
        if self.items.len() <= i {
            self.items.resize(i + 1, None);
        }
        if self.items[i].is_none() {
            self.live += 1;
        }
        self.items[i] = Some(facts);
    }

    /// Forgets item `index`.
    pub fn remove(&mut self, index: u32) {
        if let Some(slot) = self.items.get_mut(index as usize) {
            if slot.take().is_some() {
                self.live -= 1;
            }
        }
    }

    /// The facts of item `index`.
    pub fn get(&self, index: u32) -> Option<&ItemFacts> {
        self.items.get(index as usize).and_then(Option::as_ref)
    }

    /// Number of items known.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no item is known.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Every known item with its index.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &ItemFacts)> {
        self.items.iter().enumerate().filter_map(|(i, f)| f.as_ref().map(|f| (i as u32, f)))
    }
}
