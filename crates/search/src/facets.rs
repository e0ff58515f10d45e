//! Facet counts over a result set: how many results fall in each category, brand, price band and
//! attribute value, so a shopper can narrow a search by clicking.

use std::collections::{BTreeMap, HashMap};

use crate::catalog::ItemFacts;

/// Facet name to value to count.
pub type Facets = BTreeMap<String, BTreeMap<String, u64>>;

/// At most this many values are returned per facet, the most frequent first.
const MAX_VALUES: usize = 30;

/// The facets that are always offered; attribute keys come on top.
pub const BUILT_IN: [&str; 3] = ["category", "brand", "price"];

/// Counts `wanted` facets (all when `None`: the built-in ones and every attribute key) over
/// `items`.
pub fn count<'a>(items: impl Iterator<Item = &'a ItemFacts>, wanted: Option<&[String]>) -> Facets {
    let wants = |name: &str| wanted.is_none_or(|w| w.iter().any(|n| n == name));
    let mut counts: HashMap<String, HashMap<String, u64>> = HashMap::new();
    let mut bump = |facet: &str, value: &str| {
        *counts.entry(facet.to_string()).or_default().entry(value.to_string()).or_default() += 1;
    };
    for item in items {
        if wants("category") {
            for category in &item.categories {
                bump("category", category);
            }
        }
        if wants("brand") {
            if let Some(brand) = &item.brand {
                bump("brand", brand);
            }
        }
        if wants("price") {
            if let Some(price) = item.price {
                bump("price", &price_band(price));
            }
        }
        for (key, values) in &item.attributes {
            if BUILT_IN.contains(&key.as_str()) || !wants(key) {
                continue;
            }
            for value in values {
                bump(key, value);
            }
        }
    }
    counts
        .into_iter()
        .map(|(facet, values)| {
            let mut values: Vec<(String, u64)> = values.into_iter().collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            values.truncate(MAX_VALUES);
            (facet, values.into_iter().collect())
        })
        .collect()
}

/// The price band of `price` on a 1-2-5 scale ("0-1", "1-2", "2-5", "5-10", ... "5000-10000"),
/// which reads well in any currency.
pub fn price_band(price: f64) -> String {
    let mut low = 0.0;
    let mut high = 1.0;
    let steps = [2.0, 2.5, 2.0];
    let mut step = 0;
    while price >= high && high < 1e9 {
        low = high;
        high *= steps[step % 3];
        step += 1;
    }
    format!("{}-{}", low as u64, high as u64)
}

/// The bounds of a price band written by [`price_band`].
pub fn parse_price_band(band: &str) -> Option<(f64, f64)> {
    let (low, high) = band.split_once('-')?;
    Some((low.trim().parse().ok()?, high.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_bands_follow_a_1_2_5_scale() {
        assert_eq!(price_band(0.5), "0-1");
        assert_eq!(price_band(1.0), "1-2");
        assert_eq!(price_band(3.0), "2-5");
        assert_eq!(price_band(199.0), "100-200");
        assert_eq!(price_band(200.0), "200-500");
        assert_eq!(price_band(5999.0), "5000-10000");
        assert_eq!(parse_price_band("200-500"), Some((200.0, 500.0)));
    }
}
