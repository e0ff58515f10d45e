//! The BERT forward pass over a packed batch: the batch's token sequences laid end to end, with
//! no padding, so every matrix product works on real tokens only and attention runs within each
//! sequence (no mask needed). Products go to faer, whose kernels use the CPU's widest vectors
//! (AVX-512 where present); the rest is `kernels.rs` under `pulp` dispatch. Knows nothing of
//! text, tokenizers or threads: the caller hands it token ids and picks the parallelism.

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};

use crate::config::{Activation, ModelConfig, Pooling};
use crate::kernels;
use crate::weights::{Linear, Norm, Weights};

/// Sequences at least this long compute attention with matrix products; shorter ones with
/// plain loops, which beat a product's set-up cost at title lengths.
const PRODUCT_ATTENTION_MIN: usize = 32;

/// The forward pass's working buffers, kept between batches: allocated afresh, their pages
/// would be faulted in and zeroed by the kernel for every batch (5% of the time). Every buffer
/// is overwritten before it is read, so stale contents do not matter.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    x: Vec<f32>,
    qkv: Vec<f32>,
    context: Vec<f32>,
    inner: Vec<f32>,
    attention: Vec<f32>,
}

/// The first `len` values of `buffer`, grown if needed.
fn fit(buffer: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if buffer.len() < len {
        buffer.resize(len, 0.0);
    }
    &mut buffer[..len]
}

/// A loaded network.
pub(crate) struct Bert {
    config: ModelConfig,
    weights: Weights,
    simd: pulp::Arch,
}

impl Bert {
    pub(crate) fn new(config: ModelConfig, weights: Weights) -> Bert {
        Bert { config, weights, simd: pulp::Arch::new() }
    }

    pub(crate) fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// Embeds each sequence of token ids into `hidden` values of `out`, pooled and L2-normalised.
    /// Ids past the vocabulary are read as id 0 and tokens past the position table are dropped
    /// (the encoder's tokenizer produces neither); an empty sequence gives the zero vector.
    pub(crate) fn embed(
        &self,
        sequences: &[&[u32]],
        out: &mut [f32],
        par: Par,
        scratch: &mut Scratch,
    ) {
        let arch = &self.config.arch;
        let (h, inner_width) = (arch.hidden, arch.intermediate);
        let lengths: Vec<usize> =
            sequences.iter().map(|s| s.len().min(self.config.positions)).collect();
        let tokens: usize = lengths.iter().sum();
        let Scratch { x, qkv, context, inner, attention } = scratch;
        let x = fit(x, tokens * h);
        let qkv = fit(qkv, tokens * 3 * h);
        let context = fit(context, tokens * h);
        let inner = fit(inner, tokens * inner_width);
        self.embeddings(sequences, &lengths, x);
        let eps = self.config.layer_norm_eps;
        for layer in &self.weights.layers {
            dense(qkv, x, &layer.qkv, false, par);
            self.attend(qkv, &lengths, context, attention, par);
            // The residual connection: x becomes x + bias + context W^T.
            dense(x, context, &layer.attention_out, true, par);
            self.normalize_rows(x, &layer.attention_norm, eps);
            dense(inner, x, &layer.intermediate, false, par);
            self.activate(inner);
            dense(x, inner, &layer.output, true, par);
            self.normalize_rows(x, &layer.output_norm, eps);
        }
        self.pool(x, &lengths, out);
    }

    /// Word plus position (plus token type) embeddings, LayerNormed: `tokens x hidden`.
    fn embeddings(&self, sequences: &[&[u32]], lengths: &[usize], x: &mut [f32]) {
        let h = self.config.arch.hidden;
        let last_id = self.config.arch.vocab - 1;
        let weights = &self.weights;
        let ids =
            sequences.iter().zip(lengths).flat_map(|(seq, &len)| seq[..len].iter().enumerate());
        for (row, (position, &id)) in x.chunks_exact_mut(h).zip(ids) {
            let id = if id as usize <= last_id { id as usize } else { 0 };
            let word = &weights.words[id * h..(id + 1) * h];
            let place = &weights.positions[position * h..(position + 1) * h];
            for ((v, w), p) in row.iter_mut().zip(word).zip(place) {
                *v = w + p;
            }
        }
        self.normalize_rows(x, &weights.embedding_norm, self.config.layer_norm_eps);
    }

    fn normalize_rows(&self, x: &mut [f32], norm: &Norm, eps: f32) {
        let width = self.config.arch.hidden;
        self.simd.dispatch(Kernel::LayerNorm { x, norm, eps, width });
    }

    fn activate(&self, values: &mut [f32]) {
        self.simd.dispatch(Kernel::Activate { values, activation: self.config.activation });
    }

