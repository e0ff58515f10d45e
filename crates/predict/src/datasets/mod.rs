//! Readers for public benchmark datasets, from text already in memory (the caller reads the
//! file). Each returns the rows it could read and a [`RowIssue`] for each it could not.

pub mod online_retail;
pub mod online_shoppers;

/// A row that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    /// 1-based line number in the file (the header is line 1).
    pub line: usize,
    /// The column at fault, if one is.
    pub field: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for RowIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}, {}: {}", self.line, field, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// The data lines after a header, each as its 1-based line number and its fields; a line that
/// cannot be split, or has other than `width` fields, is its [`RowIssue`]. Blank lines are
/// skipped. `lines` are `(0-based index, text)` pairs, as `text.lines().enumerate()` gives them.
pub(crate) fn data_rows<'a>(
    lines: impl Iterator<Item = (usize, &'a str)> + 'a,
    width: usize,
) -> impl Iterator<Item = Result<(usize, Vec<String>), RowIssue>> + 'a {
    lines.filter_map(move |(index, raw)| {
        let line = index + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            return None;
        }
        let problem = |reason: String| RowIssue { line, field: None, reason };
        Some(match csv_fields(raw) {
            None => Err(problem("unclosed quote".into())),
            Some(fields) if fields.len() != width => {
                Err(problem(format!("{} fields, the header has {width}", fields.len())))
            }
            Some(fields) => Ok((line, fields)),
        })
    })
}

/// Splits one CSV line into fields: commas separate, double quotes enclose fields that
/// contain commas, and `""` inside quotes is a quote. Returns `None` on an unclosed quote.
pub(crate) fn csv_fields(line: &str) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (_, c) => field.push(c),
        }
    }
    if quoted {
        return None;
    }
    fields.push(field);
    Some(fields)
}

#[cfg(test)]
mod tests {
    use super::csv_fields;

    #[test]
    fn csv_fields_handle_quotes() {
        assert_eq!(csv_fields("a,,b").unwrap(), ["a", "", "b"]);
        assert_eq!(csv_fields(r#""x, y",2,"say ""hi""""#).unwrap(), ["x, y", "2", r#"say "hi""#]);
        assert!(csv_fields(r#""open,1"#).is_none());
    }
}
