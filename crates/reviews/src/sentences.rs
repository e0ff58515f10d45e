//! Sentences and clauses: the units sentiment and aspects are read in.
//!
//! A review often praises one thing and blames another ("质量很好，物流太慢", "Love the colour but
//! it runs small"), so aspects are read per clause: a sentence cut at commas (Chinese) and at
//! contrast words (but, however, 但是, 不过).

/// A piece of a text: its byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub from: usize,
    /// Past the last byte.
    pub to: usize,
}

impl Span {
    /// The piece of `text` this span covers.
    pub fn of<'a>(&self, text: &'a str) -> &'a str {
        &text[self.from..self.to]
    }
}

/// The sentences of a text, trimmed, skipping pieces with no letters or digits... or emoji.
pub fn sentences(text: &str) -> Vec<Span> {
    split(text, |text, at, c| match c {
        '。' | '！' | '？' | '；' | '…' | '\n' => true,
        '!' | '?' => true,
        // A full stop ends a sentence unless a letter or digit follows it at once: 3.5,
        // example.com and e.g. are not ends.
        '.' => !text[at + 1..].chars().next().is_some_and(|n| n.is_ascii_alphanumeric()),
        _ => false,
    })
}

/// The clauses of a sentence: cut at Chinese commas and semicolons, and before contrast words.
pub fn clauses(sentence: &str) -> Vec<Span> {
    let mut cuts: Vec<usize> = Vec::new();
    let lower = sentence.to_ascii_lowercase();
    for word in [" but ", " however", " although ", " though ", "但是", "不过", "可是", "就是"]
    {
        let mut start = 0;
        while let Some(found) = lower[start..].find(word) {
            let at = start + found;
            if at > 0 {
                cuts.push(at);
            }
            start = at + word.len();
        }
    }
    for (at, c) in sentence.char_indices() {
        if matches!(c, '，' | ',' | ';' | '；' | '、') {
            cuts.push(at);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut spans = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts.into_iter().chain([sentence.len()]) {
        push_trimmed(sentence, start, cut, &mut spans);
        start = cut;
    }
    spans
}

fn split(text: &str, ends_at: impl Fn(&str, usize, char) -> bool) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if ends_at(text, at, c) {
            push_trimmed(text, start, at + c.len_utf8(), &mut spans);
            start = at + c.len_utf8();
        }
    }
    push_trimmed(text, start, text.len(), &mut spans);
    spans
}

/// Adds `text[from..to]` without surrounding spaces and punctuation, if anything is left.
fn push_trimmed(text: &str, from: usize, to: usize, spans: &mut Vec<Span>) {
    let piece = &text[from..to];
    let is_edge =
        |c: char| c.is_whitespace() || matches!(c, ',' | '，' | ';' | '；' | '、' | ':' | '：');
    let trimmed_start = piece.len() - piece.trim_start_matches(is_edge).len();
    let trimmed = piece.trim_matches(is_edge);
    if trimmed.chars().any(|c| c.is_alphanumeric() || !c.is_ascii() && !is_punctuation(c)) {
        let from = from + trimmed_start;
        spans.push(Span { from, to: from + trimmed.len() });
    }
}

fn is_punctuation(c: char) -> bool {
    matches!(
        c,
        '。' | '！'
            | '？'
            | '；'
            | '…'
            | '，'
            | '、'
            | '：'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '（'
            | '）'
            | '《'
            | '》'
            | '\u{3000}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, spans: Vec<Span>) -> Vec<&str> {
        spans.iter().map(|s| s.of(text)).collect()
    }

    #[test]
    fn sentences_end_at_marks_in_both_languages() {
        let text = "Great phone. Battery lasts 3.5 days! 质量很好。物流太慢！！ 😀";
        assert_eq!(
            pieces(text, sentences(text)),
            ["Great phone.", "Battery lasts 3.5 days!", "质量很好。", "物流太慢！", "😀"]
        );
        assert!(sentences("...!!! 。。").is_empty());
        let text = "See window.location for it. Fine.";
        assert_eq!(pieces(text, sentences(text)), ["See window.location for it.", "Fine."]);
        assert!(sentences("").is_empty());
    }

    #[test]
    fn clauses_split_at_commas_and_contrasts() {
        let text = "质量很好，物流太慢";
        assert_eq!(pieces(text, clauses(text)), ["质量很好", "物流太慢"]);
        let text = "Love the colour but it runs small";
        assert_eq!(pieces(text, clauses(text)), ["Love the colour", "but it runs small"]);
        let text = "做工不错但是价格偏贵";
        assert_eq!(pieces(text, clauses(text)), ["做工不错", "但是价格偏贵"]);
    }
}
