//! What the catalog knows: colour and category words, each mapped to a canonical value, and
//! the matcher that finds them in a lexed query, longest first.
//!
//! Words are lexed like queries and English words compared in a crude singular form, so
//! "running shoe" finds "running shoes" and matching is case-insensitive. It is not a
//! stemmer or a synonym list: the catalog says which words mean what.

use std::collections::HashMap;

use super::lexer::{lex, Unit, UnitKind};
use super::phrases::Phrases;

/// Colours every shop gets: canonical English name, then the words that mean it. Single CJK
/// characters are taken only under the rules in [`Vocabulary::add_colour`].
const BUILT_IN_COLOURS: &[(&str, &[&str])] = &[
    ("red", &["红", "红色", "大红", "red"]),
    ("black", &["黑", "黑色", "black"]),
    ("white", &["白", "白色", "white"]),
    ("blue", &["蓝", "蓝色", "天蓝", "宝蓝", "blue"]),
    ("grey", &["灰", "灰色", "grey", "gray"]),
    ("green", &["绿", "绿色", "军绿", "green"]),
    ("pink", &["粉", "粉色", "粉红", "粉红色", "pink"]),
    ("beige", &["米色", "米黄", "杏色", "beige"]),
    ("navy", &["藏青", "藏青色", "藏蓝", "藏蓝色", "海军蓝", "navy", "navy blue"]),
    ("yellow", &["黄", "黄色", "yellow"]),
    ("purple", &["紫", "紫色", "purple", "violet"]),
    ("brown", &["棕", "棕色", "咖啡色", "褐色", "驼色", "brown"]),
    ("orange", &["橙", "橙色", "橘色", "orange"]),
    ("silver", &["银", "银色", "silver"]),
    ("gold", &["金", "金色", "gold", "golden"]),
    ("khaki", &["卡其", "卡其色", "khaki"]),
    ("burgundy", &["酒红", "酒红色", "burgundy", "maroon"]),
    ("rose gold", &["玫瑰金", "rose gold"]),
];

/// Shade words that may precede a colour and are taken with it ("dark blue" is blue).
const SHADES: &[&str] = &["dark", "light", "deep", "pale", "bright", "深", "浅", "淡"];

/// The colour suffix of Chinese: `X色`.
const COLOUR_SUFFIX: &str = "色";

/// What a matched term is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum TermKind {
    /// Categories sort first: on equal length, "white tea" the category beats "white".
    Category,
    Colour,
}

#[derive(Debug, Clone)]
struct Term {
    kind: TermKind,
    canonical: String,
    /// Match keys of the word's units.
    keys: Vec<String>,
}

/// A term found in the query.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TermMatch {
    pub(super) kind: TermKind,
    pub(super) canonical: String,
    /// Units taken, counting a shade word before and a `色` after.
    pub(super) len: usize,
}

/// What the catalog knows: colour and category words mapped to canonical values.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    terms: Vec<Term>,
    /// Terms by their first key, longest first, so matching at a position is a short list.
    by_first_key: HashMap<String, Vec<usize>>,
    /// The fixed price and size phrases, lexed once here rather than on every query.
    pub(super) phrases: Phrases,
}

impl Default for Vocabulary {
    fn default() -> Self {
        Self::new()
    }
}

impl Vocabulary {
    /// A vocabulary with the built-in colours (Chinese and English) and no categories.
    pub fn new() -> Self {
        let mut vocabulary =
            Self { terms: Vec::new(), by_first_key: HashMap::new(), phrases: Phrases::new() };
        for (canonical, words) in BUILT_IN_COLOURS {
            vocabulary.add_colour(canonical, words);
        }
        vocabulary
    }

    /// Adds words that mean the category `canonical` (the value reported in
    /// [`super::Understood::categories`]; it is not itself matched unless listed in `words`).
    /// English words match case-insensitively and in singular or simple plural form; when
    /// words overlap, the longest wins.
    pub fn add_category(&mut self, canonical: &str, words: &[&str]) {
        self.add(TermKind::Category, canonical, words);
    }

    /// Adds words that mean the colour `canonical`. A word that is a single CJK character
    /// (`红`) is only taken when followed by `色`, preceded by a shade (`深`), or standing alone
    /// between spaces or punctuation, so `白` in `白茶` stays text.
    pub fn add_colour(&mut self, canonical: &str, words: &[&str]) {
        self.add(TermKind::Colour, canonical, words);
    }

