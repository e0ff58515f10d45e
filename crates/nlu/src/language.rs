//! Which language an utterance is in, as far as the assistant's replies need to know: the
//! script detection of `aisle-text`, with texts that have no letters at all read as English.

/// The language the assistant answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// Mostly Latin letters, or no letters at all.
    English,
    /// Mostly Han characters (a Latin brand name inside a Chinese sentence keeps it Chinese).
    Chinese,
}

impl Language {
    /// The ISO 639-1 code: `en` or `zh`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Chinese => "zh",
        }
    }
}

/// The language of `text`. Empty, digit-only or emoji-only texts are English: the assistant has
/// to answer in something, and the shop's default interface language is English.
pub fn language_of(text: &str) -> Language {
    match aisle_text::detect_language(text) {
        aisle_text::Language::Chinese => Language::Chinese,
        aisle_text::Language::English | aisle_text::Language::Unknown => Language::English,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_follow_the_letters() {
        assert_eq!(language_of("我想取消订单 o-123"), Language::Chinese);
        assert_eq!(language_of("cancel order o-123"), Language::English);
        assert_eq!(language_of("比较一下这两款 AirPods"), Language::Chinese);
        assert_eq!(language_of(""), Language::English);
        assert_eq!(language_of("😀👍"), Language::English);
    }
}
