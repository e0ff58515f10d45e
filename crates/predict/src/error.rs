//! The prediction crate's one error type.

/// What can go wrong building data, training, scoring or reading a model.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// There is nothing to learn from or score.
    #[error("{what} is empty")]
    Empty {
        /// What was empty (e.g. "training data").
        what: &'static str,
    },
    /// Two things that must line up do not.
    #[error("{what}: expected {expected}, found {found}")]
    LengthMismatch {
        /// What was being compared.
        what: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// A label that is not 0 or 1.
    #[error("label at row {row} is {value}; labels must be 0 or 1 (no NaN)")]
    InvalidLabel {
        /// The row.
        row: usize,
        /// The value found.
        value: f32,
    },
    /// A score that is NaN, or a probability outside 0..=1.
    #[error("score at row {row} is {value}; expected {expected}")]
    InvalidScore {
        /// The row.
        row: usize,
        /// The value found.
        value: f64,
        /// What was expected ("a number", "a probability in 0..=1").
        expected: &'static str,
    },
    /// Training labels of one class only.
    #[error(
        "{what}: all {rows} labels are {class}; a binary classifier needs both positive and \
         negative examples"
    )]
    SingleClass {
        /// What was being fitted or measured.
        what: &'static str,
        /// How many labels there are.
        rows: usize,
        /// The only class present (0 or 1).
        class: u8,
    },
    /// A configuration value out of its range.
    #[error("config `{field}`: {reason}")]
    InvalidConfig {
        /// The field.
        field: &'static str,
        /// What is wrong and the allowed range.
        reason: String,
    },
    /// Feature names that do not match the model's.
    #[error("features do not match the model: {reason}")]
    FeatureMismatch {
        /// The first difference found.
        reason: String,
    },
    /// A feature matrix that cannot be built as given.
    #[error("feature matrix: {0}")]
    BadMatrix(String),
    /// A model file this version cannot read.
    #[error("model {what}: {reason}")]
    BadModel {
        /// Which model (path or kind).
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A cutoff or prediction window the data's dates do not cover.
    #[error("{problem}; the data runs from {first} to {last}")]
    OutsideData {
        /// What is wrong with the requested dates, and how to fix it.
        problem: String,
        /// The earliest transaction.
        first: crate::time::Timestamp,
        /// The latest transaction.
        last: crate::time::Timestamp,
    },
    /// A data file whose header or shape cannot be read at all.
    #[error("data file: {0}")]
    BadData(String),
    /// Reading or writing a model file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// The prediction crate's result.
pub type Result<T> = std::result::Result<T, Error>;
