//! Feature matrices and labelled datasets.
//!
//! A [`Matrix`] is dense, row-major `f32` with one name per column; `NaN` marks a missing value.
//! A [`Dataset`] is a matrix with one binary label per row. Constructors check shapes and labels;
//! nothing here reads files.

use crate::{Error, Result};

/// A dense row-major feature matrix with named columns; `NaN` is a missing value.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    names: Vec<String>,
    values: Vec<f32>,
    rows: usize,
}

impl Matrix {
    /// A matrix from column names and row-major values (`values.len()` must be a multiple of
    /// the number of names). Names must be distinct and non-empty.
    pub fn new(names: Vec<String>, values: Vec<f32>) -> Result<Self> {
        if names.is_empty() {
            return Err(Error::BadMatrix("no feature names given".into()));
        }
        check_names(&names)?;
        if values.len() % names.len() != 0 {
            return Err(Error::BadMatrix(format!(
                "{} values do not fill rows of {} features",
                values.len(),
                names.len()
            )));
        }
        let rows = values.len() / names.len();
        Ok(Self { names, values, rows })
    }

    /// A matrix from column names and rows, each as long as `names`.
    pub fn from_rows(names: Vec<String>, rows: &[Vec<f32>]) -> Result<Self> {
        let mut values = Vec::with_capacity(rows.len() * names.len());
        for (i, row) in rows.iter().enumerate() {
            if row.len() != names.len() {
                return Err(Error::BadMatrix(format!(
                    "row {i} has {} values, expected {}",
                    row.len(),
                    names.len()
                )));
            }
            values.extend_from_slice(row);
        }
        Self::new(names, values)
    }

    /// The column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// How many rows.
    pub fn n_rows(&self) -> usize {
        self.rows
    }

    /// How many features (columns).
    pub fn n_features(&self) -> usize {
        self.names.len()
    }

    /// Row `i`; panics if `i >= n_rows()`, like slice indexing.
    pub fn row(&self, i: usize) -> &[f32] {
        let d = self.names.len();
        &self.values[i * d..(i + 1) * d]
    }

    /// The rows, in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[f32]> + '_ {
        self.values.chunks_exact(self.names.len())
    }

    /// All values, row-major.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// The column index of a feature name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// A new matrix of the given rows, in the given order; panics on an out-of-range index.
    pub fn select_rows(&self, indices: &[usize]) -> Matrix {
        let mut values = Vec::with_capacity(indices.len() * self.names.len());
        for &i in indices {
            values.extend_from_slice(self.row(i));
        }
        Matrix { names: self.names.clone(), values, rows: indices.len() }
    }

    /// Checks that this matrix has exactly the given feature names, in order.
    pub(crate) fn check_names(&self, expected: &[String]) -> Result<()> {
        check_same_names(expected, &self.names)
    }
}

/// Checks that `found` is `expected`, naming the first difference.
pub(crate) fn check_same_names(expected: &[String], found: &[String]) -> Result<()> {
    if expected.len() != found.len() {
        return Err(Error::FeatureMismatch {
            reason: format!("model has {} features, data has {}", expected.len(), found.len()),
        });
    }
    if let Some(i) = (0..expected.len()).find(|&i| expected[i] != found[i]) {
        return Err(Error::FeatureMismatch {
            reason: format!("column {i} is `{}`, the model expects `{}`", found[i], expected[i]),
        });
    }
    Ok(())
}

fn check_names(names: &[String]) -> Result<()> {
    let mut sorted: Vec<&str> = names.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    if sorted.first().is_some_and(|n| n.is_empty()) {
        return Err(Error::BadMatrix("a feature name is empty".into()));
    }
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::BadMatrix(format!("feature name `{}` appears twice", w[0])));
    }
    Ok(())
}

/// A feature matrix with one binary label per row.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    x: Matrix,
    y: Vec<bool>,
}

impl Dataset {
    /// A dataset from a matrix and labels given as numbers, each exactly 0 or 1.
    pub fn new(x: Matrix, labels: &[f32]) -> Result<Self> {
        let mut y = Vec::with_capacity(labels.len());
        for (row, &value) in labels.iter().enumerate() {
            if value == 1.0 {
                y.push(true);
            } else if value == 0.0 {
                y.push(false);
            } else {
                return Err(Error::InvalidLabel { row, value });
            }
        }
        Self::from_bools(x, y)
    }

    /// A dataset from a matrix and boolean labels (`true` is the positive class).
    pub fn from_bools(x: Matrix, y: Vec<bool>) -> Result<Self> {
        if y.len() != x.n_rows() {
            return Err(Error::LengthMismatch {
                what: "labels for the matrix's rows",
                expected: x.n_rows(),
                found: y.len(),
            });
        }
        Ok(Self { x, y })
    }

    /// The features.
    pub fn x(&self) -> &Matrix {
        &self.x
    }

    /// The labels.
    pub fn labels(&self) -> &[bool] {
        &self.y
    }

    /// How many rows.
    pub fn n_rows(&self) -> usize {
        self.y.len()
    }

    /// The share of positive labels (`NaN` when empty).
    pub fn positive_rate(&self) -> f64 {
        self.y.iter().filter(|&&p| p).count() as f64 / self.y.len() as f64
    }

    /// A new dataset of the given rows, in the given order; panics on an out-of-range index.
    pub fn subset(&self, indices: &[usize]) -> Dataset {
        Dataset { x: self.x.select_rows(indices), y: indices.iter().map(|&i| self.y[i]).collect() }
    }

    /// Checks the dataset can train a binary classifier: rows present, both classes present.
    pub(crate) fn check_trainable(&self, what: &'static str) -> Result<()> {
        check_both_classes(&self.y, what)
    }
}

/// Errors unless `labels` is non-empty and holds both classes.
pub(crate) fn check_both_classes(labels: &[bool], what: &'static str) -> Result<()> {
    if labels.is_empty() {
        return Err(Error::Empty { what });
    }
    let positives = labels.iter().filter(|&&p| p).count();
    if positives == 0 || positives == labels.len() {
        return Err(Error::SingleClass {
            what,
            rows: labels.len(),
            class: u8::from(positives > 0),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("f{i}")).collect()
    }

    #[test]
    fn matrix_checks_shape_and_names() {
        assert!(Matrix::new(names(2), vec![1.0, 2.0, 3.0]).is_err());
        assert!(Matrix::new(vec![], vec![]).is_err());
        assert!(Matrix::new(vec!["a".into(), "a".into()], vec![]).is_err());
        let m = Matrix::new(names(2), vec![1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(m.n_rows(), 2);
        assert_eq!(m.row(1), &[3.0, 4.0]);
        assert_eq!(m.select_rows(&[1, 0]).row(0), &[3.0, 4.0]);
    }

    #[test]
    fn nan_label_is_an_error_naming_the_row() {
        let m = Matrix::new(names(1), vec![0.0, 1.0, 2.0]).unwrap();
        let err = Dataset::new(m, &[0.0, f32::NAN, 1.0]).unwrap_err();
        assert!(matches!(err, Error::InvalidLabel { row: 1, .. }), "{err}");
    }

    #[test]
    fn label_count_must_match_rows() {
        let m = Matrix::new(names(1), vec![0.0, 1.0]).unwrap();
        assert!(matches!(
            Dataset::new(m, &[1.0]),
            Err(Error::LengthMismatch { expected: 2, found: 1, .. })
        ));
    }
}
