//! Semantic and hybrid search with the real all-MiniLM-L6-v2 model, when `AISLE_EMBED_MODEL`
//! names its directory (CI does; without it these tests say so and pass).

mod common;

use std::sync::Arc;

use aisle_search::semantic::SemanticIndex;
use aisle_search::{SearchIndex, SearchRequest};
use common::{catalog, ids, index, item};

fn encoder() -> Option<Arc<aisle_embed::Encoder>> {
    let Some(dir) = std::env::var_os("AISLE_EMBED_MODEL") else {
        eprintln!("AISLE_EMBED_MODEL is not set; semantic search is tested in CI");
        return None;
    };
    Some(Arc::new(aisle_embed::Encoder::load(std::path::Path::new(&dir)).expect("model loads")))
}

fn semantic_index(encoder: Arc<aisle_embed::Encoder>) -> SearchIndex {
    let index = index();
    index.attach_semantic(SemanticIndex::in_memory(encoder));
    index.catch_up_semantic(usize::MAX, &mut |_, _| {}).expect("embed");
    index
}

fn search(index: &SearchIndex, query: &str, ratio: f32) -> aisle_search::SearchResults {
    let request = SearchRequest {
        query: query.into(),
        semantic_ratio: Some(ratio),
        ..SearchRequest::default()
    };
    index.search(&request, None).expect("search")
}

#[test]
fn meaning_finds_items_that_share_no_word_with_the_query() {
    let Some(encoder) = encoder() else { return };
    let index = semantic_index(encoder);
    let flask = search(&index, "insulated flask for hot drinks", 1.0);
    assert_eq!(ids(&flask)[0], "thermos");
    assert_eq!(ids(&search(&index, "jogging sneakers", 1.0))[..2].len(), 2);
    assert!(ids(&search(&index, "jogging sneakers", 1.0))[..2]
        .iter()
        .all(|id| id.starts_with("shoe")));
    // Hybrid keeps the exact lexical match on top and adds meaning below it.
    let hybrid = search(&index, "lantern", 0.5);
    assert_eq!(ids(&hybrid)[0], "lantern2");
    assert!(hybrid.total > 1, "{:?}", ids(&hybrid));
}

#[test]
fn chinese_queries_fall_back_to_lexical_search_and_say_so() {
    let Some(encoder) = encoder() else { return };
    let index = semantic_index(encoder);
    let results = search(&index, "保温杯", 0.5);
    assert_eq!(results.semantic_ratio, 0.0);
    assert!(
        results.notes.iter().any(|n| n.contains("lexical results only")),
        "{:?}",
        results.notes
    );
    assert_eq!(ids(&results)[0], "thermos");
}

#[test]
fn identical_texts_share_a_vector_and_changes_follow_the_items() {
    let Some(encoder) = encoder() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let semantic = SemanticIndex::open(encoder.clone(), dir.path()).expect("open");
    let texts =
        [(1, "Red running shoes", 11), (2, "Red running shoes", 12), (3, "Ceramic wok", 13)];
    let items: Vec<(u32, String, u64)> =
        texts.iter().map(|&(i, t, h)| (i, t.to_string(), h)).collect();
    semantic.add(&items).expect("add");
    let (query, _) = semantic.embed_query("running shoes").expect("embed");
    let found = semantic.nearest(&query, 3, &|_| true);
    assert_eq!(found.len(), 3);
    assert_eq!(found[0].1, found[1].1, "items 1 and 2 share one vector: {found:?}");
    // Item 2 changes text; item 1 keeps the shared vector; item 3 goes.
    semantic.add(&[(2, "Blue ceramic wok".to_string(), 22)]).expect("change");
    semantic.remove(3);
    assert!(
        semantic.is_current(2, 22) && !semantic.is_current(2, 12) && !semantic.is_current(3, 13)
    );
    let found = semantic.nearest(&query, 3, &|_| true);
    assert_eq!(found.iter().map(|f| f.0).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(semantic.nearest(&query, 3, &|i| i == 2).len(), 1, "filters apply to items");
    semantic.save().expect("save");
    let reopened = SemanticIndex::open(encoder, dir.path()).expect("reopen");
    assert_eq!(reopened.len(), 2);
    assert!(reopened.is_current(1, 11) && reopened.is_current(2, 22));
    assert_eq!(reopened.nearest(&query, 3, &|_| true), found);
}

#[test]
fn items_changed_after_embedding_are_embedded_again() {
    let Some(encoder) = encoder() else { return };
    let index = semantic_index(encoder);
    assert_eq!(index.semantic_backlog(), 0);
    let mut renamed = item(4);
    renamed.title = "Hearth Vacuum Flask".into();
    index.upsert(&[(4, renamed)]).expect("upsert");
    assert_eq!(index.semantic_backlog(), 1);
    index.catch_up_semantic(usize::MAX, &mut |_, _| {}).expect("embed");
    assert_eq!(index.semantic_backlog(), 0);
    assert_eq!(index.status().semantic_items, catalog().len());
}
