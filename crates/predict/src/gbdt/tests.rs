//! Unit tests of the boosted trees: fitting, early stopping, reasons, saving and loading.

use super::*;
use crate::dataset::Matrix;
use crate::logistic::{LogisticConfig, LogisticRegression};
use crate::metrics::roc_auc;
use crate::split::stratified_split;
use crate::testdata;

fn small() -> GbdtConfig {
    GbdtConfig { max_trees: 60, learning_rate: 0.2, min_samples_leaf: 10, ..GbdtConfig::default() }
}

fn auc(model: &dyn Classifier, data: &Dataset) -> f64 {
    roc_auc(&model.predict_margin(data.x()).unwrap(), data.labels()).unwrap()
}

#[test]
fn learns_xor_that_logistic_regression_cannot() {
    let train = testdata::xor(3_000, 2, 0.05, 1);
    let test = testdata::xor(2_000, 2, 0.05, 2);
    let gbdt = Gbdt::fit(&small(), &train, None).unwrap();
    let lr = LogisticRegression::fit(&LogisticConfig::default(), &train).unwrap();
    let (gbdt_auc, lr_auc) = (auc(&gbdt, &test), auc(&lr, &test));
    assert!(gbdt_auc > 0.9, "GBDT AUC {gbdt_auc}");
    assert!((lr_auc - 0.5).abs() < 0.06, "LR AUC {lr_auc}");
    let top = &gbdt.feature_importance()[..2];
    let mut names: Vec<&str> = top.iter().map(|f| f.feature.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["x0", "x1"]);
}

#[test]
fn early_stopping_stops_and_keeps_the_best_round() {
    // Labels independent of the features: the validation loss stops improving at once.
    let data = testdata::linear(2_000, &[0.0, 0.0, 0.0, 0.0], 3);
    let split = stratified_split(data.labels(), 0.3, 0).unwrap();
    let (train, valid) = (data.subset(&split.train), data.subset(&split.test));
    let config = GbdtConfig { max_trees: 500, early_stopping_rounds: 10, ..small() };
    let model = Gbdt::fit(&config, &train, Some(&valid)).unwrap();
    assert!(model.n_trees() < 50, "kept {} trees", model.n_trees());
    assert_eq!(model.history().len(), model.n_trees() + 10);
    let losses: Vec<f64> = model.history().iter().map(|r| r.valid.unwrap()).collect();
    let best = losses[model.n_trees() - 1];
    assert!(losses.iter().all(|&l| l >= best));
    // Training loss keeps falling: the trees fit noise.
    assert!(model.history().last().unwrap().train < model.history()[0].train);
}

#[test]
fn reasons_and_bias_sum_to_the_margin() {
    let data = testdata::xor(1_000, 3, 0.1, 4);
    let model = Gbdt::fit(&small(), &data, None).unwrap();
    for i in 0..50 {
        let row = data.x().row(i);
        let why = model.explain_row(row).unwrap();
        let sum: f64 = why.contributions.iter().map(|c| c.contribution).sum();
        assert!((why.bias + sum - why.margin).abs() < 1e-9, "row {i}");
        assert_eq!(why.margin, model.margin_row(row).unwrap());
        assert!(why
            .contributions
            .windows(2)
            .all(|w| { w[0].contribution.abs() >= w[1].contribution.abs() }));
    }
    // Every row shares the bias: the base margin plus each tree's root value.
    let a = model.explain_row(data.x().row(0)).unwrap();
    let b = model.explain_row(data.x().row(1)).unwrap();
    assert_eq!(a.bias, b.bias);
}

