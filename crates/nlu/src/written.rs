//! Our own written training utterances, and the joined training set.
//!
//! The Bitext data covers customer service in English. The shopping intents, `greeting` and
//! `thanks`, and every intent in Chinese come from phrase templates written for this crate
//! (`training/en.tsv`, `training/zh.tsv`). A template line is `intent<TAB>template`, where
//! `(a|b|)` picks one alternative (empty allowed) and `{name}` picks a value from a list line
//! `@name<TAB>v1|v2|...`; each template yields [`VARIANTS_PER_TEMPLATE`] distinct utterances at
//! most, chosen by a seeded generator, so the same files always give the same set.
//!
//! `training/out_of_scope.tsv` holds utterances no intent covers (weather, jokes, coding,
//! politics, health): it is for measuring out-of-scope detection and is never trained on.
//! `training/background.tsv` holds other off-topic requests, written apart from it, that do
//! train the background class (see `IntentModel::train`).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xxhash_rust::xxh3::xxh3_64;

use crate::error::{Error, Result};
use crate::language::Language;
use crate::model::{LabelledUtterance, OUT_OF_SCOPE};

/// The most utterances one template line yields.
pub const VARIANTS_PER_TEMPLATE: usize = 6;

const ENGLISH: &str = include_str!("../training/en.tsv");
const CHINESE: &str = include_str!("../training/zh.tsv");
const OUT_OF_SCOPE_TEXTS: &str = include_str!("../training/out_of_scope.tsv");
const BACKGROUND_TEXTS: &str = include_str!("../training/background.tsv");

/// How many gibberish strings join the background class.
const GIBBERISH: usize = 80;

/// One written utterance and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenUtterance {
    /// The utterance.
    pub text: String,
    /// Its intent.
    pub intent: String,
    /// The language of the file it came from.
    pub language: Language,
    /// The template's line number: utterances of one template are near copies, so held-out
    /// splits go by template.
    pub template: usize,
}

/// Every written training utterance, English then Chinese.
pub fn written_utterances() -> Result<Vec<WrittenUtterance>> {
    let mut all = expand(ENGLISH, Language::English, Path::new("training/en.tsv"))?;
    all.extend(expand(CHINESE, Language::Chinese, Path::new("training/zh.tsv"))?);
    Ok(all)
}

/// The written out-of-scope utterances, for evaluation only.
pub fn out_of_scope_utterances() -> Vec<(Language, String)> {
    language_lines(OUT_OF_SCOPE_TEXTS)
}

/// The background class's training utterances, labelled [`OUT_OF_SCOPE`]: the written
/// off-topic requests of `training/background.tsv` and seeded gibberish in both scripts.
pub fn background_utterances() -> Vec<LabelledUtterance> {
    let mut all: Vec<LabelledUtterance> = language_lines(BACKGROUND_TEXTS)
        .into_iter()
        .map(|(_, text)| LabelledUtterance::new(text, OUT_OF_SCOPE))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(0x6a1b);
    for k in 0..GIBBERISH {
        let words = rng.random_range(1..5);
        let text: Vec<String> = (0..words)
            .map(|_| {
                let len = rng.random_range(2..9);
                if k % 2 == 0 {
                    (0..len).map(|_| char::from(b'a' + rng.random_range(0..26u8))).collect()
                } else {
                    // Common Han characters (U+4E00 to U+62FF), in no meaningful order.
                    (0..len)
                        .filter_map(|_| char::from_u32(rng.random_range(0x4E00..0x6300)))
                        .collect()
                }
            })
            .collect();
        all.push(LabelledUtterance::new(text.join(" "), OUT_OF_SCOPE));
    }
    all
}

fn language_lines(source: &str) -> Vec<(Language, String)> {
    source
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (lang, text) = l.split_once('\t')?;
            let language = if lang.trim() == "zh" { Language::Chinese } else { Language::English };
            Some((language, text.trim().to_string()))
        })
        .collect()
}

