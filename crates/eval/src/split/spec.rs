//! The textual split specifications (`loo`, `ratio:0.8,0.1,0.1`, `temporal:DATE[,DATE]`,
//! `kfold:K:FOLD`): parsing, printing and one-sentence descriptions. Splitting itself is in the
//! parent module.

use std::fmt;

use aisle_domain::Timestamp;

use crate::{Error, Result};

/// How to split. Parsed from `loo`, `ratio:0.8,0.1,0.1`, `temporal:DATE[,DATE]`, `kfold:K:FOLD`.
#[derive(Debug, Clone, PartialEq)]
pub enum SplitSpec {
    /// Leave-one-out by time: per user, the latest pair is the test target, the one before it
    /// the validation target. Users with fewer than 3 pairs stay only in train.
    LeaveOneOut,
    /// RecBole's random-order ratio split (`RO`): each user's pairs shuffled, then cut by the
    /// (normalized) ratios with RecBole's rounding.
    Ratio {
        /// Share of each user's pairs for training.
        train: f64,
        /// Share for validation.
        validation: f64,
        /// Share for testing.
        test: f64,
    },
    /// A global cut by time: pairs from `test_from` on are test; pairs from `validation_from`
    /// up to `test_from` are validation. Without `validation_from`, validation is the last 10%
    /// of the training time span. Dates are read like every Aisle timestamp (`2014-01-01`,
    /// RFC 3339, or seconds/milliseconds since 1970). A pair's time is its latest event, so a
    /// pair repeated across the cut counts as test.
    Temporal {
        /// First millisecond of the test period.
        test_from: i64,
        /// First millisecond of the validation period.
        validation_from: Option<i64>,
    },
    /// Random k-fold per user: fold `fold` is test, fold `fold + 1 (mod k)` is validation.
    KFold {
        /// Number of folds, at least 3 (two held-out folds and at least one to train on).
        k: usize,
        /// The test fold, `0..k`.
        fold: usize,
    },
}

const SPLIT_FORMS: &str =
    "use `loo`, `ratio:TRAIN,VALID,TEST`, `temporal:TEST_DATE[,VALID_DATE]` or `kfold:K:FOLD`";

impl SplitSpec {
    /// Parses the textual form (see the type's documentation).
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |reason: &str| Error::spec("split", text, reason);
        let (kind, rest) = text.trim().split_once(':').unwrap_or((text.trim(), ""));
        let spec = match kind {
            "loo" if rest.is_empty() => Ok(SplitSpec::LeaveOneOut),
            "ratio" => {
                let parts: Vec<f64> = rest
                    .split(',')
                    .map(|p| p.trim().parse::<f64>())
                    .collect::<std::result::Result<_, _>>()
                    .map_err(|_| bad("ratios must be three numbers, e.g. `ratio:0.8,0.1,0.1`"))?;
                match parts[..] {
                    [train, validation, test] => Ok(SplitSpec::Ratio { train, validation, test }),
                    _ => Err(bad("ratios must be three numbers, e.g. `ratio:0.8,0.1,0.1`")),
                }
            }
            "temporal" => {
                let mut dates = rest.split(',').map(|d| Timestamp::parse(d).map(Timestamp::millis));
                let date_error = |e: aisle_domain::Error| bad(&e.to_string());
                let test_from =
                    dates.next().ok_or_else(|| bad("missing date"))?.map_err(date_error)?;
                let validation_from = dates.next().transpose().map_err(date_error)?;
                if dates.next().is_some() {
                    return Err(bad("give the test date, then optionally a validation date"));
                }
                Ok(SplitSpec::Temporal { test_from, validation_from })
            }
            "kfold" => {
                let (k, fold) = rest.split_once(':').ok_or_else(|| bad(SPLIT_FORMS))?;
                let k: usize = k.trim().parse().map_err(|_| bad("K must be a whole number"))?;
                let fold: usize =
                    fold.trim().parse().map_err(|_| bad("FOLD must be a whole number"))?;
                Ok(SplitSpec::KFold { k, fold })
            }
            _ => Err(bad(SPLIT_FORMS)),
        }?;
        spec.check().map_err(bad)?;
        Ok(spec)
    }

    /// What is wrong with the values, if anything (the variants can be built directly).
    pub(crate) fn check(&self) -> std::result::Result<(), &'static str> {
        match *self {
            SplitSpec::Ratio { train, validation, test } => {
                let ratios = [train, validation, test];
                if ratios.iter().all(|r| r.is_finite() && *r >= 0.0) && train > 0.0 && test > 0.0 {
                    Ok(())
                } else {
                    Err("three finite non-negative ratios with train and test above 0")
                }
            }
            SplitSpec::Temporal { test_from, validation_from: Some(v) } if v > test_from => {
                Err("the validation date must not be after the test date")
            }
            SplitSpec::KFold { k, fold } if k < 3 || fold >= k => {
                Err("K must be at least 3 and FOLD in 0..K (0-based)")
            }
            _ => Ok(()),
        }
    }

    /// One sentence for reports.
    pub fn describe(&self) -> String {
        match self {
            SplitSpec::LeaveOneOut => "leave-one-out by time: each user's latest interaction is the test \
                target, the one before it the validation target (users with fewer than 3 stay in train)"
                .to_string(),
            SplitSpec::Ratio { train, validation, test } => format!(
                "random per-user ratio split {train}/{validation}/{test} (RecBole RO rounding)"
            ),
            SplitSpec::Temporal { test_from, validation_from } => format!(
                "global temporal cut: test from {}, validation from {}",
                date(*test_from),
                validation_from.map_or("the last 10% of the training time span".to_string(), date)
            ),
            SplitSpec::KFold { k, fold } => format!(
                "random per-user {k}-fold: fold {fold} is test, fold {} validation",
                (fold + 1) % k
            ),
        }
    }
}

pub(crate) fn date(millis: i64) -> String {
    Timestamp::from_millis(millis).map_or_else(|_| format!("{millis} ms"), |t| t.to_rfc3339())
}

impl fmt::Display for SplitSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SplitSpec::LeaveOneOut => write!(f, "loo"),
            SplitSpec::Ratio { train, validation, test } => {
                write!(f, "ratio:{train},{validation},{test}")
            }
            SplitSpec::Temporal { test_from, validation_from: None } => {
                write!(f, "temporal:{}", date(*test_from))
            }
            SplitSpec::Temporal { test_from, validation_from: Some(v) } => {
                write!(f, "temporal:{},{}", date(*test_from), date(*v))
            }
            SplitSpec::KFold { k, fold } => write!(f, "kfold:{k}:{fold}"),
        }
    }
}
