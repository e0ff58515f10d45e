//! Character n-grams of Chinese text, the features that read Chinese without relying on word
//! segmentation alone (an unseen word still shares characters with seen ones).

use crate::script::is_han;

/// Calls `gram(n, bytes)` for every character n-gram, n from 1 to `max_n`, of each run of Han
/// characters in `text` (the gram's UTF-8 bytes), and `other(c)` for every character that is
/// not Han, in order. Grams never span a non-Han character.
pub fn han_ngrams(
    text: &str,
    max_n: usize,
    gram: &mut dyn FnMut(usize, &[u8]),
    other: &mut dyn FnMut(char),
) {
    let mut run: Vec<char> = Vec::with_capacity(32);
    let mut bytes = Vec::with_capacity(4 * max_n);
    let mut flush = |run: &mut Vec<char>, gram: &mut dyn FnMut(usize, &[u8])| {
        for n in 1..=max_n {
            for window in run.windows(n) {
                bytes.clear();
                for c in window {
                    let mut buffer = [0u8; 4];
                    bytes.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
                }
                gram(n, &bytes);
            }
        }
        run.clear();
    };
    for c in text.chars() {
        if is_han(c) {
            run.push(c);
        } else {
            flush(&mut run, gram);
            other(c);
        }
    }
    flush(&mut run, gram);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_stay_inside_runs_of_han_characters() {
        let mut grams = Vec::new();
        let mut others = Vec::new();
        han_ngrams(
            "好鞋a很好",
            2,
            &mut |n, g| grams.push((n, String::from_utf8(g.to_vec()).unwrap())),
            &mut |c| others.push(c),
        );
        let expected: Vec<(usize, String)> =
            [(1, "好"), (1, "鞋"), (2, "好鞋"), (1, "很"), (1, "好"), (2, "很好")]
                .iter()
                .map(|(n, g)| (*n, g.to_string()))
                .collect();
        assert_eq!(grams, expected);
        assert_eq!(others, ['a']);
    }
}
