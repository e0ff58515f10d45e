//! Data-driven tests of query understanding: each case is a query and the rendering of what
//! it was understood as.

use super::{understand, Parsed, ParsedKind, Understood, Vocabulary};

/// The vocabulary of a small clothing and shoe shop.
fn shop() -> Vocabulary {
    let mut vocabulary = Vocabulary::new();
    vocabulary.add_category("跑步鞋 Running Shoes", &["跑步鞋", "跑鞋", "running shoes"]);
    vocabulary.add_category("连衣裙 Dress", &["连衣裙", "dress"]);
    vocabulary.add_category("T恤 T-Shirt", &["T恤", "t-shirt", "tee"]);
    vocabulary
}

/// One line per finding: `text: …`, then `price: LO..HI`, `colours: …`, `sizes: …`,
/// `categories: …` when present.
fn render(understood: &Understood) -> String {
    let price = |p: Option<f64>| p.map(|p| format!("{}", (p * 100.0).round() / 100.0));
    let mut lines = vec![format!("text: {}", understood.text).trim_end().to_owned()];
    if understood.min_price.is_some() || understood.max_price.is_some() {
        let (lo, hi) = (price(understood.min_price), price(understood.max_price));
        lines.push(format!("price: {}..{}", lo.unwrap_or_default(), hi.unwrap_or_default()));
    }
    for (name, list) in [
        ("colours", &understood.colours),
        ("sizes", &understood.sizes),
        ("categories", &understood.categories),
    ] {
        if !list.is_empty() {
            lines.push(format!("{name}: {}", list.join(", ")));
        }
    }
    lines.join("\n")
}

fn check_with(vocabulary: &Vocabulary, query: &str, expected: &str) {
    let got = render(&understand(query, vocabulary));
    let expected: Vec<&str> = expected.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(got, expected.join("\n"), "query {query:?}");
}

fn check(query: &str, expected: &str) {
    check_with(&shop(), query, expected);
}

#[test]
fn chinese_colour_category_and_price() {
    check(
        "红色 跑鞋 200元以下",
        "text:
         price: ..200
         colours: red
         categories: 跑步鞋 Running Shoes",
    );
    check("蓝色连衣裙", "text:\ncolours: blue\ncategories: 连衣裙 Dress");
    check("２００元以下", "text:\nprice: ..200");
    check("价格200以内 外套", "text: 外套\nprice: ..200");
    check("1万以下 手表", "text: 手表\nprice: ..10000");
    check("1.5k以内", "text:\nprice: ..1500");
    check("4k电视", "text: 4k电视");
}

#[test]
fn english_price_bounds() {
    check("running shoes under $50", "text:\nprice: ..50\ncategories: 跑步鞋 Running Shoes");
    check("under 50", "text:\nprice: ..50");
    check("below ¥300", "text:\nprice: ..300");
    check("less than 100 yuan", "text:\nprice: ..100");
    check("up to 30 euros", "text:\nprice: ..30");
    check("over £20", "text:\nprice: 20..");
    check("bags $100 or more", "text: bags\nprice: 100..");
}

#[test]
fn price_ranges() {
    check("200-500元", "text:\nprice: 200..500");
    check("100到300元", "text:\nprice: 100..300");
    check("¥100~¥300", "text:\nprice: 100..300");
    check("¥100～¥300", "text:\nprice: 100..300");
    check("between 10 and 20 dollars", "text:\nprice: 10..20");
    check("from 10 to 20", "text:\nprice: 10..20");
    check("price 100-200", "text:\nprice: 100..200");
    check("500-200元", "text:\nprice: 200..500");
    check("在100到200之间", "text:\nprice: 100..200");
}

#[test]
fn lower_bounds_and_approximate_prices() {
    check("300元以上", "text:\nprice: 300..");
    check("200左右", "text:\nprice: 160..240");
    check("nike $80", "text: nike\nprice: 64..96");
    check("about 50 dollars", "text:\nprice: 40..60");
}

#[test]
fn numbers_that_are_not_prices_stay_text() {
    check("iphone 15", "text: iphone 15");
    check("iphone 6 plus", "text: iphone 6 plus");
    check("6+ 手机壳", "text: 6+ 手机壳");
    check("10-20", "text: 10-20");
    check("under 2 kg", "text: under 2 kg");
    check("about 50 states", "text: about 50 states");
    check("less than 50ml", "text: less than 50ml");
    check(&format!("under {}", "9".repeat(400)), &format!("text: under {}", "9".repeat(400)));
}

