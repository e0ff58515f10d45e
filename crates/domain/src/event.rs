//! Events: what shoppers do, one row per action.

use serde::{Deserialize, Serialize};

use crate::error::{check_text, excerpt, Error, Result};
use crate::ids::ExternalId;
use crate::limits::{MAX_LONG_TEXT_BYTES, MAX_PRICE, MAX_QUANTITY, MAX_SHORT_TEXT_BYTES};
use crate::review::check_rating;
use crate::time::Timestamp;

/// What kind of action an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Looked at a product page.
    View,
    /// Clicked an item in a list (a recommendation, a search result).
    Click,
    /// Put an item in the cart.
    AddToCart,
    /// Took an item out of the cart.
    RemoveFromCart,
    /// Bought an item.
    Purchase,
    /// Returned a bought item.
    Return,
    /// Gave a star rating (the value holds the stars).
    Rating,
    /// Wrote a review.
    Review,
    /// Added to favourites or a wish list.
    Favorite,
    /// Searched (the query holds the text; the item, if any, is the one clicked).
    Search,
}

impl EventKind {
    /// Every kind, in code order.
    pub const ALL: [EventKind; 10] = [
        Self::View,
        Self::Click,
        Self::AddToCart,
        Self::RemoveFromCart,
        Self::Purchase,
        Self::Return,
        Self::Rating,
        Self::Review,
        Self::Favorite,
        Self::Search,
    ];

    /// The snake_case name used in files, the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::Click => "click",
            Self::AddToCart => "add_to_cart",
            Self::RemoveFromCart => "remove_from_cart",
            Self::Purchase => "purchase",
            Self::Return => "return",
            Self::Rating => "rating",
            Self::Review => "review",
            Self::Favorite => "favorite",
            Self::Search => "search",
        }
    }

    /// A stable small code for compact storage; never reordered.
    pub fn code(self) -> u8 {
        match self {
            Self::View => 0,
            Self::Click => 1,
            Self::AddToCart => 2,
            Self::RemoveFromCart => 3,
            Self::Purchase => 4,
            Self::Return => 5,
            Self::Rating => 6,
            Self::Review => 7,
            Self::Favorite => 8,
            Self::Search => 9,
        }
    }

    /// The kind with a given storage code.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code)).copied()
    }

    /// Reads a kind name; accepts the common spellings `cart`, `add-to-cart`, `buy`, `like`.
    pub fn parse(text: &str) -> Result<Self> {
        let norm = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let kind = match norm.as_str() {
            "view" | "page_view" | "detail" => Self::View,
            "click" => Self::Click,
            "add_to_cart" | "cart" | "addtocart" => Self::AddToCart,
            "remove_from_cart" | "removefromcart" => Self::RemoveFromCart,
            "purchase" | "buy" | "transaction" | "order" => Self::Purchase,
            "return" | "refund" => Self::Return,
            "rating" | "rate" => Self::Rating,
            "review" => Self::Review,
            "favorite" | "favourite" | "like" | "wishlist" => Self::Favorite,
            "search" => Self::Search,
            _ => {
                return Err(Error::Invalid {
                    field: "kind",
                    value: excerpt(text),
                    expected: "one of view, click, add_to_cart, remove_from_cart, purchase, return, rating, review, favorite, search",
                })
            }
        };
        Ok(kind)
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who acted: a signed-in user or an anonymous session.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// A signed-in shopper.
    User(ExternalId),
    /// An anonymous visitor, by session id.
    Session(ExternalId),
}

/// Where an event happened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventContext {
    /// Device class: `mobile`, `desktop`, `tablet`, `app`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Page or placement, e.g. `home`, `product`, `search`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Referrer URL or source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

impl EventContext {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        self.device.is_none() && self.page.is_none() && self.referrer.is_none()
    }
}

/// One action of one shopper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unique id: storing the same id twice keeps one event (imports and APIs are idempotent).
    pub id: ExternalId,
    /// Who acted.
    pub actor: Actor,
    /// On which item; `None` only for searches without a click.
    #[serde(default)]
    pub item: Option<ExternalId>,
    /// What they did.
    pub kind: EventKind,
    /// A number that goes with the kind: the stars of a rating, a score.
    #[serde(default)]
    pub value: Option<f64>,
    /// Units bought, returned or carted.
    #[serde(default)]
    pub quantity: Option<i64>,
    /// Unit price paid, for purchases and returns.
    #[serde(default)]
    pub price: Option<f64>,
    /// The search text, for searches.
    #[serde(default)]
    pub query: Option<String>,
    /// When it happened.
    pub timestamp: Timestamp,
    /// Where it happened.
    #[serde(default)]
    pub context: EventContext,
}

impl Event {
    /// An event with no item, value or context; add them with the `with_` methods.
    pub fn new(id: ExternalId, actor: Actor, kind: EventKind, timestamp: Timestamp) -> Self {
        Self {
            id,
            actor,
            item: None,
            kind,
            value: None,
            quantity: None,
            price: None,
            query: None,
            timestamp,
            context: EventContext::default(),
        }
    }

    /// Sets the item.
    pub fn with_item(mut self, item: ExternalId) -> Self {
        self.item = Some(item);
        self
    }

    /// Sets the value.
    pub fn with_value(mut self, value: f64) -> Self {
        self.value = Some(value);
        self
    }

