//! Loading broken model directories fails with an error that names the file and says how to
//! fix it. None of these needs the real model: each builds its directory in a temp folder.

mod support;

use std::path::Path;

use aisle_embed::{Encoder, Error};
use support::Tiny;

fn load_error(dir: &Path) -> Error {
    match Encoder::load(dir) {
        Ok(_) => panic!("{} loaded", dir.display()),
        Err(e) => e,
    }
}

/// A complete tiny model in a fresh temp dir, for tests that then break one file.
fn tiny_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    Tiny::default().write(dir.path());
    dir
}

#[test]
fn missing_directory_says_how_to_install_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-model");
    let error = load_error(&missing);
    assert!(matches!(&error, Error::ModelDirMissing { path } if path == &missing), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("no-such-model"), "{message}");
    assert!(message.contains("aisle models install"), "{message}");
    assert!(message.contains("search.model_dir"), "{message}");
}

#[test]
fn a_file_instead_of_a_directory_is_a_missing_directory() {
    let dir = tiny_dir();
    let error = load_error(&dir.path().join("config.json"));
    assert!(matches!(error, Error::ModelDirMissing { .. }), "{error:?}");
}

#[test]
fn each_missing_file_is_named() {
    for (file, what) in [
        ("config.json", "configuration"),
        ("tokenizer.json", "tokenizer"),
        ("model.safetensors", "weights"),
    ] {
        let dir = tiny_dir();
        std::fs::remove_file(dir.path().join(file)).unwrap();
        let error = load_error(dir.path());
        match &error {
            Error::FileMissing { path, what: said } => {
                assert!(path.ends_with(file), "{error:?}");
                assert!(said.contains(what), "{error:?}");
            }
            other => panic!("removing {file}: {other:?}"),
        }
        assert!(error.to_string().contains(file), "{error}");
    }
}

#[test]
fn an_empty_directory_lacks_its_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let error = load_error(dir.path());
    assert!(matches!(&error, Error::FileMissing { path, .. } if path.ends_with("config.json")));
}

/// Overwrites `file` of a tiny model with `contents` and checks the load fails as corrupt,
/// naming that file and mentioning `reason`.
fn check_corrupt(file: &str, contents: &[u8], reason: &str) {
    check_corrupt_blaming(file, contents, file, reason);
}

/// Like `check_corrupt`, for a change to `file` that makes another file, `blamed`, wrong.
fn check_corrupt_blaming(file: &str, contents: &[u8], blamed: &str, reason: &str) {
    let dir = tiny_dir();
    std::fs::write(dir.path().join(file), contents).expect("overwrite a model file");
    let file = blamed;
    let error = load_error(dir.path());
    match &error {
        Error::Corrupt { path, reason: said } => {
            assert!(path.ends_with(file), "{file}: {error:?}");
            assert!(said.contains(reason), "{file}: {said:?} lacks {reason:?}");
        }
        other => panic!("{file}: {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains(file) && message.contains("reinstall"), "{message}");
}

#[test]
fn unreadable_files_are_corrupt() {
    check_corrupt("config.json", b"{ not json", "key must be a string");
    check_corrupt("config.json", br#"{"hidden_size": 8}"#, "missing field");
    check_corrupt("tokenizer.json", b"<html>rate limited</html>", "");
    check_corrupt("model.safetensors", b"\x08\x00\x00\x00\x00\x00\x00\x00{}garbage", "");
    check_corrupt("model.safetensors", b"", "");
    check_corrupt("1_Pooling/config.json", b"[1, 2]", "");
}

#[test]
fn impossible_shapes_are_corrupt() {
    let config = |patch: serde_json::Value| {
        let mut value: serde_json::Value =
            serde_json::from_str(&Tiny::default().config_json()).unwrap();
        for (key, v) in patch.as_object().unwrap() {
            value[key] = v.clone();
        }
        value.to_string().into_bytes()
    };
    check_corrupt(
        "config.json",
        &config(serde_json::json!({"num_attention_heads": 3})),
        "multiple",
    );
    check_corrupt(
        "config.json",
        &config(serde_json::json!({"hidden_size": 0})),
        "hidden_size is 0",
    );
    check_corrupt(
        "config.json",
        &config(serde_json::json!({"max_position_embeddings": 1})),
        "max_position_embeddings",
    );
    // The weights no longer fit the configuration.
    check_corrupt_blaming(
        "config.json",
        &config(serde_json::json!({"intermediate_size": 32})),
        "model.safetensors",
        "has shape [16, 8] where config.json calls for [32, 8]",
    );
    // A tokenizer with more tokens than the model has embeddings.
    check_corrupt_blaming(
        "config.json",
        &config(serde_json::json!({"vocab_size": 4})),
        "tokenizer.json",
        "vocab_size is 4",
    );
}

#[test]
fn a_missing_tensor_is_named() {
    let dir = tempfile::tempdir().unwrap();
    Tiny::default().write(dir.path());
    let mut tensors = Tiny::default().tensors();
    tensors.remove("encoder.layer.1.intermediate.dense.bias");
    candle_core::safetensors::save(&tensors, dir.path().join("model.safetensors")).unwrap();
    let error = load_error(dir.path());
    assert!(error.to_string().contains("no tensor `encoder.layer.1.intermediate.dense.bias`"));
    assert!(!error.to_string().contains('\n'), "{error}");
}

#[test]
fn non_finite_weights_are_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    Tiny::default().write(dir.path());
    let mut tensors = Tiny::default().tensors();
    let nan = candle_core::Tensor::new(&[f32::NAN; 8], &candle_core::Device::Cpu).unwrap();
    tensors.insert("embeddings.LayerNorm.bias".into(), nan);
    candle_core::safetensors::save(&tensors, dir.path().join("model.safetensors")).unwrap();
    let error = load_error(dir.path());
    assert!(error.to_string().contains("NaN"), "{error}");
}

#[test]
fn other_architectures_are_unsupported() {
    for (patch, named) in [
        (serde_json::json!({"model_type": "roberta"}), "roberta"),
        (serde_json::json!({"hidden_act": "swish"}), "swish"),
        (serde_json::json!({"position_embedding_type": "relative_key"}), "relative_key"),
    ] {
        let dir = tiny_dir();
        let mut value: serde_json::Value =
            serde_json::from_str(&Tiny::default().config_json()).unwrap();
        for (key, v) in patch.as_object().unwrap() {
            value[key] = v.clone();
        }
        std::fs::write(dir.path().join("config.json"), value.to_string()).unwrap();
        let error = load_error(dir.path());
        assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
        let message = error.to_string();
        assert!(message.contains(named) && message.contains("BERT"), "{message}");
    }
}

#[test]
fn max_pooling_is_unsupported() {
    let dir = tiny_dir();
    let pooling = r#"{"word_embedding_dimension": 8, "pooling_mode_max_tokens": true}"#;
    std::fs::write(dir.path().join("1_Pooling/config.json"), pooling).unwrap();
    let error = load_error(dir.path());
    assert!(matches!(&error, Error::Unsupported { reason, .. } if reason.contains("max")));
}
