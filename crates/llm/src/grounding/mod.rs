//! The grounding check: does an LLM's answer claim only what the tools said? It finds the
//! prices, order ids, order states and quoted product names in the answer and returns those
//! the facts do not support, so the assistant can fall back to its template answer when the
//! model invented one. It reads English and Chinese; it errs towards flagging, since a false
//! alarm costs only the template's plainer wording while an invented price costs trust.
//!
//! ```
//! use aisle_llm::grounding::{unsupported_claims, ClaimKind, Facts};
//! let facts = Facts { prices: vec![89.0], order_states: vec!["shipped".into()], ..Facts::default() };
//! let claims = unsupported_claims("It shipped yesterday and costs $79.", &facts);
//! assert_eq!(claims.len(), 1);
//! assert_eq!((claims[0].kind, claims[0].text.as_str()), (ClaimKind::Price, "$79"));
//! ```

mod scan;
mod states;

/// What the tools said, which an answer may repeat.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Names of the products the answer may mention.
    pub product_names: Vec<String>,
    /// Prices the answer may state (any currency; matched within a cent).
    pub prices: Vec<f64>,
    /// Order ids the answer may name.
    pub order_ids: Vec<String>,
    /// Order states the answer may claim (`"shipped"`, `"Delivered"`, `"已发货"`...).
    pub order_states: Vec<String>,
}

/// What kind of thing an answer claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClaimKind {
    /// An amount of money.
    Price,
    /// An order's id.
    OrderId,
    /// An order's state (shipped, delivered...).
    OrderState,
    /// A product's name, as the answer quoted or emphasised it.
    ProductName,
}

/// A claim in an answer that the facts do not support.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// What kind of claim.
    pub kind: ClaimKind,
    /// The words that make it ("$79", "A1043", "delivered", "Trail Runner 4"); for a state,
    /// the phrase as listed, lower-cased.
    pub text: String,
    /// Where in the answer it starts (byte offset).
    pub at: usize,
}

/// The claims in `answer` that `facts` do not support: a price not within a cent of a fact's,
/// an order id not among the facts' (compared without case or a leading `#`), an order state
/// the facts do not give, or a quoted or emphasised name that is none of the products'.
pub fn unsupported_claims(answer: &str, facts: &Facts) -> Vec<Claim> {
    let mut claims = Vec::new();
    for price in scan::prices(answer) {
        if !facts.prices.iter().any(|p| (p - price.value).abs() <= 0.01 + 1e-9) {
            claims.push(Claim {
                kind: ClaimKind::Price,
                text: answer[price.span.clone()].to_string(),
                at: price.span.start,
            });
        }
    }
    let known_ids: Vec<String> = facts.order_ids.iter().map(|id| normalise_id(id)).collect();
    let product_text: Vec<String> = facts.product_names.iter().map(|n| fold(n)).collect();
    for (span, id) in scan::order_ids(answer) {
        let normalised = normalise_id(&id);
        // A product code named in the facts ("Trail Runner X300") is not an order id.
        let in_product = product_text.iter().any(|name| name.contains(&normalised.to_lowercase()));
        if !known_ids.contains(&normalised) && !in_product {
            claims.push(Claim { kind: ClaimKind::OrderId, text: id, at: span.start });
        }
    }
    let known_states: Vec<String> =
        facts.order_states.iter().map(|s| states::canonical(s)).collect();
    for (at, phrase, state) in states::mentions(answer) {
        if !known_states.iter().any(|known| known == state) {
            claims.push(Claim { kind: ClaimKind::OrderState, text: phrase.to_string(), at });
        }
    }
    for (at, name) in named_things(answer) {
        let folded = fold(&name);
        let known = product_text.iter().any(|p| p.contains(&folded) || folded.contains(p.as_str()));
        if !known && !folded.is_empty() {
            claims.push(Claim { kind: ClaimKind::ProductName, text: name, at });
        }
    }
    claims.sort_by_key(|c| c.at);
    claims
}

/// Ids compare without case, surrounding space or a leading `#`.
fn normalise_id(id: &str) -> String {
    id.trim().trim_start_matches('#').to_ascii_uppercase()
}

/// Names compare by their letters and digits only, lower-cased.
fn fold(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join(" ")
}

/// Text the answer sets off as a name: in quotes (“…”, "…", 「…」, 《…》) or in Markdown bold
/// (**…**), between 2 and 80 characters.
fn named_things(answer: &str) -> Vec<(usize, String)> {
    const PAIRS: &[(&str, &str)] =
        &[("**", "**"), ("“", "”"), ("\"", "\""), ("「", "」"), ("《", "》"), ("『", "』")];
    let mut found = Vec::new();
    for (open, close) in PAIRS {
        let mut from = 0;
        while let Some(start) = answer[from..].find(open).map(|i| from + i + open.len()) {
            let Some(end) = answer[start..].find(close).map(|i| start + i) else { break };
            let inner = answer[start..end].trim();
            let length = inner.chars().count();
            if (2..=80).contains(&length) && !inner.contains('\n') {
                found.push((start - open.len(), inner.to_string()));
            }
            from = end + close.len();
        }
    }
    found
}

#[cfg(test)]
mod tests;
