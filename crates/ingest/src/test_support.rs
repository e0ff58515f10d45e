//! Test helpers: write fixtures to temporary files, read them, and render what came out in a
//! compact text form that tests compare against. Test-only; not part of the crate's API.

use std::io::Write;
use std::path::{Path, PathBuf};

use aisle_domain::{Actor, AttributeValue, Batch, Event};

use crate::{read, Chunk, Error, Format, ReadOptions, ReadSummary, RowIssue};

/// A temporary directory holding fixture files.
pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
}

impl Fixture {
    pub(crate) fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temporary directory") }
    }

    /// Writes `bytes` to `name` (gzip-compressed when the name ends in `.gz` and they are not
    /// gzip already).
    pub(crate) fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        let bytes = bytes.as_ref();
        if name.ends_with(".gz") && !bytes.starts_with(&[0x1f, 0x8b]) {
            std::fs::write(&path, gzip(bytes)).expect("write fixture");
        } else {
            std::fs::write(&path, bytes).expect("write fixture");
        }
        path
    }
}

pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("compress");
    enc.finish().expect("compress")
}

/// Everything a read produced.
pub(crate) struct Output {
    pub(crate) batch: Batch,
    pub(crate) issues: Vec<RowIssue>,
    pub(crate) chunks: Vec<Chunk>,
    pub(crate) result: Result<ReadSummary, Error>,
}

pub(crate) fn run(format: Format, paths: &[PathBuf], options: &ReadOptions) -> Output {
    let mut chunks = Vec::new();
    let result = read(format, paths, options, &mut |chunk| {
        chunks.push(chunk);
        Ok(())
    });
    let mut batch = Batch::default();
    let mut issues = Vec::new();
    for chunk in &chunks {
        batch.append(&mut chunk.batch.clone());
        issues.extend(chunk.issues.iter().cloned());
    }
    Output { batch, issues, chunks, result }
}

/// Renders records and issues one per line, in batch order: items, users, events, orders,
/// reviews, then issues as `! L<line> <field>`.
pub(crate) fn render(batch: &Batch, issues: &[RowIssue]) -> String {
    let mut out = Vec::new();
    for item in &batch.items {
        let mut s = format!("item {} {:?}", item.id, item.title);
        if !item.categories.is_empty() {
            s += &format!(" cat={}", item.categories.join(">"));
        }
        if let Some(price) = &item.price {
            s += &format!(" price={}{}", price.amount, price.currency);
        }
        s += &attributes(&item.attributes);
        if item.hidden {
            s += " hidden";
        }
        out.push(s);
    }
    for user in &batch.users {
        out.push(format!("user {}{}", user.id, attributes(&user.attributes)));
    }
    for event in &batch.events {
        out.push(render_event(event));
    }
    for order in &batch.orders {
        let lines: Vec<String> = order
            .lines
            .iter()
            .map(|l| format!("{}x{}@{}", l.item, l.quantity, l.unit_price))
            .collect();
        out.push(format!(
            "order {} {:?} {} user={} t={} [{}]{}",
            order.id,
            order.status,
            order.currency,
            order.user.as_ref().map_or("-", |u| u.as_str()),
            order.created_at.millis(),
            lines.join(" "),
            attributes(&order.attributes)
        ));
    }
    for review in &batch.reviews {
        out.push(format!(
            "review {} user={} item={} rating={:?} text={:?} t={:?}",
            review.id,
            review.user.as_ref().map_or("-", |u| u.as_str()),
            review.item,
            review.rating,
            review.text,
            review.created_at.map(|t| t.millis())
        ));
    }
    for issue in issues {
        out.push(format!("! L{} {}", issue.line, issue.field.as_deref().unwrap_or("-")));
    }
    out.join("\n")
}

fn render_event(e: &Event) -> String {
    let actor = match &e.actor {
        Actor::User(u) => format!("u:{u}"),
        Actor::Session(s) => format!("s:{s}"),
    };
    let mut s = format!(
        "event {} {} {} {}",
        e.id,
        e.kind,
        actor,
        e.item.as_ref().map_or("-", |i| i.as_str())
    );
    if let Some(v) = e.value {
        s += &format!(" v={v}");
    }
    if let Some(q) = e.quantity {
        s += &format!(" q={q}");
    }
    if let Some(p) = e.price {
        s += &format!(" p={p}");
    }
    if let Some(q) = &e.query {
        s += &format!(" query={q:?}");
    }
    s += &format!(" t={}", e.timestamp.millis());
    for (name, value) in
        [("device", &e.context.device), ("page", &e.context.page), ("ref", &e.context.referrer)]
    {
        if let Some(v) = value {
            s += &format!(" {name}={v}");
        }
    }
    s
}

fn attributes(attrs: &aisle_domain::Attributes) -> String {
    let mut s = String::new();
    for (k, v) in attrs {
        let v = match v {
            AttributeValue::Bool(b) => b.to_string(),
            AttributeValue::Number(n) => n.to_string(),
            AttributeValue::Text(t) => format!("{t:?}"),
            AttributeValue::List(l) => format!("{l:?}"),
        };
        s += &format!(" {k}={v}");
    }
    s
}

/// Reads `files` (name, content) in `format` and compares the rendering with `expected`
/// (leading and trailing white space of each line ignored).
pub(crate) fn check(format: Format, files: &[(&str, &[u8])], expected: &str) -> Output {
    let fx = Fixture::new();
    let paths: Vec<PathBuf> = files.iter().map(|(name, bytes)| fx.file(name, bytes)).collect();
    let out = run(format, &paths, &ReadOptions::default());
    if let Err(err) = &out.result {
        panic!("read failed: {err}");
    }
    let got = render(&out.batch, &out.issues);
    let want: Vec<&str> = expected.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(got, want.join("\n"), "\n--- got ---\n{got}\n--- issues ---\n{:#?}", out.issues);
    out
}

/// Reads `files` and returns the whole-file error, with what was handed over before it.
pub(crate) fn check_error(format: Format, files: &[(&str, &[u8])]) -> (Error, Output) {
    let fx = Fixture::new();
    let paths: Vec<PathBuf> = files.iter().map(|(name, bytes)| fx.file(name, bytes)).collect();
    let mut out = run(format, &paths, &ReadOptions::default());
    let result = std::mem::replace(&mut out.result, Ok(ReadSummary::default()));
    match result {
        Err(err) => (err, out),
        Ok(_) => panic!("expected an error, got:\n{}", render(&out.batch, &out.issues)),
    }
}

/// The issue on `line`, for asserting its reason.
pub(crate) fn issue_on(out: &Output, line: u64) -> &RowIssue {
    out.issues
        .iter()
        .find(|i| i.line == line)
        .unwrap_or_else(|| panic!("no issue on line {line}: {:#?}", out.issues))
}

/// Gzip bytes cut short, for truncation tests.
pub(crate) fn truncated_gzip(bytes: &[u8]) -> Vec<u8> {
    let full = gzip(bytes);
    full[..full.len() * 2 / 3].to_vec()
}

#[allow(dead_code)]
pub(crate) fn name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
