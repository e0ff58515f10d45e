//! Sizes: `size 42`, `size: xl`, `尺码 M`, `42码`, `XL码`, and the unmistakable letter sizes
//! (`XS`, `XL`, `XXL`, `3XL`, …) standing alone.
//!
//! A size is reported as written (numbers) or upper-cased (letters). It is not a conversion
//! between size systems, and a lone `S`, `M` or `L` without a keyword stays text: a single
//! letter means too many other things.

use super::lexer::{Unit, UnitKind};
use super::phrases::Phrases;

/// Words that announce a size.
pub(super) const SIZE_WORDS: &[&str] = &["size", "sz", "尺码", "码数", "尺寸"];
/// Words that mark the number or letters before them as a size.
pub(super) const SIZE_SUFFIXES: &[&str] = &["码", "码数"];

const LETTER_SIZES: &[&str] = &["xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl", "xxxxl"];
/// Letter sizes that need no keyword.
const STANDALONE_SIZES: &[&str] = &["xxs", "xs", "xl", "xxl", "xxxl", "xxxxl"];

/// A size found at a position: units taken and the size.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SizeMatch {
    pub(super) len: usize,
    pub(super) size: String,
}

/// The size expression starting at unit `at`, if any, using only `free` units.
pub(super) fn size_at(
    units: &[Unit],
    free: &[bool],
    at: usize,
    phrases: &Phrases,
) -> Option<SizeMatch> {
    if let Some(word) = phrases.size_words.match_at(units, free, at) {
        let mut value_at = at + word;
        if units.get(value_at).is_some_and(|u| u.text == ":") && free[value_at] {
            value_at += 1;
        }
        let (len, size) = size_value(units, free, value_at)?;
        let suffix = phrases.size_suffixes.match_at(units, free, value_at + len).unwrap_or(0);
        return Some(SizeMatch { len: value_at + len + suffix - at, size });
    }
    let (len, size) = size_value(units, free, at)?;
    if let Some(suffix) = phrases.size_suffixes.match_at(units, free, at + len) {
        return Some(SizeMatch { len: len + suffix, size });
    }
    let standalone = len == 1 && STANDALONE_SIZES.contains(&units[at].text.as_str())
        || len == 2 && units[at].kind == UnitKind::Number;
    standalone.then_some(SizeMatch { len, size })
}

/// A size value at `at`: a number (`42`, `42.5`), a letter size (`xl`) or a count and `xl`
/// written together (`3xl`). Returns the units taken and the size as reported.
fn size_value(units: &[Unit], free: &[bool], at: usize) -> Option<(usize, String)> {
    let unit = units.get(at).filter(|_| free[at])?;
    match unit.kind {
        UnitKind::Number => {
            let letters = units.get(at + 1).filter(|u| {
                free[at + 1] && !u.space_before && u.text == "xl" && is_small_count(unit)
            });
            match letters {
                Some(xl) => Some((2, format!("{}{}", unit.text, xl.text).to_uppercase())),
                None => unit.value.is_some().then(|| (1, unit.text.clone())),
            }
        }
        UnitKind::Word if LETTER_SIZES.contains(&unit.text.as_str()) => {
            Some((1, unit.text.to_uppercase()))
        }
        _ => None,
    }
}

/// `2` to `6`, the counts written before `XL`.
fn is_small_count(unit: &Unit) -> bool {
    unit.value.is_some_and(|v| (2.0..=6.0).contains(&v) && v.fract() == 0.0)
}
