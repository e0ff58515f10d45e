//! The search blend scores exactly like the recommend crate's hybrid. This is the one test that
//! trains real models (popular and item-kNN, both instant on a toy matrix): it guards the copy
//! of the hybrid's normalization against drift.

use aisle_recommend::hybrid::{HybridConfig, Normalization};
use aisle_recommend::{registry, ModelConfig, Query, Recommender, TrainData};

use crate::blend::Blend;
use crate::tests::random_matrix;

#[test]
fn blend_scores_like_the_hybrid() {
    let m = random_matrix(40, 60, 6);
    let data = TrainData { threads: 1, ..TrainData::new(&m) };
    let components = ["popular", "item-knn"].map(|n| ModelConfig::default_for(n).expect("model"));
    let trained: Vec<Box<dyn Recommender>> =
        components.iter().map(|c| registry::fit(c, &data).expect("fit")).collect();
    for normalization in [Normalization::ZScore, Normalization::MinMax, Normalization::None] {
        for weights in [vec![0.3f32, 0.7], vec![1.0, 0.0], vec![0.0, 2.0]] {
            let hybrid = ModelConfig::Hybrid(HybridConfig {
                components: components.to_vec(),
                weights: weights.clone(),
                normalization,
            });
            let reference = registry::fit(&hybrid, &data).expect("fit hybrid");
            let blend = Blend { components: &trained, weights: weights.clone(), normalization };
            assert_eq!(blend.n_items(), reference.n_items());
            for user in [0usize, 7, 39] {
                let (items, weights_of_items) = m.row(user);
                let query = Query {
                    user: Some(user as u32),
                    items,
                    weights: weights_of_items,
                    millis: &[],
                };
                let (mut want, mut got) = (vec![0.0; 60], vec![0.0; 60]);
                reference.score(&query, &mut want);
                blend.score(&query, &mut got);
                assert_eq!(got, want, "{normalization:?} {weights:?} user {user}");
            }
        }
    }
}