#[test]
fn save_load_round_trip_predicts_identically() {
    let mut data = testdata::xor(800, 2, 0.1, 5);
    // Missing values exercise the default directions too.
    let names = data.x().names().to_vec();
    let mut values = data.x().values().to_vec();
    for v in values.iter_mut().step_by(7) {
        *v = f32::NAN;
    }
    data =
        Dataset::from_bools(Matrix::new(names, values).unwrap(), data.labels().to_vec()).unwrap();
    let model = Gbdt::fit(&small(), &data, None).unwrap();
    let path = std::env::temp_dir().join(format!("aisle-predict-gbdt-{}.json", std::process::id()));
    model.save(&path).unwrap();
    let back = Gbdt::load(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    // Not `assert_eq!`: a failing model comparison would print the whole ensemble.
    assert!(back == model, "the loaded model differs from the saved one");
    let (before, after) =
        (model.predict_margin(data.x()).unwrap(), back.predict_margin(data.x()).unwrap());
    assert!(before.iter().zip(&after).all(|(a, b)| a.to_bits() == b.to_bits()));
}

#[test]
fn same_seed_same_model_whatever_the_threads() {
    // Large enough that the root's histogram is built on several threads.
    let data = testdata::xor(10_000, 52, 0.1, 6);
    const { assert!(10_000 * 27 >= grow::PARALLEL_MIN_CELLS) };
    let config = GbdtConfig { max_trees: 5, subsample: 0.7, colsample: 0.5, seed: 9, ..small() };
    let one = Gbdt::fit(&GbdtConfig { threads: 1, ..config.clone() }, &data, None).unwrap();
    let two = Gbdt::fit(&GbdtConfig { threads: 2, ..config.clone() }, &data, None).unwrap();
    assert_eq!(one.trees, two.trees);
    let other = Gbdt::fit(&GbdtConfig { seed: 10, ..config }, &data, None).unwrap();
    assert_ne!(one.trees, other.trees);
}

#[test]
fn single_class_training_set_is_an_error() {
    let x = Matrix::new(vec!["x".into()], vec![1.0, 2.0, 3.0]).unwrap();
    let data = Dataset::new(x, &[1.0, 1.0, 1.0]).unwrap();
    let err = Gbdt::fit(&small(), &data, None).unwrap_err();
    assert!(matches!(err, Error::SingleClass { class: 1, rows: 3, .. }), "{err}");
    assert!(err.to_string().contains("needs both positive and negative"));
}

#[test]
fn empty_data_is_an_error() {
    let x = Matrix::new(vec!["x".into()], vec![]).unwrap();
    let data = Dataset::new(x, &[]).unwrap();
    assert!(matches!(Gbdt::fit(&small(), &data, None), Err(Error::Empty { .. })));
}

#[test]
fn missingness_constant_and_all_missing_columns() {
    // The label is "x is missing"; `constant` and `gone` carry nothing.
    let n = 1_000;
    let mut values = Vec::new();
    let mut labels = Vec::new();
    for i in 0..n {
        let missing = i % 3 == 0;
        values.extend([if missing { f32::NAN } else { (i % 17) as f32 }, 4.0, f32::NAN]);
        labels.push(missing);
    }
    let names = vec!["x".into(), "constant".into(), "gone".into()];
    let data = Dataset::from_bools(Matrix::new(names, values).unwrap(), labels).unwrap();
    let model = Gbdt::fit(&small(), &data, None).unwrap();
    assert!(model.probability_row(&[f32::NAN, 4.0, f32::NAN]).unwrap() > 0.95);
    assert!(model.probability_row(&[5.0, 4.0, f32::NAN]).unwrap() < 0.05);
    let importance = model.feature_importance();
    assert_eq!(importance[0].feature, "x");
    assert_eq!(importance[1].splits + importance[2].splits, 0);
}

#[test]
fn bad_config_and_mismatched_features_are_errors() {
    let data = testdata::xor(100, 0, 0.0, 7);
    for config in [
        GbdtConfig { learning_rate: 0.0, ..small() },
        GbdtConfig { max_bins: 256, ..small() },
        GbdtConfig { subsample: f64::NAN, ..small() },
        GbdtConfig { max_leaves: 1, ..small() },
    ] {
        assert!(matches!(Gbdt::fit(&config, &data, None), Err(Error::InvalidConfig { .. })));
    }
    let model = Gbdt::fit(&small(), &data, None).unwrap();
    assert!(matches!(model.margin_row(&[0.0]), Err(Error::LengthMismatch { .. })));
    let renamed = Matrix::new(vec!["x0".into(), "y".into()], vec![0.0, 0.0]).unwrap();
    let err = model.predict_margin(&renamed).unwrap_err();
    assert!(err.to_string().contains("`y`"), "{err}");
}

#[test]
fn a_corrupted_model_file_is_rejected() {
    let data = testdata::xor(200, 0, 0.0, 8);
    let json = Gbdt::fit(&small(), &data, None).unwrap().to_json().unwrap();
    let looped = json.replacen("\"left\":1", "\"left\":0", 1);
    assert!(matches!(Gbdt::from_json("t", &looped), Err(Error::BadModel { .. })));
    let other = json.replace("aisle-predict/gbdt", "aisle-predict/logistic");
    assert!(Gbdt::from_json("t", &other).is_err());
}

#[test]
fn training_margins_match_prediction() {
    // Training routes rows by bin codes, prediction by raw values; they must agree, so the last
    // round's training loss is the loss of the model's own predictions.
    let mut data = testdata::xor(2_000, 3, 0.1, 11);
    let names = data.x().names().to_vec();
    let mut values = data.x().values().to_vec();
    for v in values.iter_mut().step_by(5) {
        *v = f32::NAN;
    }
    data =
        Dataset::from_bools(Matrix::new(names, values).unwrap(), data.labels().to_vec()).unwrap();
    let config = GbdtConfig { subsample: 0.5, max_bins: 16, ..small() };
    let model = Gbdt::fit(&config, &data, None).unwrap();
    let margins = model.predict_margin(data.x()).unwrap();
    let loss = mean_loss(&margins, data.labels());
    let recorded = model.history().last().unwrap().train;
    assert!((loss - recorded).abs() < 1e-12, "{loss} vs {recorded}");
    assert!(model.history().iter().all(|r| r.train.is_finite()));
}
