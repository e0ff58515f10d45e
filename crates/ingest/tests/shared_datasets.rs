//! Reads every public dataset in the shared data folder through `aisle_ingest::read` and checks
//! the counts verified in each dataset's SOURCE.txt. Not a unit test: the data lives outside
//! the repository (set AISLE_SHARED_DATA, default `/work/shared/data`); without it the tests
//! print a note and pass.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use aisle_domain::{Actor, EventKind, OrderStatus};
use aisle_ingest::{read, Format, ReadOptions, ReadSummary};

fn data_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("AISLE_SHARED_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n*** NOTE: shared datasets not found at {}; set AISLE_SHARED_DATA. Skipping. ***\n",
            dir.display()
        );
        None
    }
}

/// What one read produced, counted.
#[derive(Default, Debug)]
struct Tally {
    items: HashSet<String>,
    users: HashSet<String>,
    events: usize,
    event_ids: HashSet<String>,
    actor_users: HashSet<String>,
    actor_sessions: HashSet<String>,
    kinds: HashMap<EventKind, usize>,
    orders: usize,
    cancelled_orders: usize,
    issues: Vec<String>,
    summary: ReadSummary,
}

fn tally(format: Format, paths: &[PathBuf]) -> Tally {
    let mut t = Tally::default();
    let summary = read(format, paths, &ReadOptions::default(), &mut |chunk| {
        t.items.extend(chunk.batch.items.iter().map(|i| i.id.to_string()));
        t.users.extend(chunk.batch.users.iter().map(|u| u.id.to_string()));
        for e in &chunk.batch.events {
            t.events += 1;
            t.event_ids.insert(e.id.to_string());
            *t.kinds.entry(e.kind).or_default() += 1;
            match &e.actor {
                Actor::User(u) => t.actor_users.insert(u.to_string()),
                Actor::Session(s) => t.actor_sessions.insert(s.to_string()),
            };
        }
        t.orders += chunk.batch.orders.len();
        t.cancelled_orders +=
            chunk.batch.orders.iter().filter(|o| o.status == OrderStatus::Cancelled).count();
        t.issues.extend(chunk.issues.iter().map(|i| i.reason.clone()));
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{format} failed: {e}"));
    t.summary = summary;
    assert_eq!(t.event_ids.len(), t.events, "{format}: event ids are unique");
    t
}

#[test]
fn movielens_100k() {
    let Some(dir) = data_dir() else { return };
    let t = tally(Format::MovieLens, &[dir.join("movielens-100k")]);
    assert_eq!((t.users.len(), t.items.len(), t.events), (943, 1682, 100_000));
    assert!(t.issues.is_empty(), "{:?}", &t.issues[..t.issues.len().min(5)]);
}

#[test]
fn movielens_1m_metadata_without_ratings() {
    let Some(dir) = data_dir() else { return };
    let t = tally(Format::MovieLens, &[dir.join("movielens-1m-meta")]);
    assert_eq!((t.items.len(), t.users.len(), t.events), (3883, 6040, 0));
    assert!(t.issues.is_empty(), "{:?}", &t.issues[..t.issues.len().min(5)]);
}

#[test]
fn s3rec_beauty() {
    let Some(dir) = data_dir() else { return };
    let t = tally(Format::S3Rec, &[dir.join("amazon-beauty-s3rec/Beauty.txt")]);
    assert_eq!((t.users.len(), t.items.len(), t.events), (22_363, 12_101, 198_502));
    assert_eq!(t.summary.files.len(), 2, "the attributes JSON beside Beauty.txt is found");
    assert!(t.issues.is_empty(), "{:?}", &t.issues[..t.issues.len().min(5)]);
}

#[test]
fn sasrec_video_games() {
    let Some(dir) = data_dir() else { return };
    let t = tally(Format::SasRec, &[dir.join("amazon-video-games-sasrec/Video.txt")]);
    assert_eq!((t.users.len(), t.items.len(), t.events), (31_013, 23_715, 287_107));
    assert!(t.issues.is_empty(), "{:?}", &t.issues[..t.issues.len().min(5)]);
}

#[test]
fn diginetica_sample() {
    let Some(dir) = data_dir() else { return };
    let t = tally(
        Format::Diginetica,
        &[dir.join("diginetica-sample-srgnn/sample_train-item-views.csv")],
    );
    let sessions: HashSet<&str> =
        t.event_ids.iter().filter_map(|id| id.split(':').nth(1)).collect();
    assert_eq!((t.events, sessions.len(), t.items.len()), (12_391, 2_986, 7_139));
    assert!(t.issues.is_empty(), "{:?}", &t.issues[..t.issues.len().min(5)]);
}

#[test]
fn online_retail() {
    let Some(dir) = data_dir() else { return };
    let dir = dir.join("uci-online-retail");
    let paths: Vec<PathBuf> = [
        "online_retail_2010-12_to_2011-04.csv.gz",
        "online_retail_2011-05_to_2011-08.csv.gz",
        "online_retail_2011-09_to_2011-12.csv.gz",
    ]
    .iter()
    .map(|n| dir.join(n))
    .collect();
    let t = tally(Format::OnlineRetail, &paths);
    // SOURCE.txt: 541,909 rows; 9,288 cancellation rows; 10,624 negative quantities; 4,372
    // customers; 25,900 invoices; 4,070 stock codes.
    assert_eq!(t.summary.lines, 541_909);
    assert_eq!(t.kinds.get(&EventKind::Return), Some(&9_288));
    assert_eq!(t.kinds.get(&EventKind::Purchase), Some(&531_282));
    let stock_adjustments = t.issues.iter().filter(|r| r.contains("stock adjustment")).count();
    let bad_debt = t.issues.iter().filter(|r| r.contains("bad-debt")).count();
    assert_eq!((stock_adjustments, bad_debt, t.issues.len()), (1_336, 3, 1_339));
    assert_eq!(
        9_288 + stock_adjustments,
        10_624,
        "every negative quantity is a return or an adjustment"
    );
    assert_eq!((t.users.len(), t.actor_users.len()), (4_372, 4_372));
    assert_eq!(t.actor_sessions.len(), 2_371, "guest invoices");
    // Invoices made only of rejected rows (each adjustment is its own invoice) have no order.
    assert_eq!(t.orders + 1_339, 25_900);
    assert_eq!(t.cancelled_orders, 3_836, "distinct C invoices");
    assert_eq!(t.items.len(), 3_956, "stock codes seen in accepted rows (of 4,070)");
    assert_eq!(t.summary.rows_accepted + t.summary.rows_rejected, 541_909);
}
