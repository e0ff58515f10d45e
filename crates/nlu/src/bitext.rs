//! The reader of the Bitext customer-support CSV (`bitext-customer-support/train.csv` in the
//! shared data): the `instruction` column is the utterance and `intent` its label. The answers
//! in `response` span lines inside quotes, so this is a real CSV parser, not a line splitter.

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::LabelledUtterance;

/// A row that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    /// 1-based line of the row's start (the header is line 1).
    pub line: u64,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for RowIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Reads the labelled utterances of a Bitext CSV, with the rows it could not read. A missing
/// file or a header without `instruction` and `intent` columns is an error.
pub fn read(path: &Path) -> Result<(Vec<LabelledUtterance>, Vec<RowIssue>)> {
    let file = std::fs::File::open(path)
        .map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    read_from(file, path)
}

/// Reads from any reader; `path` names it in errors.
pub fn read_from(
    reader: impl std::io::Read,
    path: &Path,
) -> Result<(Vec<LabelledUtterance>, Vec<RowIssue>)> {
    let bad = |reason: String| Error::BadDataFile { path: path.to_path_buf(), reason };
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = csv.headers().map_err(|e| bad(format!("unreadable header: {e}")))?.clone();
    let column = |name: &str| {
        headers.iter().position(|h| h.trim() == name).ok_or_else(|| {
            bad(format!(
                "no `{name}` column; expected the Bitext header (instruction, intent, ...)"
            ))
        })
    };
    let (text_at, intent_at) = (column("instruction")?, column("intent")?);
    let (mut rows, mut issues) = (Vec::new(), Vec::new());
    for record in csv.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                issues.push(RowIssue { line, reason: e.to_string() });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let text = record.get(text_at).unwrap_or_default().trim();
        let intent = record.get(intent_at).unwrap_or_default().trim();
        if text.is_empty() || intent.is_empty() {
            issues.push(RowIssue { line, reason: "empty instruction or intent".into() });
            continue;
        }
        if !intent.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            issues.push(RowIssue {
                line,
                reason: format!("intent {intent:?} is not a snake_case name"),
            });
            continue;
        }
        rows.push(LabelledUtterance::new(text, intent));
    }
    if rows.is_empty() {
        return Err(bad("no readable rows".into()));
    }
    Ok((rows, issues))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "context,role,instruction,intent,response\n\
        cs,va,cancel order 123,cancel_order,\"Sure.\n\n1. Log in.\n2. Cancel.\"\n\
        cs,va,,track_order,nothing\n\
        cs,va,\"where is my parcel, please\",track_order,\"It is \"\"on its way\"\".\"\n\
        cs,va,hello,Bad Intent,x\n";

    #[test]
    fn multi_line_answers_and_bad_rows() {
        let (rows, issues) = read_from(SAMPLE.as_bytes(), Path::new("sample.csv")).expect("reads");
        assert_eq!(
            rows,
            [
                LabelledUtterance::new("cancel order 123", "cancel_order"),
                LabelledUtterance::new("where is my parcel, please", "track_order"),
            ]
        );
        assert_eq!(issues.len(), 2, "{issues:?}");
        assert_eq!(issues[0].line, 6, "the physical line after a three-line answer");
    }

    #[test]
    fn a_foreign_header_is_a_typed_error() {
        let error = read_from("a,b\n1,2\n".as_bytes(), Path::new("x.csv")).expect_err("refused");
        assert!(error.to_string().contains("instruction"), "{error}");
    }
}