    fn add(&mut self, kind: TermKind, canonical: &str, words: &[&str]) {
        for word in words {
            let keys: Vec<String> = lex(word).iter().map(match_key).collect();
            let Some(first) = keys.first().cloned() else { continue };
            self.terms.push(Term { kind, canonical: canonical.to_owned(), keys });
            let index = self.terms.len() - 1;
            let list = self.by_first_key.entry(first).or_default();
            list.push(index);
            let terms = &self.terms;
            list.sort_by(|&a, &b| {
                let (a, b) = (&terms[a], &terms[b]);
                b.keys.len().cmp(&a.keys.len()).then(a.kind.cmp(&b.kind))
            });
        }
    }

    /// The longest term starting at unit `at` whose units are all `free`, with a shade before
    /// a colour taken too.
    pub(super) fn match_at(&self, units: &[Unit], free: &[bool], at: usize) -> Option<TermMatch> {
        if let Some(found) = self.match_term(units, free, at, false) {
            return Some(found);
        }
        let shade = units.get(at).filter(|u| SHADES.contains(&u.text.as_str()) && free[at])?;
        let next = units.get(at + 1)?;
        // A Chinese shade binds only to the character right after it (深蓝, not 深 蓝).
        let attached = shade.kind == UnitKind::Cjk && !next.space_before;
        let colour = self.match_term(units, free, at + 1, attached)?;
        (colour.kind == TermKind::Colour).then(|| TermMatch { len: colour.len + 1, ..colour })
    }

    fn match_term(
        &self,
        units: &[Unit],
        free: &[bool],
        at: usize,
        after_shade: bool,
    ) -> Option<TermMatch> {
        let first = units.get(at)?;
        let candidates = self.by_first_key.get(&match_key(first))?;
        candidates.iter().find_map(|&index| {
            let term = &self.terms[index];
            let end = at + term.keys.len();
            let fits = end <= units.len()
                && (at..end).all(|i| free[i])
                && units[at..end].iter().zip(&term.keys).all(|(u, k)| match_key(u) == *k);
            if !fits {
                return None;
            }
            let mut len = term.keys.len();
            if term.kind == TermKind::Colour {
                let suffixed = units
                    .get(end)
                    .is_some_and(|u| u.text == COLOUR_SUFFIX && !u.space_before && free[end]);
                if suffixed {
                    len += 1;
                } else if term.keys.len() == 1
                    && first.kind == UnitKind::Cjk
                    && !after_shade
                    && !stands_alone(units, at)
                {
                    return None;
                }
            }
            Some(TermMatch { kind: term.kind, canonical: term.canonical.clone(), len })
        })
    }
}

/// Whether unit `at` is set apart on both sides by whitespace, punctuation or the query's ends.
fn stands_alone(units: &[Unit], at: usize) -> bool {
    let apart = |other: Option<&Unit>, space: bool| {
        space || other.is_none_or(|u| u.kind == UnitKind::Symbol)
    };
    let before = apart(at.checked_sub(1).and_then(|i| units.get(i)), units[at].space_before);
    let next = units.get(at + 1);
    let after = apart(next, next.is_some_and(|u| u.space_before));
    before && after
}

/// The form a unit is compared in: English words in a crude singular, everything else as is.
fn match_key(unit: &Unit) -> String {
    if unit.kind == UnitKind::Word {
        singular(&unit.text)
    } else {
        unit.text.clone()
    }
}

/// Strips simple English plural endings: `dresses`→`dress`, `shoes`→`shoe`, `berries`→`berry`.
/// Applied to both the vocabulary and the query, so it only has to be consistent, not right.
fn singular(word: &str) -> String {
    let sibilant_plural = ["sses", "xes", "zes", "ches", "shes"].iter().any(|s| word.ends_with(s));
    if word.len() > 4 && word.ends_with("ies") {
        format!("{}y", &word[..word.len() - 3])
    } else if sibilant_plural {
        word[..word.len() - 2].to_owned()
    } else if word.len() > 3
        && word.ends_with('s')
        && !["ss", "us", "is"].iter().any(|s| word.ends_with(s))
    {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::singular;

    #[test]
    fn singular_handles_simple_plurals() {
        for (plural, single) in [
            ("shoes", "shoe"),
            ("dresses", "dress"),
            ("boxes", "box"),
            ("watches", "watch"),
            ("berries", "berry"),
            ("dress", "dress"),
            ("jeans", "jean"),
            ("bus", "bus"),
            ("tees", "tee"),
        ] {
            assert_eq!(singular(plural), single, "{plural}");
        }
    }
}
