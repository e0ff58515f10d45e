//! Conditions on items, shared by request filters and merchandising rules: category subtree,
//! brand, price range, availability, attribute equals / in. Parsed once per request, checked
//! per candidate against the serving snapshot's catalog facts.

use aisle_engine::Snapshot;
use serde::{Deserialize, Serialize};

use crate::problem::Problem;

/// A condition as written in a request or a rule. Every part given must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Category subtree: a path such as `Women > Shoes` (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Brand (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// Lowest price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_price: Option<f64>,
    /// Highest price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_price: Option<f64>,
    /// Only items in stock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<bool>,
    /// Attributes: `key:value` (equals) or `key:v1|v2` (in), several joined by `;`
    /// (`color:red|blue;size:M`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<String>,
}

/// A [`Condition`] ready to check.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    category: Vec<String>,
    brand: Option<String>,
    min_price: Option<f64>,
    max_price: Option<f64>,
    available: Option<bool>,
    /// (key, accepted `key=value` tokens).
    attributes: Vec<Vec<String>>,
}

impl Condition {
    /// Checks and prepares the condition; `place` names it in errors (`query`, `rules[2].when`).
    pub fn compile(&self, place: &str) -> Result<Filter, Problem> {
        let bad = |what: String| Problem::bad_request(format!("{place}: {what}"));
        for (name, value) in [("min_price", self.min_price), ("max_price", self.max_price)] {
            if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
                return Err(bad(format!("`{name}` must be a number >= 0")));
            }
        }
        if let (Some(low), Some(high)) = (self.min_price, self.max_price) {
            if low > high {
                return Err(bad(format!("`min_price` ({low}) is above `max_price` ({high})")));
            }
        }
        let mut attributes = Vec::new();
        for part in self.attributes.as_deref().unwrap_or("").split(';').map(str::trim) {
            if part.is_empty() {
                continue;
            }
            let Some((key, values)) = part.split_once(':') else {
                return Err(bad(format!(
                    "attribute condition `{part}` needs the form key:value or key:v1|v2"
                )));
            };
            let key = key.trim();
            let tokens: Vec<String> = values
                .split('|')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{key}={v}").to_lowercase())
                .collect();
            if key.is_empty() || tokens.is_empty() {
                return Err(bad(format!("attribute condition `{part}` needs a key and a value")));
            }
            attributes.push(tokens);
        }
        Ok(Filter {
            category: self
                .category
                .as_deref()
                .map(|c| {
                    c.split('>')
                        .map(|s| s.trim().to_lowercase())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            brand: self.brand.as_deref().map(|b| b.trim().to_lowercase()),
            min_price: self.min_price,
            max_price: self.max_price,
            available: self.available,
            attributes,
        })
    }
}

impl Filter {
    /// Whether the filter asks for nothing.
    pub fn is_empty(&self) -> bool {
        self.category.is_empty()
            && self.brand.is_none()
            && self.min_price.is_none()
            && self.max_price.is_none()
            && self.available.is_none()
            && self.attributes.is_empty()
    }

    /// Whether an item meets every part.
    pub fn matches(&self, snapshot: &Snapshot, item: u32) -> bool {
        if self.is_empty() {
            return true;
        }
        let Some(text) = snapshot.item_text(item) else { return false };
        if !self.category.is_empty()
            && (text.categories.len() < self.category.len()
                || !text.categories.iter().zip(&self.category).all(|(a, b)| a.to_lowercase() == *b))
        {
            return false;
        }
        if let Some(brand) = &self.brand {
            if text.brand.as_deref().map(str::to_lowercase).as_ref() != Some(brand) {
                return false;
            }
        }
        let offer = snapshot.offer(item).unwrap_or_default();
        if self.available == Some(true) && !offer.available {
            return false;
        }
        if self.min_price.is_some() || self.max_price.is_some() {
            let Some(price) = offer.price else { return false };
            if self.min_price.is_some_and(|low| price < low)
                || self.max_price.is_some_and(|high| price > high)
            {
                return false;
            }
        }
        self.attributes.iter().all(|accepted| {
            text.attributes
                .iter()
                .any(|token| accepted.iter().any(|a| token.eq_ignore_ascii_case(a)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_conditions_name_the_place_and_the_fix() {
        let price =
            Condition { min_price: Some(50.0), max_price: Some(10.0), ..Default::default() };
        let error = price.compile("query").unwrap_err();
        assert!(error.detail.starts_with("query: `min_price`"), "{}", error.detail);
        let attr = Condition { attributes: Some("colour".into()), ..Default::default() };
        assert!(attr.compile("rules[0].when").unwrap_err().detail.contains("key:value"));
        let good =
            Condition { attributes: Some("color:red|Blue; size:M".into()), ..Default::default() };
        let filter = good.compile("query").unwrap();
        assert_eq!(
            filter.attributes,
            vec![vec!["color=red".to_string(), "color=blue".into()], vec!["size=m".into()]]
        );
        assert!(Condition::default().compile("query").unwrap().is_empty());
    }
}
