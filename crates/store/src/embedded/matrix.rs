//! The interaction-matrix scan over SQLite: the event rowid range is split into one part per
//! core, each scanned on its own read connection (write-ahead logging lets readers run side by
//! side), and the columns are concatenated.
//!
//! Weighing and building the matrix is shared with PostgreSQL in `crate::matrix`.

use aisle_domain::InteractionMatrix;
use rusqlite::Connection;

use super::{Failure, ReadPool};
use crate::api::MatrixOptions;
use crate::matrix::{build, row_of, Columns};

type Result<T> = std::result::Result<T, Failure>;

/// More threads than this only contend for memory bandwidth.
const MAX_SCAN_THREADS: usize = 4;

pub(super) fn interaction_matrix(
    pool: &ReadPool,
    options: &MatrixOptions,
) -> Result<InteractionMatrix> {
    let conn = pool.get()?;
    // Each part is scanned on its own connection, so the parts need not see the same commit.
    // New events get rowids past today's maximum, unless a user erasure deleted the newest
    // rows and SQLite hands their rowids out again; an erasure committed during the scan may
    // be seen by some parts and not others. Either way the next scan is exact, and an index
    // past the counts read here (an item first seen after them) is dropped by the builder.
    let (lo, hi): (Option<i64>, Option<i64>) =
        conn.query_row("SELECT min(rowid), max(rowid) FROM events", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let next = |table: &str| -> rusqlite::Result<u32> {
        conn.query_row(&format!("SELECT coalesce(max(idx) + 1, 0) FROM {table}"), [], |r| r.get(0))
    };
    let (n_users, n_items, n_sessions) = (next("users")?, next("items")?, next("sessions")?);
    let n_rows = n_users as usize + if options.include_sessions { n_sessions as usize } else { 0 };
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(build(n_rows, n_items as usize, &Columns::default(), options));
    };

    let threads =
        std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_SCAN_THREADS);
    let span = (hi - lo) / threads as i64 + 1;
    let ranges: Vec<(i64, i64)> = (0..threads as i64)
        .map(|k| (lo + k * span, (lo + (k + 1) * span - 1).min(hi)))
        .filter(|(a, b)| a <= b)
        .collect();
    let scan = Scan { n_users, options };
    let columns = std::thread::scope(|s| -> Result<Columns> {
        let handles: Vec<_> = ranges[1..]
            .iter()
            .map(|&range| {
                s.spawn(move || -> Result<Columns> {
                    let conn = pool.get()?;
                    scan.run(&conn, range)
                })
            })
            .collect();
        let mut columns = scan.run(&conn, ranges[0])?;
        for handle in handles {
            let part = handle
                .join()
                .map_err(|_| crate::Error::Database("a matrix scan thread panicked".into()))??;
            columns.append(part);
        }
        Ok(columns)
    })?;
    tracing::debug!(
        events = columns.len(),
        threads = ranges.len(),
        "scanned events for the matrix"
    );
    Ok(build(n_rows, n_items as usize, &columns, options))
}

#[derive(Clone, Copy)]
struct Scan<'a> {
    n_users: u32,
    options: &'a MatrixOptions,
}

impl Scan<'_> {
    fn run(&self, conn: &Connection, (lo, hi): (i64, i64)) -> Result<Columns> {
        let sql = if self.options.include_sessions {
            "SELECT user_idx, session_idx, item_idx, kind, ts FROM events
             WHERE rowid BETWEEN ?1 AND ?2 AND item_idx IS NOT NULL AND ts >= ?3 AND ts < ?4"
        } else {
            "SELECT user_idx, session_idx, item_idx, kind, ts FROM events
             WHERE rowid BETWEEN ?1 AND ?2 AND item_idx IS NOT NULL AND ts >= ?3 AND ts < ?4
               AND user_idx IS NOT NULL"
        };
        let since = self.options.since.map_or(i64::MIN, |t| t.millis());
        let until = self.options.until.map_or(i64::MAX, |t| t.millis());
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query(rusqlite::params![lo, hi, since, until])?;
        let mut columns = Columns::with_capacity(usize::try_from(hi - lo + 1).unwrap_or(0));
        let include_sessions = self.options.include_sessions;
        while let Some(r) = rows.next()? {
            let row = row_of(r.get(0)?, r.get(1)?, self.n_users, include_sessions);
            let (Some(row), Some(item)) = (row, u32::try_from(r.get::<_, i64>(2)?).ok()) else {
                continue;
            };
            let kind = u8::try_from(r.get::<_, i64>(3)?).unwrap_or(u8::MAX);
            columns.push(row, item, kind, r.get(4)?);
        }
        Ok(columns)
    }
}
