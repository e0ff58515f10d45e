//! What the examples share: `--flag value` parsing and reading S3-Rec / SASRec sequence files
//! (`user item ...` per line, 1-based ids; a user's lines in order) into 0-based item sequences.

// Each example uses only some of these.
#![allow(dead_code)]

use std::collections::HashMap;
use std::error::Error;

/// The command line after the program name.
pub struct Flags(Vec<String>);

impl Flags {
    pub fn from_env() -> Self {
        Self(std::env::args().skip(1).collect())
    }

    /// The argument after `flag`.
    pub fn value(&self, flag: &str) -> Option<&str> {
        self.0.iter().position(|a| a == flag).and_then(|i| self.0.get(i + 1)).map(String::as_str)
    }

    /// The number after `flag`, or `default` when the flag is absent.
    pub fn number<T: std::str::FromStr>(&self, flag: &str, default: T) -> Result<T, Box<dyn Error>>
    where
        T::Err: Error + 'static,
    {
        Ok(self.value(flag).map(str::parse).transpose()?.unwrap_or(default))
    }

    /// Positional arguments and `key=value` pairs (anything not a flag or a flag's value).
    pub fn rest(&self) -> Vec<&str> {
        let mut out = Vec::new();
        let mut skip = false;
        for arg in &self.0 {
            if std::mem::take(&mut skip) {
                continue;
            }
            if arg.starts_with("--") {
                skip = true;
            } else {
                out.push(arg.as_str());
            }
        }
        out
    }
}

/// Users' item sequences and the catalog size.
pub type Sequences = (Vec<Vec<u32>>, usize);

/// Every user's items (0-based) in file order, users in order of first appearance, and the
/// number of items (the largest id).
pub fn read_sequences(path: &str) -> Result<Sequences, Box<dyn Error>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut rows: HashMap<u64, usize> = HashMap::new();
    let mut sequences: Vec<Vec<u32>> = Vec::new();
    let mut n_items = 0;
    for (number, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let bad = |what: &str| {
            format!("{path}:{}: {what}; expected `user item ...` with ids from 1", number + 1)
        };
        let mut fields = line.split_whitespace().map(str::parse::<u64>);
        let user = fields.next().and_then(Result::ok).ok_or_else(|| bad("no user id"))?;
        let row = *rows.entry(user).or_insert_with(|| {
            sequences.push(Vec::new());
            sequences.len() - 1
        });
        for field in fields {
            let id = field
                .ok()
                .filter(|&id| id >= 1 && id <= u64::from(u32::MAX))
                .ok_or_else(|| bad("a bad item id"))?;
            n_items = n_items.max(id as usize);
            sequences[row].push(id as u32 - 1);
        }
    }
    Ok((sequences, n_items))
}
