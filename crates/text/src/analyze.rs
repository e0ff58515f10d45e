//! The analyzer: text to search tokens, in Chinese and English alike.
//!
//! The text is folded ([`crate::fold`]), cut into words by jieba (which passes Latin words and
//! numbers through whole), and each Latin word is split at punctuation and, if asked, stemmed
//! with the Snowball English stemmer. Punctuation and spaces make no tokens.
//!
//! Indexing and querying cut Chinese differently, on purpose: an indexed text yields jieba's
//! search-mode words (跑步鞋 also gives 跑步) *and* every Han character on its own, while a
//! query yields whole words. A query word the index has never seen can then still be found
//! character by character (the search crate falls back to that), which is what makes colloquial
//! compounds such as 跑鞋 find 跑步鞋 without a dictionary entry.

use std::sync::OnceLock;

use frostem::{Algorithm, Stemmer};
use jieba_rs::Jieba;

use crate::fold::fold_char;
use crate::script::is_han;

/// How a text is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// For a document being indexed: search-mode words plus single Han characters.
    Index,
    /// For a query: whole words.
    Query,
}

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Han characters (a Chinese word or a single character).
    Han,
    /// Letters only (an English word, stemmed if asked).
    Word,
    /// Holds a digit (`200`, `256gb`, `t2`): never stemmed, never corrected for typos.
    Number,
}

/// One token, with where it came from in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The term: folded, and stemmed when stemming was asked for and the token is a word.
    pub text: String,
    /// The folded word before stemming (what the shopper typed, for typos and prefixes).
    pub word: String,
    /// Byte offset of the first character in the original text.
    pub from: usize,
    /// Byte offset just past the last character in the original text.
    pub to: usize,
    /// What the token is made of.
    pub kind: TokenKind,
}

/// Cuts texts into tokens. Building one loads jieba's dictionary (about 100 ms), so share
/// [`Analyzer::shared`].
pub struct Analyzer {
    jieba: Jieba,
    stemmer: Stemmer,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer")
    }
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl Analyzer {
    /// An analyzer with jieba's default dictionary and the English stemmer.
    pub fn new() -> Self {
        Self { jieba: Jieba::new(), stemmer: Stemmer::new(Algorithm::English) }
    }

    /// The process-wide analyzer, built on first use.
    pub fn shared() -> &'static Analyzer {
        static SHARED: OnceLock<Analyzer> = OnceLock::new();
        SHARED.get_or_init(Analyzer::new)
    }

    /// The English stem of a folded word.
    pub fn stem(&self, word: &str) -> String {
        self.stemmer.stem(word).into_owned()
    }

    /// The tokens of `text` in order of appearance.
    pub fn tokens(&self, text: &str, mode: Mode, stem: bool) -> Vec<Token> {
        let (folded, origin) = fold_with_origin(text);
        let original = |folded_offset: usize| origin[folded_offset];
        let words = match mode {
            Mode::Index => self.jieba.cut_for_search(&folded, false),
            Mode::Query => self.jieba.cut(&folded, false),
        };
        let mut tokens = Vec::with_capacity(words.len());
        for word in words {
            let (start, end) = (word.byte_start, word.byte_end);
            let piece = &folded[start..end];
            if piece.chars().any(is_han) {
                self.push_han(&mut tokens, piece, start, mode, &original);
            } else {
                self.push_latin(&mut tokens, piece, start, stem, &original);
            }
        }
        tokens
    }

    fn push_han(
        &self,
        tokens: &mut Vec<Token>,
        piece: &str,
        start: usize,
        mode: Mode,
        original: &dyn Fn(usize) -> usize,
    ) {
        let end = start + piece.len();
        let whole = Token {
            text: piece.to_string(),
            word: piece.to_string(),
            from: original(start),
            to: original(end),
            kind: TokenKind::Han,
        };
        let single = piece.chars().count() == 1;
        tokens.push(whole);
        if mode == Mode::Index && !single {
            for (offset, c) in piece.char_indices().filter(|(_, c)| is_han(*c)) {
                let (from, to) = (start + offset, start + offset + c.len_utf8());
                tokens.push(Token {
                    text: c.to_string(),
                    word: c.to_string(),
                    from: original(from),
                    to: original(to),
                    kind: TokenKind::Han,
                });
            }
        }
    }

    fn push_latin(
        &self,
        tokens: &mut Vec<Token>,
        piece: &str,
        start: usize,
        stem: bool,
        original: &dyn Fn(usize) -> usize,
    ) {
        let mut part_start = None;
        let bounds = piece.char_indices().map(|(i, c)| (i, Some(c))).chain([(piece.len(), None)]);
        for (offset, c) in bounds {
            let in_word = c.is_some_and(char::is_alphanumeric);
            match (part_start, in_word) {
                (None, true) => part_start = Some(offset),
                (Some(from), false) => {
                    let word = &piece[from..offset];
                    let kind = if word.chars().any(|c| c.is_ascii_digit() || c.is_numeric()) {
                        TokenKind::Number
                    } else {
                        TokenKind::Word
                    };
                    let text = if stem && kind == TokenKind::Word {
                        self.stem(word)
                    } else {
                        word.to_string()
                    };
                    tokens.push(Token {
                        text,
                        word: word.to_string(),
                        from: original(start + from),
                        to: original(start + offset),
                        kind,
                    });
                    part_start = None;
                }
                _ => {}
            }
        }
    }
}

/// The folded text and, for every byte offset of it that starts a character (and its end), the
/// byte offset of the same character in `text`. Folding maps one character to one character,
/// so the two walk in step.
fn fold_with_origin(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len() + 1);
    for (offset, c) in text.char_indices() {
        let f = fold_char(c);
        for _ in 0..f.len_utf8() {
            origin.push(offset);
        }
        folded.push(f);
    }
    origin.push(text.len());
    (folded, origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str, mode: Mode) -> Vec<String> {
        Analyzer::shared().tokens(text, mode, true).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn english_words_are_folded_split_and_stemmed() {
        assert_eq!(
            terms("Lightweight Running-Shoes!", Mode::Query),
            ["lightweight", "run", "shoe"]
        );
        assert_eq!(
            terms("WHITE HANGING HEART T-LIGHT HOLDER", Mode::Query)[1..3],
            ["hang", "heart"]
        );
        assert_eq!(terms("256GB Ｎｉｋｅ", Mode::Query), ["256gb", "nike"]);
    }

    #[test]
    fn chinese_is_cut_into_words_and_indexed_texts_also_give_characters() {
        assert_eq!(terms("轻量跑步鞋", Mode::Query), ["轻量", "跑步", "鞋"]);
        assert_eq!(terms("智能手机", Mode::Query), ["智能手机"]);
        let indexed = terms("智能手机", Mode::Index);
        for expected in ["智能手机", "智能", "手机", "智", "能", "手", "机"] {
            assert!(indexed.contains(&expected.to_string()), "{expected} in {indexed:?}");
        }
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Ｎｉｋｅ 红色跑步鞋";
        for token in Analyzer::shared().tokens(text, Mode::Index, false) {
            let original = &text[token.from..token.to];
            assert_eq!(crate::fold(original), token.word, "{token:?}");
        }
    }

    #[test]
    fn punctuation_emoji_and_empty_text_make_no_tokens() {
        assert!(terms("!!! ??? ... 😀 ", Mode::Query).is_empty());
        assert!(terms("", Mode::Index).is_empty());
    }

    #[test]
    fn a_long_text_is_cut_without_trouble() {
        let text = "running shoes 智能手机 ".repeat(600);
        assert_eq!(terms(&text, Mode::Query).len(), 1800);
    }
}
