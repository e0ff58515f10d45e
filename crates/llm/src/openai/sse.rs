//! Reading the chat-completions stream: server-sent events whose `data:` lines carry JSON
//! chunks (`choices[0].delta.content`) and end with `data: [DONE]`. Pure over lines, so the
//! protocol is tested without a socket.

use serde::Deserialize;

/// What one SSE line meant.
#[derive(Debug, PartialEq)]
pub(crate) enum Event {
    /// A piece of the answer (may be empty, e.g. the first chunk carrying only the role).
    Text(String),
    /// The server said why it finished (`stop`, `length`...).
    Finished(String),
    /// Token counts, sent in a last chunk when `stream_options.include_usage` is asked.
    Usage { prompt_tokens: usize, completion_tokens: usize },
    /// `data: [DONE]`: the stream is over.
    Done,
    /// A line with nothing for us (blank separator, comment, `event:`, `id:`).
    Nothing,
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Option<Message>,
    /// A server that ignored `stream: true` answers with a whole message instead.
    #[serde(default)]
    message: Option<Message>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    prompt_tokens: usize,
    #[serde(default)]
    completion_tokens: usize,
}

/// Reads one line of the stream into events (a chunk may carry text and a finish reason);
/// `Err` says what is malformed.
pub(crate) fn parse_line(line: &str) -> Result<Vec<Event>, String> {
    let line = line.trim_end_matches(['\r', '\n']);
    let Some(data) = line.strip_prefix("data:") else {
        return if line.is_empty() || line.starts_with(':') || is_other_field(line) {
            Ok(vec![Event::Nothing])
        } else {
            Err(format!("unexpected line {:?}", excerpt(line, 120)))
        };
    };
    let data = data.trim_start();
    if data == "[DONE]" {
        return Ok(vec![Event::Done]);
    }
    parse_chunk(data)
}

/// Reads a whole JSON chunk (a streamed one, or the complete answer of a server that does not
/// stream).
pub(crate) fn parse_chunk(data: &str) -> Result<Vec<Event>, String> {
    let chunk: Chunk = serde_json::from_str(data)
        .map_err(|e| format!("bad JSON in the stream ({e}): {:?}", excerpt(data, 120)))?;
    if let Some(error) = chunk.error {
        let message = error
            .get("message")
            .and_then(|m| m.as_str())
            .map_or_else(|| error.to_string(), str::to_string);
        return Err(format!("the server reported an error: {}", excerpt(&message, 300)));
    }
    let mut events = Vec::new();
    if let Some(choice) = chunk.choices.into_iter().next() {
        let content = choice.delta.or(choice.message).and_then(|m| m.content);
        events.push(Event::Text(content.unwrap_or_default()));
        if let Some(reason) = choice.finish_reason {
            events.push(Event::Finished(reason));
        }
    }
    if let Some(usage) = chunk.usage {
        events.push(Event::Usage {
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
        });
    }
    Ok(events)
}

fn is_other_field(line: &str) -> bool {
    ["event:", "id:", "retry:"].iter().any(|field| line.starts_with(field))
}

/// The first `max` characters of `text`, marked when cut.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str, expected: Result<Vec<Event>, &str>) {
        let got = parse_line(line);
        match (got, expected) {
            (Ok(got), Ok(expected)) => assert_eq!(got, expected, "{line}"),
            (Err(got), Err(expected)) => assert!(got.contains(expected), "{line}: {got}"),
            (got, expected) => panic!("{line}: got {got:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn reads_the_lines_of_a_stream() {
        use Event::*;
        check(
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}",
            Ok(vec![Text("Hi".into())]),
        );
        check(
            "data:{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\r",
            Ok(vec![Text(String::new())]),
        );
        check(
            "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}",
            Ok(vec![Text(String::new()), Finished("stop".into())]),
        );
        check(
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3}}",
            Ok(vec![Usage { prompt_tokens: 9, completion_tokens: 3 }]),
        );
        check("data: [DONE]", Ok(vec![Done]));
        check("", Ok(vec![Nothing]));
        check(": keep-alive", Ok(vec![Nothing]));
        check("event: message", Ok(vec![Nothing]));
        check(
            "data: {\"choices\":[{\"delta\":{\"content\":\"跑步鞋\"}}]}",
            Ok(vec![Text("跑步鞋".into())]),
        );
    }

    #[test]
    fn malformed_lines_say_what_is_wrong() {
        check("data: {\"choices\":[{\"delta\":", Err("bad JSON"));
        check("data: {\"error\":{\"message\":\"model not found\"}}", Err("model not found"));
        check("<html>", Err("unexpected line"));
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("鞋子", 3), "鞋子");
    }
}
