//! From a query string to tantivy queries: stop words dropped, synonyms expanded, typos and the
//! unfinished last word tolerated, unknown Chinese compounds split into characters.
//!
//! Matching follows what shoppers expect from Meilisearch and Typesense: every word must match
//! (the *strict* query); when that finds too few items, items matching some of the words
//! follow (the *loose* query), ranked below every strict match.

use std::collections::HashSet;

use aisle_text::{Analyzer, Mode, Token, TokenKind};
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::Searcher;

use super::Fields;
use crate::SearchSettings;

/// Weight of a synonym's match relative to the word the shopper typed.
const SYNONYM_WEIGHT: f32 = 0.8;
/// Weight of a misspelt match relative to an exact one.
const TYPO_WEIGHT: f32 = 0.3;
/// Weight of a prefix match on the last word.
const PREFIX_WEIGHT: f32 = 1.5;

/// The settings in the form queries need: folded stop words, synonym phrases as words.
#[derive(Debug, Clone, Default)]
pub struct PreparedSettings {
    stop_words: HashSet<String>,
    /// Groups of phrases, each phrase as its folded words.
    synonyms: Vec<Vec<Vec<String>>>,
    typo_tolerance: bool,
    one_typo: usize,
    two_typos: usize,
}

impl PreparedSettings {
    /// Prepares the shop's settings.
    pub fn new(settings: &SearchSettings) -> Self {
        let analyzer = Analyzer::shared();
        let words = |text: &str| -> Vec<String> {
            analyzer.tokens(text, Mode::Query, false).into_iter().map(|t| t.word).collect()
        };
        Self {
            stop_words: settings.stop_words.iter().flat_map(|w| words(w)).collect(),
            synonyms: settings
                .synonyms
                .iter()
                .map(|group| group.iter().map(|p| words(p)).filter(|p| !p.is_empty()).collect())
                .collect(),
            typo_tolerance: settings.typo_tolerance,
            one_typo: settings.min_word_size_for_one_typo,
            two_typos: settings.min_word_size_for_two_typos,
        }
    }
}

/// The queries for one search.
pub struct LexicalQuery {
    /// Every word (or a synonym of it) must match.
    pub strict: Box<dyn Query>,
    /// Some word must match; `None` when there is a single word.
    pub loose: Option<Box<dyn Query>>,
    /// Terms to highlight in titles: exact terms and Han words.
    pub highlight: HashSet<String>,
    /// The last word when it is matched as a prefix.
    pub prefix: Option<String>,
}

/// Builds the queries for `text`, or `None` when it holds no word at all (empty or only
/// punctuation): the caller then lists items without a text condition.
pub fn build(
    text: &str,
    settings: &PreparedSettings,
    searcher: &Searcher,
    fields: &Fields,
    prefix_last: bool,
    typos: bool,
) -> Option<LexicalQuery> {
    let analyzer = Analyzer::shared();
    let mut tokens = analyzer.tokens(text, Mode::Query, true);
    let kept: Vec<Token> =
        tokens.iter().filter(|t| !settings.stop_words.contains(&t.word)).cloned().collect();
    if !kept.is_empty() {
        tokens = kept;
    }
    if tokens.is_empty() {
        return None;
    }
    // The last word is still being typed unless the query ends in a space or punctuation.
    let unfinished = prefix_last && text.chars().last().is_some_and(char::is_alphanumeric);
    let builder = Builder { settings, searcher, fields, typos, highlight: HashSet::new() };
    let mut builder = builder;
    let mut clauses = Vec::new();
    let mut prefix = None;
    let mut i = 0;
    while i < tokens.len() {
        let is_last = i + 1 == tokens.len();
        if let Some((len, group)) = builder.synonym_at(&tokens[i..]) {
            clauses.push(builder.synonym_clause(&tokens[i..i + len], group));
            i += len;
            continue;
        }
        let token = &tokens[i];
        let as_prefix = is_last && unfinished && token.kind != TokenKind::Han;
        if as_prefix {
            prefix = Some(token.word.clone());
        }
        clauses.push(builder.token_clause(token, as_prefix));
        i += 1;
    }
    let strict = all_of(clauses.iter().map(|c| c.box_clone()).collect());
    let loose = (clauses.len() > 1).then(|| {
        let should = clauses.into_iter().map(|c| (Occur::Should, c)).collect();
        Box::new(BooleanQuery::new(should)) as Box<dyn Query>
    });
    Some(LexicalQuery { strict, loose, highlight: builder.highlight, prefix })
}

struct Builder<'a> {
    settings: &'a PreparedSettings,
    searcher: &'a Searcher,
    fields: &'a Fields,
    /// Whether misspelt words may match (see [`build`]'s caller: only when exact words find too
    /// little).
    typos: bool,
    highlight: HashSet<String>,
}

