//! Fused CPU kernels with hand-written gradients for the hot spots of training: softmax
//! cross-entropy over the whole catalog, attribute pooling, the attention softmax and LayerNorm.
//!
//! Built from candle's elementary operations these would each allocate and sweep several
//! temporaries the size of their input (for the catalog loss, positions x items); fused, the
//! forward pass is one sweep and the backward pass one more. Rows are processed in parallel.

mod attributes;
mod catalog_loss;
mod exp;

pub use attributes::{add_attributes, AttributePairs};
pub use catalog_loss::catalog_cross_entropy;

use candle_core::{CpuStorage, CustomOp1, CustomOp2, Layout, Shape, Tensor, D};
use rayon::prelude::*;

/// Rows at or above this many values are worth spreading over threads.
const PARALLEL_MIN: usize = 1 << 14;

pub(crate) fn contiguous<'a>(
    storage: &'a CpuStorage,
    layout: &Layout,
) -> candle_core::Result<&'a [f32]> {
    let all = storage.as_slice::<f32>()?;
    match layout.contiguous_offsets() {
        Some((start, end)) => Ok(&all[start..end]),
        None => candle_core::bail!("fused kernels need contiguous input"),
    }
}

/// Applies `f` to each `width`-long row of `out`, in parallel when the data is large.
fn for_rows(out: &mut [f32], width: usize, f: impl Fn(usize, &mut [f32]) + Sync + Send) {
    if out.len() >= PARALLEL_MIN {
        out.par_chunks_mut(width).enumerate().for_each(|(r, row)| f(r, row));
    } else {
        out.chunks_mut(width).enumerate().for_each(|(r, row)| f(r, row));
    }
}

/// Softmax over the last dimension, with its gradient.
pub fn softmax_last_dim(xs: &Tensor) -> candle_core::Result<Tensor> {
    xs.contiguous()?.apply_op1(Softmax)
}

struct Softmax;

impl CustomOp1 for Softmax {
    fn name(&self) -> &'static str {
        "softmax-last-dim"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let input = contiguous(s, l)?;
        let width = l.dims().last().copied().unwrap_or(1).max(1);
        let mut out = input.to_vec();
        for_rows(&mut out, width, |_, row| {
            let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let mut sum = 0.0;
            for x in row.iter_mut() {
                *x = (*x - max).exp();
                sum += *x;
            }
            let inv = 1.0 / sum;
            row.iter_mut().for_each(|x| *x *= inv);
        });
        Ok((CpuStorage::F32(out), l.shape().clone()))
    }

    fn bwd(
        &self,
        _arg: &Tensor,
        res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        // d softmax: y * (g - sum(g * y)).
        let dot = (grad * res)?.sum_keepdim(D::Minus1)?;
        Ok(Some((res * grad.broadcast_sub(&dot)?)?))
    }
}

/// LayerNorm over the last dimension without the affine part: `(x - mean) / sqrt(var + eps)`.
pub fn normalize_last_dim(xs: &Tensor, eps: f32) -> candle_core::Result<Tensor> {
    xs.contiguous()?.apply_op1(Normalize { eps })
}

struct Normalize {
    eps: f32,
}

fn moments(row: &[f32], eps: f32) -> (f32, f32) {
    let n = row.len() as f32;
    let mean = row.iter().sum::<f32>() / n;
    let var = row.iter().map(|&x| (x - mean) * (x - mean)).sum::<f32>() / n;
    (mean, 1.0 / (var + eps).sqrt())
}

impl CustomOp1 for Normalize {
    fn name(&self) -> &'static str {
        "normalize-last-dim"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let input = contiguous(s, l)?;
        let width = l.dims().last().copied().unwrap_or(1).max(1);
        let mut out = input.to_vec();
        for_rows(&mut out, width, |_, row| {
            let (mean, inv_std) = moments(row, self.eps);
            row.iter_mut().for_each(|x| *x = (*x - mean) * inv_std);
        });
        Ok((CpuStorage::F32(out), l.shape().clone()))
    }

    fn bwd(
        &self,
        arg: &Tensor,
        res: &Tensor,
        grad: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        let grad = grad.contiguous()?;
        Ok(Some(arg.apply_op2_no_bwd(
            &res.apply_op2_no_bwd(&grad, &NormalizeGrad)?,
            &InvStd { eps: self.eps },
        )?))
    }
}

/// Step one of LayerNorm's gradient: `g - mean(g) - y * mean(g * y)` from `y` and `g`.
struct NormalizeGrad;

