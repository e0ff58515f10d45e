//! Choosing among labels. Both backends check the options alike; a remote model, which can only
//! be asked, gets them as a numbered list in the prompt, and its answer counts only if it names
//! one of them.

use crate::{ChatMessage, Error, Result, Role};

/// Refuses an empty list or an empty label.
pub(crate) fn check_options(options: &[String]) -> Result<()> {
    if options.is_empty() {
        return Err(Error::InvalidRequest("there are no options to choose from".into()));
    }
    if options.iter().any(|o| o.trim().is_empty()) {
        return Err(Error::InvalidRequest("an option to choose from is empty".into()));
    }
    Ok(())
}

/// The conversation with the question appended to its last user turn (a second user turn in
/// a row is refused by some servers' chat templates).
pub(crate) fn question(messages: &[ChatMessage], options: &[String]) -> Vec<ChatMessage> {
    let mut list = String::from("Choose the best option for the reply:\n");
    for (number, option) in options.iter().enumerate() {
        list.push_str(&format!("{}. {}\n", number + 1, option.trim()));
    }
    list.push_str("Answer with the option's number only.");
    let mut asked = messages.to_vec();
    match asked.last_mut() {
        Some(last) if last.role == Role::User => {
            last.content = format!("{}\n\n{list}", last.content);
        }
        _ => asked.push(ChatMessage::user(list)),
    }
    asked
}

/// The option an answer names: its number (1-based), else its exact label, else the only label
/// it contains.
pub(crate) fn parse(answer: &str, options: &[String]) -> Option<usize> {
    let answer = answer.trim();
    let digits: String = answer
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    if let Ok(number) = digits.parse::<usize>() {
        return (1..=options.len()).contains(&number).then(|| number - 1);
    }
    let folded = answer.trim_end_matches(['.', '。', '!']).to_lowercase();
    if let Some(exact) = options.iter().position(|o| o.trim().to_lowercase() == folded) {
        return Some(exact);
    }
    let mut contained =
        options.iter().enumerate().filter(|(_, o)| folded.contains(&o.trim().to_lowercase()));
    match (contained.next(), contained.next()) {
        (Some((index, _)), None) => Some(index),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Vec<String> {
        ["search products", "order status", "recommend"].map(String::from).to_vec()
    }

    #[test]
    fn reads_answers_that_name_an_option() {
        let check = |answer: &str, expected: Option<usize>| {
            assert_eq!(parse(answer, &options()), expected, "{answer:?}");
        };
        check("2", Some(1));
        check(" 3.", Some(2));
        check("Option 1", Some(0));
        check("4", None);
        check("0", None);
        check("Order status.", Some(1));
        check("I'd say recommend", Some(2));
        check("search products or recommend", None);
        check("no idea", None);
    }

    #[test]
    fn the_question_joins_the_last_user_turn() {
        let asked = question(
            &[ChatMessage::system("s"), ChatMessage::user("where is my order?")],
            &options(),
        );
        assert_eq!(asked.len(), 2);
        assert!(asked[1].content.starts_with("where is my order?\n\nChoose"));
        assert!(asked[1].content.contains("2. order status\n"));
        let after_assistant = question(&[ChatMessage::assistant("hello")], &options());
        assert_eq!(after_assistant.len(), 2);
        assert_eq!(after_assistant[1].role, Role::User);
        assert!(check_options(&[]).is_err());
        assert!(check_options(&[" ".into()]).is_err());
    }
}
