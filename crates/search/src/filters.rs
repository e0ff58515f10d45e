//! Conditions on catalog facts that narrow a search: categories, brands, a price range,
//! attribute values and availability.

use crate::catalog::ItemFacts;

/// Conditions every result must meet. Within a list any value may match (OR); the conditions
/// together must all hold (AND). Text is compared case-insensitively.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// The item's category path holds one of these.
    pub categories: Vec<String>,
    /// The item's brand is one of these.
    pub brands: Vec<String>,
    /// The price is at least this.
    pub min_price: Option<f64>,
    /// The price is at most this.
    pub max_price: Option<f64>,
    /// For each (key, values): the item's attribute `key` has one of `values`.
    pub attributes: Vec<(String, Vec<String>)>,
    /// Like `attributes`, but items that do not record the key at all pass too (what a colour
    /// or size understood from the query becomes).
    pub lenient_attributes: Vec<(String, Vec<String>)>,
    /// Only items in stock.
    pub available_only: bool,
}

impl Filters {
    /// Whether no condition is set.
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    /// The same filters with attribute keys and values in lower case, as catalog facts keep
    /// them; [`Filters::accepts`] expects this form.
    pub fn lowered(mut self) -> Self {
        for (key, values) in self.attributes.iter_mut().chain(self.lenient_attributes.iter_mut()) {
            *key = key.to_lowercase();
            for value in values.iter_mut() {
                *value = value.to_lowercase();
            }
        }
        self
    }

    /// Whether `item` meets every condition (hidden items never do). Attribute filters must be
    /// [`Filters::lowered`].
    pub fn accepts(&self, item: &ItemFacts) -> bool {
        if item.hidden || (self.available_only && !item.available) {
            return false;
        }
        if !self.categories.is_empty()
            && !item
                .categories
                .iter()
                .any(|c| self.categories.iter().any(|w| w.eq_ignore_ascii_case(c)))
        {
            return false;
        }
        if !self.brands.is_empty() {
            let Some(brand) = &item.brand else { return false };
            if !self.brands.iter().any(|b| b.eq_ignore_ascii_case(brand)) {
                return false;
            }
        }
        if self.min_price.is_some() || self.max_price.is_some() {
            let Some(price) = item.price else { return false };
            if self.min_price.is_some_and(|min| price < min)
                || self.max_price.is_some_and(|max| price > max)
            {
                return false;
            }
        }
        // Keys and values are lower case already (see `lowered`): this runs for every candidate
        // of a filtered semantic search, so it must not allocate.
        let holds =
            |key: &str, values: &[String]| values.iter().any(|v| item.has_attribute(key, v));
        self.attributes.iter().all(|(key, values)| holds(key, values))
            && self
                .lenient_attributes
                .iter()
                .all(|(key, values)| !item.attributes.contains_key(key) || holds(key, values))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn shoe() -> ItemFacts {
        ItemFacts {
            id: "sku-1".into(),
            title: "Stride Running Shoes".into(),
            categories: vec!["鞋靴 Shoes".into(), "跑步鞋 Running Shoes".into()],
            brand: Some("Stride".into()),
            price: Some(199.0),
            attributes: BTreeMap::from([("colour".to_string(), vec!["red".to_string()])]),
            available: true,
            hidden: false,
            created_millis: 0,
            text_hash: 0,
        }
    }

    #[test]
    fn each_condition_narrows_and_lists_are_alternatives() {
        let item = shoe();
        let check = |filters: Filters, expected: bool| {
            assert_eq!(filters.accepts(&item), expected, "{filters:?}")
        };
        check(Filters::default(), true);
        check(
            Filters { categories: vec!["跑步鞋 running shoes".into()], ..Default::default() },
            true,
        );
        check(
            Filters { brands: vec!["Nimbus".into(), "stride".into()], ..Default::default() },
            true,
        );
        check(Filters { brands: vec!["Nimbus".into()], ..Default::default() }, false);
        check(Filters { max_price: Some(150.0), ..Default::default() }, false);
        check(
            Filters { min_price: Some(100.0), max_price: Some(200.0), ..Default::default() },
            true,
        );
        let colour = |v: &str| vec![("Colour".to_string(), vec![v.to_string()])];
        check(Filters { attributes: colour("RED"), ..Default::default() }.lowered(), true);
        check(Filters { attributes: colour("blue"), ..Default::default() }.lowered(), false);
        let hidden = ItemFacts { hidden: true, ..shoe() };
        assert!(!Filters::default().accepts(&hidden));
    }
}
