//! The analytics crate's one error type: a period that cannot be read. Every message says what
//! is wrong and how to write it instead, so callers may show it to whoever typed the dates.

/// Why a period could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A date is not a calendar day written as `YYYY-MM-DD`.
    #[error("`{field}` is {value:?}; write a day as YYYY-MM-DD, e.g. 2011-12-09")]
    BadDate {
        /// The parameter (`from`, `to`).
        field: &'static str,
        /// What was given, cut short if long.
        value: String,
    },
    /// The period ends before it starts.
    #[error("the period starts on {from} but ends on {to}; put the earlier day first")]
    Reversed {
        /// The first day given.
        from: String,
        /// The last day given.
        to: String,
    },
}

/// The analytics crate's result.
pub type Result<T> = std::result::Result<T, Error>;
