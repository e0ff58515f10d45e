//! Prices: bounds (`200元以下`, `under $50`, `300以上`, `over £20`), ranges (`200-500元`,
//! `¥100~¥300`, `between 10 and 20 dollars`) and approximate prices (`200左右`, `about $50`).
//!
//! A bare number is never a price (`iphone 15`): it needs a currency (`$ ¥ £ € 元 块 yuan
//! dollars rmb …`) or a price word around it (`以下`, `under`, `价格`). "About" a price, and a
//! lone amount with a currency (`nike $80`), mean within ±20% of it. Currencies are only a
//! signal: amounts are not converted, the catalog's prices are assumed to be in the shop's
//! currency.

use super::lexer::{Unit, UnitKind};
use super::phrases::PhraseList;

/// How far "around" reaches either side of a price.
const AROUND: f64 = 0.2;

const CURRENCY_BEFORE: &[&str] = &["$", "¥", "£", "€", "us$", "rmb", "cny", "usd", "gbp", "eur"];
const CURRENCY_AFTER: &[&str] = &[
    "元", "块", "块钱", "圆", "元钱", "yuan", "kuai", "rmb", "cny", "dollar", "dollars", "usd",
    "buck", "bucks", "pound", "pounds", "gbp", "euro", "euros", "eur",
];
/// Words that say what follows is a price, so no currency is needed.
const PRICE_WORDS: &[&str] = &["price", "priced", "价格", "价位", "价钱", "售价", "预算", "budget"];
/// Filler between a price word and the amount (`价格在200以下`, `price: 50`).
const PRICE_FILLERS: &[&str] = &[":", "在", "is", "of"];
const AT_MOST_BEFORE: &[&str] = &[
    "under",
    "below",
    "less than",
    "cheaper than",
    "max",
    "maximum",
    "up to",
    "at most",
    "no more than",
    "not more than",
    "within",
    "<",
    "<=",
    "≤",
    "低于",
    "少于",
    "小于",
    "不超过",
    "不到",
    "不高于",
    "最多",
    "最高",
];
const AT_LEAST_BEFORE: &[&str] = &[
    "over",
    "above",
    "more than",
    "at least",
    "min",
    "minimum",
    ">",
    ">=",
    "≥",
    "高于",
    "大于",
    "超过",
    "多于",
    "不低于",
    "至少",
    "最少",
    "最低",
];
const AROUND_BEFORE: &[&str] =
    &["around", "about", "approx", "approximately", "roughly", "约", "大约", "大概", "差不多"];
const AT_MOST_AFTER: &[&str] = &[
    "以下",
    "以内",
    "之内",
    "以下的",
    "封顶",
    "or less",
    "or under",
    "and under",
    "or below",
    "and below",
    "max",
    "or cheaper",
];
/// Upper-bound words too common to trust without a currency (`3 天内` is three days).
const AT_MOST_AFTER_WITH_CURRENCY: &[&str] = &["内"];
const AT_LEAST_AFTER: &[&str] =
    &["以上", "起", "起步", "or more", "and up", "and above", "or above", "or higher"];
/// Lower-bound marks that are model names without a currency (`iphone 6 plus`, `6+`).
const AT_LEAST_AFTER_WITH_CURRENCY: &[&str] = &["+", "plus"];
const AROUND_AFTER: &[&str] = &["左右", "上下", "附近"];
const RANGE_JOINERS: &[&str] = &["-", "~", "到", "至", "to"];
const BETWEEN_JOINERS: &[&str] = &["and", "-", "~", "到", "至", "to", "和"];
const BETWEEN_AFTER: &[&str] = &["之间", "中间"];
/// Units after which a number is a measure, not a price (`under 2 kg`, `少于3岁`).
const MEASURES: &[&str] = &[
    "%", "kg", "g", "cm", "mm", "m", "km", "ml", "l", "inch", "inches", "in", "gb", "tb", "mb",
    "w", "v", "mah", "year", "years", "yr", "yrs", "month", "months", "day", "days", "pc", "pcs",
    "pack", "lb", "lbs", "oz", "寸", "英寸", "克", "斤", "公斤", "千克", "米", "厘米", "毫米",
    "毫升", "升", "岁", "个", "件", "天", "月", "年", "码", "号", "瓦", "伏", "度",
];

