//! The index's fields and how each is tokenized and weighted.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};

use super::tokenizer::{PLAIN, STEMMED};

/// Bumped whenever the fields or their tokenization change; an index of another version is
/// rebuilt from the catalog.
pub const SCHEMA_VERSION: u32 = 1;

/// The fields of the index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Item index (indexed, for replacing a document; fast, for collecting hits).
    pub item: Field,
    /// Hash of the item's indexed text, to find items changed since indexing.
    pub hash: Field,
    /// Title, stemmed.
    pub title: Field,
    /// Title words as typed, for prefix matching and suggestions.
    pub title_words: Field,
    /// Brand.
    pub brand: Field,
    /// Category path.
    pub categories: Field,
    /// Attribute keys and values.
    pub attributes: Field,
    /// Description.
    pub description: Field,
}

impl Fields {
    /// The searched text fields with their weights: a word in the title says more about the
    /// item than the same word in the description.
    pub fn weighted(&self) -> [(Field, f32); 5] {
        [
            (self.title, 3.0),
            (self.brand, 2.0),
            (self.categories, 2.0),
            (self.attributes, 1.0),
            (self.description, 0.5),
        ]
    }

    /// Fields where a misspelt word may still match (descriptions are long enough that fuzzy
    /// matches there are mostly noise).
    pub fn typo_tolerant(&self) -> [(Field, f32); 4] {
        [(self.title, 3.0), (self.brand, 2.0), (self.categories, 2.0), (self.attributes, 1.0)]
    }
}

/// The schema and its fields.
pub fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let item = builder.add_u64_field("item", NumericOptions::default().set_indexed().set_fast());
    let hash = builder.add_u64_field("hash", NumericOptions::default().set_fast());
    let fields = Fields {
        item,
        hash,
        title: builder.add_text_field("title", text(STEMMED)),
        title_words: builder.add_text_field("title_words", text(PLAIN)),
        brand: builder.add_text_field("brand", text(STEMMED)),
        categories: builder.add_text_field("categories", text(STEMMED)),
        attributes: builder.add_text_field("attributes", text(STEMMED)),
        description: builder.add_text_field("description", text(STEMMED)),
    };
    (builder.build(), fields)
}
