//! Aspects: what a review talks about, and how it feels about each.
//!
//! A review is cut into clauses ([`crate::sentences::clauses`]); a clause that names an aspect's
//! term ("delivery", "runs small", 物流, 性价比) is a mention of that aspect, with the clause's
//! sentiment. Aspect terms are hand-written per language: the six aspects shops ask about
//! (quality, value for money, delivery, size and fit, packaging, customer service) and two the
//! data shows as often (appearance, which the demo shop's and the UCI sentences' reviewers
//! discuss in "looks like the photos", and functionality: battery, sound, 效果). Topics beyond
//! these come from the keywords ([`crate::keywords`]), which need no list.
//!
//! Not a learned aspect extractor: a term list misses paraphrases ("took forever to come"), and
//! a clause naming two aspects gives both the same sentiment.

use aisle_text::{fold, Language};

use crate::sentences::{clauses, sentences, Span};
use crate::sentiment::{reading_language, Sentiment, SentimentModels};

/// An aspect of a product or of buying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Aspect {
    /// How well it is made and how long it lasts.
    Quality,
    /// Price and value for money.
    Value,
    /// Shipping and delivery.
    Delivery,
    /// Size and fit.
    SizeFit,
    /// Packaging.
    Packaging,
    /// The seller's customer service, returns and refunds.
    Service,
    /// Looks, colour, design, and whether it matches the photos.
    Appearance,
    /// Whether it does its job: performance, battery, sound, effect.
    Functionality,
}

impl Aspect {
    /// Every aspect.
    pub const ALL: [Aspect; 8] = [
        Aspect::Quality,
        Aspect::Value,
        Aspect::Delivery,
        Aspect::SizeFit,
        Aspect::Packaging,
        Aspect::Service,
        Aspect::Appearance,
        Aspect::Functionality,
    ];

    /// The aspect's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Quality => "quality",
            Aspect::Value => "value",
            Aspect::Delivery => "delivery",
            Aspect::SizeFit => "size_fit",
            Aspect::Packaging => "packaging",
            Aspect::Service => "customer_service",
            Aspect::Appearance => "appearance",
            Aspect::Functionality => "functionality",
        }
    }

    /// English and Chinese display names.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Aspect::Quality => ("Quality", "质量"),
            Aspect::Value => ("Value for money", "性价比"),
            Aspect::Delivery => ("Delivery", "物流"),
            Aspect::SizeFit => ("Size and fit", "尺码"),
            Aspect::Packaging => ("Packaging", "包装"),
            Aspect::Service => ("Customer service", "客服"),
            Aspect::Appearance => ("Appearance", "外观"),
            Aspect::Functionality => ("Functionality", "效果"),
        }
    }

    /// Terms naming the aspect in English (folded; matched as whole words or word sequences).
    fn english_terms(self) -> &'static [&'static str] {
        match self {
            Aspect::Quality => &[
                "quality",
                "well made",
                "made",
                "build",
                "built",
                "material",
                "materials",
                "sturdy",
                "durable",
                "flimsy",
                "broke",
                "broken",
                "breaks",
                "lasts",
                "lasted",
                "defective",
                "stitching",
                "craftsmanship",
                "cheaply made",
                "fell apart",
            ],
            Aspect::Value => &[
                "price",
                "priced",
                "value",
                "worth",
                "money",
                "cheap",
                "expensive",
                "overpriced",
                "bargain",
                "deal",
                "affordable",
                "cost",
                "costs",
            ],
            Aspect::Delivery => &[
                "delivery",
                "delivered",
                "shipping",
                "shipped",
                "shipment",
                "arrived",
                "arrive",
                "arrival",
                "courier",
                "dispatch",
                "dispatched",
                "postage",
            ],
            Aspect::SizeFit => &[
                "size",
                "sizes",
                "sizing",
                "fit",
                "fits",
                "fitting",
                "fitted",
                "runs small",
                "runs large",
                "too small",
                "too big",
                "too large",
                "tight",
                "loose",
                "true to size",
            ],
            Aspect::Packaging => {
                &["package", "packaging", "packed", "box", "boxed", "wrapping", "wrapped", "parcel"]
            }
            Aspect::Service => &[
                "customer service",
                "service",
                "seller",
                "support",
                "refund",
                "refunded",
                "return",
                "returned",
                "replied",
                "reply",
                "response",
                "staff",
                "helpful",
            ],
            Aspect::Appearance => &[
                "looks",
                "look",
                "looking",
                "colour",
                "color",
                "colours",
                "colors",
                "design",
                "photo",
                "photos",
                "picture",
                "pictures",
                "style",
                "beautiful",
                "ugly",
            ],
            Aspect::Functionality => &[
                "works",
                "work",
                "worked",
                "working",
                "battery",
                "sound",
                "performance",
                "function",
                "functions",
                "feature",
                "features",
                "signal",
                "charge",
                "charger",
                "charging",
                "reception",
                "volume",
            ],
        }
    }

    /// Terms naming the aspect in Chinese (matched as substrings).
    fn chinese_terms(self) -> &'static [&'static str] {
        match self {
            Aspect::Quality => {
                &["质量", "做工", "材质", "品质", "用料", "结实", "耐用", "坏了", "瑕疵", "正品"]
            }
            Aspect::Value => {
                &["价格", "性价比", "价钱", "便宜", "贵", "实惠", "划算", "值得", "不值", "太值"]
            }
            Aspect::Delivery => &["物流", "快递", "发货", "送货", "配送", "到货", "送到", "就到了"],
            Aspect::SizeFit => &["尺码", "尺寸", "大小", "合身", "偏小", "偏大", "码数", "一码"],
            Aspect::Packaging => &["包装", "盒子", "包裹"],
            Aspect::Service => &["客服", "服务", "态度", "售后", "退货", "退款", "卖家", "回复"],
            Aspect::Appearance => &["颜色", "外观", "图片", "样子", "款式", "好看", "漂亮", "实物"],
            Aspect::Functionality => {
                &["效果", "功能", "电池", "声音", "音质", "信号", "充电", "性能"]
            }
        }
    }
}