impl Builder<'_> {
    /// The longest synonym phrase starting at the first token, as (tokens covered, group).
    fn synonym_at(&self, tokens: &[Token]) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for (g, group) in self.settings.synonyms.iter().enumerate() {
            for phrase in group {
                let fits = phrase.len() <= tokens.len()
                    && phrase.iter().zip(tokens).all(|(w, t)| *w == t.word);
                if fits && best.is_none_or(|(len, _)| phrase.len() > len) {
                    best = Some((phrase.len(), g));
                }
            }
        }
        best
    }

    /// The typed words, or any other phrase of their synonym group.
    fn synonym_clause(&mut self, typed: &[Token], group: usize) -> Box<dyn Query> {
        let analyzer = Analyzer::shared();
        let mut options: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let typed_clauses = typed.iter().map(|t| self.token_clause(t, false)).collect();
        options.push((Occur::Should, all_of(typed_clauses)));
        let typed_words: Vec<&str> = typed.iter().map(|t| t.word.as_str()).collect();
        for phrase in &self.settings.synonyms[group] {
            if phrase.iter().map(String::as_str).eq(typed_words.iter().copied()) {
                continue;
            }
            let tokens = analyzer.tokens(&phrase.join(" "), Mode::Query, true);
            if tokens.is_empty() {
                continue;
            }
            let clauses = tokens.iter().map(|t| self.exact_clause(t)).collect();
            let alternative = Box::new(BoostQuery::new(all_of(clauses), SYNONYM_WEIGHT));
            options.push((Occur::Should, alternative));
        }
        Box::new(BooleanQuery::new(options))
    }

    /// One typed word: exact in any field, misspelt in the short fields, as a prefix if it is
    /// the unfinished last word; a Chinese word the index has never seen, by its characters.
    fn token_clause(&mut self, token: &Token, as_prefix: bool) -> Box<dyn Query> {
        if token.kind == TokenKind::Han && token.text.chars().count() > 1 && !self.known(token) {
            let characters = token
                .text
                .chars()
                .map(|c| {
                    let t = Token { text: c.to_string(), word: c.to_string(), ..token.clone() };
                    self.exact_clause(&t)
                })
                .collect();
            return all_of(characters);
        }
        let mut should: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, self.exact_clause(token))];
        let distance = self.typo_distance(token);
        if distance > 0 {
            for (field, weight) in self.fields.typo_tolerant() {
                let term = Term::from_field_text(field, &token.text);
                let fuzzy = FuzzyTermQuery::new(term, distance, true);
                should.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(fuzzy), weight * TYPO_WEIGHT)),
                ));
            }
        }
        if as_prefix {
            let term = Term::from_field_text(self.fields.title_words, &token.word);
            let prefix = FuzzyTermQuery::new_prefix(term, 0, true);
            should
                .push((Occur::Should, Box::new(BoostQuery::new(Box::new(prefix), PREFIX_WEIGHT))));
        }
        Box::new(BooleanQuery::new(should))
    }

    /// The word exactly, in every field with the field's weight.
    fn exact_clause(&mut self, token: &Token) -> Box<dyn Query> {
        self.highlight.insert(token.text.clone());
        let should = self
            .fields
            .weighted()
            .into_iter()
            .map(|(field, weight)| {
                let term = Term::from_field_text(field, &token.text);
                let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(query), weight)) as Box<dyn Query>,
                )
            })
            .collect();
        Box::new(BooleanQuery::new(should))
    }

    fn known(&self, token: &Token) -> bool {
        self.fields.weighted().into_iter().any(|(field, _)| {
            let term = Term::from_field_text(field, &token.text);
            self.searcher.doc_freq(&term).unwrap_or(0) > 0
        })
    }

    /// Typos allowed for a word: Meilisearch's defaults, one from 5 characters, two from 9;
    /// never for numbers (a model number off by one is another product) or Chinese, nor for a
    /// word the catalog itself uses.
    fn typo_distance(&self, token: &Token) -> u8 {
        if !self.typos || !self.settings.typo_tolerance || token.kind != TokenKind::Word {
            return 0;
        }
        // A word the catalog uses is taken as meant, as a spelling checker takes a word in its
        // dictionary: "dress" with no dress left after the filters must not become "press".
        if self.known(token) {
            return 0;
        }
        let length = token.word.chars().count();
        if length >= self.settings.two_typos {
            2
        } else if length >= self.settings.one_typo {
            1
        } else {
            0
        }
    }
}

fn all_of(mut clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if clauses.len() == 1 {
        if let Some(only) = clauses.pop() {
            return only;
        }
    }
    Box::new(BooleanQuery::new(clauses.into_iter().map(|c| (Occur::Must, c)).collect()))
}
