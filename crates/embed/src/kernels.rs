//! The element-wise and row-wise pieces of the forward pass, written as plain loops without
//! calls or branches so the compiler vectorises them (callers run them under `pulp`'s dispatch,
//! which compiles them for the CPU's vector width). libm's scalar `erff` and `expf` would
//! otherwise cost a tenth of the forward pass. No matrix products (faer does those) and no
//! knowledge of layers.

/// Independent accumulators for the reductions below: one running float sum cannot be
/// vectorised without changing its rounding order, eight lanes can.
const LANES: usize = 8;

const LOG2_E: f32 = std::f32::consts::LOG2_E;
/// ln 2 split in two so that `x - n ln 2` keeps its precision (Cody and Waite).
const LN2_HIGH: f32 = 0.693_145_75;
const LN2_LOW: f32 = 1.428_606_8e-6;
/// Adding and subtracting 1.5 * 2^23 rounds a float to the nearest integer without a call.
const ROUNDER: f32 = 12_582_912.0;

/// `e^x`, relative error below 3e-7; inputs are clamped to [-87, 88].
#[inline(always)]
pub(crate) fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    let shifted = x * LOG2_E + ROUNDER;
    let n = shifted - ROUNDER;
    let r = x - n * LN2_HIGH - n * LN2_LOW;
    // Taylor terms to r^6 on |r| <= ln(2)/2.
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // 2^n, built from the bits of `shifted`, whose low mantissa bits hold n: a float-to-int
    // conversion (`n as i32`, which saturates) would keep the loop from being vectorised.
    let two_to_n = f32::from_bits(shifted.to_bits().wrapping_add(127) << 23);
    p * two_to_n
}

/// The error function, absolute error below 5e-7 (Abramowitz and Stegun 7.1.26, 1.5e-7,
/// plus single-precision rounding).
#[inline(always)]
pub(crate) fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_8 + t * (-1.453_152 + t * 1.061_405_4))));
    let magnitude = 1.0 - poly * exp(-a * a);
    magnitude.copysign(x)
}

/// `tanh(x)` through `exp`, for the tanh form of GELU.
#[inline(always)]
fn tanh(x: f32) -> f32 {
    let e = exp(-2.0 * x.abs());
    ((1.0 - e) / (1.0 + e)).copysign(x)
}

/// GELU with the exact normal CDF, in place.
#[inline(always)]
pub(crate) fn gelu(values: &mut [f32]) {
    for v in values {
        *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2));
    }
}

/// GELU's tanh approximation, in place.
#[inline(always)]
pub(crate) fn gelu_tanh(values: &mut [f32]) {
    const SQRT_2_OVER_PI: f32 = 0.797_884_6;
    for v in values {
        let x = *v;
        *v = 0.5 * x * (1.0 + tanh(SQRT_2_OVER_PI * (x + 0.044_715 * x * x * x)));
    }
}

/// `max(x, 0)`, in place.
#[inline(always)]
pub(crate) fn relu(values: &mut [f32]) {
    for v in values {
        *v = v.max(0.0);
    }
}

/// The sum.
#[inline(always)]
pub(crate) fn sum(values: &[f32]) -> f32 {
    let mut lanes = [0f32; LANES];
    let (chunks, tail) = values.as_chunks::<LANES>();
    for chunk in chunks {
        for k in 0..LANES {
            lanes[k] += chunk[k];
        }
    }
    tail.iter().sum::<f32>() + lanes.iter().sum::<f32>()
}

/// The dot product.
#[inline(always)]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; LANES];
    let ((chunks_a, tail_a), (chunks_b, tail_b)) = (a.as_chunks::<LANES>(), b.as_chunks::<LANES>());
    for (x, y) in chunks_a.iter().zip(chunks_b) {
        for k in 0..LANES {
            lanes[k] += x[k] * y[k];
        }
    }
    let tail: f32 = tail_a.iter().zip(tail_b).map(|(x, y)| x * y).sum();
    tail + lanes.iter().sum::<f32>()
}

/// `y += alpha * x`.
#[inline(always)]
pub(crate) fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    y.iter_mut().zip(x).for_each(|(y, x)| *y += alpha * x);
}

