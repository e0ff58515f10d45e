//! What every model here shares: the [`Classifier`] trait (margins, probabilities, reasons),
//! the [`Explanation`] of one prediction, and the model-file envelope.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::dataset::Matrix;
use crate::{Error, Result};

/// The logistic function, computed without overflow for large `|x|`.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// The log-odds of a probability, clamped away from 0 and 1 so it stays finite.
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-15, 1.0 - 1e-15);
    (p / (1.0 - p)).ln()
}

pub(crate) mod sealed {
    /// The unchecked scoring the public methods of [`super::Classifier`] build on. It is
    /// unnameable outside the crate, so callers always go through the checked methods.
    pub trait Raw {
        /// The margin (log-odds) of a row already checked to have the model's width.
        fn raw_margin(&self, row: &[f32]) -> f64;
        /// The bias and one additive contribution per feature, summing to the margin.
        fn raw_contributions(&self, row: &[f32]) -> (f64, Vec<f64>);
    }
}

/// A trained binary classifier: margins (log-odds), probabilities and per-prediction reasons.
///
/// Rows are `f32` slices in the order of [`Classifier::feature_names`]; `NaN` is missing.
pub trait Classifier: sealed::Raw {
    /// The features the model was trained on, in column order.
    fn feature_names(&self) -> &[String];

    /// The margin (log-odds) of one row.
    fn margin_row(&self, row: &[f32]) -> Result<f64> {
        self.check_row(row)?;
        Ok(self.raw_margin(row))
    }

    /// The probability of the positive class for one row.
    fn probability_row(&self, row: &[f32]) -> Result<f64> {
        Ok(sigmoid(self.margin_row(row)?))
    }

    /// The margins of every row of `x`, whose feature names must be the model's.
    fn predict_margin(&self, x: &Matrix) -> Result<Vec<f64>> {
        x.check_names(self.feature_names())?;
        Ok(x.rows().map(|row| self.raw_margin(row)).collect())
    }

    /// The positive-class probabilities of every row of `x`.
    fn predict_proba(&self, x: &Matrix) -> Result<Vec<f64>> {
        Ok(self.predict_margin(x)?.into_iter().map(sigmoid).collect())
    }

    /// Why the model scored `row` as it did: a bias plus one contribution per feature, summing
    /// to the margin; contributions sorted by size, zeros left out.
    fn explain_row(&self, row: &[f32]) -> Result<Explanation> {
        self.check_row(row)?;
        let (bias, dense) = self.raw_contributions(row);
        let margin = self.raw_margin(row);
        let mut contributions: Vec<Contribution> = dense
            .iter()
            .enumerate()
            .filter(|(_, &c)| c != 0.0)
            .map(|(index, &contribution)| Contribution {
                index,
                feature: self.feature_names()[index].clone(),
                value: row[index],
                contribution,
            })
            .collect();
        contributions.sort_by(|a, b| {
            b.contribution.abs().total_cmp(&a.contribution.abs()).then(a.index.cmp(&b.index))
        });
        Ok(Explanation { bias, margin, contributions })
    }

    /// Errors unless `row` has one value per feature.
    fn check_row(&self, row: &[f32]) -> Result<()> {
        if row.len() != self.feature_names().len() {
            return Err(Error::LengthMismatch {
                what: "row values for the model's features",
                expected: self.feature_names().len(),
                found: row.len(),
            });
        }
        Ok(())
    }
}

/// One feature's share of a prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The feature's column.
    pub index: usize,
    /// The feature's name.
    pub feature: String,
    /// The row's value of the feature (`NaN` if missing).
    pub value: f32,
    /// How much it moved the margin (log-odds); positive pushes towards the positive class.
    pub contribution: f64,
}

/// Why one row got its score: `margin = bias + Σ contributions` (up to float rounding).
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The margin before any feature is looked at (the model's prior log-odds).
    pub bias: f64,
    /// The row's margin (log-odds).
    pub margin: f64,
    /// Non-zero contributions, largest magnitude first.
    pub contributions: Vec<Contribution>,
}

