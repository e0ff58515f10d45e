//! The words English and Chinese answers use for an order's state, each mapped to one state,
//! so "dispatched" and "已发货" both claim `shipped`. The states are those of
//! `aisle_domain::OrderStatus`, plus `refunded`, which answers often say of a cancelled order.

/// (state, the phrases that claim it). Chinese phrases carry their aspect marker (已/待), so
/// "未发货" (not shipped) never reads as "已发货" (shipped).
const STATES: &[(&str, &[&str])] = &[
    (
        "placed",
        &[
            "placed",
            "pending",
            "awaiting payment",
            "unpaid",
            "待付款",
            "未付款",
            "待支付",
            "已下单",
        ],
    ),
    ("paid", &["paid", "payment received", "已付款", "已支付", "待发货"]),
    (
        "shipped",
        &[
            "shipped",
            "dispatched",
            "on its way",
            "in transit",
            "out for delivery",
            "已发货",
            "运输中",
            "配送中",
            "派送中",
            "已出库",
        ],
    ),
    ("delivered", &["delivered", "arrived", "已送达", "已签收", "已收货", "已妥投", "已到达"]),
    ("cancelled", &["cancelled", "canceled", "已取消", "取消了"]),
    ("returned", &["returned", "sent back", "已退货", "退货成功"]),
    ("refunded", &["refunded", "refund issued", "已退款", "退款成功"]),
];

/// The state a fact names (`"Shipped"`, `"已发货"`...), else the text itself, lower-cased.
pub(super) fn canonical(state: &str) -> String {
    let folded = state.trim().to_lowercase();
    STATES
        .iter()
        .find(|(name, phrases)| *name == folded || phrases.contains(&folded.as_str()))
        .map_or(folded, |(name, _)| (*name).to_string())
}

/// Every state phrase in `text`: (where, the phrase, the state it claims). English phrases
/// count only as whole words, and not when negated or in the future ("has not shipped", "will
/// be delivered"). Positions are byte offsets in the lower-cased text, which equal the
/// original's for English and Chinese.
pub(super) fn mentions(text: &str) -> Vec<(usize, &'static str, &'static str)> {
    let lower = text.to_lowercase();
    let mut found = Vec::new();
    for (state, phrases) in STATES {
        for phrase in *phrases {
            let ascii = phrase.is_ascii();
            for (at, _) in lower.match_indices(phrase) {
                let end = at + phrase.len();
                if ascii && !(word_boundary(&lower, at) && word_boundary(&lower, end)) {
                    continue;
                }
                if ascii && hedged(&lower[..at]) {
                    continue;
                }
                found.push((at, *phrase, *state));
            }
        }
    }
    found.sort_by_key(|(at, _, _)| *at);
    found
}

fn word_boundary(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    let letter = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    // A boundary has a non-letter on at least the side being checked: at the start of a
    // phrase that is the char before, at the end the char after.
    !(letter(before) && letter(after))
}

/// Whether the words just before a state phrase deny it or put it in the future.
fn hedged(before: &str) -> bool {
    // A denial reaches no further than its clause.
    let clause = before.rsplit(['.', ',', ';', ':', '!', '?']).next().unwrap_or(before);
    let words: Vec<&str> = clause
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let recent = &words[words.len().saturating_sub(3)..];
    recent.iter().any(|w| {
        matches!(
            *w,
            "not"
                | "never"
                | "yet"
                | "will"
                | "would"
                | "should"
                | "to"
                | "once"
                | "when"
                | "if"
                | "until"
                | "expected"
        ) || w.ends_with("n't")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_name_states_in_either_language() {
        for (fact, expected) in [
            ("Shipped", "shipped"),
            ("已发货", "shipped"),
            ("canceled", "cancelled"),
            ("on hold", "on hold"),
        ] {
            assert_eq!(canonical(fact), expected, "{fact}");
        }
    }

    #[test]
    fn finds_claimed_states_but_not_denied_or_future_ones() {
        let check = |text: &str, expected: &[&str]| {
            let states: Vec<&str> = mentions(text).into_iter().map(|(_, _, s)| s).collect();
            assert_eq!(states, expected, "{text}");
        };
        check("Your order shipped on May 2.", &["shipped"]);
        check("It has not shipped yet; it is awaiting payment.", &["placed"]);
        check("It will be delivered by Friday.", &[]);
        check("It was delivered and signed for.", &["delivered"]);
        check("您的订单已发货，预计周五送达。", &["shipped"]);
        check("您的订单未发货。", &[]);
        check("订单已取消，已退款。", &["cancelled", "refunded"]);
        check("The unpaid-looking badge", &["placed"]);
        check("repaid", &[]);
    }
}
