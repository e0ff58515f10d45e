//! Tests of the keyword extractors: TF-IDF and TextRank on small hand-written review sets.

use super::*;

/// Asserts that `keywords` open with the phrases `expected`, in that order.
fn check(keywords: &[Keyword], expected: &[&str]) {
    let phrases: Vec<&str> = keywords.iter().map(|k| k.phrase.as_str()).collect();
    assert!(phrases.starts_with(expected), "expected {expected:?} first in {keywords:#?}");
}

fn tfidf_of_first(documents: &[&[&str]], top: usize) -> Vec<Keyword> {
    let mut corpus = Corpus::new();
    for texts in documents {
        corpus.add_document(texts);
    }
    assert_eq!(corpus.documents(), documents.len());
    corpus.tfidf(0, top)
}

#[test]
fn tfidf_ranks_a_distinctive_word_above_a_common_one() {
    let keywords = tfidf_of_first(
        &[
            &["The screen is bright and the battery drains.", "Battery died, screen fine."],
            &["Screen scratches easily.", "Nice screen, loud speaker."],
            &["Screen cracked within a week.", "The screen is dim."],
        ],
        10,
    );
    check(&keywords, &["battery"]);
    let rank = |phrase: &str| keywords.iter().position(|k| k.phrase == phrase);
    assert!(rank("battery") < rank("screen"), "{keywords:#?}");
    assert_eq!(keywords.iter().find(|k| k.phrase == "screen").map(|k| k.count), Some(2));
}

#[test]
fn english_neighbours_make_a_two_word_phrase() {
    let reviews = [
        "Battery life is short.",
        "The battery life could be longer, customer service never answered.",
        "Customer service was rude.",
    ];
    let keywords = tfidf_of_first(&[&reviews, &["The screen is bright."]], 10);
    check(&keywords, &["battery life", "customer service"]);
    // Words seen only inside their phrases give way to them.
    assert!(keywords.iter().all(|k| !["battery", "life", "customer"].contains(&&*k.phrase)));
    let by_textrank = textrank(&reviews, 4);
    for phrase in ["battery life", "customer service"] {
        assert!(by_textrank.iter().any(|k| k.phrase == phrase), "{phrase} in {by_textrank:#?}");
    }
}

#[test]
fn a_pair_seen_once_is_no_phrase() {
    let keywords = textrank(&["Battery life is short.", "The battery drains, life is hard."], 10);
    assert!(keywords.iter().all(|k| k.phrase != "battery life"), "{keywords:#?}");
    check(&keywords, &["battery"]);
}

#[test]
fn chinese_reviews_give_chinese_phrases_and_no_stop_words() {
    let reviews = [
        "物流速度很快，电池续航也不错，这个东西真的很好",
        "物流速度非常快，感觉电池续航比较长，好评！",
        "电池续航一般，还是觉得屏幕很清晰，非常满意",
        "物流很给力，电池耐用，就是没有充电器",
    ];
    let by_textrank = textrank(&reviews, 8);
    let by_tfidf = tfidf_of_first(&[&reviews, &["屏幕很清晰，包装很好"]], 8);
    for keywords in [&by_textrank, &by_tfidf] {
        for expected in ["物流速度", "电池续航"] {
            assert!(keywords.iter().any(|k| k.phrase == expected), "{expected} in {keywords:#?}");
        }
        for keyword in keywords.iter() {
            assert!(!stop_words::is_chinese_stop(&keyword.phrase), "{keyword:?}");
            assert!(keyword.phrase.chars().count() >= 2, "{keyword:?}");
        }
    }
    check(&by_textrank, &["电池"]);
}

#[test]
fn textrank_ranks_the_central_word_first() {
    let keywords = textrank(
        &[
            "The battery drains overnight.",
            "Charger heats the battery.",
            "Battery swelled, case cracked.",
            "Screen okay, battery weak.",
            "Speaker crackles.",
        ],
        5,
    );
    check(&keywords, &["battery"]);
    assert_eq!(keywords.first().map(|k| k.count), Some(4));
    assert!(keywords.windows(2).all(|pair| pair[0].score >= pair[1].score), "{keywords:#?}");
}

#[test]
fn word_forms_are_merged_by_stem() {
    let reviews =
        ["Battery: fine. Lasts long.", "The battery lasted.", "Batteries? Battery ok, lasting."];
    for keywords in [textrank(&reviews, 5), tfidf_of_first(&[&reviews], 5)] {
        let count = |phrase: &str| keywords.iter().find(|k| k.phrase == phrase).map(|k| k.count);
        // Shown in the most frequent form, or the first seen among equals.
        assert_eq!((count("battery"), count("lasts")), (Some(4), Some(3)), "{keywords:#?}");
        assert!(keywords.iter().all(|k| !["batteries", "lasted", "lasting"].contains(&&*k.phrase)));
    }
}

#[test]
fn unreadable_input_gives_an_empty_list() {
    let inputs: [&[&str]; 6] = [
        &[],
        &[""],
        &["😀😀🎉", "👍"],
        &["!!! ??? ... ，，。。！！ --- ***"],
        &["5 stars 100% 10/10", "的了吗 a to it"],
        &["  \n\t "],
    ];
    for texts in inputs {
        assert_eq!(textrank(texts, 10), [], "{texts:?}");
        assert_eq!(tfidf_of_first(&[texts], 10), [], "{texts:?}");
    }
}

#[test]
fn odd_requests_give_sensible_lists() {
    let reviews = ["Battery life is short.", "Battery life, again!"];
    assert_eq!(textrank(&reviews, 0), []);
    let mut corpus = Corpus::new();
    corpus.add_document(&reviews);
    assert_eq!(corpus.tfidf(0, 0), []);
    assert_eq!(corpus.tfidf(1, 10), []);
    assert_eq!(Corpus::new().tfidf(0, 10), []);
    // One word in a single review still says what the review is about.
    check(&textrank(&["battery"], 10), &["battery"]);
    // Punctuation-heavy text still yields its words.
    let noisy = ["!!!battery...life???!!!", "**battery** -- life ;;; 电池,,,续航~~~"];
    check(&textrank(&noisy, 1), &["battery"]);
}
