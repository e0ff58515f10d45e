//! The bad inputs, each with a defined result: empty text, emoji only, mixed Chinese and
//! English, 100,000 characters, HTML, and hostile punctuation.

use aisle_reviews::aspects::aspect_mentions;
use aisle_reviews::readable_text;
use aisle_reviews::sentiment::{Polarity, SentimentModels};

fn models() -> SentimentModels {
    SentimentModels::builtin().expect("the shipped models load")
}

fn check(text: &str, polarity: Polarity, language: &str) {
    let sentiment = models().analyze(text);
    assert_eq!(sentiment.polarity, polarity, "{text:?}: {sentiment:?}");
    assert_eq!(sentiment.language.code(), language, "{text:?}");
    assert!((0.0..=1.0).contains(&sentiment.score) && (0.0..=1.0).contains(&sentiment.positive));
}

#[test]
fn empty_and_symbol_only_texts_are_neutral_english() {
    check("", Polarity::Neutral, "en");
    check("   \n\t ", Polarity::Neutral, "en");
    check("...!!!???", Polarity::Neutral, "en");
    let empty = models().analyze("");
    assert_eq!(empty.positive, 0.5);
    assert_eq!(empty.score, 1.0, "neutral at exactly even odds");
}

#[test]
fn emoji_are_read_by_vaders_emoji_lexicon() {
    check("😍😍👍", Polarity::Positive, "en");
    check("😡👎", Polarity::Negative, "en");
}

#[test]
fn mixed_chinese_and_english_is_read_sentence_by_sentence() {
    check("质量很好，非常满意！ Great quality, love it.", Polarity::Positive, "zh");
    check("Terrible, broke after a day. 质量太差了，退货！", Polarity::Negative, "en");
    check("这个很好用 highly recommend", Polarity::Positive, "zh");
}

#[test]
fn html_is_read_as_its_text() {
    check("<p><b>Absolutely love it</b> &amp; would buy again!</p>", Polarity::Positive, "en");
    check("<div>质量&nbsp;很差</div><br/>", Polarity::Negative, "zh");
    let models = models();
    assert_eq!(models.analyze("<b>great</b>"), models.analyze("great"));
}

#[test]
fn a_hundred_thousand_characters_are_read_in_full_and_no_more() {
    let long = "Works great and the battery lasts. ".repeat(100_000 / 35 + 1);
    let sentiment = models().analyze(&long);
    assert_eq!(sentiment.polarity, Polarity::Positive);
    let longer = "很好".repeat(80_000);
    assert_eq!(readable_text(&longer).chars().count(), aisle_reviews::MAX_READ_CHARS);
    assert_eq!(models().analyze(&longer).language.code(), "zh");
    assert!(aspect_mentions(&models(), &readable_text(&long)).len() > 1000);
}

#[test]
fn clear_reviews_are_read_right_in_both_languages() {
    let cases = [
        ("Absolutely love it, works perfectly.", Polarity::Positive),
        ("Waste of money, it stopped working after two days.", Polarity::Negative),
        ("Fast delivery and great value.", Polarity::Positive),
        ("The worst phone I have ever owned.", Polarity::Negative),
        ("非常满意，质量很好，会回购的。", Polarity::Positive),
        ("很差，不推荐，客服也不理人。", Polarity::Negative),
        ("物流很快，包装完好，好评！", Polarity::Positive),
        ("买了就后悔，用了几天就坏了。", Polarity::Negative),
    ];
    let models = models();
    for (text, expected) in cases {
        assert_eq!(models.analyze(text).polarity, expected, "{text}");
    }
}

#[test]
fn control_characters_and_lone_marks_do_not_break_reading() {
    for text in [
        "\u{0}\u{1}\u{7f}",
        "\u{feff}好",
        "a\u{200b}b",
        "&#xD800;",
        "&#99999999;",
        "<",
        "<<<>>>",
        "&",
    ] {
        let sentiment = models().analyze(text);
        assert!(sentiment.score.is_finite(), "{text:?}");
        let _ = aspect_mentions(&models(), &readable_text(text));
    }
}
