//! The SASRec sequence format (`Video.txt`, `Beauty.txt`, `ml-1m.txt` in kang205/SASRec): one
//! interaction per line. Not the S3-Rec one-user-per-line format (see [`crate::s3rec`]).
//!
//! # Mapping
//!
//! Each line is `user_id item_id`, separated by white space; lines are grouped by user and in
//! chronological order within a user. The format has order but no clock, so:
//!
//! | source | Aisle |
//! |---|---|
//! | line `u i`, the p-th line of user `u` (p = 1, 2, ...) | [`Event`] kind `purchase`, actor `User(u)`, item `i`, timestamp = `p` milliseconds after the epoch, id `sasrec:{u}:{p}` |
//! | first sight of `u` | [`User`] `u` (no attributes) |
//! | first sight of `i` | [`Item`] `i` (no title) |
//!
//! Ids are kept exactly as written (`"1"` stays `"1"`). The position counts every line of the
//! user that names them, including rejected ones, so fixing a bad line and importing again keeps
//! the other ids. Blank lines are skipped. A line with other than two fields is a row issue.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use aisle_domain::{Actor, Event, EventKind, Item, Timestamp, User};

use crate::error::{Error, Result};
use crate::input::{id, owned_id, raw_excerpt, utf8, Lines, Problem};
use crate::sink::Sink;

pub(crate) fn read(files: &[PathBuf], sink: &mut Sink<'_>) -> Result<()> {
    let mut positions: HashMap<String, Seen> = HashMap::new();
    let mut items: HashSet<String> = HashSet::new();
    for path in files {
        let mut lines = Lines::open(path, sink.progress())?;
        let mut data_lines = 0u64;
        while let Some((number, bytes)) = lines.next_line()? {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            data_lines += 1;
            sink.line();
            match interaction(bytes, &mut positions, &mut items, sink) {
                Ok(()) => sink.accepted(),
                Err(problem) => sink.reject(problem, path, number, raw_excerpt(bytes)),
            }
            sink.maybe_flush()?;
        }
        if data_lines == 0 {
            return Err(Error::Empty { path: path.clone() });
        }
    }
    Ok(())
}

/// A user's line count so far, and whether their [`User`] record was handed over.
#[derive(Default)]
pub(crate) struct Seen {
    pub(crate) position: i64,
    pub(crate) emitted: bool,
}

fn interaction(
    bytes: &[u8],
    positions: &mut HashMap<String, Seen>,
    items: &mut HashSet<String>,
    sink: &mut Sink<'_>,
) -> std::result::Result<(), Problem> {
    let text = utf8("line", bytes)?;
    let fields: Vec<&str> = text.split_ascii_whitespace().collect();
    let [user_text, item_text] = fields[..] else {
        return Err(Problem::row(format!(
            "row has {} fields, expected 2 (`user_id item_id` separated by a space)",
            fields.len()
        )));
    };
    let user = id("user_id", user_text)?;
    let seen = match positions.get_mut(user_text) {
        Some(seen) => seen,
        None => positions.entry(user_text.to_string()).or_default(),
    };
    seen.position += 1;
    let position = seen.position;
    let item = id("item_id", item_text)?;
    let event_id = owned_id("id", format!("sasrec:{user_text}:{position}"))?;
    let event = Event::new(
        event_id,
        Actor::User(user.clone()),
        EventKind::Purchase,
        Timestamp::from_millis(position)?,
    )
    .with_item(item.clone());
    event.validate()?;
    if !seen.emitted {
        seen.emitted = true;
        sink.batch.users.push(User::new(user));
    }
    if items.insert(item_text.to_string()) {
        sink.batch.items.push(Item::new(item));
    }
    sink.batch.events.push(event);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::test_support::{check, check_error, issue_on};
    use crate::{Error, Format};

    #[test]
    fn maps_lines_to_positioned_purchases() {
        check(
            Format::SasRec,
            &[("Video.txt", b"1 10\n1 11\n\n2 10\n2 12")],
            "item 10 \"\"
             item 11 \"\"
             item 12 \"\"
             user 1
             user 2
             event sasrec:1:1 purchase u:1 10 t=1
             event sasrec:1:2 purchase u:1 11 t=2
             event sasrec:2:1 purchase u:2 10 t=1
             event sasrec:2:2 purchase u:2 12 t=2",
        );
    }

    #[test]
    fn bad_lines_become_issues_and_keep_their_neighbours() {
        let long = "9".repeat(10 * 1024 * 1024);
        let mut bytes = b"1 10\n1 10 11\n1 \xff\n".to_vec();
        bytes.extend_from_slice(format!("2 {long}\n2 13\n").as_bytes());
        let out = check(
            Format::SasRec,
            &[("Video.txt", &bytes)],
            "item 10 \"\"
             item 13 \"\"
             user 1
             user 2
             event sasrec:1:1 purchase u:1 10 t=1
             event sasrec:2:2 purchase u:2 13 t=2
             ! L2 -
             ! L3 line
             ! L4 item_id",
        );
        assert!(issue_on(&out, 2).reason.contains("row has 3 fields, expected 2"));
        assert!(issue_on(&out, 3).reason.contains("UTF-8"));
        assert!(issue_on(&out, 4).reason.contains("limit of 256"));
        assert!(issue_on(&out, 4).raw.len() < 260);
    }

    #[test]
    fn empty_and_truncated_files_are_errors() {
        let (err, _) = check_error(Format::SasRec, &[("Video.txt", b"\n\n")]);
        assert!(matches!(err, Error::Empty { .. }), "{err}");
        let many: String =
            (0..20_000).map(|i| format!("{} {}\n", i % 97, i * 7919 % 10007)).collect();
        let cut = crate::test_support::truncated_gzip(many.as_bytes());
        let (err, out) = check_error(Format::SasRec, &[("Video.txt.gz", &cut)]);
        assert!(matches!(err, Error::Truncated { .. }), "{err}");
        assert!(out.batch.events.len() > 1_000, "rows before the cut were handed over");
    }
}