/// The training set: the Bitext utterances (when a path is given; unreadable rows are skipped
/// and logged), every written utterance, and the background class
/// ([`background_utterances`]).
pub fn training_set(bitext_path: Option<&Path>) -> Result<Vec<LabelledUtterance>> {
    let mut all = Vec::new();
    if let Some(path) = bitext_path {
        let (rows, issues) = crate::bitext::read(path)?;
        for issue in &issues {
            tracing::warn!(path = %path.display(), %issue, "bitext row skipped");
        }
        all.extend(rows);
    }
    all.extend(written_utterances()?.into_iter().map(|w| LabelledUtterance::new(w.text, w.intent)));
    all.extend(background_utterances());
    Ok(all)
}

/// Expands a template file's text; `path` names it in errors.
pub fn expand(source: &str, language: Language, path: &Path) -> Result<Vec<WrittenUtterance>> {
    let bad = |line: usize, reason: String| Error::BadDataFile {
        path: PathBuf::from(path),
        reason: format!("line {line}: {reason}"),
    };
    let mut lists: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut out = Vec::new();
    for (k, line) in source.lines().enumerate() {
        let number = k + 1;
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((head, body)) = line.split_once('\t') else {
            return Err(bad(number, "expected `intent<TAB>template` or `@list<TAB>values`".into()));
        };
        if let Some(name) = head.strip_prefix('@') {
            lists.insert(name, body.split('|').map(str::trim).collect());
            continue;
        }
        let intent = head.trim();
        let seed = xxh3_64(line.as_bytes());
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut seen = BTreeSet::new();
        for _ in 0..VARIANTS_PER_TEMPLATE * 3 {
            let text = fill(body, &lists, &mut rng).map_err(|reason| bad(number, reason))?;
            let text = tidy(&text);
            if !text.is_empty() && seen.insert(text.clone()) {
                out.push(WrittenUtterance {
                    text,
                    intent: intent.to_string(),
                    language,
                    template: number,
                });
            }
            if seen.len() == VARIANTS_PER_TEMPLATE {
                break;
            }
        }
    }
    Ok(out)
}

/// One random filling of a template.
fn fill(
    template: &str,
    lists: &HashMap<&str, Vec<&str>>,
    rng: &mut ChaCha8Rng,
) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(at) = rest.find(['(', '{']) {
        out.push_str(&rest[..at]);
        let open = rest.as_bytes()[at];
        let close = if open == b'(' { ')' } else { '}' };
        let Some(end) = rest[at..].find(close).map(|e| at + e) else {
            return Err(format!("unclosed `{}`", open as char));
        };
        let inner = &rest[at + 1..end];
        let choice = if open == b'(' {
            let options: Vec<&str> = inner.split('|').collect();
            options[rng.random_range(0..options.len())]
        } else {
            let values =
                lists.get(inner).ok_or_else(|| format!("no list `@{inner}` above this line"))?;
            values[rng.random_range(0..values.len().max(1))]
        };
        out.push_str(choice);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Spaces made by empty alternatives squeezed out.
fn tidy(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let joined = words.join(" ");
    joined.replace(" ,", ",").replace(" ?", "?").replace(" .", ".").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_expand_deterministically() {
        let source = "@colour\tred|blue\nfind_product\t(show me|find) (a|) {colour} dress\n";
        let first = expand(source, Language::English, Path::new("t.tsv")).expect("expands");
        assert_eq!(first, expand(source, Language::English, Path::new("t.tsv")).expect("again"));
        assert!(first.len() > 2 && first.len() <= VARIANTS_PER_TEMPLATE);
        assert!(first.iter().all(|u| u.text.ends_with(" dress") && !u.text.contains("  ")));
        assert!(first.iter().all(|u| u.template == 2 && u.intent == "find_product"));
    }

    #[test]
    fn broken_templates_name_their_line() {
        for source in ["x\t{nothing}", "x\t(open", "no tab here"] {
            let error = expand(source, Language::English, Path::new("t.tsv")).expect_err("bad");
            assert!(error.to_string().contains("t.tsv: line 1"), "{error}");
        }
    }

    #[test]
    fn the_bundled_files_expand() {
        let all = written_utterances().expect("the bundled templates expand");
        assert!(all.iter().any(|u| u.language == Language::Chinese));
        assert!(out_of_scope_utterances().len() >= 100);
    }
}
