//! Tests of the registry: names, defaults, JSON, and `set`.

use serde_json::Value;

use super::*;

#[test]
fn every_name_has_a_default_that_round_trips_through_json() {
    for &name in MODEL_NAMES {
        let config = ModelConfig::default_for(name).expect("listed name has a default");
        assert_eq!(config.name(), name);
        config.validate().expect("defaults are valid");
        let json = serde_json::to_value(&config).expect("serialize");
        assert_eq!(json["model"], name);
        let back: ModelConfig = serde_json::from_value(json).expect("deserialize");
        assert_eq!(back, config);
    }
    assert!(ModelConfig::default_for("nope").is_none());
}

#[test]
fn parameters_are_the_serialized_fields() {
    for &name in MODEL_NAMES {
        let config = ModelConfig::default_for(name).expect("default");
        let json = serde_json::to_value(&config).expect("serialize");
        let mut serialized: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "model")
            .collect();
        let mut listed = config.parameters().to_vec();
        serialized.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, serialized, "{name}");
    }
}

#[test]
fn unknown_fields_in_json_are_refused() {
    let json = serde_json::json!({"model": "popular", "binary": true, "typo": 1});
    assert!(serde_json::from_value::<ModelConfig>(json).is_err());
    let json = serde_json::json!({"model": "nope"});
    assert!(serde_json::from_value::<ModelConfig>(json).is_err());
}

fn check_set(model: &str, key: &str, value: &str, expected: std::result::Result<Value, &str>) {
    let mut config = ModelConfig::default_for(model).expect("model");
    let before = config.clone();
    match (config.set(key, value), expected) {
        (Ok(()), Ok(want)) => {
            let json = serde_json::to_value(&config).expect("serialize");
            assert_eq!(json[key], want, "{model} {key}={value}");
        }
        (Err(e), Err(fragment)) => {
            let text = e.to_string();
            assert!(text.contains(fragment), "{model} {key}={value}: {text}");
            assert_eq!(config, before, "a failed set leaves the config unchanged");
        }
        (got, want) => panic!("{model} {key}={value}: got {got:?}, wanted {want:?}"),
    }
}

#[test]
fn set_parses_validates_and_names_the_allowed_keys() {
    use serde_json::json;
    check_set("popular", "binary", "false", Ok(json!(false)));
    check_set("popular", "binary", "maybe", Err("expected true or false"));
    check_set("trending", "window_days", "14", Ok(json!(14.0)));
    check_set("trending", "half_life_days", "2.5", Ok(json!(2.5)));
    check_set("trending", "half_life_days", "nan", Err("half_life_days"));
    check_set("trending", "half_life_days", "inf", Err("finite"));
    check_set("trending", "window_days", "-3", Err("positive"));
    check_set("trending", "window_days", "0", Err("positive"));
    check_set("trending", "windows", "3", Err("window_days, half_life_days, binary"));
    check_set("trending", "model", "popular", Err("does not have"));
}

#[test]
fn hybrid_components_and_weights_are_set_as_lists() {
    let mut config = ModelConfig::default_for("hybrid").expect("hybrid");
    config
        .set("components", r#"[{"model": "popular"}, {"model": "item-knn"}, {"model": "rules"}]"#)
        .expect("components");
    let ModelConfig::Hybrid(hybrid) = &config else { panic!("{config:?}") };
    assert_eq!(hybrid.weights, vec![1.0; 3], "a new component count resets the weights");
    config.set("weights", "0.2, 0.3,0.5").expect("comma-separated");
    config.set("weights", "[0.25,0.25,0.5]").expect("JSON");
    let ModelConfig::Hybrid(hybrid) = &config else { panic!("{config:?}") };
    assert_eq!(hybrid.weights, vec![0.25, 0.25, 0.5]);
    check_set("hybrid", "weights", "1,2,3", Err("one weight per component"));
    check_set("hybrid", "weights", "1,x", Err("expected a list"));
    check_set("hybrid", "components", r#"[{"model": "nope"}]"#, Err("components"));
    check_set("hybrid", "normalization", "min-max", Ok(serde_json::json!("min-max")));
    check_set("hybrid", "normalization", "softmax", Err("normalization"));
}
