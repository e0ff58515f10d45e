//! Slot extraction, table-driven, in English and Chinese: each case is an utterance and the
//! rendering of the slots found.

use aisle_nlu::{extract_slots, SlotVocabulary, Slots};

fn shop() -> SlotVocabulary {
    SlotVocabulary {
        categories: vec![
            "连衣裙 Dress".into(),
            "跑步鞋 Running Shoes".into(),
            "耳机 Headphones".into(),
        ],
        brands: vec!["Nike".into(), "Sony".into(), "小米".into()],
    }
}

/// One `name: value` per slot found, in a fixed order.
fn render(slots: &Slots) -> String {
    let number = |p: Option<f64>| p.map(|p| format!("{p}")).unwrap_or_default();
    let mut lines = Vec::new();
    for (name, value) in [
        ("order", &slots.order_id),
        ("product", &slots.product),
        ("category", &slots.category),
        ("brand", &slots.brand),
        ("size", &slots.size),
        ("colour", &slots.colour),
    ] {
        if let Some(value) = value {
            lines.push(format!("{name}: {value}"));
        }
    }
    if slots.price_min.is_some() || slots.price_max.is_some() {
        lines.push(format!("price: {}..{}", number(slots.price_min), number(slots.price_max)));
    }
    lines.join("\n")
}

fn check(input: &str, expected: &str) {
    let expected: Vec<&str> = expected.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(render(&extract_slots(input, &shop())), expected.join("\n"), "{input:?}");
}

#[test]
fn english_shopping_requests() {
    check(
        "a red dress under $50",
        "product: dress\ncategory: 连衣裙 Dress\ncolour: red\nprice: ..50",
    );
    check(
        "do you have Nike running shoes in size 42",
        "product: running shoes\ncategory: 跑步鞋 Running Shoes\nbrand: Nike\nsize: 42",
    );
    check(
        "show me black hoodies XL between 20 and 40 dollars",
        "product: hoodies\nsize: XL\ncolour: black\nprice: 20..40",
    );
    check(
        "compare the Sony headphones",
        "product: headphones\ncategory: 耳机 Headphones\nbrand: Sony",
    );
    check("is it one size?", "size: ONE SIZE");
}

#[test]
fn chinese_shopping_requests() {
    check("500元以下的运动鞋", "product: 运动鞋\nprice: ..500");
    check("比较一下这两款耳机", "product: 耳机\ncategory: 耳机 Headphones");
    check(
        "有没有红色的连衣裙 M码",
        "product: 连衣裙\ncategory: 连衣裙 Dress\nsize: M\ncolour: red",
    );
    check(
        "小米蓝牙耳机200到300元",
        "product: 蓝牙耳机\ncategory: 耳机 Headphones\nbrand: 小米\nprice: 200..300",
    );
    check("这件是均码吗", "size: 均码");
    check(
        "42码的白色跑步鞋",
        "product: 跑步鞋\ncategory: 跑步鞋 Running Shoes\nsize: 42\ncolour: white",
    );
    check("白色跑鞋", "product: 跑鞋\ncolour: white");
}

#[test]
fn order_numbers_in_both_styles() {
    check("where is my order o-123", "order: o-123");
    check("I need help canceling purchase 3707955617", "order: 3707955617");
    check("status of #ABC-1234", "order: ABC-1234");
    check("我的订单o-77到哪了", "order: o-77");
    check("订单号：20240501 还没发货", "order: 20240501");
    check("where can I see invoice #12588", "");
}

#[test]
fn bad_inputs_have_defined_results() {
    check("", "");
    check("😀😀😀", "");
    check("!!!???", "");
    let long = "red dress under $50 ".repeat(6_000);
    let slots = extract_slots(&long, &shop());
    assert_eq!(slots.colour.as_deref(), Some("red"));
    let empty = SlotVocabulary::default();
    assert_eq!(extract_slots("Nike 红色跑鞋", &empty).brand, None);
}
