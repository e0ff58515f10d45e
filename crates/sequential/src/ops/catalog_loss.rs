//! The output layer and its loss in one kernel: logits of every catalog item for each position,
//! softmax cross-entropy against the next item, and both gradients, computed a block of rows at
//! a time so the positions x items logits never exist in full (on Amazon Beauty that would be
//! 36 MB per step, allocated, zeroed and swept several times by a generic graph).

use std::sync::{Arc, Mutex};

use candle_core::{CpuStorage, CustomOp2, Layout, Shape, Tensor};
use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
use rayon::prelude::*;

use super::contiguous;
use super::exp::{exp, max_of, sum_of};

/// Rows of logits computed at once: big enough for efficient matrix products, small enough to
/// stay in cache (256 x 12k items is 12 MB).
const BLOCK_ROWS: usize = 256;

/// Mean cross-entropy of `softmax(hidden @ table^T)` against `targets` (one row of `table` per
/// row of `hidden`). `hidden` is (rows, dim), `table` is (classes, dim).
pub fn catalog_cross_entropy(
    hidden: &Tensor,
    table: &Tensor,
    targets: &[u32],
) -> candle_core::Result<Tensor> {
    let (rows, dim) = hidden.dims2()?;
    let (classes, table_dim) = table.dims2()?;
    if rows != targets.len() || rows == 0 || dim != table_dim {
        candle_core::bail!(
            "catalog loss: {rows}x{dim} hidden, {classes}x{table_dim} table, {} targets",
            targets.len()
        );
    }
    if let Some(&bad) = targets.iter().find(|&&t| t as usize >= classes) {
        candle_core::bail!("target class {bad} is outside {classes} classes");
    }
    let op = CatalogLoss { targets: Arc::new(targets.to_vec()), grads: Arc::default() };
    hidden.contiguous()?.apply_op2(&table.contiguous()?, op)
}

type Grads = Option<(Vec<f32>, Vec<f32>)>;

struct CatalogLoss {
    targets: Arc<Vec<u32>>,
    /// Gradients of the mean loss with respect to hidden and table, from the forward pass.
    grads: Arc<Mutex<Grads>>,
}

impl CustomOp2 for CatalogLoss {
    fn name(&self) -> &'static str {
        "catalog-cross-entropy"
    }

    fn cpu_fwd(
        &self,
        hs: &CpuStorage,
        hl: &Layout,
        ts: &CpuStorage,
        tl: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (hidden, table) = (contiguous(hs, hl)?, contiguous(ts, tl)?);
        let (rows, dim) = (hl.dims()[0], hl.dims()[1]);
        let classes = tl.dims()[0];
        let table_view = MatRef::from_row_major_slice(table, classes, dim);
        let scale = 1.0 / rows as f32;
        let mut d_hidden = vec![0f32; rows * dim];
        // One contiguous share of rows per thread, each worked through in blocks with
        // single-threaded products (which beats splitting every product across threads) and its
        // own table gradient; the shares' gradients and losses are then summed in share order,
        // so the result does not depend on scheduling.
        let threads = rayon::current_num_threads().max(1);
        let share = rows.div_ceil(threads);
        let partials: Vec<(Vec<f32>, f64)> = hidden
            .par_chunks(share * dim)
            .zip(d_hidden.par_chunks_mut(share * dim))
            .zip(self.targets.par_chunks(share))
            .map(|((rows_hidden, rows_d_hidden), rows_targets)| {
                let mut d_table = vec![0f32; classes * dim];
                let mut logits = Vec::new();
                let mut loss = 0f64;
                let blocks = rows_hidden
                    .chunks(BLOCK_ROWS * dim)
                    .zip(rows_d_hidden.chunks_mut(BLOCK_ROWS * dim))
                    .zip(rows_targets.chunks(BLOCK_ROWS));
                for ((block, d_block), targets) in blocks {
                    loss += block_step(
                        block,
                        d_block,
                        targets,
                        table_view,
                        &mut d_table,
                        &mut logits,
                        scale,
                    );
                }
                (d_table, loss)
            })
            .collect();
        let mut d_table = vec![0f32; classes * dim];
        let mut loss = 0f64;
        for (partial, partial_loss) in partials {
            d_table.iter_mut().zip(&partial).for_each(|(x, y)| *x += y);
            loss += partial_loss;
        }
        if let Ok(mut slot) = self.grads.lock() {
            *slot = Some((d_hidden, d_table));
        }
        Ok((CpuStorage::F32(vec![(loss / rows as f64) as f32]), Shape::from(())))
    }

    fn bwd(
        &self,
        hidden: &Tensor,
        table: &Tensor,
        _res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<(Option<Tensor>, Option<Tensor>)> {
        let Some((d_hidden, d_table)) = self.grads.lock().ok().and_then(|mut g| g.take()) else {
            candle_core::bail!("catalog loss: backward ran twice or before forward");
        };
        let g = f64::from(grad.to_scalar::<f32>()?);
        let d_hidden = (Tensor::from_vec(d_hidden, hidden.shape(), hidden.device())? * g)?;
        let d_table = (Tensor::from_vec(d_table, table.shape(), table.device())? * g)?;
        Ok((Some(d_hidden), Some(d_table)))
    }
}

