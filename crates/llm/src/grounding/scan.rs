//! Finding prices and order-looking ids in an answer, without regular expressions: a price is
//! a number with a currency sign or word beside it ("$12.50", "¥99", "12.50 元", "89 dollars")
//! or after a price word ("costs 89", "售价 89"); an order id is a token mixing letters and at
//! least three digits ("A1042", "ORD-2024-0001"), a `#` and digits ("#10421"), or a long number
//! right after an order word ("order 100234", "订单号 100234").

use std::ops::Range;

/// Signs and words written before the amount.
const PREFIXES: &[&str] = &["us$", "$", "¥", "￥", "€", "£", "rmb", "cny", "usd", "eur", "gbp"];
/// Words written after it.
const SUFFIXES: &[&str] = &[
    "元", "块", "美元", "欧元", "英镑", "dollars", "dollar", "usd", "rmb", "cny", "eur", "yuan",
    "euros", "euro",
];
/// Words that make the next number a price.
const PRICE_WORDS: &[&str] =
    &["cost", "costs", "price", "priced", "售价", "价格", "价钱", "只要", "仅需", "仅售"];
/// Words that make the next long number an order number.
const ORDER_WORDS: &[&str] = &["order", "order number", "order no", "订单", "订单号", "单号"];

/// A number found in text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Number {
    /// Where it is, currency signs and words included.
    pub span: Range<usize>,
    /// Its value.
    pub value: f64,
}

/// Every price in `text`.
pub(super) fn prices(text: &str) -> Vec<Number> {
    let lower = text.to_ascii_lowercase();
    numbers(text)
        .into_iter()
        .filter_map(|(digits, value)| {
            let before = lower[..digits.start].trim_end();
            let after = lower[digits.end..].trim_start();
            let prefix = PREFIXES.iter().find(|p| ends_with_word(before, p));
            let suffix = SUFFIXES.iter().find(|s| starts_with_word(after, s));
            let start = prefix.map_or(digits.start, |p| before.len() - p.len());
            let end = suffix.map_or(digits.end, |s| lower.len() - after.len() + s.len());
            let cued = PRICE_WORDS
                .iter()
                .any(|w| last_words(before, 3).contains(w) || before.ends_with(w));
            (prefix.is_some() || suffix.is_some() || cued)
                .then_some(Number { span: start..end, value })
        })
        .collect()
}

/// Every order-looking id in `text`, with where it is.
pub(super) fn order_ids(text: &str) -> Vec<(Range<usize>, String)> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
        let part_of_id = c.is_ascii_alphanumeric() || matches!(c, '#' | '-' | '_');
        match (part_of_id, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                start = None;
                let token = text[from..at].trim_end_matches(['-', '_']);
                let span = from..from + token.len();
                if looks_like_order_id(token, &lower[..from]) {
                    found.push((span, token.to_string()));
                }
            }
            _ => {}
        }
    }
    found
}

fn looks_like_order_id(token: &str, before: &str) -> bool {
    let digits = token.chars().filter(char::is_ascii_digit).count();
    let letters = token.chars().filter(char::is_ascii_alphabetic).count();
    if digits < 3 {
        return false;
    }
    if let Some(rest) = token.strip_prefix('#') {
        return rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    }
    if letters > 0 {
        // "500ml", "1080p", "128GB": an amount and its unit, not an id.
        let unit = token.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        let amount_and_unit =
            unit.len() < token.len() && unit.chars().all(|c| c.is_ascii_alphabetic());
        return !amount_and_unit;
    }
    // Digits alone: an id only right after an order word, and not a date.
    let is_date = token.len() == 10 && token.chars().filter(|&c| c == '-').count() == 2;
    let before = before.trim_end().trim_end_matches([':', '：', '#']).trim_end();
    digits >= 4 && !is_date && ORDER_WORDS.iter().any(|w| ends_with_word(before, w))
}

