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
    let (categories, brands, prices) = (wants("category"), wants("brand"), wants("price"));
    // Keys borrow from the catalog and price bands are counted by number: a broad query counts
    // facets over tens of thousands of items, and a string per item and facet would dominate.
    let mut counts: HashMap<&str, HashMap<&str, u64>> = HashMap::new();
    let mut bands: HashMap<u32, u64> = HashMap::new();
    for item in items {
        if categories {
            let facet = counts.entry("category").or_default();
            for category in &item.categories {
                *facet.entry(category.as_str()).or_default() += 1;
            }
        }
        if brands {
            if let Some(brand) = &item.brand {
                *counts.entry("brand").or_default().entry(brand.as_str()).or_default() += 1;
            }
        }
        if prices {
            if let Some(price) = item.price {
                *bands.entry(band_number(price)).or_default() += 1;
            }
        }
        for (key, values) in &item.attributes {
            if BUILT_IN.contains(&key.as_str()) || !wants(key) {
                continue;
            }
            let facet = counts.entry(key.as_str()).or_default();
            for value in values {
                *facet.entry(value.as_str()).or_default() += 1;
            }
        }
    }
    let mut out: Facets = counts
        .into_iter()
        .map(|(facet, values)| {
            let values = values.into_iter().map(|(v, n)| (v.to_string(), n)).collect();
            (facet.to_string(), most_frequent(values))
        })
        .collect();
    if !bands.is_empty() {
        let values = bands.into_iter().map(|(band, n)| (band_label(band), n)).collect();
        out.insert("price".into(), most_frequent(values));
    }
    out
}

fn most_frequent(mut values: Vec<(String, u64)>) -> BTreeMap<String, u64> {
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    values.truncate(MAX_VALUES);
    values.into_iter().collect()
}

/// The band of a price on the 1-2-5 scale, numbered from 0 ("0-1").
fn band_number(price: f64) -> u32 {
    let (mut high, mut band) = (1.0, 0u32);
    let steps = [2.0, 2.5, 2.0];
    while price >= high && high < 1e9 {
        high *= steps[band as usize % 3];
        band += 1;
    }
    band
}

fn band_label(band: u32) -> String {
    let steps = [2.0, 2.5, 2.0];
    let (mut low, mut high) = (0.0f64, 1.0f64);
    for step in 0..band {
        low = high;
        high *= steps[step as usize % 3];
    }
    format!("{}-{}", low as u64, high as u64)
}

/// The price band of `price` on a 1-2-5 scale ("0-1", "1-2", "2-5", "5-10", ... "5000-10000"),
/// which reads well in any currency.
pub fn price_band(price: f64) -> String {
    band_label(band_number(price))
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
