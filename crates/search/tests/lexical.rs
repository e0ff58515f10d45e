//! Lexical search over a small bilingual catalog: matching, typos, prefixes, synonyms, stop
//! words, understanding, filters, facets, sorting, updates and hostile queries.

mod common;

use aisle_search::{Filters, SearchIndex, SearchRequest, SearchSettings, SortOrder};
use common::{catalog, ids, index, item, search};

#[test]
fn english_words_match_whatever_their_form() {
    let index = index();
    assert_eq!(ids(&search(&index, "running shoes"))[..2].len(), 2);
    assert!(ids(&search(&index, "running shoes")).iter().take(2).all(|id| id.starts_with("shoe")));
    assert_eq!(ids(&search(&index, "snack box"))[0], "lunchbox");
    assert_eq!(ids(&search(&index, "HANGING hearts"))[0], "tlight");
}

#[test]
fn chinese_queries_find_chinese_titles_including_unseen_compounds() {
    let index = index();
    let results = search(&index, "跑步鞋");
    assert_eq!(results.total, 2, "{:?}", ids(&results));
    // 跑鞋 is a synonym by default; without it, its characters still find the shoes.
    assert!(ids(&search(&index, "跑鞋")).contains(&"shoe-red"));
    let mut settings = SearchSettings::default();
    settings.synonyms.retain(|g| !g.contains(&"跑鞋".to_string()));
    index.set_settings(settings).expect("settings");
    let by_characters = search(&index, "跑鞋");
    assert!(ids(&by_characters).contains(&"shoe-blue"), "{:?}", ids(&by_characters));
    assert!(ids(&search(&index, "保温")).contains(&"thermos"));
}

#[test]
fn misspelt_words_match_within_meilisearchs_typo_budget() {
    let index = index();
    // 7 letters: one typo allowed (a transposition counts as one).
    assert_eq!(ids(&search(&index, "lantren"))[0], "lantern2");
    assert_eq!(ids(&search(&index, "thremos bottle"))[0], "thermos");
    // 4 letters: no typo allowed.
    assert_eq!(search(&index, "lemp").total, 0);
    let strict = SearchSettings { typo_tolerance: false, ..SearchSettings::default() };
    index.set_settings(strict).expect("settings");
    assert_eq!(search(&index, "lantren").total, 0);
}

#[test]
fn the_last_word_is_matched_as_a_prefix_while_typing() {
    let index = index();
    assert_eq!(ids(&search(&index, "moroc"))[0], "lantern2");
    // A finished word (followed by a space) is not a prefix.
    let request = SearchRequest {
        query: "moroc ".into(),
        semantic_ratio: Some(0.0),
        ..SearchRequest::default()
    };
    assert_eq!(index.search(&request, None).expect("search").total, 0);
}

#[test]
fn synonyms_and_stop_words_are_the_shops_to_edit() {
    let index = index();
    assert!(ids(&search(&index, "tee")).contains(&"tee"));
    assert!(ids(&search(&index, "cellphone")).contains(&"phone"));
    assert_eq!(search(&index, "torch").total, 0);
    let mut settings = index.settings();
    settings.synonyms.push(vec!["torch".into(), "lamp".into()]);
    index.set_settings(settings).expect("settings");
    assert_eq!(ids(&search(&index, "torch"))[0], "lantern");
    // "for" and "the" are stop words: the query still needs only the product words.
    assert_eq!(ids(&search(&index, "lamp for the desk"))[0], "lantern");
}

#[test]
fn prices_colours_and_categories_in_the_query_become_filters() {
    let index = index();
    let results = search(&index, "红色 跑步鞋 200元以下");
    assert_eq!(ids(&results), ["shoe-red"], "{:?}", results.parsed);
    assert_eq!(results.parsed.filters.max_price, Some(200.0));
    let results = search(&index, "running shoes under 400");
    assert_eq!(ids(&results)[0], "shoe-red");
    assert!(
        results.hits.iter().all(|h| h.price.is_some_and(|p| p <= 400.0)),
        "{:?}",
        ids(&results)
    );
    assert!(!ids(&results).contains(&"shoe-blue"));
    let results = search(&index, "red shoes");
    assert!(
        ids(&results).iter().all(|id| *id == "shoe-red" || *id == "skate"),
        "{:?}",
        ids(&results)
    );
    // The Online Retail rows have no colour attribute: "white" stays a word of the query.
    assert_eq!(ids(&search(&index, "white hanging heart"))[0], "tlight");
}

#[test]
fn facets_count_every_match_and_filters_narrow_them() {
    let index = index();
    let results = search(&index, "shoes");
    assert_eq!(results.total, 3);
    assert_eq!(results.facets["category"]["鞋靴 Shoes"], 3);
    assert_eq!(results.facets["category"]["跑步鞋 Running Shoes"], 2);
    assert_eq!(results.facets["colour"]["red"], 2);
    assert_eq!(results.facets["price"]["100-200"], 1);
    let request = SearchRequest {
        query: "shoes".into(),
        filters: Filters { brands: vec!["nimbus".into()], ..Filters::default() },
        semantic_ratio: Some(0.0),
        ..SearchRequest::default()
    };
    assert_eq!(ids(&index.search(&request, None).expect("search")), ["shoe-blue"]);
}

