//! Diginetica (CIKM Cup 2016) `train-item-views`: anonymous product views grouped in sessions.
//! Not the other Diginetica tables (queries, purchases, products), which are not supported yet.
//!
//! # Input
//!
//! `;`-separated, with the header `session_id;user_id;item_id;timeframe;eventdate` (columns in
//! any order; `user_id` may be absent). The last line may lack its newline.
//!
//! # Mapping
//!
//! | source | Aisle |
//! |---|---|
//! | a row, the k-th row of its session in file order (k = 1, 2, ...) | [`Event`] kind `view`, id `dgn:{session_id}:{k}` |
//! | `session_id` | actor `Session(session_id)` |
//! | `user_id` | not used |
//! | `item_id` | the event's item, and an [`Item`] without title (once) |
//! | `eventdate` (`YYYY-MM-DD`) + `timeframe` (milliseconds) | the event's timestamp |
//!
//! The session is the unit of this dataset: the published session-based benchmarks (SR-GNN and
//! its successors) ignore `user_id`, and the verified counts (2,986 sessions) count sessions, so
//! every view belongs to its session even when the row names a user.
//!
//! `k` counts every row of the session, rejected ones included, so ids are stable when a bad row
//! is fixed and the file imported again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use aisle_domain::{Actor, Event, EventKind, Item, Timestamp};

use crate::error::{Error, Result};
use crate::input::{
    csv_error, csv_reader, id, int, owned_id, ragged, read_header, record_excerpt, require_columns,
    utf8, Problem,
};
use crate::sink::Sink;

#[derive(Default)]
struct State {
    sessions: HashMap<String, u32>,
    items: HashSet<String>,
}

pub(crate) fn read(files: &[PathBuf], sink: &mut Sink<'_>) -> Result<()> {
    let mut state = State::default();
    for path in files {
        read_file(path, &mut state, sink)?;
    }
    Ok(())
}

fn read_file(path: &Path, state: &mut State, sink: &mut Sink<'_>) -> Result<()> {
    let mut reader = csv_reader(path, sink.progress(), b';')?;
    let Some(header) = read_header(path, &mut reader, b';')? else {
        return Err(Error::Empty { path: path.to_path_buf() });
    };
    let columns = require_columns(
        path,
        &header,
        &[&["session_id", "sessionid"], &["item_id", "itemid"], &["timeframe"], &["eventdate"]],
    )?;
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader.read_byte_record(&mut record).map_err(|e| csv_error(path, e))? {
        rows += 1;
        sink.line();
        let line = record.position().map_or(0, |p| p.line());
        let result = if record.len() == header.len() {
            row(&record, &columns, state, sink)
        } else {
            Err(ragged(record.len(), header.len()))
        };
        match result {
            Ok(()) => sink.accepted(),
            Err(problem) => sink.reject(problem, path, line, record_excerpt(&record, b';')),
        }
        sink.maybe_flush()?;
    }
    if rows == 0 {
        return Err(Error::Empty { path: path.to_path_buf() });
    }
    Ok(())
}

fn row(
    record: &csv::ByteRecord,
    columns: &[usize],
    state: &mut State,
    sink: &mut Sink<'_>,
) -> std::result::Result<(), Problem> {
    let field = |i: usize, name: &str| utf8(name, &record[i]).map(str::trim);
    let session_text = field(columns[0], "session_id")?;
    let session = id("session_id", session_text)?;
    let k = match state.sessions.get_mut(session_text) {
        Some(k) => {
            *k += 1;
            *k
        }
        None => {
            state.sessions.insert(session_text.to_string(), 1);
            1
        }
    };
    let item = id("item_id", field(columns[1], "item_id")?)?;
    let timeframe = int("timeframe", field(columns[2], "timeframe")?)?;
    let day = Timestamp::parse(field(columns[3], "eventdate")?).map_err(|e| {
        let mut problem = Problem::domain(e);
        problem.field = Some("eventdate".into());
        problem
    })?;
    let timestamp = match day.millis().checked_add(timeframe) {
        Some(ms) if timeframe >= 0 => Timestamp::from_millis(ms).map_err(|e| {
            let mut problem = Problem::domain(e);
            problem.field = Some("timeframe".into());
            problem
        })?,
        _ => {
            return Err(Problem::new(
                "timeframe",
                format!("`{timeframe}` is not a millisecond offset (0 or more) within the day"),
            ))
        }
    };
    let actor = Actor::Session(session);
    let event = Event::new(
        owned_id("id", format!("dgn:{session_text}:{k}"))?,
        actor,
        EventKind::View,
        timestamp,
    )
    .with_item(item.clone());
    event.validate()?;
    if state.items.insert(item.as_str().to_string()) {
        sink.batch.items.push(Item::new(item));
    }
    sink.batch.events.push(event);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::test_support::{check, check_error, issue_on};
    use crate::{Error, Format};

    const HEADER: &str = "session_id;user_id;item_id;timeframe;eventdate\n";

    #[test]
    fn maps_views_by_session_even_when_a_user_is_named() {
        let input = format!("{HEADER}1;NA;81766;526309;2016-05-09\n1;NA;31331;1031018;2016-05-09\n2;77;81766;0;2016-01-03");
        check(
            Format::Diginetica,
            &[("views.csv", input.as_bytes())],
            r#"item 81766 ""
               item 31331 ""
               event dgn:1:1 view s:1 81766 t=1462752526309
               event dgn:1:2 view s:1 31331 t=1462753031018
               event dgn:2:1 view s:2 81766 t=1451779200000"#,
        );
    }

    #[test]
    fn bad_rows_become_issues_and_keep_their_neighbours() {
        let big = "9".repeat(10 * 1024 * 1024);
        let mut input = format!(
            "{HEADER}1;NA;1;0;2016-05-09\n1;NA;2;0;2216-05-09\n1;NA;3;-5;2016-05-09\n1;NA;4;0\n2;NA;{big};0;2016-05-09\n"
        )
        .into_bytes();
        input.extend_from_slice(b"3;NA;\xe9;0;2016-05-09\n4;NA;5;1;2016-05-09\n");
        let out = check(
            Format::Diginetica,
            &[("views.csv", &input)],
            r#"item 1 ""
               item 5 ""
               event dgn:1:1 view s:1 1 t=1462752000000
               event dgn:4:1 view s:4 5 t=1462752000001
               ! L3 eventdate
               ! L4 timeframe
               ! L5 -
               ! L6 item_id
               ! L7 item_id"#,
        );
        assert!(issue_on(&out, 5).reason.contains("row has 4 fields, the header has 5"));
        assert!(issue_on(&out, 7).reason.contains("UTF-8"));
    }

    #[test]
    fn wrong_delimiter_missing_column_and_empty_file_are_errors() {
        let (err, _) = check_error(
            Format::Diginetica,
            &[("v.csv", b"session_id,user_id,item_id,timeframe,eventdate\n1,NA,2,0,2016-01-01\n")],
        );
        assert!(err.to_string().contains("one column"), "{err}");
        let (err, _) = check_error(
            Format::Diginetica,
            &[("v.csv", b"session_id;user_id;item_id;eventdate\n1;NA;2;2016-01-01\n")],
        );
        assert!(err.to_string().contains("missing column `timeframe`"), "{err}");
        let (err, _) = check_error(Format::Diginetica, &[("v.csv", HEADER.as_bytes())]);
        assert!(matches!(err, Error::Empty { .. }), "{err}");
    }
}
