//! The S3-Rec / ICLRec / DuoRec sequence format (`Beauty.txt` plus `Beauty_item2attributes.json`
//! in RUCAIBox/CIKM2020-S3Rec): one user per line. Not the SASRec one-pair-per-line format (see
//! [`crate::sasrec`]).
//!
//! # Mapping
//!
//! Each line is `user_id item_1 item_2 ... item_n`, separated by white space, items in
//! chronological order. The data is review-derived implicit feedback with order but no clock:
//!
//! | source | Aisle |
//! |---|---|
//! | `item_p`, the p-th item of user `u` (p = 1, 2, ...) | [`Event`] kind `purchase`, actor `User(u)`, item `item_p`, timestamp = `p` milliseconds after the epoch, id `s3rec:{u}:{p}` |
//! | each line's user | [`User`] `u` (once) |
//! | each entry `"i": [a, b]` of the attributes JSON | [`Item`] `i` with attribute `attribute_ids` = list `["a", "b"]` |
//! | an item of a sequence not in the JSON | [`Item`] `i` without attributes |
//!
//! Ids are kept exactly as written. The attributes JSON (`{"item_id": [attribute ids]}`, ids of
//! brands and categories without names) is optional: it is found beside the sequence file as
//! `<stem>_item2attributes.json` (for `Beauty.txt`: `Beauty_item2attributes.json`), or passed as
//! another path ending in `.json`. It is read first, so the catalog precedes the events. A JSON
//! file that does not parse is one row issue (its items then get no attributes); an entry that
//! is not a list of ids is a row issue for that item.
//!
//! Each item of a line is one source row: a bad item token is a row issue on that line and the
//! rest of the line is kept. A user seen on several lines continues their positions.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use aisle_domain::{Actor, AttributeValue, Event, EventKind, Item, Timestamp, User};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::input::{
    excerpt, id, io_error, open, owned_id, plain_name, raw_excerpt, utf8, Lines, Problem,
};
use crate::sasrec::Seen;
use crate::sink::Sink;

/// Adds the `<stem>_item2attributes.json` beside each sequence file, when it exists and was
/// not passed explicitly.
pub(crate) fn resolve(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let is_json = |p: &Path| plain_name(p).ends_with(".json");
    let mut files: Vec<PathBuf> = paths.iter().filter(|p| is_json(p)).cloned().collect();
    if !paths.iter().any(|p| is_json(p)) {
        for path in paths {
            let name =
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let stem = name.split('.').next().unwrap_or_default();
            let companion = path.with_file_name(format!("{stem}_item2attributes.json"));
            if companion.is_file() && !files.contains(&companion) {
                files.push(companion);
            }
        }
    }
    files.extend(paths.iter().filter(|p| !is_json(p)).cloned());
    Ok(files)
}

pub(crate) fn read(files: &[PathBuf], sink: &mut Sink<'_>) -> Result<()> {
    let mut items: HashSet<String> = HashSet::new();
    for path in files.iter().filter(|p| plain_name(p).ends_with(".json")) {
        read_attributes(path, &mut items, sink)?;
    }
    let mut users: HashMap<String, Seen> = HashMap::new();
    for path in files.iter().filter(|p| !plain_name(p).ends_with(".json")) {
        let mut lines = Lines::open(path, sink.progress())?;
        let mut data_lines = 0u64;
        while let Some((number, bytes)) = lines.next_line()? {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            data_lines += 1;
            sink.line();
            sequence(path, number, bytes, &mut users, &mut items, sink);
            sink.maybe_flush()?;
        }
        if data_lines == 0 {
            return Err(Error::Empty { path: path.clone() });
        }
    }
    Ok(())
}

/// One user's line: every item is a row of its own.
fn sequence(
    path: &Path,
    number: u64,
    bytes: &[u8],
    users: &mut HashMap<String, Seen>,
    items: &mut HashSet<String>,
    sink: &mut Sink<'_>,
) {
    let text = match utf8("line", bytes) {
        Ok(text) => text,
        Err(problem) => return sink.reject(problem, path, number, raw_excerpt(bytes)),
    };
    let mut tokens = text.split_ascii_whitespace();
    let user_text = tokens.next().unwrap_or_default();
    let user = match id("user_id", user_text) {
        Ok(user) => user,
        Err(problem) => return sink.reject(problem, path, number, raw_excerpt(bytes)),
    };
    let seen = match users.get_mut(user_text) {
        Some(seen) => seen,
        None => users.entry(user_text.to_string()).or_default(),
    };
    let mut any = false;
    for item_text in tokens {
        any = true;
        seen.position += 1;
        let position = seen.position;
        let built = (|| {
            let item = id("item_id", item_text)?;
            let event_id = owned_id("id", format!("s3rec:{user_text}:{position}"))?;
            let timestamp = Timestamp::from_millis(position)?;
            let event =
                Event::new(event_id, Actor::User(user.clone()), EventKind::Purchase, timestamp)
                    .with_item(item.clone());
            event.validate()?;
            Ok::<_, Problem>((item, event))
        })();
        match built {
            Ok((item, event)) => {
                if !seen.emitted {
                    seen.emitted = true;
                    sink.batch.users.push(User::new(user.clone()));
                }
                if items.insert(item_text.to_string()) {
                    sink.batch.items.push(Item::new(item));
                }
                sink.batch.events.push(event);
                sink.accepted();
            }
            Err(problem) => sink.reject(problem, path, number, raw_excerpt(bytes)),
        }
    }
    if !any {
        let problem = Problem::row(format!(
            "user `{}` has no items; a line is `user_id item_1 item_2 ...`",
            excerpt(user_text)
        ));
        sink.reject(problem, path, number, raw_excerpt(bytes));
    }
}

