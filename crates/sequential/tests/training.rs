//! Training, checkpoints and scoring of the sequential model on a small synthetic shop whose
//! shoppers walk item cycles (the next item is always the current one plus one).

use aisle_sequential::{
    train, train_with_summary, Catalog, Error, TrainOptions, TransformerConfig,
};

fn cycles(users: u32, items: u32, length: u32) -> Vec<Vec<u32>> {
    (0..users).map(|u| (0..length).map(|s| (u + s) % items).collect()).collect()
}

fn config() -> TransformerConfig {
    TransformerConfig {
        dim: 16,
        heads: 2,
        max_len: 6,
        dropout: 0.1,
        epochs: 40,
        batch_size: 32,
        learning_rate: 5e-3,
        warmup_steps: 10,
        patience: 0,
        validate_every: 4,
        seed: 3,
        refit: false,
        ..TransformerConfig::default()
    }
}

fn argmax(scores: &[f32]) -> usize {
    (0..scores.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap_or(0)
}

#[test]
fn learns_the_next_item_and_reports_its_validation() {
    let sequences = cycles(100, 10, 7);
    let (model, summary) =
        train_with_summary(&config(), &Catalog::plain(10), &sequences, &TrainOptions::default())
            .expect("train");
    assert_eq!(argmax(&model.score(&[2, 3, 4]).expect("score")), 5);
    assert_eq!(summary.holdouts, 100);
    assert!(summary.best_ndcg.is_some_and(|n| n > 0.9), "{summary:?}");
    let batch = model.score_batch(&[&[0, 1], &[7, 8, 9]]).expect("batch");
    assert_eq!((argmax(&batch[0]), argmax(&batch[1])), (2, 0));
    let embeddings = model.embed(&[&[1, 2]]).expect("embed");
    assert_eq!(embeddings[0].len(), 16);
}

#[test]
fn a_refit_also_learns_from_the_held_out_items() {
    // Every shopper walks a -> a+5 -> a+10; the last step is only ever a holdout.
    let sequences: Vec<Vec<u32>> = (0..100).map(|u| vec![u % 5, 5 + u % 5, 10 + u % 5]).collect();
    let catalog = Catalog::plain(15);
    let plain = TransformerConfig { epochs: 24, ..config() };
    let (first, summary) =
        train_with_summary(&plain, &catalog, &sequences, &TrainOptions::default()).unwrap();
    assert_eq!(summary.refit_epochs, None);
    let refit = TransformerConfig { refit: true, ..plain };
    let (second, summary) =
        train_with_summary(&refit, &catalog, &sequences, &TrainOptions::default()).unwrap();
    assert_eq!(summary.refit_epochs, Some(summary.best_epoch), "{summary:?}");
    assert!(second.config().refit, "the model keeps the configuration it was asked to train");
    for a in 0..5u32 {
        assert_ne!(argmax(&first.score(&[a, a + 5]).unwrap()), (a + 10) as usize);
        assert_eq!(argmax(&second.score(&[a, a + 5]).unwrap()), (a + 10) as usize);
    }
}

#[test]
fn the_seed_fixes_everything() {
    let sequences = cycles(40, 8, 5);
    let short = TransformerConfig { epochs: 4, ..config() };
    let run = || {
        let model =
            train(&short, &Catalog::plain(8), &sequences, &TrainOptions::default()).expect("train");
        model.score(&[1, 2]).expect("score")
    };
    assert_eq!(run(), run());
    let other = TransformerConfig { seed: 4, ..short.clone() };
    let model = train(&other, &Catalog::plain(8), &sequences, &TrainOptions::default()).unwrap();
    assert_ne!(model.score(&[1, 2]).unwrap(), run());
}

#[test]
fn a_resumed_run_ends_where_an_unbroken_run_ends() {
    let sequences = cycles(40, 8, 5);
    let full = TransformerConfig { epochs: 8, validate_every: 2, ..config() };
    let straight = train(&full, &Catalog::plain(8), &sequences, &TrainOptions::default()).unwrap();
    let dir = tempfile::tempdir().expect("dir");
    let options = TrainOptions {
        checkpoint_dir: Some(dir.path().to_path_buf()),
        resume: true,
        ..Default::default()
    };
    let half = TransformerConfig { epochs: 4, ..full.clone() };
    train(&half, &Catalog::plain(8), &sequences, &options).expect("first half");
    let resumed = train(&full, &Catalog::plain(8), &sequences, &options).expect("second half");
    assert_eq!(resumed.score(&[3, 4]).unwrap(), straight.score(&[3, 4]).unwrap());

    // The same checkpoint refuses another catalog, other data and other hyper-parameters.
    let error = train(&full, &Catalog::plain(9), &sequences, &options).unwrap_err();
    assert!(error.to_string().contains("another catalog"), "{error}");
    let error = train(&full, &Catalog::plain(8), &cycles(41, 8, 5), &options).unwrap_err();
    assert!(error.to_string().contains("other training data"), "{error}");
    let wider = TransformerConfig { dim: 32, ..full.clone() };
    let error = train(&wider, &Catalog::plain(8), &sequences, &options).unwrap_err();
    assert!(error.to_string().contains("other hyper-parameters"), "{error}");

    // A damaged checkpoint is caught, not loaded.
    let path = dir.path().join("checkpoint.seq");
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&path, &bytes).unwrap();
    let error = train(&full, &Catalog::plain(8), &sequences, &options).unwrap_err();
    assert!(error.to_string().contains("corrupt"), "{error}");
}

