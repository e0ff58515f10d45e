//! What a profile needs to know about items: category, brand and price, and each category's
//! price quartiles, to tell a budget shopper from a premium one.

use std::collections::HashMap;

/// One item's facts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ItemFacts {
    /// Its top-level category, when it has one.
    pub category: Option<String>,
    /// Its brand, when known.
    pub brand: Option<String>,
    /// Its list price, when known.
    pub price: Option<f64>,
}

/// Where a price sits among its category's prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PriceBand {
    /// In the category's cheapest quarter.
    Budget,
    /// In the middle half.
    Mid,
    /// In the dearest quarter.
    Premium,
}

impl PriceBand {
    /// The band's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            PriceBand::Budget => "budget",
            PriceBand::Mid => "mid",
            PriceBand::Premium => "premium",
        }
    }
}

/// Facts of every item, and each category's price quartiles.
#[derive(Debug, Clone, Default)]
pub struct CatalogFacts {
    items: HashMap<String, ItemFacts>,
    quartiles: HashMap<String, (f64, f64)>,
}

impl CatalogFacts {
    /// Facts from `(item id, facts)` pairs; quartiles are computed from the listed prices.
    pub fn new(items: impl IntoIterator<Item = (String, ItemFacts)>) -> Self {
        let items: HashMap<String, ItemFacts> = items.into_iter().collect();
        let mut prices: HashMap<&str, Vec<f64>> = HashMap::new();
        for facts in items.values() {
            if let (Some(category), Some(price)) = (&facts.category, facts.price) {
                if price.is_finite() && price > 0.0 {
                    prices.entry(category).or_default().push(price);
                }
            }
        }
        let quartiles = prices
            .into_iter()
            .map(|(category, mut list)| {
                list.sort_by(f64::total_cmp);
                (category.to_string(), (quantile(&list, 0.25), quantile(&list, 0.75)))
            })
            .collect();
        Self { items, quartiles }
    }

    /// The facts of an item.
    pub fn item(&self, id: &str) -> Option<&ItemFacts> {
        self.items.get(id)
    }

    /// How many items are known.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether no item is known.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Where `price` sits in `category`'s prices; `None` for a category without prices.
    pub fn band(&self, category: &str, price: f64) -> Option<PriceBand> {
        let (low, high) = self.quartiles.get(category)?;
        Some(if price < *low {
            PriceBand::Budget
        } else if price > *high {
            PriceBand::Premium
        } else {
            PriceBand::Mid
        })
    }

    /// Where `price` sits between the category's quartiles, from about -1 (at or below the
    /// lower quartile, scaled) through 0 (the middle) to about 1; used to average how dear a
    /// shopper's choices are.
    pub fn relative_price(&self, category: &str, price: f64) -> Option<f64> {
        let (low, high) = self.quartiles.get(category)?;
        let middle = (low + high) / 2.0;
        let half_spread = ((high - low) / 2.0).max(middle.abs() * 0.05).max(1e-9);
        Some(((price - middle) / half_spread).clamp(-3.0, 3.0))
    }
}

/// The `q` quantile of sorted values by linear interpolation.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let at = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let below = at.floor() as usize;
            let above = (below + 1).min(n - 1);
            sorted[below] + (sorted[above] - sorted[below]) * (at - below as f64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(category: &str, price: f64) -> ItemFacts {
        ItemFacts { category: Some(category.into()), brand: None, price: Some(price) }
    }

    #[test]
    fn bands_follow_each_categorys_own_quartiles() {
        let catalog = CatalogFacts::new(
            (1..=8)
                .map(|k| (format!("shoe{k}"), facts("shoes", 100.0 * k as f64)))
                .chain((1..=8).map(|k| (format!("sock{k}"), facts("socks", k as f64)))),
        );
        assert_eq!(catalog.band("shoes", 150.0), Some(PriceBand::Budget));
        assert_eq!(catalog.band("shoes", 450.0), Some(PriceBand::Mid));
        assert_eq!(catalog.band("shoes", 800.0), Some(PriceBand::Premium));
        assert_eq!(
            catalog.band("socks", 7.5),
            Some(PriceBand::Premium),
            "socks have their own scale"
        );
        assert_eq!(catalog.band("hats", 5.0), None);
        assert!(catalog.relative_price("shoes", 800.0).is_some_and(|r| r > 1.0));
    }

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.25), 2.0);
        assert_eq!(quantile(&[1.0, 3.0], 0.5), 2.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }
}
