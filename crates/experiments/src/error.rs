//! The experiments' error type: a definition that cannot be accepted, an experiment that does
//! not exist, or a change that would spoil results already gathered.

/// Why an experiment could not be created, changed or found. Messages say what and how to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The definition breaks a rule (too few variants, a zero weight, a bad id...).
    #[error("{0}")]
    Invalid(String),
    /// No experiment has this id.
    #[error("no experiment `{0}`; list them to see the ids")]
    NotFound(String),
    /// The change is well formed but clashes with the experiments' state (a second running
    /// experiment, an id in use, new variants after shoppers were assigned).
    #[error("{0}")]
    Conflict(String),
}

/// Result with the experiments [`enum@Error`].
pub type Result<T> = std::result::Result<T, Error>;
