//! Items of the catalog: what a shop sells.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{check_text, excerpt, Error, Result};
use crate::ids::ExternalId;
use crate::limits::{
    MAX_ATTRIBUTES, MAX_CATEGORY_DEPTH, MAX_LONG_TEXT_BYTES, MAX_PRICE, MAX_SHORT_TEXT_BYTES,
};
use crate::time::Timestamp;

/// The value of one attribute: colour = "red", size = 42, organic = true, tags = ["a", "b"].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttributeValue {
    /// A yes/no flag.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A word or phrase.
    Text(String),
    /// Several words or phrases.
    List(Vec<String>),
}

/// Named attributes, in key order so that stored documents are stable.
pub type Attributes = BTreeMap<String, AttributeValue>;

/// A price: an amount in a currency (ISO 4217 code such as `GBP`, `CNY`, `USD`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// The amount, at least 0 and at most [`MAX_PRICE`].
    pub amount: f64,
    /// Three upper-case letters.
    pub currency: String,
}

impl Price {
    /// Checks and builds a price.
    pub fn new(amount: f64, currency: impl Into<String>) -> Result<Self> {
        let price = Self { amount, currency: currency.into() };
        price.validate()?;
        Ok(price)
    }

    /// Checks the amount is finite, not negative and not absurd, and the currency is a code.
    pub fn validate(&self) -> Result<()> {
        if !self.amount.is_finite() || self.amount < 0.0 || self.amount > MAX_PRICE {
            return Err(Error::OutOfRange {
                field: "price",
                value: self.amount.to_string(),
                range: "0 to 10,000,000",
            });
        }
        check_currency(&self.currency)
    }
}

pub(crate) fn check_currency(code: &str) -> Result<()> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(Error::Invalid {
            field: "currency",
            value: excerpt(code),
            expected: "a three-letter ISO 4217 code such as GBP, USD or CNY",
        })
    }
}

/// A product in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The shop's id (SKU, stock code).
    pub id: ExternalId,
    /// Display title; empty for items known only from behaviour data.
    #[serde(default)]
    pub title: String,
    /// Long description.
    #[serde(default)]
    pub description: String,
    /// Category path from the root, e.g. `["Women", "Shoes", "Running"]`.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Brand name.
    #[serde(default)]
    pub brand: Option<String>,
    /// Current price.
    #[serde(default)]
    pub price: Option<Price>,
    /// Free-form attributes (colour, size, material...).
    #[serde(default)]
    pub attributes: Attributes,
    /// Product image.
    #[serde(default)]
    pub image_url: Option<String>,
    /// In stock and purchasable.
    #[serde(default = "yes")]
    pub available: bool,
    /// Hidden by the shop: never recommended or shown in search.
    #[serde(default)]
    pub hidden: bool,
    /// When the item entered the catalog.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
}

fn yes() -> bool {
    true
}

impl Item {
    /// An item with only an id: available, not hidden, every other field empty.
    pub fn new(id: ExternalId) -> Self {
        Self {
            id,
            title: String::new(),
            description: String::new(),
            categories: Vec::new(),
            brand: None,
            price: None,
            attributes: Attributes::new(),
            image_url: None,
            available: true,
            hidden: false,
            created_at: None,
        }
    }

    /// Checks every field against the model's rules.
    pub fn validate(&self) -> Result<()> {
        check_text("title", &self.title, MAX_SHORT_TEXT_BYTES, false)?;
        check_text("description", &self.description, MAX_LONG_TEXT_BYTES, true)?;
        if self.categories.len() > MAX_CATEGORY_DEPTH {
            return Err(Error::OutOfRange {
                field: "categories",
                value: self.categories.len().to_string(),
                range: "at most 16 levels",
            });
        }
        for category in &self.categories {
            if category.trim().is_empty() {
                return Err(Error::Empty { field: "categories" });
            }
            check_text("categories", category, MAX_SHORT_TEXT_BYTES, false)?;
        }
        if let Some(brand) = &self.brand {
            check_text("brand", brand, MAX_SHORT_TEXT_BYTES, false)?;
        }
        if let Some(price) = &self.price {
            price.validate()?;
        }
        if let Some(url) = &self.image_url {
            check_text("image_url", url, MAX_SHORT_TEXT_BYTES * 2, false)?;
        }
        validate_attributes(&self.attributes)
    }
}

pub(crate) fn validate_attributes(attributes: &Attributes) -> Result<()> {
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(Error::OutOfRange {
            field: "attributes",
            value: attributes.len().to_string(),
            range: "at most 256 attributes",
        });
    }
    for (key, value) in attributes {
        if key.is_empty() {
            return Err(Error::Empty { field: "attributes (key)" });
        }
        check_text("attributes (key)", key, MAX_SHORT_TEXT_BYTES, false)?;
        match value {
            AttributeValue::Text(text) => {
                check_text("attributes", text, MAX_SHORT_TEXT_BYTES, true)?
            }
            AttributeValue::List(list) => {
                for text in list {
                    check_text("attributes", text, MAX_SHORT_TEXT_BYTES, true)?;
                }
            }
            AttributeValue::Number(n) if !n.is_finite() => {
                return Err(Error::Invalid {
                    field: "attributes",
                    value: n.to_string(),
                    expected: "a finite number",
                })
            }
            AttributeValue::Number(_) | AttributeValue::Bool(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> Item {
        Item::new(ExternalId::parse("sku-1").expect("valid id"))
    }

    #[test]
    fn a_ten_megabyte_description_is_rejected_by_name() {
        let mut it = item();
        it.description = "x".repeat(10 * 1024 * 1024);
        let err = it.validate().expect_err("too long");
        assert!(matches!(err, Error::TooLong { field: "description", .. }), "{err}");
    }

    #[test]
    fn negative_and_absurd_prices_are_rejected() {
        assert!(Price::new(-1.0, "GBP").is_err());
        assert!(Price::new(1e12, "GBP").is_err());
        assert!(Price::new(f64::NAN, "GBP").is_err());
        assert!(Price::new(2.5, "gbp").is_err());
        assert!(Price::new(2.5, "GBP").is_ok());
    }

    #[test]
    fn item_round_trips_through_its_stored_document() {
        let mut it = item();
        it.attributes.insert("colour".into(), AttributeValue::Text("red".into()));
        it.price = Some(Price::new(9.99, "EUR").expect("valid"));
        let json = serde_json::to_string(&it).expect("serializes");
        let back: Item = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, it);
    }
}