impl CustomOp2 for NormalizeGrad {
    fn name(&self) -> &'static str {
        "normalize-grad"
    }

    fn cpu_fwd(
        &self,
        ys: &CpuStorage,
        yl: &Layout,
        gs: &CpuStorage,
        gl: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (y, g) = (contiguous(ys, yl)?, contiguous(gs, gl)?);
        let width = yl.dims().last().copied().unwrap_or(1).max(1);
        let mut out = g.to_vec();
        for_rows(&mut out, width, |r, row| {
            let yr = &y[r * width..(r + 1) * width];
            let n = width as f32;
            let mean_g = row.iter().sum::<f32>() / n;
            let mean_gy = row.iter().zip(yr).map(|(g, y)| g * y).sum::<f32>() / n;
            for (o, &yv) in row.iter_mut().zip(yr) {
                *o = *o - mean_g - yv * mean_gy;
            }
        });
        Ok((CpuStorage::F32(out), yl.shape().clone()))
    }
}

/// Step two: scales each row of the step-one result by the input row's `1 / std`.
struct InvStd {
    eps: f32,
}

impl CustomOp2 for InvStd {
    fn name(&self) -> &'static str {
        "normalize-grad-scale"
    }

    fn cpu_fwd(
        &self,
        xs: &CpuStorage,
        xl: &Layout,
        ps: &CpuStorage,
        pl: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (x, partial) = (contiguous(xs, xl)?, contiguous(ps, pl)?);
        let width = xl.dims().last().copied().unwrap_or(1).max(1);
        let mut out = partial.to_vec();
        for_rows(&mut out, width, |r, row| {
            let (_, inv_std) = moments(&x[r * width..(r + 1) * width], self.eps);
            row.iter_mut().for_each(|v| *v *= inv_std);
        });
        Ok((CpuStorage::F32(out), xl.shape().clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{Device, Var};

    /// Compares a fused op's gradient with the same function built from candle's own operations.
    fn check_grad(
        fused: impl Fn(&Tensor) -> candle_core::Result<Tensor>,
        reference: impl Fn(&Tensor) -> candle_core::Result<Tensor>,
        shape: (usize, usize),
    ) {
        let n = shape.0 * shape.1;
        let values: Vec<f32> = (0..n).map(|i| ((i * 37 % 11) as f32 - 5.0) * 0.3).collect();
        let x = Var::from_vec(values, shape, &Device::Cpu).expect("var");
        let weights: Vec<f32> = (0..n).map(|i| (i % 7) as f32 * 0.1 - 0.3).collect();
        let w = Tensor::from_vec(weights, shape, &Device::Cpu).expect("weights");
        let loss = |y: Tensor| -> Tensor {
            if y.rank() == 0 {
                y
            } else {
                (y * &w).expect("mul").sum_all().expect("sum")
            }
        };
        let fused_out = loss(fused(x.as_tensor()).expect("fused"));
        let reference_out = loss(reference(x.as_tensor()).expect("reference"));
        let a = fused_out.to_scalar::<f32>().expect("scalar");
        let b = reference_out.to_scalar::<f32>().expect("scalar");
        assert!((a - b).abs() < 1e-4, "forward {a} vs {b}");
        let ga = fused_out.backward().expect("bwd").get(&x).expect("grad").flatten_all().unwrap();
        let gb =
            reference_out.backward().expect("bwd").get(&x).expect("grad").flatten_all().unwrap();
        let (ga, gb) = (ga.to_vec1::<f32>().unwrap(), gb.to_vec1::<f32>().unwrap());
        for (p, q) in ga.iter().zip(&gb) {
            assert!((p - q).abs() < 1e-4, "gradient {p} vs {q}");
        }
    }

    #[test]
    fn softmax_matches_candle() {
        check_grad(softmax_last_dim, |x| candle_nn::ops::softmax(x, D::Minus1), (4, 6));
    }

    #[test]
    fn normalize_matches_candle() {
        let reference = |x: &Tensor| {
            let mean = x.mean_keepdim(D::Minus1)?;
            let centred = x.broadcast_sub(&mean)?;
            let var = centred.sqr()?.mean_keepdim(D::Minus1)?;
            centred.broadcast_div(&(var + 1e-5)?.sqrt()?)
        };
        check_grad(|x| normalize_last_dim(x, 1e-5), reference, (3, 8));
    }
}
