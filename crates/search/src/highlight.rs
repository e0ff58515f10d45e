//! Highlighted titles: the words of a title that matched the query wrapped in `<mark>`, the
//! rest HTML-escaped, so a page can show it as is.

use std::collections::HashSet;

use aisle_text::{has_han, Analyzer, Mode, TokenKind};

/// The title with matched words marked. `terms` are the query's terms (stemmed words and Han
/// words), `prefix` the unfinished last word.
pub fn highlight(title: &str, terms: &HashSet<String>, prefix: Option<&str>) -> String {
    let mut marked: Vec<(usize, usize)> = Vec::new();
    for token in Analyzer::shared().tokens(title, Mode::Query, true) {
        let hit = match token.kind {
            TokenKind::Han => false,
            _ => terms.contains(&token.text) || prefix.is_some_and(|p| token.word.starts_with(p)),
        };
        if hit {
            marked.push((token.from, token.to));
        }
    }
    // Han terms are found as substrings: the title's own segmentation may cut differently.
    let folded = aisle_text::fold(title);
    if folded.len() == title.len() {
        for term in terms.iter().filter(|t| has_han(t)) {
            marked.extend(folded.match_indices(term.as_str()).map(|(at, m)| (at, at + m.len())));
        }
    }
    marked.sort_unstable();
    let mut out = String::with_capacity(title.len() + 16);
    let mut at = 0;
    for (from, to) in marked {
        if to <= at {
            continue;
        }
        let from = from.max(at);
        escape_into(&mut out, &title[at..from]);
        out.push_str("<mark>");
        escape_into(&mut out, &title[from..to]);
        out.push_str("</mark>");
        at = to;
    }
    escape_into(&mut out, &title[at..]);
    out.replace("</mark><mark>", "")
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> HashSet<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn matched_words_are_marked_and_the_rest_escaped() {
        let title = "Nimbus 轻量跑步鞋 Lightweight Running Shoes <b>";
        let out = highlight(title, &terms(&["run", "跑步鞋"]), Some("light"));
        assert_eq!(
            out,
            "Nimbus 轻量<mark>跑步鞋</mark> <mark>Lightweight</mark> <mark>Running</mark> Shoes &lt;b&gt;"
        );
    }

    #[test]
    fn a_title_with_no_match_is_only_escaped() {
        assert_eq!(highlight("Tom & Jerry", &terms(&["cat"]), None), "Tom &amp; Jerry");
    }
}
