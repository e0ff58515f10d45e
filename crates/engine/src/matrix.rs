//! The matrix job: build the user-item interaction matrix from the store, as training will.

use std::time::Instant;

use aisle_store::MatrixOptions;
use serde::Serialize;

use crate::{Engine, Result};

/// Which matrix to build.
#[derive(Debug, Clone, Copy, Default)]
pub struct MatrixRequest {
    /// Add anonymous sessions as rows after the users.
    pub include_sessions: bool,
    /// Override the configured half-life of event weights, in days.
    pub half_life_days: Option<f32>,
}

/// The shape of the built matrix and what it cost; serialized for `aisle matrix --json`.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixReport {
    /// Rows (users, then sessions if included).
    pub rows: usize,
    /// Item columns.
    pub items: usize,
    /// Stored (row, item) pairs.
    pub nnz: usize,
    /// nnz / (rows * items).
    pub density: f64,
    /// Bytes held by the matrix arrays.
    pub matrix_bytes: usize,
    /// Seconds to scan the store and build the matrix.
    pub seconds: f64,
}

impl Engine {
    /// Builds the interaction matrix with the configured event weights.
    pub fn matrix(
        &self,
        request: MatrixRequest,
    ) -> Result<(aisle_domain::InteractionMatrix, MatrixReport)> {
        let started = Instant::now();
        let mut weights = self.config.weights.clone();
        if request.half_life_days.is_some() {
            weights.half_life_days = request.half_life_days;
        }
        let options = MatrixOptions {
            weights,
            include_sessions: request.include_sessions,
            since: None,
            until: None,
        };
        let matrix = self.store.interaction_matrix(&options)?;
        let cells = (matrix.n_rows as f64) * (matrix.n_items as f64);
        let report = MatrixReport {
            rows: matrix.n_rows,
            items: matrix.n_items,
            nnz: matrix.nnz(),
            density: if cells > 0.0 { matrix.nnz() as f64 / cells } else { 0.0 },
            matrix_bytes: matrix.heap_bytes(),
            seconds: started.elapsed().as_secs_f64(),
        };
        Ok((matrix, report))
    }
}