#[test]
fn model_files_round_trip_and_reject_damage() {
    let sequences = cycles(30, 6, 5);
    let short = TransformerConfig { epochs: 2, ..config() };
    let model = train(&short, &Catalog::plain(6), &sequences, &TrainOptions::default()).unwrap();
    let mut bytes = Vec::new();
    model.write(&mut bytes).unwrap();
    let again = aisle_sequential::Transformer::read(&mut bytes.as_slice()).unwrap();
    assert_eq!(again.score(&[1, 2]).unwrap(), model.score(&[1, 2]).unwrap());
    let error = aisle_sequential::Transformer::read(&mut &bytes[..bytes.len() - 3]).unwrap_err();
    assert!(error.to_string().contains("corrupt"), "{error}");
    let error = aisle_sequential::Transformer::read(&mut &b"not a model at all"[..]).unwrap_err();
    assert!(
        error.to_string().contains("corrupt") || error.to_string().contains("magic"),
        "{error}"
    );
}

#[test]
fn bad_sequences_get_clear_errors_and_long_ones_their_latest_window() {
    let sequences = cycles(30, 6, 5);
    let short = TransformerConfig { epochs: 2, ..config() };
    let model = train(&short, &Catalog::plain(6), &sequences, &TrainOptions::default()).unwrap();
    assert!(matches!(model.score(&[]), Err(Error::Query(m)) if m.contains("empty")));
    assert!(matches!(model.score(&[1, 6]), Err(Error::Query(m)) if m.contains("item index 6")));
    let long: Vec<u32> = (0..20).map(|i| i % 6).collect();
    assert_eq!(model.score(&long).unwrap(), model.score(&long[14..]).unwrap());

    let error =
        train(&short, &Catalog::plain(3), &sequences, &TrainOptions::default()).unwrap_err();
    assert!(matches!(error, Error::Data(m) if m.contains("item index")));
    let error = train(&short, &Catalog::plain(6), &[vec![1], vec![]], &TrainOptions::default())
        .unwrap_err();
    assert!(matches!(error, Error::Data(_)));
    let bad = TransformerConfig { heads: 5, ..short };
    assert!(matches!(bad.validate(), Err(Error::Config { name: "heads", .. })));
}

#[test]
fn attributes_join_the_item_table() {
    let sequences = cycles(40, 8, 5);
    let catalog = Catalog {
        n_items: 8,
        attributes: (0..8).map(|i| vec![i % 2, 2 + i % 3]).collect(),
        n_attributes: 5,
    };
    let short = TransformerConfig { epochs: 2, ..config() };
    let with = train(&short, &catalog, &sequences, &TrainOptions::default()).unwrap();
    let plain = TransformerConfig { attributes: false, ..short.clone() };
    let without = train(&plain, &catalog, &sequences, &TrainOptions::default()).unwrap();
    assert_ne!(with.weight_norm().unwrap(), without.weight_norm().unwrap());
    let mut bytes = Vec::new();
    with.write(&mut bytes).unwrap();
    let again = aisle_sequential::Transformer::read(&mut bytes.as_slice()).unwrap();
    assert_eq!(again.score(&[1, 2]).unwrap(), with.score(&[1, 2]).unwrap());
}