    /// Multi-head self-attention of each sequence over itself: reads the stacked query, key
    /// and value rows of `qkv` (`tokens x 3 hidden`) and writes `context` (`tokens x hidden`).
    fn attend(
        &self,
        qkv: &[f32],
        lengths: &[usize],
        context: &mut [f32],
        scores: &mut Vec<f32>,
        par: Par,
    ) {
        let arch = &self.config.arch;
        let (hidden, width) = (arch.hidden, arch.hidden / arch.heads);
        let mut start = 0;
        for &len in lengths {
            let block = &qkv[start * 3 * hidden..(start + len) * 3 * hidden];
            let out = &mut context[start * hidden..(start + len) * hidden];
            for column in (0..hidden).step_by(width) {
                let head = Head { hidden, column, width };
                if len >= PRODUCT_ATTENTION_MIN {
                    scores.resize(len * len, 0.0);
                    attend_head_by_products(self.simd, block, len, head, scores, out, par);
                } else {
                    self.simd.dispatch(Kernel::Attend { block, len, head, scratch: scores, out });
                }
            }
            start += len;
        }
    }

    /// Mean or `[CLS]` pooling of each sequence's rows of `x`, then L2 normalisation.
    fn pool(&self, x: &[f32], lengths: &[usize], out: &mut [f32]) {
        let h = self.config.arch.hidden;
        let mut start = 0;
        for (&len, vector) in lengths.iter().zip(out.chunks_exact_mut(h)) {
            let rows = &x[start * h..(start + len) * h];
            vector.fill(0.0);
            match self.config.pooling {
                Pooling::Mean => {
                    for row in rows.chunks_exact(h) {
                        vector.iter_mut().zip(row).for_each(|(v, r)| *v += r);
                    }
                }
                Pooling::Cls => {
                    if let Some(first) = rows.chunks_exact(h).next() {
                        vector.copy_from_slice(first);
                    }
                }
            }
            // Normalising makes the mean's division by the length unnecessary.
            kernels::normalize(vector);
            start += len;
        }
    }
}

/// `out = input W^T + b`, or with `accumulate`, `out += input W^T + b` (a residual connection).
fn dense(out: &mut [f32], input: &[f32], layer: &Linear, accumulate: bool, par: Par) {
    let rows = input.len() / layer.inputs;
    for row in out.chunks_exact_mut(layer.outputs) {
        if accumulate {
            row.iter_mut().zip(&layer.bias).for_each(|(o, b)| *o += b);
        } else {
            row.copy_from_slice(&layer.bias);
        }
    }
    if rows == 0 {
        return;
    }
    let input = MatRef::from_row_major_slice(input, rows, layer.inputs);
    let width = layer.outputs / layer.blocks;
    for (block, weight) in layer.weight.chunks_exact(width * layer.inputs).enumerate() {
        // A block of columns of the row-major output, as the transpose of a column-major view
        // (see `attend_head_by_products` for why not `from_row_major_slice_with_stride_mut`).
        let columns = &mut out[block * width..];
        let out =
            MatMut::from_column_major_slice_with_stride_mut(columns, width, rows, layer.outputs)
                .transpose_mut();
        let weight = MatRef::from_row_major_slice(weight, width, layer.inputs).transpose();
        matmul(out, Accum::Add, input, weight, 1.0, par);
    }
}

/// The work run under `pulp`'s dispatch, which compiles it for the CPU's vector width (AVX2 on
/// x86-64). A struct, not a closure: a closure reaches the dispatched function through a
/// `FnOnce::call_once` shim that LLVM may leave outlined, compiled for the baseline CPU (SSE2),
/// as it did for the attention loops; `with_simd` below is inlined as written.
enum Kernel<'a> {
    /// LayerNorm of each `width`-long row of `x`, in place.
    LayerNorm { x: &'a mut [f32], norm: &'a Norm, eps: f32, width: usize },
    /// The feed-forward non-linearity, in place.
    Activate { values: &'a mut [f32], activation: Activation },
    /// One head's attention over a short sequence.
    Attend {
        block: &'a [f32],
        len: usize,
        head: Head,
        scratch: &'a mut Vec<f32>,
        out: &'a mut [f32],
    },
    /// Softmax of each `len`-long row.
    Softmax { scores: &'a mut [f32], len: usize },
}

impl pulp::WithSimd for Kernel<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        match self {
            Kernel::LayerNorm { x, norm, eps, width } => {
                for row in x.chunks_exact_mut(width) {
                    kernels::layer_norm(row, &norm.gamma, &norm.beta, eps);
                }
            }
            Kernel::Activate { values, activation } => match activation {
                Activation::Gelu => kernels::gelu(values),
                Activation::GeluTanh => kernels::gelu_tanh(values),
                Activation::Relu => kernels::relu(values),
            },
            Kernel::Attend { block, len, head, scratch, out } => {
                attend_head_by_loops(block, len, head, scratch, out)
            }
            Kernel::Softmax { scores, len } => {
                scores.chunks_exact_mut(len).for_each(kernels::softmax)
            }
        }
    }
}

/// Where one attention head's values sit in a sequence's rows.
#[derive(Debug, Clone, Copy)]
struct Head {
    /// The hidden width: each token's row of stacked queries, keys and values is three of these.
    hidden: usize,
    /// The head's first column within the query (and key, and value) part of a row.
    column: usize,
    /// The head's width.
    width: usize,
}