/// Numbers with their digits' span: thousands groups ("1,299") and decimals ("12.50") read,
/// and digits glued to letters or other digits ("A1042", "v2.1.3") skipped as not amounts.
fn numbers(text: &str) -> Vec<(Range<usize>, f64)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let glued = i > 0
            && (bytes[i - 1].is_ascii_alphanumeric()
                || matches!(bytes[i - 1], b'.' | b'_' | b'-' | b'#'));
        if !bytes[i].is_ascii_digit() || glued {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        // Thousands groups: a comma and exactly three digits.
        while bytes.get(i) == Some(&b',')
            && bytes.get(i + 1..i + 4).is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            && !bytes.get(i + 4).is_some_and(u8::is_ascii_digit)
        {
            i += 4;
        }
        if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
        let glued_after =
            bytes.get(i).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'#');
        // Safe: the span covers ASCII digits, commas and a dot only.
        let digits: String = text[start..i].chars().filter(|&c| c != ',').collect();
        if let (false, Ok(value)) =
            (glued_after && !suffix_glued(&text[i..]), digits.parse::<f64>())
        {
            found.push((start..i, value));
        }
    }
    found
}

/// "12usd": a currency word right after the digits still makes an amount.
fn suffix_glued(after: &str) -> bool {
    let after = after.to_ascii_lowercase();
    SUFFIXES.iter().any(|s| s.is_ascii() && starts_with_word(&after, s))
}

fn ends_with_word(text: &str, word: &str) -> bool {
    text.strip_suffix(word).is_some_and(|rest| {
        !word.starts_with(|c: char| c.is_ascii_alphabetic())
            || !rest.chars().next_back().is_some_and(|c| c.is_ascii_alphabetic())
    })
}

fn starts_with_word(text: &str, word: &str) -> bool {
    text.strip_prefix(word).is_some_and(|rest| {
        !word.ends_with(|c: char| c.is_ascii_alphabetic())
            || !rest.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
    })
}

fn last_words(text: &str, n: usize) -> Vec<&str> {
    let words: Vec<&str> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words[words.len().saturating_sub(n)..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_prices_in_english_and_chinese() {
        let check = |text: &str, expected: &[(&str, f64)]| {
            let got: Vec<(&str, f64)> =
                prices(text).iter().map(|n| (&text[n.span.clone()], n.value)).collect();
            assert_eq!(got, expected, "{text}");
        };
        check("It costs $12.50 today.", &[("$12.50", 12.5)]);
        check("Only US$ 1,299.99 or ¥99.", &[("US$ 1,299.99", 1299.99), ("¥99", 99.0)]);
        check("售价 12.50 元，运费10块。", &[("12.50 元", 12.5), ("10块", 10.0)]);
        check("The price is 89, or 12usd.", &[("89", 89.0), ("12usd", 12.0)]);
        check("只要 ￥59！", &[("￥59", 59.0)]);
        check("€5 and 3 euros", &[("€5", 5.0), ("3 euros", 3.0)]);
        check("Sizes 38-46, 2 m cable, order A1042, 500ml, 20% off.", &[]);
        check("Version 2.1.3 of the app.", &[]);
    }

    #[test]
    fn finds_order_looking_ids() {
        let check = |text: &str, expected: &[&str]| {
            let got: Vec<String> = order_ids(text).into_iter().map(|(_, id)| id).collect();
            assert_eq!(got, expected, "{text}");
        };
        check("Order A1042 shipped; ORD-2024-0001 too.", &["A1042", "ORD-2024-0001"]);
        check("Your order #10421 and order 100234.", &["#10421", "100234"]);
        check("订单号：100234 已发货，订单B2210待付款。", &["100234", "B2210"]);
        check("Shipped on 2024-05-02, 128GB, 1080p, 500ml, USB-C, size 42.", &[]);
        check("We have 1500 items and 12345 reviews.", &[]);
    }
}
