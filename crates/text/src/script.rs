//! Which script a character or text is written in, and a cheap language guess (Chinese or
//! English) from the share of Han characters among letters.

/// Whether `c` is a Han (Chinese) ideograph, including the common extension blocks.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF)
}

/// Whether `text` holds at least one Han character.
pub fn has_han(text: &str) -> bool {
    text.chars().any(is_han)
}

/// A text's language, as far as search and sentiment need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Mostly Han characters.
    Chinese,
    /// Mostly Latin letters.
    English,
    /// No letters at all (digits, punctuation, emoji, empty).
    Unknown,
}

impl Language {
    /// The ISO 639-1 code: `zh`, `en`, or `und` for unknown.
    pub fn code(self) -> &'static str {
        match self {
            Language::Chinese => "zh",
            Language::English => "en",
            Language::Unknown => "und",
        }
    }
}

/// Guesses the language from letters: Chinese when the Han characters, each weighed as three
/// letters (a character carries about a word), at least match the Latin letters. A Chinese
/// sentence with a brand name in Latin letters is still Chinese; one Han character in an
/// English sentence does not make it Chinese.
pub fn detect_language(text: &str) -> Language {
    let (mut han, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if is_han(c) {
            han += 1;
        } else if c.is_alphabetic() {
            latin += 1;
        }
    }
    match (han, latin) {
        (0, 0) => Language::Unknown,
        _ if han * 3 >= latin => Language::Chinese,
        _ => Language::English,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Language) {
        assert_eq!(detect_language(text), expected, "{text:?}");
    }

    #[test]
    fn languages_are_told_apart_by_their_letters() {
        check("轻量跑步鞋", Language::Chinese);
        check("Nimbus 轻量跑步鞋 很好穿", Language::Chinese);
        check("Lightweight running shoes", Language::English);
        check("great shoes, 好", Language::English);
        check("!!! 123 ???", Language::Unknown);
        check("", Language::Unknown);
        check("😀😀", Language::Unknown);
    }

    #[test]
    fn han_detection_covers_the_common_blocks() {
        assert!(is_han('鞋') && is_han('㐀'));
        assert!(!is_han('a') && !is_han('。') && !is_han('ア'));
        assert!(has_han("T恤") && !has_han("T-shirt"));
    }
}
