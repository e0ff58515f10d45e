//! Reviews to candidate words: each text is cut into sentences, and each sentence into the
//! words that may be key (see [`Candidate`]), remembering which follow each other directly.

use aisle_text::{is_han, Analyzer, Mode, Token, TokenKind};

use super::stop_words::{is_chinese_stop, is_english_stop};
use crate::MAX_READ_CHARS;

/// A word that may be key: an English word of three or more letters or a jieba word of two or
/// more Han characters, not a stop word and not a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Candidate {
    /// What occurrences are counted under: the stem of an English word, a Chinese word itself.
    pub key: String,
    /// The folded word as written.
    pub surface: String,
    /// Whether it is a Chinese word (phrases of two join without a space).
    pub han: bool,
    /// Whether it directly follows the previous candidate of its sentence, with only spaces
    /// between, so that the two may make a phrase.
    pub joined: bool,
}

/// What lies between two tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// Nothing, or spaces.
    Space,
    /// Punctuation inside a sentence: a comma, a hyphen, a bracket.
    Punctuation,
    /// The end of a sentence.
    SentenceEnd,
}

/// The sentences of `text` as candidate words; sentences with none are left out. Texts longer
/// than [`MAX_READ_CHARS`] are read up to there.
pub(super) fn sentences(text: &str) -> Vec<Vec<Candidate>> {
    let text = within_read_limit(text);
    let mut sentences = Vec::new();
    let mut current: Vec<Candidate> = Vec::new();
    let mut joined = false;
    let mut previous_end = 0;
    for token in Analyzer::shared().tokens(text, Mode::Query, true) {
        match gap(text.get(previous_end..token.from).unwrap_or("")) {
            Gap::Space => {}
            Gap::Punctuation => joined = false,
            Gap::SentenceEnd => {
                if !current.is_empty() {
                    sentences.push(std::mem::take(&mut current));
                }
                joined = false;
            }
        }
        previous_end = previous_end.max(token.to);
        match candidate(&token) {
            Some((key, han)) => {
                current.push(Candidate { key, surface: token.word, han, joined });
                joined = true;
            }
            None => joined = false,
        }
    }
    if !current.is_empty() {
        sentences.push(current);
    }
    sentences
}

/// The key of a token that is a candidate, and whether it is Chinese.
fn candidate(token: &Token) -> Option<(String, bool)> {
    let word = token.word.as_str();
    match token.kind {
        TokenKind::Number => None,
        TokenKind::Han => {
            let long_enough = word.chars().nth(1).is_some();
            (long_enough && word.chars().all(is_han) && !is_chinese_stop(word))
                .then(|| (word.to_string(), true))
        }
        TokenKind::Word => {
            let long_enough = word.chars().nth(2).is_some();
            (long_enough && word.chars().all(char::is_alphabetic) && !is_english_stop(&token.text))
                .then(|| (token.text.clone(), false))
        }
    }
}

fn gap(between: &str) -> Gap {
    let ends_sentence = |c: char| {
        matches!(c, '.' | '!' | '?' | ';' | '。' | '！' | '？' | '；' | '…' | '\n' | '\r')
    };
    if between.chars().any(ends_sentence) {
        Gap::SentenceEnd
    } else if between.chars().all(char::is_whitespace) {
        Gap::Space
    } else {
        Gap::Punctuation
    }
}

/// `text` up to its [`MAX_READ_CHARS`]th character.
fn within_read_limit(text: &str) -> &str {
    match text.char_indices().nth(MAX_READ_CHARS) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders sentences as `key` for a candidate that starts a run and `+key` for one joined
    /// to the previous, sentences separated by ` | `.
    fn check(text: &str, expected: &str) {
        let rendered: Vec<String> = sentences(text)
            .iter()
            .map(|sentence| {
                let words: Vec<String> = sentence
                    .iter()
                    .map(|c| format!("{}{}", if c.joined { "+" } else { "" }, c.key))
                    .collect();
                words.join(" ")
            })
            .collect();
        let shown: String = text.chars().take(80).collect();
        assert_eq!(rendered.join(" | "), expected, "{shown:?}");
    }

    #[test]
    fn candidates_skip_stop_words_short_words_and_numbers() {
        check("The battery life is great, 5 stars!", "batteri +life");
        check("I bought 2 batteries; they last 10 hours.", "batteri | last hour");
        check(
            "Customer service was slow. Customer-service!",
            "custom +servic slow | custom servic",
        );
        check("物流速度很快，电池续航也不错", "物流 +速度 电池 +续航");
        check("手机的电池。这个东西真的很好", "手机 电池");
        check("iPhone电池 good", "iphon +电池");
    }

    #[test]
    fn nothing_readable_gives_no_sentences() {
        for text in ["", "   ", "😀😀🎉", "!!! ... ??? ，。！", "12 345 6.5", "a an to 的 了"]
        {
            check(text, "");
        }
    }

    #[test]
    fn long_texts_are_read_up_to_the_limit() {
        let text = "a ".repeat(MAX_READ_CHARS / 2) + "battery";
        assert_eq!(within_read_limit(&text).chars().count(), MAX_READ_CHARS);
        check(&text, "");
        assert_eq!(within_read_limit("short"), "short");
    }
}