/// One block of rows: logits, their softmax gradient, and both products of the gradient.
/// Returns the block's summed loss.
fn block_step(
    block: &[f32],
    d_block: &mut [f32],
    targets: &[u32],
    table: MatRef<'_, f32>,
    d_table: &mut [f32],
    logits: &mut Vec<f32>,
    scale: f32,
) -> f64 {
    let (n, classes, dim) = (targets.len(), table.nrows(), table.ncols());
    logits.resize(n * classes, 0.0);
    let block = MatRef::from_row_major_slice(block, n, dim);
    matmul(
        MatMut::from_row_major_slice_mut(logits, n, classes),
        Accum::Replace,
        block,
        table.transpose(),
        1.0,
        Par::Seq,
    );
    let arch = pulp::Arch::new();
    let mut loss = 0f64;
    for (row, &target) in logits.chunks_mut(classes).zip(targets) {
        // Dispatch compiles the row loops for the CPU's widest vectors.
        loss += arch.dispatch(
            #[inline(always)]
            || softmax_gradient_row(row, target as usize, scale),
        );
    }
    let grad = MatRef::from_row_major_slice(logits, n, classes);
    matmul(
        MatMut::from_row_major_slice_mut(d_block, n, dim),
        Accum::Replace,
        grad,
        table,
        1.0,
        Par::Seq,
    );
    matmul(
        MatMut::from_row_major_slice_mut(d_table, classes, dim),
        Accum::Add,
        grad.transpose(),
        block,
        1.0,
        Par::Seq,
    );
    loss
}

/// Turns one row of logits into `scale * (softmax - one_hot(target))` in place and returns the
/// row's loss, `logsumexp - logit[target]`.
#[inline(always)]
fn softmax_gradient_row(row: &mut [f32], target: usize, scale: f32) -> f64 {
    let max = max_of(row);
    let target_logit = row[target];
    row.iter_mut().for_each(|x| *x = exp(*x - max));
    let sum = sum_of(row);
    let weight = scale / sum;
    row.iter_mut().for_each(|x| *x *= weight);
    row[target] -= scale;
    f64::from(max + sum.ln() - target_logit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Var};

    #[test]
    fn matches_candle_loss_and_gradients() {
        let device = Device::Cpu;
        let values = |n: usize, k: usize| -> Vec<f32> {
            (0..n).map(|i| ((i * k % 13) as f32 - 6.0) * 0.1).collect()
        };
        // 300 rows crosses a block boundary.
        let (rows, dim, classes) = (300, 4, 7);
        let targets: Vec<u32> = (0..rows).map(|r| (r * 5 % classes) as u32).collect();
        let h = Var::from_vec(values(rows * dim, 7), (rows, dim), &device).unwrap();
        let t = Var::from_vec(values(classes * dim, 3), (classes, dim), &device).unwrap();
        let ours = catalog_cross_entropy(&h, &t, &targets).unwrap();
        let logits = h.matmul(&t.t().unwrap()).unwrap();
        let target_tensor = Tensor::new(targets.as_slice(), &device).unwrap();
        let reference = candle_nn::loss::cross_entropy(&logits, &target_tensor).unwrap();
        let (a, b) = (ours.to_scalar::<f32>().unwrap(), reference.to_scalar::<f32>().unwrap());
        assert!((a - b).abs() < 1e-5, "loss {a} vs {b}");
        let (ga, gb) = (ours.backward().unwrap(), reference.backward().unwrap());
        for var in [&h, &t] {
            let x = ga.get(var).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
            let y = gb.get(var).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
            for (p, q) in x.iter().zip(&y) {
                assert!((p - q).abs() < 1e-6, "gradient {p} vs {q}");
            }
        }
    }
}
