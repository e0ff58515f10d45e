//! Progress of a long job, reported to whoever draws it (a terminal bar, a dashboard).

/// How far a job has got. Sizes are in the job's own unit: bytes of input for imports, events
/// for the generator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Units done.
    pub done: u64,
    /// Units in all, when known.
    pub total: Option<u64>,
    /// Records (lines, events) handled so far.
    pub records: u64,
    /// Records rejected so far.
    pub rejected: u64,
}