    /// Checks the event is coherent: searches have a query, other kinds an item, ratings a value
    /// from 0 to 5, quantities and prices in range.
    pub fn validate(&self) -> Result<()> {
        match self.kind {
            EventKind::Search => match &self.query {
                Some(q) if !q.trim().is_empty() => {
                    check_text("query", q, MAX_LONG_TEXT_BYTES, false)?
                }
                _ => return Err(Error::Empty { field: "query" }),
            },
            _ if self.item.is_none() => return Err(Error::Empty { field: "item" }),
            EventKind::Rating => match self.value {
                Some(v) => check_rating(v)?,
                None => return Err(Error::Empty { field: "value" }),
            },
            _ => {}
        }
        if let Some(v) = self.value {
            if !v.is_finite() {
                return Err(Error::Invalid {
                    field: "value",
                    value: v.to_string(),
                    expected: "a finite number",
                });
            }
        }
        if let Some(q) = self.quantity {
            if q <= 0 || q > MAX_QUANTITY {
                return Err(Error::OutOfRange {
                    field: "quantity",
                    value: q.to_string(),
                    range: "1 to 1,000,000 (a return is kind `return` with a positive quantity)",
                });
            }
        }
        if let Some(p) = self.price {
            if !p.is_finite() || !(0.0..=MAX_PRICE).contains(&p) {
                return Err(Error::OutOfRange {
                    field: "price",
                    value: p.to_string(),
                    range: "0 to 10,000,000",
                });
            }
        }
        for (field, text) in [
            ("context.device", &self.context.device),
            ("context.page", &self.context.page),
            ("context.referrer", &self.context.referrer),
        ] {
            if let Some(text) = text {
                check_text(field, text, MAX_SHORT_TEXT_BYTES * 2, false)?;
            }
        }
        Ok(())
    }
}

/// How much each kind of event says about a shopper's interest, for building the interaction
/// matrix. Negative weights are allowed (a return can cancel a purchase); the matrix keeps the
/// sum per user and item, and drops pairs whose sum is not positive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventWeights {
    /// Weight of a view.
    pub view: f32,
    /// Weight of a click.
    pub click: f32,
    /// Weight of an add-to-cart.
    pub add_to_cart: f32,
    /// Weight of a remove-from-cart.
    pub remove_from_cart: f32,
    /// Weight of a purchase.
    pub purchase: f32,
    /// Weight of a return.
    pub r#return: f32,
    /// Weight of a rating (whatever its stars: a rating shows the shopper used the item).
    pub rating: f32,
    /// Weight of a review.
    pub review: f32,
    /// Weight of a favourite.
    pub favorite: f32,
    /// Weight of a search that names an item.
    pub search: f32,
    /// Half-life of an event's weight, in days, measured back from the newest event; `None`
    /// means no decay.
    pub half_life_days: Option<f32>,
}

impl Default for EventWeights {
    fn default() -> Self {
        Self {
            view: 1.0,
            click: 1.0,
            add_to_cart: 3.0,
            remove_from_cart: -1.0,
            purchase: 5.0,
            r#return: -5.0,
            rating: 1.0,
            review: 2.0,
            favorite: 3.0,
            search: 0.5,
            half_life_days: None,
        }
    }
}

impl EventWeights {
    /// The weight of one kind.
    pub fn weight(&self, kind: EventKind) -> f32 {
        match kind {
            EventKind::View => self.view,
            EventKind::Click => self.click,
            EventKind::AddToCart => self.add_to_cart,
            EventKind::RemoveFromCart => self.remove_from_cart,
            EventKind::Purchase => self.purchase,
            EventKind::Return => self.r#return,
            EventKind::Rating => self.rating,
            EventKind::Review => self.review,
            EventKind::Favorite => self.favorite,
            EventKind::Search => self.search,
        }
    }

    /// Weights indexed by [`EventKind::code`], for hot loops.
    pub fn by_code(&self) -> [f32; 10] {
        EventKind::ALL.map(|k| self.weight(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ExternalId {
        ExternalId::parse(s).expect("valid id")
    }

    fn event(kind: EventKind) -> Event {
        Event::new(
            id("e"),
            Actor::User(id("u")),
            kind,
            Timestamp::from_secs(1_000).expect("in range"),
        )
    }

    #[test]
    fn kind_codes_round_trip_and_names_parse() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_code(kind.code()), Some(kind));
            assert_eq!(EventKind::parse(kind.as_str()), Ok(kind));
        }
        assert_eq!(EventKind::parse("Add-To-Cart"), Ok(EventKind::AddToCart));
        assert!(EventKind::parse("teleport").is_err());
    }

    #[test]
    fn each_kind_needs_what_it_talks_about() {
        assert_eq!(event(EventKind::View).validate(), Err(Error::Empty { field: "item" }));
        assert_eq!(event(EventKind::Search).validate(), Err(Error::Empty { field: "query" }));
        let rating = event(EventKind::Rating).with_item(id("i"));
        assert_eq!(rating.clone().validate(), Err(Error::Empty { field: "value" }));
        assert!(rating.clone().with_value(6.0).validate().is_err());
        assert!(rating.with_value(4.0).validate().is_ok());
    }

    #[test]
    fn quantities_must_be_positive_and_sane() {
        let mut e = event(EventKind::Purchase).with_item(id("i"));
        e.quantity = Some(-3);
        assert!(e.validate().is_err());
        e.quantity = Some(10_000_000);
        assert!(e.validate().is_err());
        e.quantity = Some(3);
        e.price = Some(-1.0);
        assert!(e.validate().is_err());
        e.price = Some(2.5);
        assert!(e.validate().is_ok());
    }
}