/// One head's attention for a short sequence, in plain loops arranged so that every inner
/// step is a vector `axpy` into a row independent of the previous step's: the keys are
/// transposed (rows padded to whole vectors), so scores are built a key column at a time over all
/// queries, and the context a value row at a time. `scratch` holds the transposed keys, the
/// scores and the context.
#[inline(always)]
fn attend_head_by_loops(
    block: &[f32],
    len: usize,
    head: Head,
    scratch: &mut Vec<f32>,
    out: &mut [f32],
) {
    let Head { hidden, column, width } = head;
    let stride = 3 * hidden;
    let padded = len.div_ceil(8) * 8;
    scratch.clear();
    scratch.resize(width * padded + len * padded + len * width, 0.0);
    let (keys, rest) = scratch.split_at_mut(width * padded);
    let (scores, context) = rest.split_at_mut(len * padded);
    for j in 0..len {
        let key = &block[j * stride + hidden + column..][..width];
        for (c, &k) in key.iter().enumerate() {
            keys[c * padded + j] = k;
        }
    }
    let scale = 1.0 / (width as f32).sqrt();
    for (c, key_column) in keys.chunks_exact(padded).enumerate() {
        for (i, score_row) in scores.chunks_exact_mut(padded).enumerate() {
            kernels::axpy(block[i * stride + column + c] * scale, key_column, score_row);
        }
    }
    for score_row in scores.chunks_exact_mut(padded) {
        kernels::softmax(&mut score_row[..len]);
    }
    for j in 0..len {
        let value = &block[j * stride + 2 * hidden + column..][..width];
        for (i, context_row) in context.chunks_exact_mut(width).enumerate() {
            kernels::axpy(scores[i * padded + j], value, context_row);
        }
    }
    for (i, context_row) in context.chunks_exact(width).enumerate() {
        out[i * hidden + column..][..width].copy_from_slice(context_row);
    }
}

/// One head's attention for a long sequence, by two matrix products.
fn attend_head_by_products(
    simd: pulp::Arch,
    block: &[f32],
    len: usize,
    head: Head,
    scores: &mut [f32],
    out: &mut [f32],
    par: Par,
) {
    let Head { hidden, column, width } = head;
    let stride = 3 * hidden;
    let part_of = |part: usize| {
        MatRef::from_row_major_slice_with_stride(
            &block[part * hidden + column..],
            len,
            width,
            stride,
        )
    };
    let scale = 1.0 / (width as f32).sqrt();
    let s = MatMut::from_row_major_slice_mut(scores, len, len);
    matmul(s, Accum::Replace, part_of(0), part_of(1).transpose(), scale, par);
    simd.dispatch(Kernel::Softmax { scores, len });
    let s = MatRef::from_row_major_slice(scores, len, len);
    // The row-major view written as the transpose of a column-major one: faer 0.24.4's
    // `from_row_major_slice_with_stride_mut` swaps the strides (it builds a column-major view).
    let o = MatMut::from_column_major_slice_with_stride_mut(&mut out[column..], width, len, hidden)
        .transpose_mut();
    matmul(o, Accum::Replace, s, part_of(2), 1.0, par);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both attention routes give the same context.
    #[test]
    fn attention_by_loops_matches_attention_by_products() {
        let (hidden, width, len) = (12, 4, 7);
        let block: Vec<f32> =
            (0..len * 3 * hidden).map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0).collect();
        let mut by_loops = vec![0f32; len * hidden];
        let mut by_products = vec![0f32; len * hidden];
        let mut scores = vec![0f32; len * len];
        let mut scratch = Vec::new();
        let simd = pulp::Arch::new();
        for column in (0..hidden).step_by(width) {
            let head = Head { hidden, column, width };
            attend_head_by_loops(&block, len, head, &mut scratch, &mut by_loops);
            attend_head_by_products(
                simd,
                &block,
                len,
                head,
                &mut scores,
                &mut by_products,
                Par::Seq,
            );
        }
        let naive = naive_attention(&block, len, hidden, width);
        for ((a, b), c) in by_loops.iter().zip(&by_products).zip(&naive) {
            assert!((a - c).abs() < 1e-5, "loops {a} vs {c}");
            assert!((b - c).abs() < 1e-5, "products {b} vs {c}");
        }
    }

    fn naive_attention(block: &[f32], len: usize, hidden: usize, width: usize) -> Vec<f32> {
        let at =
            |token: usize, part: usize, c: usize| block[token * 3 * hidden + part * hidden + c];
        let mut out = vec![0f32; len * hidden];
        for column in (0..hidden).step_by(width) {
            for i in 0..len {
                let scores: Vec<f64> = (0..len)
                    .map(|j| {
                        let dot: f64 = (0..width)
                            .map(|c| {
                                f64::from(at(i, 0, column + c)) * f64::from(at(j, 1, column + c))
                            })
                            .sum();
                        dot / (width as f64).sqrt()
                    })
                    .collect();
                let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let total: f64 = scores.iter().map(|s| (s - max).exp()).sum();
                for c in 0..width {
                    let value: f64 = (0..len)
                        .map(|j| (scores[j] - max).exp() / total * f64::from(at(j, 2, column + c)))
                        .sum();
                    out[i * hidden + column + c] = value as f32;
                }
            }
        }
        out
    }
}