/// Every price phrase list, lexed once.
#[derive(Debug, Clone)]
pub(super) struct PriceWords {
    currency_before: PhraseList,
    currency_after: PhraseList,
    price_words: PhraseList,
    price_fillers: PhraseList,
    at_most_before: PhraseList,
    at_least_before: PhraseList,
    around_before: PhraseList,
    at_most_after: PhraseList,
    at_most_after_with_currency: PhraseList,
    at_least_after: PhraseList,
    at_least_after_with_currency: PhraseList,
    around_after: PhraseList,
    range_joiners: PhraseList,
    between: PhraseList,
    between_joiners: PhraseList,
    between_after: PhraseList,
    from: PhraseList,
    measures: PhraseList,
}

impl PriceWords {
    pub(super) fn new() -> Self {
        Self {
            currency_before: PhraseList::new(CURRENCY_BEFORE),
            currency_after: PhraseList::new(CURRENCY_AFTER),
            price_words: PhraseList::new(PRICE_WORDS),
            price_fillers: PhraseList::new(PRICE_FILLERS),
            at_most_before: PhraseList::new(AT_MOST_BEFORE),
            at_least_before: PhraseList::new(AT_LEAST_BEFORE),
            around_before: PhraseList::new(AROUND_BEFORE),
            at_most_after: PhraseList::new(AT_MOST_AFTER),
            at_most_after_with_currency: PhraseList::new(AT_MOST_AFTER_WITH_CURRENCY),
            at_least_after: PhraseList::new(AT_LEAST_AFTER),
            at_least_after_with_currency: PhraseList::new(AT_LEAST_AFTER_WITH_CURRENCY),
            around_after: PhraseList::new(AROUND_AFTER),
            range_joiners: PhraseList::new(RANGE_JOINERS),
            between: PhraseList::new(&["between", "介于", "在"]),
            between_joiners: PhraseList::new(BETWEEN_JOINERS),
            between_after: PhraseList::new(BETWEEN_AFTER),
            from: PhraseList::new(&["from", "从"]),
            measures: PhraseList::new(MEASURES),
        }
    }
}

/// A price expression: units taken and the bounds it sets.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PriceMatch {
    pub(super) len: usize,
    pub(super) min: Option<f64>,
    pub(super) max: Option<f64>,
}

/// An amount: optional currency before, a number, optional currency after.
#[derive(Debug, Clone, Copy)]
struct Amount {
    end: usize,
    value: f64,
    currency: bool,
}

/// The units of the query and which are still free, with the price words.
pub(super) struct PriceScan<'a> {
    pub(super) units: &'a [Unit],
    pub(super) free: &'a [bool],
    pub(super) words: &'a PriceWords,
}

