//! Masks personal data before a message reaches a log line: email addresses, phone and card
//! numbers, and long digit runs such as order numbers. Conversations and tickets keep the
//! shopper's words (the staff need them); logs never do.

/// The message with personal data replaced by `[email]`, `[number]`.
pub fn mask_personal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&mask_word(word));
    }
    out
}

fn mask_word(word: &str) -> String {
    if word.contains('@') && word.contains('.') && word.len() > 4 {
        return "[email]".into();
    }
    // Four or more digits in a word (phones, cards, order and postal numbers) mask it whole;
    // keep the punctuation that ends a sentence.
    let digits = word.chars().filter(char::is_ascii_digit).count();
    if digits >= 4 {
        let tail: String = word
            .chars()
            .rev()
            .take_while(|c| matches!(c, '.' | ',' | '?' | '!' | '。' | '，' | '？' | '！'))
            .collect();
        return format!("[number]{}", tail.chars().rev().collect::<String>());
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_never_reaches_a_log_line() {
        let check = |text: &str, expected: &str| assert_eq!(mask_personal(text), expected);
        check("my email is ann@example.com", "my email is [email]");
        check("call me on +44 7700 900123.", "call me on +44 [number] [number].");
        check("card 4111111111111111", "card [number]");
        check("where is order 3707955617?", "where is order [number]?");
        check("订单号1234567890在哪", "[number]");
        check("a red dress under 50", "a red dress under 50");
    }
}