/// One aspect named in one clause.
#[derive(Debug, Clone, PartialEq)]
pub struct AspectMention {
    /// Which aspect.
    pub aspect: Aspect,
    /// The term that named it, as written in the lists.
    pub term: &'static str,
    /// The clause, as a span of the readable text.
    pub clause: Span,
    /// The clause's sentiment.
    pub sentiment: Sentiment,
}

/// The aspects named in a readable text ([`crate::readable_text`]), clause by clause, each
/// aspect at most once per clause.
pub fn aspect_mentions(models: &SentimentModels, text: &str) -> Vec<AspectMention> {
    let mut mentions = Vec::new();
    for sentence in sentences(text) {
        let sentence_text = sentence.of(text);
        for clause in clauses(sentence_text) {
            let piece = clause.of(sentence_text);
            let found = aspects_in(piece);
            if found.is_empty() {
                continue;
            }
            let sentiment = models.analyze_readable(piece);
            let span = Span { from: sentence.from + clause.from, to: sentence.from + clause.to };
            for (aspect, term) in found {
                mentions.push(AspectMention { aspect, term, clause: span, sentiment });
            }
        }
    }
    mentions
}

/// The aspects a clause names and the first term found for each.
pub fn aspects_in(clause: &str) -> Vec<(Aspect, &'static str)> {
    let folded = fold(clause);
    let language = reading_language(clause);
    let words: Vec<&str> = if language == Language::English {
        folded
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .filter(|w| !w.is_empty())
            .collect()
    } else {
        Vec::new()
    };
    let mut found = Vec::new();
    for aspect in Aspect::ALL {
        let term = match language {
            Language::Chinese => aspect.chinese_terms().iter().find(|t| folded.contains(**t)),
            _ => aspect.english_terms().iter().find(|t| has_words(&words, t)),
        };
        if let Some(term) = term {
            found.push((aspect, *term));
        }
    }
    found
}

/// Whether the words hold the term's words in sequence.
fn has_words(words: &[&str], term: &str) -> bool {
    let wanted: Vec<&str> = term.split(' ').collect();
    words.windows(wanted.len()).any(|window| window == wanted.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(clause: &str, expected: &[Aspect]) {
        let found: Vec<Aspect> = aspects_in(clause).into_iter().map(|(a, _)| a).collect();
        assert_eq!(found, expected, "{clause:?}");
    }

    #[test]
    fn terms_name_aspects_in_both_languages() {
        check("Delivery was fast", &[Aspect::Delivery]);
        check("runs small, order one size up", &[Aspect::SizeFit]);
        check("Great price, very good value for money", &[Aspect::Value]);
        check("物流很快", &[Aspect::Delivery]);
        check("价格偏贵，不太值", &[Aspect::Value]);
        check("客服态度很好", &[Aspect::Service]);
        check("包装很严实，质量也好", &[Aspect::Quality, Aspect::Packaging]);
        check("I love it", &[]);
        check("", &[]);
        // Whole words only: "fits" is an aspect term, "outfits" is not.
        check("nice outfits", &[]);
    }

    #[test]
    fn each_clause_carries_its_own_sentiment() {
        let models = SentimentModels::builtin().expect("built-in models");
        let text = "质量很好，物流太慢了，等了一个星期。";
        let mentions = aspect_mentions(&models, text);
        let polarity =
            |aspect| mentions.iter().find(|m| m.aspect == aspect).map(|m| m.sentiment.polarity);
        use crate::sentiment::Polarity;
        assert_eq!(polarity(Aspect::Quality), Some(Polarity::Positive), "{mentions:?}");
        assert_eq!(polarity(Aspect::Delivery), Some(Polarity::Negative), "{mentions:?}");
        let text = "The quality is excellent but delivery was slow.";
        let mentions = aspect_mentions(&models, text);
        let polarity =
            |aspect| mentions.iter().find(|m| m.aspect == aspect).map(|m| m.sentiment.polarity);
        assert_eq!(polarity(Aspect::Quality), Some(Polarity::Positive), "{mentions:?}");
        assert_eq!(polarity(Aspect::Delivery), Some(Polarity::Negative), "{mentions:?}");
        assert_eq!(mentions[0].clause.of(text), "The quality is excellent");
    }
}