impl PriceScan<'_> {
    /// The price expression starting at unit `at`, if any.
    pub(super) fn price_at(&self, at: usize) -> Option<PriceMatch> {
        let words = self.words;
        if let Some(n) = self.phrase(&words.price_words, at) {
            let start = at + n;
            let start = start + self.phrase(&words.price_fillers, start).unwrap_or(0);
            // "price" alone stays text; with an amount it is part of the expression.
            return self
                .expression(start, true)
                .map(|m| PriceMatch { len: m.len + start - at, ..m });
        }
        self.expression(at, false)
    }

    fn phrase(&self, list: &PhraseList, at: usize) -> Option<usize> {
        list.match_at(self.units, self.free, at)
    }

    fn expression(&self, at: usize, signalled: bool) -> Option<PriceMatch> {
        let words = self.words;
        let done = |end: usize, min: Option<f64>, max: Option<f64>| {
            let (min, max) = match (min, max) {
                (Some(lo), Some(hi)) if lo > hi => (Some(hi), Some(lo)),
                bounds => bounds,
            };
            Some(PriceMatch { len: end - at, min, max })
        };
        if let Some(n) = self.phrase(&words.between, at) {
            if let Some((end, lo, hi)) = self.range(at + n, &words.between_joiners, true) {
                return done(end, Some(lo), Some(hi));
            }
        }
        if let Some(n) = self.phrase(&words.from, at) {
            if let Some((end, lo, hi)) = self.range(at + n, &words.range_joiners, true) {
                return done(end, Some(lo), Some(hi));
            }
            let a = self.amount(at + n).filter(|a| a.currency || signalled)?;
            return done(a.end, Some(a.value), None);
        }
        if let Some(n) = self.phrase(&words.at_most_before, at) {
            let a = self.amount(at + n)?;
            let end = a.end + self.phrase(&words.at_most_after, a.end).unwrap_or(0);
            return done(end, None, Some(a.value));
        }
        if let Some(n) = self.phrase(&words.at_least_before, at) {
            let a = self.amount(at + n)?;
            let end = a.end + self.phrase(&words.at_least_after, a.end).unwrap_or(0);
            return done(end, Some(a.value), None);
        }
        if let Some(n) = self.phrase(&words.around_before, at) {
            let a = self.amount(at + n)?;
            let suffix = self.phrase(&words.around_after, a.end);
            if !(a.currency || signalled || suffix.is_some()) {
                return None;
            }
            let (lo, hi) = around(a.value);
            return done(a.end + suffix.unwrap_or(0), Some(lo), Some(hi));
        }
        if let Some((end, lo, hi)) = self.range(at, &words.range_joiners, signalled) {
            return done(end, Some(lo), Some(hi));
        }
        let a = self.amount(at)?;
        let with_currency = |n: Option<usize>| n.filter(|_| a.currency);
        if let Some(n) = self
            .phrase(&words.at_most_after, a.end)
            .or_else(|| with_currency(self.phrase(&words.at_most_after_with_currency, a.end)))
        {
            return done(a.end + n, None, Some(a.value));
        }
        if let Some(n) = self
            .phrase(&words.at_least_after, a.end)
            .or_else(|| with_currency(self.phrase(&words.at_least_after_with_currency, a.end)))
        {
            return done(a.end + n, Some(a.value), None);
        }
        let suffix = self.phrase(&words.around_after, a.end);
        if a.currency || signalled || suffix.is_some() {
            let (lo, hi) = around(a.value);
            return done(a.end + suffix.unwrap_or(0), Some(lo), Some(hi));
        }
        None
    }

    /// `A joiner B`, a price range if either side has a currency, a word said so
    /// (`signalled`), or `之间` follows. Returns the end and both amounts.
    fn range(&self, at: usize, joiners: &PhraseList, signalled: bool) -> Option<(usize, f64, f64)> {
        let a = self.amount(at)?;
        let joiner = self.phrase(joiners, a.end)?;
        let b = self.amount(a.end + joiner)?;
        let after = self.phrase(&self.words.between_after, b.end);
        let priced = a.currency || b.currency || signalled || after.is_some();
        priced.then(|| (b.end + after.unwrap_or(0), a.value, b.value))
    }

    /// An amount at `at`, unless the number is really a measure (`2 kg`, `50%`, `50ml`).
    fn amount(&self, at: usize) -> Option<Amount> {
        let words = self.words;
        let before = self.phrase(&words.currency_before, at);
        let number_at = at + before.unwrap_or(0);
        let number = self.units.get(number_at).filter(|u| u.kind == UnitKind::Number)?;
        let value = number.value.filter(|_| self.free[number_at])?;
        let end = number_at + 1;
        let after = self.phrase(&words.currency_after, end);
        if after.is_none() && self.is_measured(end) {
            return None;
        }
        let end = end + after.unwrap_or(0);
        Some(Amount { end, value, currency: before.is_some() || after.is_some() })
    }

    /// Whether the unit at `at` makes the number before it a measure: a unit of measure, or
    /// any letters written against the number (`50ml`, `15pro`).
    fn is_measured(&self, at: usize) -> bool {
        let attached_word =
            self.units.get(at).is_some_and(|u| u.kind == UnitKind::Word && !u.space_before);
        attached_word || self.words.measures.match_at(self.units, self.free, at).is_some()
    }
}

/// `value ± 20%`.
fn around(value: f64) -> (f64, f64) {
    (value * (1.0 - AROUND), value * (1.0 + AROUND))
}
