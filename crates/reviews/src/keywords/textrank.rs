//! TextRank (Mihalcea and Tarau, 2004): words are vertices, words within a few words of each
//! other in a sentence share an edge, and a word is key when key words surround it, scored by
//! PageRank over that graph.
//!
//! Edges are weighted by how often their words co-occur (the paper's graph is unweighted; with
//! many short reviews, repetition is the signal). As in the paper, the top third of the words
//! (and at least as many as asked for) are marked, and marked words that follow each other are
//! merged into phrases.
//!
//! The paper returns a set; a ranked list needs a phrase score. It is the geometric mean of the
//! two words' scores, so that a rare word leaning on the central one ("酒店答应") does not ride
//! on its score, times the share of the rarer word's occurrences the phrase accounts for, so
//! that words that belong together keep their rank ("cell phone", "battery life") and chance
//! neighbours ("phone works") sink.

use std::collections::HashMap;

use super::vocabulary::Vocabulary;
use super::{best, bump, candidates, phrase_pair, Keyword, MIN_PHRASE_COUNT};

/// Candidates co-occur when at most this many apart, counting both (the paper's best window
/// for keywords was two; reviews are short and loose, so four).
const WINDOW: usize = 4;
/// The chance of following an edge rather than jumping anywhere (the paper's 0.85).
const DAMPING: f64 = 0.85;
/// Iteration stops when no score moves by more than this (the paper's threshold)...
const CONVERGED: f64 = 1e-4;
/// ...or after this many rounds.
const MAX_ROUNDS: usize = 50;

/// TextRank key phrases of a set of texts (co-occurrence window of 4 candidates inside a
/// sentence, damping 0.85, iterate to convergence or 50 rounds), adjacent top words merged into
/// phrases, best first, at most `top`.
///
/// The graph is built per call, in time and space linear in the texts' length.
pub fn textrank<S: AsRef<str>>(texts: &[S], top: usize) -> Vec<Keyword> {
    if top == 0 {
        return Vec::new();
    }
    let graph = Graph::build(texts);
    let scores = graph.scores();
    let mut ranked: Vec<usize> = (0..scores.len()).collect();
    ranked.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let marked_count = scores.len().div_ceil(3).max(top);
    let mut marked = vec![false; scores.len()];
    for &id in ranked.iter().take(marked_count) {
        marked[id] = true;
    }
    let score = |id: u32| scores.get(id as usize).copied().unwrap_or(0.0);
    let count = |id: u32| graph.counts.get(id as usize).copied().unwrap_or(0);
    let is_marked = |id: u32| marked.get(id as usize).copied().unwrap_or(false);
    let phrases = graph
        .pairs
        .iter()
        .filter(|&(&(first, second), &together)| {
            together >= MIN_PHRASE_COUNT && is_marked(first) && is_marked(second)
        })
        .map(|(&(first, second), &together)| {
            let geometric_mean = (score(first) * score(second)).sqrt();
            let rarer = count(first).min(count(second)).max(together);
            let share = f64::from(together) / f64::from(rarer);
            ((first, second), together, (geometric_mean * share) as f32)
        })
        .collect();
    let words = graph.counts.iter().enumerate().filter_map(|(id, &count)| {
        let id = u32::try_from(id).ok()?;
        Some((id, count, score(id) as f32))
    });
    best(&graph.vocabulary, words, phrases, top)
}

/// The co-occurrence graph of a set of texts.
#[derive(Debug, Default)]
struct Graph {
    vocabulary: Vocabulary,
    /// Per word id, its occurrences.
    counts: Vec<u32>,
    /// Per word id, its neighbours and the weight of the edge to each.
    edges: Vec<Vec<(u32, f64)>>,
    /// Adjacent pairs (first and second word id) and how often they occur.
    pairs: HashMap<(u32, u32), u32>,
}

