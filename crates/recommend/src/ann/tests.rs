//! The index against brute force: exact when every list is probed, high recall when a few
//! are, and the same inner products the models score with.

use aisle_domain::InteractionMatrix;

use super::*;
use crate::{Query, Recommender, TrainData};

/// `n` vectors around `clusters` random centres, with norms that vary by a factor of four
/// (factor models' item norms track popularity, which is what makes inner products differ
/// from cosine).
fn clustered(n: usize, dim: usize, clusters: usize, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    let mut gauss = move || {
        // Sum of uniforms: close enough to normal for test data.
        (0..6).map(|_| rng.next_f32()).sum::<f32>() - 3.0
    };
    let centres: Vec<f32> = (0..clusters * dim).map(|_| gauss()).collect();
    let mut out = Vec::with_capacity(n * dim);
    for i in 0..n {
        let centre = &centres[(i % clusters) * dim..(i % clusters + 1) * dim];
        let scale = 0.5 + 1.5 * ((i * 7919) % 100) as f32 / 100.0;
        out.extend(centre.iter().map(|c| scale * (c + 0.4 * gauss())));
    }
    out
}

fn exact(vectors: &[f32], dim: usize, query: &[f32], k: usize) -> Vec<u32> {
    let scores: Vec<f32> =
        vectors.chunks_exact(dim).map(|x| x.iter().zip(query).map(|(a, b)| a * b).sum()).collect();
    crate::top_k(&scores, k, &crate::Exclusions::default()).into_iter().map(|p| p.0).collect()
}

#[test]
fn probing_every_list_is_exact_search() {
    let (n, dim) = (2_000, 12);
    let vectors = clustered(n, dim, 20, 1);
    let index = IvfIndex::build(&vectors, dim, &IvfConfig { lists: 40, ..IvfConfig::default() });
    assert_eq!((index.len(), index.lists()), (n, 40));
    for q in 0..20 {
        let query = &vectors[q * 97 * dim..(q * 97 + 1) * dim];
        let found: Vec<u32> =
            index.search(query, 10, Some(40), &|_| false).into_iter().map(|p| p.0).collect();
        assert_eq!(found, exact(&vectors, dim, query, 10), "query {q}");
    }
}

#[test]
fn a_few_probes_find_most_of_the_true_top_ten() {
    let (n, dim) = (6_400, 16);
    let vectors = clustered(n, dim, 100, 2);
    let index = IvfIndex::build(&vectors, dim, &IvfConfig { probes: 16, ..IvfConfig::default() });
    // 2√n lists, 16 probes: a tenth of the items are scored.
    assert_eq!(index.lists(), 160);
    let queries = clustered(200, dim, 100, 3);
    let mut hits = 0;
    for query in queries.chunks_exact(dim) {
        let truth = exact(&vectors, dim, query, 10);
        let found = index.search(query, 10, None, &|_| false);
        hits += found.iter().filter(|p| truth.contains(&p.0)).count();
    }
    let recall = hits as f64 / 2_000.0;
    assert!(recall >= 0.9, "recall@10 {recall}");
}

#[test]
fn skipped_items_never_come_back_and_odd_queries_get_nothing() {
    let (n, dim) = (1_000, 8);
    let vectors = clustered(n, dim, 10, 4);
    let index = IvfIndex::build(&vectors, dim, &IvfConfig { lists: 10, ..IvfConfig::default() });
    let query = &vectors[..dim];
    let found = index.search(query, 50, Some(10), &|item| item % 2 == 0);
    assert_eq!(found.len(), 50);
    assert!(found.iter().all(|p| p.0 % 2 == 1));
    assert!(found.windows(2).all(|w| w[0].1 >= w[1].1));
    let (item, score) = found[0];
    let own = index.inner_product(query, item).expect("an indexed item has a vector");
    assert!((own - score).abs() < 1e-4);
    assert!(index.inner_product(query, n as u32).is_none());
    assert!(index.search(&query[..dim - 1], 5, None, &|_| false).is_empty());
    assert!(index.search(query, 0, None, &|_| false).is_empty());
    let empty = IvfIndex::build(&[], dim, &IvfConfig::default());
    assert!(empty.is_empty() && empty.search(query, 5, None, &|_| false).is_empty());
}

fn small_matrix() -> InteractionMatrix {
    let (mut rows, mut items) = (vec![], vec![]);
    for u in 0..40u32 {
        for k in 0..6u32 {
            rows.push(u);
            items.push((u * 3 + k * 7) % 30);
        }
    }
    let ones = vec![1.0; rows.len()];
    let times = vec![0; rows.len()];
    InteractionMatrix::from_columns(40, 30, &rows, &items, &ones, &times)
}

/// The inner-product view must give the scores `score` gives, or the index would rank by
/// something other than the model.
fn matches_scores(model: &dyn Recommender) {
    let view = model.inner_product().expect("a factor model has an inner-product view");
    let vectors = view.item_vectors();
    assert_eq!(vectors.len(), model.n_items() * view.dim());
    let history = [2u32, 9, 17];
    let query = Query { user: None, items: &history, weights: &[1.0, 2.0, 1.0], millis: &[] };
    let q = view.query_vector(&query);
    let mut scores = vec![0.0; model.n_items()];
    model.score(&query, &mut scores);
    for (item, x) in vectors.chunks_exact(view.dim()).enumerate() {
        let dot: f32 = q.iter().zip(x).map(|(a, b)| a * b).sum();
        assert!((dot - scores[item]).abs() <= 1e-4 * (1.0 + dot.abs()), "item {item}");
    }
}

#[test]
fn als_and_bpr_scores_are_the_inner_products_the_index_sees() {
    let matrix = small_matrix();
    let data = TrainData { threads: 1, ..TrainData::new(&matrix) };
    let als = crate::als::fit(&crate::als::AlsConfig { factors: 8, ..Default::default() }, &data)
        .expect("ALS fits");
    matches_scores(&als);
    let bpr = crate::bpr::fit(&crate::bpr::BprConfig { factors: 8, ..Default::default() }, &data)
        .expect("BPR fits");
    matches_scores(&bpr);
    assert!(crate::ease::fit(&Default::default(), &data)
        .expect("EASE fits")
        .inner_product()
        .is_none());
}
