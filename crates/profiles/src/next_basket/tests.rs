//! Tests of next-basket suggestions: repeats first and recent ones more, pairs before mere
//! popularity, popular items for a shopper with no orders, and the edges of `k`.

use super::*;

fn basket(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A shop where tea goes with biscuits, and milk is in most baskets.
fn model() -> NextBasketModel {
    let mut counts = BasketCounts::new(NextBasketConfig::default());
    for _ in 0..5 {
        counts.add(&basket(&["tea", "biscuits", "milk"]));
    }
    for _ in 0..10 {
        counts.add(&basket(&["milk", "bread"]));
    }
    counts.add(&basket(&["candle"]));
    counts.finish()
}

fn check(history: &[Vec<String>], k: usize, expected: &[(&str, &str)]) {
    let got = model().suggest(history, k, |_| true);
    let got: Vec<(String, String)> =
        got.into_iter().map(|s| (s.item, s.reason.to_string())).collect();
    let expected: Vec<(String, String)> =
        expected.iter().map(|(i, r)| (i.to_string(), r.to_string())).collect();
    assert_eq!(got, expected);
}

#[test]
fn a_shopper_with_no_orders_gets_the_popular_items() {
    check(
        &[],
        3,
        &[
            ("milk", "popular in the shop"),
            ("bread", "popular in the shop"),
            ("biscuits", "popular in the shop"),
        ],
    );
}

#[test]
fn repeats_come_first_and_the_newest_order_weighs_most() {
    let history = [basket(&["candle"]), basket(&["soap"])];
    let mut decaying = model();
    decaying.set_weights(Weights { decay: 0.9, ..Weights::default() });
    let got: Vec<String> =
        decaying.suggest(&history, 2, |_| true).into_iter().map(|s| s.item).collect();
    assert_eq!(got, ["soap", "candle"], "the newer order first");
    check(
        &history,
        2,
        &[
            ("candle", "bought in 1 of your last 2 orders"),
            ("soap", "bought in 1 of your last 2 orders"),
        ],
    );
    // Without decay (the default) the two repeats tie and popularity orders them.
}

#[test]
fn what_the_shop_pairs_with_a_staple_beats_what_is_merely_popular() {
    let history = [basket(&["tea"])];
    let got = model().suggest(&history, 3, |_| true);
    assert_eq!(got[0].item, "tea");
    assert_eq!(got[1].item, "biscuits", "{got:?}");
    assert_eq!(got[1].reason, Why::BoughtWith("tea".into()));
}

#[test]
fn k_bounds_the_list_and_keep_filters_it() {
    assert!(model().suggest(&[basket(&["tea"])], 0, |_| true).is_empty());
    let all = model().suggest::<String>(&[], 1_000, |_| true);
    assert_eq!(all.len(), 5, "every item the shop knows, once: {all:?}");
    let kept = model().suggest::<String>(&[], 10, |item| item != "milk");
    assert!(kept.iter().all(|s| s.item != "milk"));
    let empty = NextBasketModel::empty(NextBasketConfig::default());
    assert!(empty.suggest::<String>(&[], 10, |_| true).is_empty());
    assert_eq!(empty.suggest(&[basket(&["x"])], 10, |_| true).len(), 1);
}

#[test]
fn big_baskets_add_popularity_but_no_pairs() {
    let config = NextBasketConfig { max_pair_basket: 3, ..NextBasketConfig::default() };
    let mut counts = BasketCounts::new(config);
    for _ in 0..3 {
        counts.add(&basket(&["a", "b", "c", "d"]));
    }
    let model = counts.finish();
    assert_eq!(model.baskets(), 3);
    let got = model.suggest(&[basket(&["a"])], 4, |_| true);
    assert!(got.iter().skip(1).all(|s| s.reason == Why::Popular), "{got:?}");
}

#[test]
fn a_tiny_popular_weight_still_orders_by_popularity_not_by_name() {
    let mut model = model();
    model.set_weights(Weights { popular: 1e-6, ..Weights::default() });
    let got: Vec<String> =
        model.suggest::<String>(&[], 2, |_| true).into_iter().map(|s| s.item).collect();
    assert_eq!(got, ["milk", "bread"], "rounded scores would have put bread first");
}

#[test]
fn reasons_read_as_text_on_the_wire() {
    let suggestion =
        Suggestion { item: "tea".into(), score: 1.0, reason: Why::Repeat { orders: 2, of: 3 } };
    let json = serde_json::to_value(&suggestion).expect("json");
    assert_eq!(json["item_id"], "tea");
    assert_eq!(json["reason"], "bought in 2 of your last 3 orders");
}