impl Graph {
    fn build<S: AsRef<str>>(texts: &[S]) -> Graph {
        let mut graph = Graph::default();
        let mut weights: HashMap<(u32, u32), f64> = HashMap::new();
        for text in texts {
            for sentence in candidates::sentences(text.as_ref()) {
                let ids: Vec<u32> = sentence.iter().map(|c| graph.vocabulary.add(c)).collect();
                graph.counts.resize(graph.vocabulary.len(), 0);
                let mut previous = None;
                for (at, (&id, candidate)) in ids.iter().zip(&sentence).enumerate() {
                    if let Some(count) = graph.counts.get_mut(id as usize) {
                        bump(count);
                    }
                    if let Some(pair) = phrase_pair(previous, id, candidate.joined) {
                        bump(graph.pairs.entry(pair).or_default());
                    }
                    previous = Some(id);
                    for &other in ids.iter().skip(at + 1).take(WINDOW - 1) {
                        if other != id {
                            *weights.entry((id.min(other), id.max(other))).or_default() += 1.0;
                        }
                    }
                }
            }
        }
        graph.edges = vec![Vec::new(); graph.vocabulary.len()];
        for ((a, b), weight) in weights {
            for (from, to) in [(a, b), (b, a)] {
                if let Some(neighbours) = graph.edges.get_mut(from as usize) {
                    neighbours.push((to, weight));
                }
            }
        }
        for neighbours in &mut graph.edges {
            // Hash order would make the sums, and so near-ties, differ between runs.
            neighbours.sort_unstable_by_key(|&(to, _)| to);
        }
        graph
    }

    /// The number of edges.
    #[cfg(test)]
    fn edge_count(&self) -> usize {
        self.edges.iter().map(Vec::len).sum::<usize>() / 2
    }

    /// PageRank per word id: S(v) = (1 - d) + d * sum over neighbours u of
    /// w(u, v) / (sum of u's edge weights) * S(u).
    fn scores(&self) -> Vec<f64> {
        let strength: Vec<f64> =
            self.edges.iter().map(|neighbours| neighbours.iter().map(|(_, w)| w).sum()).collect();
        let mut scores = vec![1.0; self.edges.len()];
        for _ in 0..MAX_ROUNDS {
            let next: Vec<f64> = self
                .edges
                .iter()
                .map(|neighbours| {
                    let inflow: f64 = neighbours
                        .iter()
                        .map(|&(from, weight)| {
                            let from = from as usize;
                            match (scores.get(from), strength.get(from)) {
                                (Some(score), Some(&total)) if total > 0.0 => {
                                    weight / total * score
                                }
                                _ => 0.0,
                            }
                        })
                        .sum();
                    (1.0 - DAMPING) + DAMPING * inflow
                })
                .collect();
            let change =
                next.iter().zip(&scores).map(|(new, old)| (new - old).abs()).fold(0.0, f64::max);
            scores = next;
            if change < CONVERGED {
                break;
            }
        }
        scores
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MAX_READ_CHARS;

    #[test]
    fn the_graph_grows_linearly_with_the_text() {
        // Each occurrence links forward to at most WINDOW - 1 others: edges are bounded by the
        // occurrences, whatever the length. A 100,000-character text is read in one go.
        let words = ["battery", "screen", "charger", "case", "cable", "speaker", "button"];
        let text: String =
            (0..30_000).map(|k| words[k * k % words.len()]).collect::<Vec<_>>().join(" ");
        assert!(text.chars().count() > MAX_READ_CHARS);
        let graph = Graph::build(&[&text]);
        let occurrences: u32 = graph.counts.iter().sum();
        assert!(occurrences > 10_000, "{occurrences}");
        assert!(graph.edge_count() <= (WINDOW - 1) * occurrences as usize);
        assert_eq!(textrank(&[&text], 3).len(), 3);
    }

    #[test]
    fn scores_settle_within_the_rounds() {
        let graph = Graph::build(&["battery screen charger", "battery case", "battery cable"]);
        let scores = graph.scores();
        // PageRank's scores sum to the number of vertices when every vertex has an edge.
        let total: f64 = scores.iter().sum();
        assert!((total - scores.len() as f64).abs() < 1e-2, "{scores:?}");
        assert!(scores.iter().all(|s| s.is_finite() && *s >= 1.0 - DAMPING));
    }
}