#[test]
fn words_that_are_not_filters_stay_text() {
    check("cheap shoes", "text: cheap shoes");
    check("price", "text: price");
    check("dark", "text: dark");
}

#[test]
fn sizes() {
    check("size 42", "text:\nsizes: 42");
    check("42码", "text:\nsizes: 42");
    check("XL码", "text:\nsizes: XL");
    check("size xl", "text:\nsizes: XL");
    check("size: 42.5", "text:\nsizes: 42.5");
    check("XXL 卫衣", "text: 卫衣\nsizes: XXL");
    check("3XL", "text:\nsizes: 3XL");
    check("red dress size M", "text:\ncolours: red\nsizes: M\ncategories: 连衣裙 Dress");
    check("t-shirt xl black", "text:\ncolours: black\nsizes: XL\ncategories: T恤 T-Shirt");
}

#[test]
fn single_character_colours_need_a_boundary_or_the_colour_suffix() {
    check("黑 T恤", "text:\ncolours: black\ncategories: T恤 T-Shirt");
    check("白茶", "text: 白茶");
    check("红跑鞋", "text: 红\ncategories: 跑步鞋 Running Shoes");
    check("黑/白 T恤", "text:\ncolours: black, white\ncategories: T恤 T-Shirt");
    check("金色 项链", "text: 项链\ncolours: gold");
    check("rose gold 玫瑰金", "text:\ncolours: rose gold");
}

#[test]
fn shades_go_with_their_colour() {
    check("dark blue", "text:\ncolours: blue");
    check("深蓝色外套", "text: 外套\ncolours: blue");
    check("navy blue tee", "text:\ncolours: navy\ncategories: T恤 T-Shirt");
    check("Light Grey", "text:\ncolours: grey");
}

#[test]
fn mixed_languages() {
    check(
        "Nike 红色 running shoes 300以下",
        "text: Nike
         price: ..300
         colours: red
         categories: 跑步鞋 Running Shoes",
    );
    check("Nike红色Running Shoe", "text: Nike\ncolours: red\ncategories: 跑步鞋 Running Shoes");
}

#[test]
fn categories_match_longest_first_and_beat_colours() {
    let mut vocabulary = shop();
    vocabulary.add_category("白茶 White Tea", &["白茶", "white tea"]);
    vocabulary.add_category("鞋 Shoes", &["鞋", "shoes"]);
    check_with(&vocabulary, "white tea", "text:\ncategories: 白茶 White Tea");
    check_with(&vocabulary, "白茶", "text:\ncategories: 白茶 White Tea");
    check_with(&vocabulary, "跑步鞋", "text:\ncategories: 跑步鞋 Running Shoes");
    check_with(&vocabulary, "RUNNING SHOES", "text:\ncategories: 跑步鞋 Running Shoes");
}

#[test]
fn nonsense_and_query_syntax_are_left_alone() {
    check("!!!???", "text:");
    check("", "text:");
    check("   ", "text:");
    check("title:foo AND (bar", "text: title:foo AND (bar");
    check("\"red\" -blue", "text:\ncolours: red, blue");
}

#[test]
fn spans_echo_what_was_taken_in_query_order() {
    let understood = understand("红色 跑鞋 200元以下", &shop());
    let spans: Vec<(ParsedKind, &str)> =
        understood.spans.iter().map(|s: &Parsed| (s.kind, s.original.as_str())).collect();
    assert_eq!(
        spans,
        [
            (ParsedKind::Colour, "红色"),
            (ParsedKind::Category, "跑鞋"),
            (ParsedKind::Price, "200元以下"),
        ]
    );
    let query = "Nike ２００元以下";
    for span in understand(query, &shop()).spans {
        assert_eq!(&query[span.start..span.end], span.original);
    }
}

#[test]
fn long_input_is_handled_without_panic() {
    let pattern = "红色 跑鞋 200元以下 iphone 15 size 42 ¥100~¥300 白茶 !!! ";
    let query = pattern.repeat(10_000 / pattern.chars().count() + 1);
    let understood = understand(&query, &shop());
    assert_eq!(understood.colours, ["red"]);
    assert_eq!(understood.max_price, Some(200.0));
    let digits = "1".repeat(10_000);
    assert_eq!(understand(&digits, &shop()).text, digits);
    let symbols = "-".repeat(10_000);
    assert_eq!(understand(&symbols, &shop()).text, "");
}
