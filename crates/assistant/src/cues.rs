//! Small readings of a message the classifier is not for: yes or no to a question, and which
//! shown product a shopper points at ("the second one", "第一个").

/// A yes, a no, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Go ahead.
    Yes,
    /// Don't.
    No,
}

const YES: &[&str] = &[
    "yes",
    "y",
    "yeah",
    "yep",
    "sure",
    "ok",
    "okay",
    "please do",
    "do it",
    "go ahead",
    "confirm",
    "confirmed",
    "correct",
    "yes please",
    "of course",
    "是",
    "是的",
    "好",
    "好的",
    "确定",
    "确认",
    "可以",
    "对",
    "嗯",
    "行",
    "要",
];
const NO: &[&str] = &[
    "no",
    "n",
    "nope",
    "don't",
    "do not",
    "cancel that",
    "never mind",
    "nevermind",
    "stop",
    "not now",
    "no thanks",
    "no thank you",
    "否",
    "不",
    "不要",
    "不用",
    "算了",
    "取消",
    "不是",
    "别",
];

/// Reads a short reply to a yes/no question; longer messages are not answers.
pub fn yes_or_no(message: &str) -> Option<Answer> {
    let text: String = message
        .trim()
        .trim_end_matches(|c: char| c.is_ascii_punctuation() || "。！？，".contains(c))
        .to_lowercase();
    if text.chars().count() > 24 {
        return None;
    }
    let text = text.trim();
    let starts = |words: &[&str]| {
        words.iter().any(|w| {
            text == *w
                || text.strip_prefix(w).is_some_and(|rest| {
                    rest.starts_with([' ', ',', '，', '!', '.'])
                        || (w.chars().all(|c| !c.is_ascii()) && rest.chars().count() <= 4)
                })
        })
    };
    // "no" words first: "不要" starts with "不", and "don't" must not read as a yes.
    if starts(NO) {
        Some(Answer::No)
    } else if starts(YES) {
        Some(Answer::Yes)
    } else {
        None
    }
}

const ORDINALS: &[(&[&str], usize)] = &[
    (&["first", "1st", "第一", "第1"], 0),
    (&["second", "2nd", "第二", "第2"], 1),
    (&["third", "3rd", "第三", "第3"], 2),
    (&["fourth", "4th", "第四", "第4"], 3),
    (&["fifth", "5th", "第五", "第5"], 4),
];

/// Positions (0-based) of shown products the message points at, in the order mentioned:
/// ordinal words, or `#2`-style numbers.
pub fn pointed_positions(message: &str) -> Vec<usize> {
    let text = message.to_lowercase();
    let mut found: Vec<(usize, usize)> = Vec::new();
    for (words, position) in ORDINALS {
        for word in *words {
            if let Some(at) = text.find(word) {
                found.push((at, *position));
            }
        }
    }
    for (at, _) in text.match_indices('#') {
        let digits: String = text[at + 1..].chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse::<usize>() {
            if (1..=10).contains(&n) {
                found.push((at, n - 1));
            }
        }
    }
    found.sort();
    let mut positions = Vec::new();
    for (_, position) in found {
        if !positions.contains(&position) {
            positions.push(position);
        }
    }
    positions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_answers_read_as_yes_or_no() {
        let check =
            |text: &str, expected: Option<Answer>| assert_eq!(yes_or_no(text), expected, "{text}");
        check("yes", Some(Answer::Yes));
        check("Yes, please.", Some(Answer::Yes));
        check("ok", Some(Answer::Yes));
        check("是的", Some(Answer::Yes));
        check("确定取消", Some(Answer::Yes));
        check("no", Some(Answer::No));
        check("No thanks!", Some(Answer::No));
        check("don't", Some(Answer::No));
        check("不要", Some(Answer::No));
        check("算了吧", Some(Answer::No));
        check("what is the status of my order", None);
        check("nothing", None);
        check("yesterday I ordered a phone", None);
        check("", None);
    }

    #[test]
    fn ordinals_point_at_shown_products_in_order() {
        let check = |text: &str, expected: &[usize]| {
            assert_eq!(pointed_positions(text), expected, "{text}")
        };
        check("compare the first and the third", &[0, 2]);
        check("tell me more about the second one", &[1]);
        check("比较第一个和第二个", &[0, 1]);
        check("#3 and #1", &[2, 0]);
        check("#0 or #99", &[]);
        check("the blue one", &[]);
    }
}
