//! Order numbers in what a shopper wrote: the demo shop's `o-123`, long digit runs such as
//! `3707955617` or `00004587345`, codes after a number sign such as `#ABC-1234`, and any code
//! with a digit right after "order", "purchase", 订单 or 单号 (`order 12345`, `订单号：A1234`).
//!
//! Codes after "invoice", "bill" or 发票 are invoice numbers, and amounts with a currency are
//! prices: neither is an order number.

/// An order number found in a text: its value, and the byte range as written (with any `#`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrderMatch {
    pub(crate) id: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

const ORDER_WORDS: &[&str] =
    &["order", "orders", "purchase", "purchases", "订单", "单", "購買", "订购"];
const NOT_ORDER_WORDS: &[&str] =
    &["invoice", "invoices", "bill", "bills", "receipt", "发票", "账单"];
const CURRENCY_BEFORE: &[char] = &['$', '¥', '￥', '€', '£'];
const CURRENCY_AFTER: &[&str] = &["元", "块", "dollar", "usd", "rmb", "yuan", "euro", "美元", "%"];

/// The first order number in `text`.
pub(crate) fn find_order_id(text: &str) -> Option<OrderMatch> {
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let Some(offset) = rest.find(|c: char| c.is_ascii_alphanumeric() || c == '#') else {
            break;
        };
        let start = at + offset;
        let end = start + code_len(&text[start..]);
        if end == start {
            at = start + 1;
            continue;
        }
        let found = classify(text, start, end);
        if found.is_some() {
            return found;
        }
        at = end.max(start + 1);
    }
    None
}

/// The length of the code at the start of `text`: ASCII letters, digits, `#` first and
/// inner `-`.
fn code_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut len = usize::from(bytes.first() == Some(&b'#'));
    while len < bytes.len() {
        let b = bytes[len];
        let inner_dash = b == b'-' && bytes.get(len + 1).is_some_and(u8::is_ascii_alphanumeric);
        if b.is_ascii_alphanumeric() || (inner_dash && len > 0) {
            len += 1;
        } else {
            break;
        }
    }
    len
}

fn classify(text: &str, start: usize, end: usize) -> Option<OrderMatch> {
    // A code glued to more letters or digits on the left is part of a bigger word.
    let before_char = text[..start].chars().next_back();
    if before_char.is_some_and(|c| c.is_alphanumeric() && !aisle_text::is_han(c)) {
        return None;
    }
    let raw = &text[start..end];
    let code = raw.trim_start_matches('#');
    let digits = code.bytes().filter(u8::is_ascii_digit).count();
    if digits == 0 || code.is_empty() {
        return None;
    }
    let context = preceding_word(&text[..start]);
    if NOT_ORDER_WORDS.contains(&context.as_str()) || is_price(text, start, end) {
        return None;
    }
    let lower = code.to_ascii_lowercase();
    let demo = lower
        .strip_prefix("o-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let long_number = digits == code.len() && digits >= 6;
    let signed = raw.starts_with('#') && code.len() >= 3;
    let named = ORDER_WORDS.contains(&context.as_str()) && code.len() >= 3;
    (demo || long_number || signed || named).then(|| OrderMatch {
        id: if demo { lower } else { code.to_string() },
        start,
        end,
    })
}

/// The word before a code, lower-cased, skipping what usually sits between a noun and its number
/// ("number", "no.", "id", "#", "号", "编号", colons and spaces).
fn preceding_word(before: &str) -> String {
    let mut rest = before;
    loop {
        let trimmed = rest.trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, ':' | '：' | '#' | '.' | ',' | '，' | '号')
        });
        let lower = trimmed.to_lowercase();
        let filler = ["number", "num", "no", "id", "编号", "ref"]
            .into_iter()
            .find(|f| lower.ends_with(f) && !ends_inside_word(&lower, f));
        match filler {
            Some(f) => rest = &trimmed[..trimmed.len() - f.len()],
            None => {
                rest = trimmed;
                break;
            }
        }
    }
    let lower = rest.to_lowercase();
    if let Some(han) =
        ORDER_WORDS.iter().chain(NOT_ORDER_WORDS).find(|w| !w.is_ascii() && lower.ends_with(*w))
    {
        return (*han).to_string();
    }
    lower.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or_default().to_string()
}

/// Whether `suffix` at the end of `text` is only the tail of a longer Latin word ("piano").
fn ends_inside_word(text: &str, suffix: &str) -> bool {
    text[..text.len() - suffix.len()].chars().next_back().is_some_and(|c| c.is_ascii_alphabetic())
}

fn is_price(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].trim_end();
    let after = text[end..].trim_start().to_lowercase();
    before.ends_with(CURRENCY_BEFORE) || CURRENCY_AFTER.iter().any(|c| after.starts_with(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Option<&str>) {
        let found = find_order_id(text);
        assert_eq!(found.as_ref().map(|m| m.id.as_str()), expected, "{text:?}");
        if let Some(m) = found {
            let written = text[m.start..m.end].trim_start_matches('#').to_ascii_lowercase();
            assert_eq!(written, m.id.to_ascii_lowercase());
        }
    }

    #[test]
    fn order_numbers_in_every_style() {
        check("where is o-123", Some("o-123"));
        check("Where is O-42?", Some("o-42"));
        check("cancel purchase 3707955617", Some("3707955617"));
        check("help me canceling order 00004587345", Some("00004587345"));
        check("status of #ABC-1234 please", Some("ABC-1234"));
        check("order 12345 hasn't arrived", Some("12345"));
        check("order number: A1234", Some("A1234"));
        check("我的订单o-77到哪了", Some("o-77"));
        check("订单号：20240501", Some("20240501"));
        check("订单号 123", Some("123"));
    }

    #[test]
    fn invoices_prices_and_plain_numbers_are_not_orders() {
        check("where could I see the invoice #12588?", None);
        check("发票 #12588", None);
        check("a refund of $1499", None);
        check("I paid 1200 dollars", None);
        check("size 42 please", None);
        check("iphone 15 under 5000元", None);
        check("", None);
        check("####---", None);
        check("piano 12345", None);
    }
}
