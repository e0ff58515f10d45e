//! The inner product of two `f32` vectors, the one hot loop of the graph.
//!
//! Written so the compiler vectorises it without `unsafe` or intrinsics: a float sum is not
//! associative, so a plain `zip().map().sum()` must add in order and stays scalar. Keeping
//! independent partial sums gives the optimiser permission to use SIMD lanes, and having
//! several of them hides the latency of each addition. It is not a distance: larger is closer.

/// Independent partial sums: four 128-bit registers, or two 256-bit ones. One flat block:
/// nested blocks (`[[f32; 8]; 4]`) led LLVM to load two floats at a time instead of four.
const LANES: usize = 16;

/// `Σ a[i]·b[i]` over the shorter of the two slices.
pub(super) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let len = a.len().min(b.len());
    let (a, b) = (&a[..len], &b[..len]);
    let mut partial = [0.0f32; LANES];
    let a_blocks = a.chunks_exact(LANES);
    let b_blocks = b.chunks_exact(LANES);
    let (a_tail, b_tail) = (a_blocks.remainder(), b_blocks.remainder());
    for (x, y) in a_blocks.zip(b_blocks) {
        for ((sum, x), y) in partial.iter_mut().zip(x).zip(y) {
            *sum += x * y;
        }
    }
    let mut sum: f32 = partial.iter().sum();
    for (x, y) in a_tail.iter().zip(b_tail) {
        sum += x * y;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::dot;

    fn naive(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum::<f64>() as f32
    }

    #[test]
    fn matches_naive_sum_for_every_tail_length() {
        for len in 0..100 {
            let a: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..len).map(|i| (i as f32 * 0.11).cos()).collect();
            assert!((dot(&a, &b) - naive(&a, &b)).abs() < 1e-4, "length {len}");
        }
    }

    #[test]
    fn uses_the_shorter_slice() {
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[1.0, 1.0]), 3.0);
    }
}
