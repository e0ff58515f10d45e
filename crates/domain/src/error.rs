//! The one error type of the domain crate: a value that breaks a rule of the data model.

/// A value broke a rule of the data model. Each variant names the field and says how to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A required field is missing or empty.
    #[error("field `{field}` is empty; give it a value")]
    Empty {
        /// The field's name.
        field: &'static str,
    },
    /// A text field is longer than its limit.
    #[error("field `{field}` is {len} bytes, more than the limit of {max}; shorten it")]
    TooLong {
        /// The field's name.
        field: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// A text field holds control characters where none are allowed.
    #[error("field `{field}` contains a control character; remove tabs, newlines and other control characters")]
    ControlCharacter {
        /// The field's name.
        field: &'static str,
    },
    /// A number is outside its allowed range.
    #[error("field `{field}` is {value}, outside the allowed range {range}")]
    OutOfRange {
        /// The field's name.
        field: &'static str,
        /// The value as written.
        value: String,
        /// The allowed range, for people.
        range: &'static str,
    },
    /// A value could not be read as the expected type.
    #[error("field `{field}` has `{value}`, which is not {expected}")]
    Invalid {
        /// The field's name.
        field: &'static str,
        /// The value as written (truncated).
        value: String,
        /// What was expected, for people.
        expected: &'static str,
    },
}

/// Result with the domain [`enum@Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Truncates a value for an error message so a 10 MB field never lands in a log line.
pub(crate) fn excerpt(value: &str) -> String {
    const MAX: usize = 80;
    if value.len() <= MAX {
        return value.to_string();
    }
    let mut end = MAX;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &value[..end])
}

pub(crate) fn check_text(
    field: &'static str,
    value: &str,
    max: usize,
    allow_newlines: bool,
) -> Result<()> {
    if value.len() > max {
        return Err(Error::TooLong { field, len: value.len(), max });
    }
    let bad = value
        .chars()
        .any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')));
    if bad {
        return Err(Error::ControlCharacter { field });
    }
    Ok(())
}