impl Explanation {
    /// The positive-class probability.
    pub fn probability(&self) -> f64 {
        sigmoid(self.margin)
    }

    /// The `k` largest contributions (fewer if fewer are non-zero).
    pub fn top(&self, k: usize) -> &[Contribution] {
        &self.contributions[..k.min(self.contributions.len())]
    }
}

/// The envelope of every model file: a format name and version, then the model.
#[derive(Serialize, Deserialize)]
struct ModelFile<T> {
    format: String,
    version: u32,
    model: T,
}

/// The model as a JSON document tagged with `format` and `version`.
pub(crate) fn to_json<T: Serialize>(format: &str, version: u32, model: &T) -> Result<String> {
    let file = ModelFile { format: format.to_string(), version, model };
    serde_json::to_string(&file)
        .map_err(|e| Error::BadModel { what: format.to_string(), reason: e.to_string() })
}

/// Reads a model document written by [`to_json`], checking its format and version.
pub(crate) fn from_json<T: DeserializeOwned>(
    what: &str,
    format: &str,
    version: u32,
    text: &str,
) -> Result<T> {
    #[derive(Deserialize)]
    struct Header {
        format: String,
        version: u32,
    }
    let bad = |reason: String| Error::BadModel { what: what.to_string(), reason };
    let header: Header =
        serde_json::from_str(text).map_err(|e| bad(format!("not a model file ({e})")))?;
    if header.format != format {
        return Err(bad(format!("is a `{}` file, expected `{format}`", header.format)));
    }
    if header.version != version {
        return Err(bad(format!(
            "is version {} of `{format}`; this build reads version {version}",
            header.version
        )));
    }
    let file: ModelFile<T> = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    Ok(file.model)
}

pub(crate) fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text)
        .map_err(|source| Error::Io { path: path.display().to_string(), source })
}

pub(crate) fn read_file(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|source| Error::Io { path: path.display().to_string(), source })
}

/// Serde helpers writing floats as decimal strings that parse back to the same bits.
///
/// JSON numbers would be the natural choice, but serde_json's default number parser may land a
/// unit in the last place away from the written value; a loaded model must predict exactly as
/// the saved one did, so floats travel as Rust's shortest round-trip text.
pub(crate) mod exact {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) mod f64 {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&format!("{v:?}"))
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
            let text = String::deserialize(d)?;
            text.parse().map_err(serde::de::Error::custom)
        }
    }

    pub(crate) mod f32 {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(v: &f32, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&format!("{v:?}"))
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
            let text = String::deserialize(d)?;
            text.parse().map_err(serde::de::Error::custom)
        }
    }

    pub(crate) mod option_f64 {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
            match v {
                Some(x) => s.serialize_some(&format!("{x:?}")),
                None => s.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<f64>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|t| t.parse().map_err(serde::de::Error::custom))
                .transpose()
        }
    }

    pub(crate) mod vec_f64 {
        use super::*;
        use serde::ser::SerializeSeq;

        pub(crate) fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
            let mut seq = s.serialize_seq(Some(v.len()))?;
            for x in v {
                seq.serialize_element(&format!("{x:?}"))?;
            }
            seq.end()
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
            let texts = Vec::<String>::deserialize(d)?;
            texts.iter().map(|t| t.parse().map_err(serde::de::Error::custom)).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_stable_and_logit_inverts_it() {
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert!((logit(sigmoid(1.7)) - 1.7).abs() < 1e-12);
    }

    #[test]
    fn exact_floats_round_trip_bits() {
        #[derive(Serialize, Deserialize)]
        struct Floats {
            #[serde(with = "exact::vec_f64")]
            v: Vec<f64>,
            #[serde(with = "exact::f32")]
            t: f32,
        }
        let v = vec![0.1 + 0.2, 1e-300, -7.123456789012345e17, f64::INFINITY, 5e-324];
        let text = serde_json::to_string(&Floats { v: v.clone(), t: 0.3 }).unwrap();
        let back: Floats = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back.v.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            v.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
        assert_eq!(back.t, 0.3);
    }
}