#[test]
fn sorts_order_by_price_and_popularity() {
    let index = index();
    let sorted = |sort| {
        let request = SearchRequest {
            query: "shoes".into(),
            sort,
            semantic_ratio: Some(0.0),
            ..SearchRequest::default()
        };
        index
            .search(&request, None)
            .expect("search")
            .hits
            .iter()
            .map(|h| h.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(sorted(SortOrder::PriceAscending), ["shoe-red", "skate", "shoe-blue"]);
    assert_eq!(sorted(SortOrder::PriceDescending), ["shoe-blue", "skate", "shoe-red"]);
    let mut popularity = vec![0.0; 11];
    popularity[2] = 9.0;
    index.set_popularity(popularity);
    assert_eq!(sorted(SortOrder::Popular)[0], "skate");
    // A search without words lists items by popularity.
    assert_eq!(ids(&search(&index, ""))[0], "skate");
}

#[test]
fn titles_come_back_highlighted_and_escaped() {
    let index = index();
    let results = search(&index, "running");
    assert!(
        results.hits[0].highlight.contains("<mark>Running</mark>"),
        "{}",
        results.hits[0].highlight
    );
}

#[test]
fn the_shoppers_scores_reorder_equally_relevant_results() {
    let index = index();
    let request = SearchRequest {
        query: "running shoes".into(),
        semantic_ratio: Some(0.0),
        ..SearchRequest::default()
    };
    let plain = index.search(&request, None).expect("search");
    // The second of the two running shoes is close behind the first: the shopper's taste for
    // it lifts it to the top (the skate shoes, matching only "shoes", stay below both).
    let second = plain.hits[1].item;
    let scores =
        move |items: &[u32]| items.iter().map(|&i| if i == second { 10.0 } else { 0.0 }).collect();
    let personal = aisle_search::Personal { scores: &scores };
    let personalised = index.search(&request, Some(&personal)).expect("search");
    assert!(personalised.personalized);
    assert_eq!(personalised.hits[0].item, second);
}

#[test]
fn changed_and_removed_items_are_searched_as_they_are_now() {
    let index = index();
    let mut renamed = item(5);
    renamed.title = "Casa Lume Reading Lantern".into();
    index.upsert(&[(5, renamed)]).expect("upsert");
    assert!(ids(&search(&index, "reading lantern")).contains(&"lantern"));
    assert_eq!(search(&index, "desk").total, 0);
    index.remove(8).expect("remove");
    assert!(!ids(&search(&index, "moroccan")).contains(&"lantern2"));
}

#[test]
fn a_reopened_index_reindexes_only_what_changed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let open = || SearchIndex::open(dir.path(), SearchSettings::default()).expect("open");
    let first = open();
    let mut sync = first.begin_sync().expect("sync");
    sync.page(&catalog()).expect("page");
    assert_eq!(sync.finish().expect("finish").indexed, 11);
    drop(first);
    let second = open();
    let mut sync = second.begin_sync().expect("sync");
    let mut items = catalog();
    items.pop();
    items[0].1.title = "Stride Trail Shoes".into();
    sync.page(&items).expect("page");
    let report = sync.finish().expect("finish");
    assert_eq!((report.indexed, report.unchanged, report.removed), (1, 9, 1));
    assert_eq!(ids(&search(&second, "trail"))[0], "shoe-red");
}

#[test]
fn hostile_queries_get_a_defined_answer() {
    let index = index();
    for query in [
        "",
        "   ",
        "!!!???...",
        "title:foo AND (bar OR \"baz",
        "*",
        "~2 ^3 -x +y",
        "鞋 shoes 😀 ß",
        "\u{0}\u{7f}",
    ] {
        let results = search(&index, query);
        assert!(results.total <= 11, "{query:?}");
    }
    // Only punctuation is a search without words: every visible item, by popularity.
    assert_eq!(search(&index, "!!!").total, 11);
    let long = "running shoes ".repeat(800);
    let request = SearchRequest { query: long, ..SearchRequest::default() };
    let error = index.search(&request, None).expect_err("too long");
    assert!(error.to_string().contains("at most 1000"), "{error}");
    let request = SearchRequest { query: "shoes".into(), limit: 0, ..SearchRequest::default() };
    assert!(index.search(&request, None).is_err());
}

#[test]
fn a_word_the_catalog_uses_is_never_corrected_into_another() {
    let index = index();
    // "heart" is one letter from the brand "Hearth"; with the heart holder filtered away, the
    // Hearth thermos must not stand in for it. (The word is finished: as a prefix, "heart"
    // would rightly match "Hearth".)
    let request = SearchRequest {
        query: "heart ".into(),
        filters: Filters { brands: vec!["Hearth".into()], ..Filters::default() },
        semantic_ratio: Some(0.0),
        ..SearchRequest::default()
    };
    assert_eq!(index.search(&request, None).expect("search").total, 0);
    // A word the catalog does not use is still corrected.
    assert_eq!(ids(&search(&index, "hearht holder"))[0], "tlight");
}