/// LayerNorm of one row, in place: `(x - mean) / sqrt(var + eps) * gamma + beta`.
#[inline(always)]
pub(crate) fn layer_norm(row: &mut [f32], gamma: &[f32], beta: &[f32], eps: f32) {
    let n = row.len().max(1) as f32;
    let mean = sum(row) / n;
    row.iter_mut().for_each(|v| *v -= mean);
    let variance = dot(row, row) / n;
    let scale = 1.0 / (variance + eps).sqrt();
    for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
        *v = *v * scale * g + b;
    }
}

/// Softmax of one row, in place (an empty row stays empty).
#[inline(always)]
pub(crate) fn softmax(row: &mut [f32]) {
    let mut max = f32::NEG_INFINITY;
    for &v in row.iter() {
        // A plain comparison (not `f32::max`, whose NaN rule blocks SIMD).
        if v > max {
            max = v;
        }
    }
    row.iter_mut().for_each(|v| *v = exp(*v - max));
    let scale = 1.0 / sum(row);
    row.iter_mut().for_each(|v| *v *= scale);
}

/// Scales a vector to unit Euclidean length; the zero vector stays zero.
pub(crate) fn normalize(values: &mut [f32]) {
    let norm = dot(values, values).sqrt();
    if norm > 0.0 {
        values.iter_mut().for_each(|v| *v /= norm);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs from -8 to 8 in uneven steps.
    fn grid() -> impl Iterator<Item = f32> {
        (0..16_000).map(|i| -8.0 + i as f32 * 0.001_000_3)
    }

    #[test]
    fn exp_matches_the_standard_library() {
        for x in grid().map(|x| x * 10.0) {
            let (ours, std) = (exp(x), x.exp());
            assert!(((ours - std) / std).abs() < 3e-7, "exp({x}) = {ours}, not {std}");
        }
    }

    #[test]
    fn erf_matches_libm() {
        for x in grid() {
            let (ours, reference) = (erf(x), libm::erf(f64::from(x)) as f32);
            assert!((ours - reference).abs() < 5e-7, "erf({x}) = {ours}, not {reference}");
        }
    }

    #[test]
    fn gelu_forms_match_their_definitions() {
        let inputs: Vec<f32> = grid().collect();
        let (mut exact, mut approx) = (inputs.clone(), inputs.clone());
        gelu(&mut exact);
        gelu_tanh(&mut approx);
        for ((x, e), a) in inputs.iter().zip(&exact).zip(&approx) {
            let x64 = f64::from(*x);
            let want_exact = 0.5 * x64 * (1.0 + libm::erf(x64 / 2f64.sqrt()));
            let inner = (2.0 / std::f64::consts::PI).sqrt() * (x64 + 0.044715 * x64.powi(3));
            let want_approx = 0.5 * x64 * (1.0 + inner.tanh());
            assert!((f64::from(*e) - want_exact).abs() < 1e-6, "gelu({x}) = {e}");
            assert!((f64::from(*a) - want_approx).abs() < 1e-6, "gelu_tanh({x}) = {a}");
        }
    }

    #[test]
    fn row_operations_match_their_definitions() {
        let mut row: Vec<f32> = (0..13).map(|i| (i as f32 * 0.7).sin() * 3.0).collect();
        let original = row.clone();
        let gamma: Vec<f32> = (0..13).map(|i| 1.0 + i as f32 * 0.1).collect();
        let beta: Vec<f32> = (0..13).map(|i| i as f32 * -0.05).collect();
        layer_norm(&mut row, &gamma, &beta, 1e-12);
        let mean = original.iter().sum::<f32>() / 13.0;
        let var = original.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / 13.0;
        for (i, v) in row.iter().enumerate() {
            let want = (original[i] - mean) / var.sqrt() * gamma[i] + beta[i];
            assert!((v - want).abs() < 1e-5, "layer norm [{i}] = {v}, not {want}");
        }

        let mut probabilities = original.clone();
        softmax(&mut probabilities);
        let total: f32 = original.iter().map(|v| v.exp()).sum();
        for (p, v) in probabilities.iter().zip(&original) {
            assert!((p - v.exp() / total).abs() < 1e-6);
        }

        let squares: f32 = original.iter().map(|v| v * v).sum();
        assert!((dot(&original, &original) - squares).abs() < 1e-4);
        let mut unit = original.clone();
        normalize(&mut unit);
        assert!((dot(&unit, &unit) - 1.0).abs() < 1e-6);
        let mut zero = vec![0f32; 5];
        normalize(&mut zero);
        assert_eq!(zero, vec![0f32; 5]);
    }
}
