//! Turning item sequences into padded training and scoring batches.
//!
//! Sequences are sorted by length and cut into batches of similar length, each left-padded only
//! to its own longest sequence: on short-sequence data (Amazon's median shopper has 6 items) this
//! skips most of the padding a fixed window would compute. Token 0 is padding; item `i` is token
//! `i + 1`.

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// One padded batch.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Batch {
    /// Sequences in the batch.
    pub rows: usize,
    /// Padded length.
    pub len: usize,
    /// `rows * len` tokens, left-padded with 0.
    pub tokens: Vec<u32>,
    /// Flat positions (`row * len + t`) that hold a real token, row by row.
    pub valid: Vec<u32>,
    /// The next item's token at each valid position (training batches only).
    pub targets: Vec<u32>,
}

/// A training example: a sequence's inputs and next-item targets, already cut to the window.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Example {
    pub inputs: Vec<u32>,
    pub targets: Vec<u32>,
}

/// A validation case: the context and the held-out next item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Holdout {
    pub context: Vec<u32>,
    pub target: u32,
}

/// Splits each sequence into a training example and, when `hold_out` is set and it has 3 or
/// more items, a holdout whose target is the last item (never trained on). Items are shifted to
/// tokens here.
pub(crate) fn examples(
    sequences: &[Vec<u32>],
    max_len: usize,
    hold_out: bool,
) -> (Vec<Example>, Vec<Holdout>) {
    let mut train = Vec::with_capacity(sequences.len());
    let mut holdout = Vec::new();
    for sequence in sequences {
        let tokens: Vec<u32> = sequence.iter().map(|&i| i + 1).collect();
        let trained = if hold_out && tokens.len() >= 3 {
            let (context, last) = tokens.split_at(tokens.len() - 1);
            holdout.push(Holdout { context: window(context, max_len).to_vec(), target: last[0] });
            context
        } else {
            &tokens[..]
        };
        if trained.len() >= 2 {
            let inputs = window(&trained[..trained.len() - 1], max_len).to_vec();
            let targets = window(&trained[1..], max_len).to_vec();
            train.push(Example { inputs, targets });
        }
    }
    (train, holdout)
}

/// The last `max_len` tokens.
pub(crate) fn window(tokens: &[u32], max_len: usize) -> &[u32] {
    &tokens[tokens.len().saturating_sub(max_len)..]
}

/// Batches of examples of similar length, in an order shuffled by `rng`.
pub(crate) fn training_batches(
    examples: &[Example],
    batch_size: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<Batch> {
    let mut order: Vec<usize> = (0..examples.len()).collect();
    // Shuffle first so that equal lengths mix differently every epoch, then sort stably.
    order.shuffle(rng);
    order.sort_by_key(|&k| examples[k].inputs.len());
    let mut batches: Vec<Batch> = order
        .chunks(batch_size)
        .map(|chunk| {
            let parts: Vec<(&[u32], &[u32])> = chunk
                .iter()
                .map(|&k| (&examples[k].inputs[..], &examples[k].targets[..]))
                .collect();
            pad(&parts)
        })
        .collect();
    batches.shuffle(rng);
    batches
}

/// One batch of contexts for scoring (no targets).
pub(crate) fn context_batch(contexts: &[&[u32]]) -> Batch {
    let parts: Vec<(&[u32], &[u32])> = contexts.iter().map(|c| (*c, &[][..])).collect();
    pad(&parts)
}

fn pad(parts: &[(&[u32], &[u32])]) -> Batch {
    let rows = parts.len();
    let len = parts.iter().map(|p| p.0.len()).max().unwrap_or(0).max(1);
    let mut batch =
        Batch { rows, len, tokens: vec![0; rows * len], valid: Vec::new(), targets: Vec::new() };
    for (row, (inputs, targets)) in parts.iter().enumerate() {
        let start = row * len + len - inputs.len();
        batch.tokens[start..start + inputs.len()].copy_from_slice(inputs);
        batch.valid.extend((start..start + inputs.len()).map(|p| p as u32));
        batch.targets.extend_from_slice(targets);
    }
    batch
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn holds_out_the_last_item_and_shifts_tokens() {
        let (train, holdout) = examples(&[vec![0, 1, 2, 3], vec![5, 6], vec![7]], 50, true);
        assert_eq!(holdout, vec![Holdout { context: vec![1, 2, 3], target: 4 }]);
        assert_eq!(
            train,
            vec![
                Example { inputs: vec![1, 2], targets: vec![2, 3] },
                Example { inputs: vec![6], targets: vec![7] },
            ]
        );
    }

    #[test]
    fn without_holdouts_every_item_is_a_target() {
        let (train, holdout) = examples(&[vec![0, 1, 2, 3], vec![7]], 50, false);
        assert!(holdout.is_empty());
        assert_eq!(train, vec![Example { inputs: vec![1, 2, 3], targets: vec![2, 3, 4] }]);
    }

    #[test]
    fn long_sequences_keep_their_latest_window() {
        let (train, holdout) = examples(&[(0..10).collect()], 3, true);
        assert_eq!(holdout[0].context, vec![7, 8, 9]);
        assert_eq!(train[0].inputs, vec![6, 7, 8]);
        assert_eq!(train[0].targets, vec![7, 8, 9]);
    }

    #[test]
    fn batches_pad_left_to_their_own_longest_row() {
        let examples = vec![
            Example { inputs: vec![1], targets: vec![2] },
            Example { inputs: vec![3, 4, 5], targets: vec![4, 5, 6] },
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let batches = training_batches(&examples, 8, &mut rng);
        assert_eq!(batches.len(), 1);
        let b = &batches[0];
        assert_eq!((b.rows, b.len), (2, 3));
        assert_eq!(b.tokens, vec![0, 0, 1, 3, 4, 5]);
        assert_eq!(b.valid, vec![2, 3, 4, 5]);
        assert_eq!(b.targets, vec![2, 4, 5, 6]);
    }
}
