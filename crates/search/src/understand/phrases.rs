//! Fixed phrases ("less than", "以下", "<=") lexed once into unit texts, and matched against a
//! lexed query longest first.
//!
//! It compares lower-cased unit texts exactly: no plurals, no fuzziness. Which phrases exist
//! is decided by the passes that use them ([`super::price`], [`super::size`]).

use super::lexer::{lex, Unit};
use super::price::PriceWords;
use super::size::{SIZE_SUFFIXES, SIZE_WORDS};

/// A set of phrases, each a sequence of unit texts, longest first.
#[derive(Debug, Clone, Default)]
pub(super) struct PhraseList {
    phrases: Vec<Vec<String>>,
}

impl PhraseList {
    pub(super) fn new(words: &[&str]) -> Self {
        let mut phrases: Vec<Vec<String>> = words
            .iter()
            .map(|w| lex(w).into_iter().map(|u| u.text).collect::<Vec<_>>())
            .filter(|p| !p.is_empty())
            .collect();
        phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
        Self { phrases }
    }

    /// How many units the longest phrase matching at `at` takes, using only `free` units.
    pub(super) fn match_at(&self, units: &[Unit], free: &[bool], at: usize) -> Option<usize> {
        self.phrases.iter().find_map(|phrase| {
            let end = at + phrase.len();
            let matches = end <= units.len()
                && (at..end).all(|i| free[i])
                && units[at..end].iter().zip(phrase).all(|(u, p)| u.text == *p);
            matches.then_some(phrase.len())
        })
    }
}

/// Every phrase list the passes use, built once per [`super::Vocabulary`].
#[derive(Debug, Clone)]
pub(super) struct Phrases {
    pub(super) size_words: PhraseList,
    pub(super) size_suffixes: PhraseList,
    pub(super) price: PriceWords,
}

impl Phrases {
    pub(super) fn new() -> Self {
        Self {
            size_words: PhraseList::new(SIZE_WORDS),
            size_suffixes: PhraseList::new(SIZE_SUFFIXES),
            price: PriceWords::new(),
        }
    }
}
