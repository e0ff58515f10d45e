//! Cuts a query into the units the understanding passes match on: numbers, runs of letters,
//! single CJK characters and single symbols, each with its byte span in the query.
//!
//! Full-width forms are folded to ASCII (`２００` is `200`, `￥` is `¥`) and matching text is
//! lower-cased, while each unit keeps its width-folded original spelling for the text left
//! over. Whitespace is not a unit; it is remembered as `space_before` on the next one. This is
//! not a word segmenter: Chinese stays one character per unit, and the passes match sequences.

/// What a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UnitKind {
    /// Digits, with an optional decimal part, thousands separators and `k`/`千`/`万` suffix.
    Number,
    /// A run of letters that are not CJK (English, pinyin, accented Latin, …).
    Word,
    /// One CJK ideograph or kana.
    Cjk,
    /// Any other single character: punctuation, currency signs, operators.
    Symbol,
}

/// One piece of the query.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Unit {
    pub(super) kind: UnitKind,
    /// Width-folded, lower-case: what phrases are compared with.
    pub(super) text: String,
    /// Width-folded, original case: what goes back into the leftover text.
    pub(super) display: String,
    /// Byte span in the query.
    pub(super) start: usize,
    pub(super) end: usize,
    /// Whether whitespace separates this unit from the previous one.
    pub(super) space_before: bool,
    /// The value of a [`UnitKind::Number`]; `None` for other kinds and for numbers too large
    /// to be finite.
    pub(super) value: Option<f64>,
}

/// A character of the query after width folding, with its byte offset.
#[derive(Debug, Clone, Copy)]
struct Char {
    folded: char,
    at: usize,
}

/// Cuts `query` into units, in linear time.
pub(super) fn lex(query: &str) -> Vec<Unit> {
    let chars: Vec<Char> =
        query.char_indices().map(|(at, c)| Char { folded: fold(c), at }).collect();
    let end_of = |i: usize| chars.get(i).map_or(query.len(), |c| c.at);
    let mut units = Vec::new();
    let mut space_before = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].folded;
        if c.is_whitespace() {
            space_before = true;
            i += 1;
            continue;
        }
        let (kind, next, value) = if c.is_ascii_digit() {
            let (next, value) = number_end(&chars, i);
            (UnitKind::Number, next, value)
        } else if is_cjk(c) {
            (UnitKind::Cjk, i + 1, None)
        } else if c.is_alphabetic() {
            let mut next = i + 1;
            while chars.get(next).is_some_and(|c| c.folded.is_alphabetic() && !is_cjk(c.folded)) {
                next += 1;
            }
            (UnitKind::Word, next, None)
        } else {
            (UnitKind::Symbol, i + 1, None)
        };
        let display: String = chars[i..next].iter().map(|c| c.folded).collect();
        units.push(Unit {
            kind,
            text: lower(&display),
            display,
            start: chars[i].at,
            end: end_of(next),
            space_before,
            value,
        });
        space_before = false;
        i = next;
    }
    units
}

/// Where the number starting at `start` ends, and its value: digits, `,ddd` groups, a `.`
/// decimal part, then an optional multiplier (`k` only when no Latin letter follows, so `5kg`
/// is five and a word while `1.5k以内` is 1500).
fn number_end(chars: &[Char], start: usize) -> (usize, Option<f64>) {
    let digit_at = |i: usize| chars.get(i).is_some_and(|c| c.folded.is_ascii_digit());
    let char_at = |i: usize| chars.get(i).map(|c| c.folded);
    let mut digits = String::new();
    let mut i = start;
    loop {
        while digit_at(i) {
            digits.push(chars[i].folded);
            i += 1;
        }
        let group = char_at(i) == Some(',') && (1..=3).all(|k| digit_at(i + k)) && !digit_at(i + 4);
        if !group {
            break;
        }
        i += 1;
    }
    if char_at(i) == Some('.') && digit_at(i + 1) {
        digits.push('.');
        i += 1;
        while digit_at(i) {
            digits.push(chars[i].folded);
            i += 1;
        }
    }
    let mut value = digits.parse::<f64>().ok();
    let multiplier = match char_at(i).map(|c| c.to_ascii_lowercase()) {
        Some('k') if !char_at(i + 1).is_some_and(|c| c.is_alphabetic() && !is_cjk(c)) => Some(1e3),
        Some('千') => Some(1e3),
        Some('万') => Some(1e4),
        _ => None,
    };
    if let Some(multiplier) = multiplier {
        value = value.map(|v| v * multiplier);
        i += 1;
    }
    (i, value.filter(|v| v.is_finite()))
}

/// Folds full-width ASCII forms, the ideographic space and CJK variants of a few signs to
/// their plain forms.
pub(super) fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{FFE5}' => '¥',
        '\u{FFE1}' => '£',
        '\u{301C}' | '\u{2053}' => '~',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{2264}' => '≤',
        _ => c,
    }
}

/// Lower-cases without changing the number of characters (a character whose lower case is
/// longer, like `İ`, stays as it is), so spans stay aligned.
fn lower(text: &str) -> String {
    text.chars()
        .map(|c| {
            let mut lowered = c.to_lowercase();
            match (lowered.next(), lowered.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        })
        .collect()
}

/// CJK ideographs (with extensions and compatibility forms), kana and Hangul syllables: the
/// scripts written without spaces between words.
pub(super) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

#[cfg(test)]
mod tests {
    use super::{lex, UnitKind};

    fn check(query: &str, expected: &[(UnitKind, &str)]) {
        let units = lex(query);
        let got: Vec<(UnitKind, &str)> = units.iter().map(|u| (u.kind, u.text.as_str())).collect();
        assert_eq!(got, expected, "{query}");
        for unit in &units {
            assert!(query.get(unit.start..unit.end).is_some(), "span on a char boundary");
        }
    }

    #[test]
    fn cuts_mixed_queries() {
        use UnitKind::*;
        check(
            "Nike红色 T恤",
            &[(Word, "nike"), (Cjk, "红"), (Cjk, "色"), (Word, "t"), (Cjk, "恤")],
        );
        check("¥1,299.5~", &[(Symbol, "¥"), (Number, "1,299.5"), (Symbol, "~")]);
        check("２００元", &[(Number, "200"), (Cjk, "元")]);
        check("5kg 5k 1万", &[(Number, "5"), (Word, "kg"), (Number, "5k"), (Number, "1万")]);
        check("1.5k以内", &[(Number, "1.5k"), (Cjk, "以"), (Cjk, "内")]);
        check("1,23", &[(Number, "1"), (Symbol, ","), (Number, "23")]);
        check("", &[]);
    }

    #[test]
    fn numbers_have_values() {
        let values: Vec<Option<f64>> = lex("1,299.5 5k 1万 3千").iter().map(|u| u.value).collect();
        assert_eq!(values, [Some(1299.5), Some(5000.0), Some(10000.0), Some(3000.0)]);
        let huge = "9".repeat(400);
        assert_eq!(lex(&huge)[0].value, None);
    }
}