/// Reads the `{"item": [attribute ids]}` companion into items.
fn read_attributes(path: &Path, items: &mut HashSet<String>, sink: &mut Sink<'_>) -> Result<()> {
    let mut text = String::new();
    let mut reader = open(path, sink.progress())?;
    if let Err(err) = reader.read_to_string(&mut text) {
        if err.kind() != std::io::ErrorKind::InvalidData {
            return Err(io_error(path, err));
        }
        let problem = Problem::row("the attributes file is not valid UTF-8; re-save it as UTF-8");
        sink.reject(problem, path, 1, String::new());
        return Ok(());
    }
    if text.trim().is_empty() {
        return Err(Error::Empty { path: path.to_path_buf() });
    }
    let map: serde_json::Map<String, Value> = match serde_json::from_str(&text) {
        Ok(map) => map,
        Err(err) => {
            let problem = Problem::row(format!(
                "not a JSON object of the form {{\"item_id\": [attribute ids]}}: {err}; \
                 items are imported without attributes"
            ));
            sink.reject(problem, path, err.line() as u64, excerpt(&text));
            return Ok(());
        }
    };
    if map.is_empty() {
        return Err(Error::Empty { path: path.to_path_buf() });
    }
    for (key, value) in map {
        match attribute_item(&key, &value) {
            Ok(item) => {
                items.insert(key);
                sink.batch.items.push(item);
                sink.accepted();
            }
            Err(problem) => {
                let raw = excerpt(&format!("\"{key}\": {value}"));
                sink.reject(problem, path, 1, raw);
            }
        }
        sink.maybe_flush()?;
    }
    Ok(())
}

fn attribute_item(key: &str, value: &Value) -> std::result::Result<Item, Problem> {
    let mut item = Item::new(id("item_id", key)?);
    let not_ids =
        || Problem::new("attribute_ids", "expected a list of attribute ids such as [1, 2, 3]");
    let list = value.as_array().ok_or_else(not_ids)?;
    let ids = list
        .iter()
        .map(|v| match v {
            Value::Number(n) => Ok(n.to_string()),
            Value::String(s) => Ok(s.clone()),
            _ => Err(not_ids()),
        })
        .collect::<std::result::Result<Vec<String>, Problem>>()?;
    item.attributes.insert("attribute_ids".to_string(), AttributeValue::List(ids));
    item.validate()?;
    Ok(item)
}

#[cfg(test)]
mod tests {
    use crate::test_support::{check, check_error, issue_on, Fixture};
    use crate::{Error, Format};

    #[test]
    fn maps_sequences_and_attributes() {
        check(
            Format::S3Rec,
            &[
                ("Beauty.txt", b"1 4 5 4\n2 5 6\n"),
                ("Beauty_item2attributes.json", br#"{"4": [1, 2], "5": [3]}"#),
            ],
            r#"item 4 "" attribute_ids=["1", "2"]
               item 5 "" attribute_ids=["3"]
               item 6 ""
               user 1
               user 2
               event s3rec:1:1 purchase u:1 4 t=1
               event s3rec:1:2 purchase u:1 5 t=2
               event s3rec:1:3 purchase u:1 4 t=3
               event s3rec:2:1 purchase u:2 5 t=1
               event s3rec:2:2 purchase u:2 6 t=2"#,
        );
    }

    #[test]
    fn finds_the_companion_beside_the_sequence_file() {
        let fx = Fixture::new();
        let seq = fx.file("Beauty.txt", "1 4\n");
        fx.file("Beauty_item2attributes.json", r#"{"4": [7]}"#);
        let out = crate::test_support::run(Format::S3Rec, &[seq], &crate::ReadOptions::default());
        let summary = out.result.expect("reads");
        assert_eq!(summary.files.len(), 2);
        assert_eq!(out.batch.items.len(), 1);
        assert!(out.batch.items[0].attributes.contains_key("attribute_ids"));
    }

    #[test]
    fn bad_tokens_and_bad_json_cost_only_themselves() {
        let long = "x".repeat(300);
        let seq = format!("1 4 {long} 5\n2\n3 \u{1} 6\n");
        let out = check(
            Format::S3Rec,
            &[("Beauty.txt", seq.as_bytes()), ("attrs.json", br#"{"4": [1], "5": "oops"}"#)],
            r#"item 4 "" attribute_ids=["1"]
               item 5 ""
               item 6 ""
               user 1
               user 3
               event s3rec:1:1 purchase u:1 4 t=1
               event s3rec:1:3 purchase u:1 5 t=3
               event s3rec:3:2 purchase u:3 6 t=2
               ! L1 attribute_ids
               ! L1 item_id
               ! L2 -
               ! L3 item_id"#,
        );
        assert!(issue_on(&out, 2).reason.contains("has no items"));
        let out = check(
            Format::S3Rec,
            &[("Beauty.txt", b"1 4\n"), ("attrs.json", b"{\"4\": [1,")],
            r#"item 4 ""
               user 1
               event s3rec:1:1 purchase u:1 4 t=1
               ! L1 -"#,
        );
        assert!(out.issues[0].reason.contains("not a JSON object"));
    }

    #[test]
    fn empty_sequence_file_is_an_error() {
        let (err, _) = check_error(Format::S3Rec, &[("Beauty.txt", b"")]);
        assert!(matches!(err, Error::Empty { .. }), "{err}");
    }
}
