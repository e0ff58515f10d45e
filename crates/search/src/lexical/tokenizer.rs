//! The bridge from [`aisle_text::Analyzer`] to tantivy's tokenizer interface, so documents are
//! indexed with exactly the tokens queries are built from.

use aisle_text::{Analyzer, Mode};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name of the stemming tokenizer in the index's tokenizer manager.
pub const STEMMED: &str = "aisle_stemmed";
/// Name of the tokenizer that keeps words as typed (for prefixes and suggestions).
pub const PLAIN: &str = "aisle_plain";

/// Tokenizes with the shared analyzer in index mode.
#[derive(Clone)]
pub struct AisleTokenizer {
    stem: bool,
    token: Token,
}

impl AisleTokenizer {
    /// A tokenizer that stems English words (`stem`) or keeps them whole.
    pub fn new(stem: bool) -> Self {
        Self { stem, token: Token::default() }
    }
}

/// The tokens of one text, handed out one by one.
pub struct AisleTokenStream<'a> {
    tokens: std::vec::IntoIter<aisle_text::Token>,
    token: &'a mut Token,
}

impl Tokenizer for AisleTokenizer {
    type TokenStream<'a> = AisleTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> AisleTokenStream<'a> {
        self.token.reset();
        let tokens = Analyzer::shared().tokens(text, Mode::Index, self.stem);
        AisleTokenStream { tokens: tokens.into_iter(), token: &mut self.token }
    }
}

impl TokenStream for AisleTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(next) = self.tokens.next() else {
            return false;
        };
        self.token.text = next.text;
        self.token.offset_from = next.from;
        self.token.offset_to = next.to;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}
