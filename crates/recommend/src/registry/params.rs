//! Setting one hyper-parameter from text ([`ModelConfig::set`]): the text is read as the JSON
//! type the parameter already has, patched into the serialized config, deserialized back and
//! validated. Also lists a config's parameters by asking serde for the struct's field names.
//!
//! It knows no model: everything goes through serde.

use serde::de::{self, DeserializeOwned, Visitor};
use serde_json::Value;

use super::ModelConfig;
use crate::{Error, Result};

impl ModelConfig {
    /// Sets one hyper-parameter from text (CLI `--param neighbours=100`, search spaces). The text
    /// is read as the parameter's type: a number, `true`/`false`, a name (no quotes needed), or a
    /// list as JSON (`[0.5,0.5]`) or comma-separated (`0.5,0.5`). The result is validated; on
    /// error the configuration is left unchanged. Setting a hybrid's `components` to a different
    /// number of models resets its `weights` to 1 each, since one call cannot set both.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let model = self.name();
        let mut fields = match serde_json::to_value(&*self) {
            Ok(Value::Object(fields)) => fields,
            _ => return Err(Error::Artifact(format!("model `{model}`: config is not an object"))),
        };
        let current = match fields.get(key) {
            Some(current) if key != "model" => current,
            _ => return Err(unknown_parameter(model, key, self.parameters())),
        };
        let bad_value = Error::Parameter {
            model,
            parameter: self.parameters().iter().find(|p| **p == key).copied().unwrap_or("(value)"),
            value: value.to_string(),
            expected: expected_kind(current),
        };
        let Some(parsed) = parse_like(current, value.trim()) else {
            return Err(bad_value);
        };
        if let (Self::Hybrid(_), "components", Value::Array(components)) = (&*self, key, &parsed) {
            let equal = Value::Array(vec![Value::from(1.0); components.len()]);
            match fields.get("weights") {
                Some(Value::Array(weights)) if weights.len() == components.len() => {}
                _ => {
                    fields.insert("weights".into(), equal);
                }
            }
        }
        fields.insert(key.to_string(), parsed);
        let Ok(updated) = serde_json::from_value::<ModelConfig>(Value::Object(fields)) else {
            return Err(bad_value);
        };
        updated.validate()?;
        *self = updated;
        Ok(())
    }
}

/// The error for a key the model does not have; the allowed keys go in the value text because
/// [`Error::Parameter`] holds only static strings for the parameter and expectation.
fn unknown_parameter(model: &'static str, key: &str, allowed: &[&str]) -> Error {
    Error::Parameter {
        model,
        parameter: "name",
        value: format!(
            "`{key}`, which this model does not have (its parameters: {})",
            allowed.join(", ")
        ),
        expected: "use one of the listed parameters",
    }
}

fn expected_kind(current: &Value) -> &'static str {
    match current {
        Value::Bool(_) => "expected true or false",
        Value::Number(n) if n.is_f64() => "expected a finite number",
        Value::Number(_) => "expected a whole number of the right range",
        Value::String(_) => "expected one of the documented names",
        Value::Array(_) => "expected a list, as JSON (`[1,2]`) or comma-separated (`1,2`)",
        Value::Object(_) | Value::Null => "expected a JSON value of the right shape",
    }
}

/// Reads `text` as the same JSON type as `current`; `None` when it cannot be.
fn parse_like(current: &Value, text: &str) -> Option<Value> {
    match current {
        Value::Bool(_) => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(Value::Bool(true)),
            "false" | "no" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        Value::Number(_) => number(text),
        Value::String(_) => Some(Value::String(text.trim_matches('"').to_string())),
        Value::Array(_) => match serde_json::from_str::<Value>(text) {
            Ok(v @ Value::Array(_)) => Some(v),
            _ if text.is_empty() => Some(Value::Array(Vec::new())),
            _ => text
                .split(',')
                .map(|part| {
                    let part = part.trim();
                    number(part).or_else(|| serde_json::from_str(part).ok())
                })
                .collect::<Option<Vec<Value>>>()
                .map(Value::Array),
        },
        Value::Object(_) | Value::Null => serde_json::from_str(text)
            .ok()
            .or_else(|| (!text.is_empty()).then(|| Value::String(text.to_string()))),
    }
}

/// A number as JSON; integers stay integers so `usize` fields accept them. Non-finite values
/// (`nan`, `inf`) have no JSON form and are refused here.
fn number(text: &str) -> Option<Value> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::from(i));
    }
    let f = text.parse::<f64>().ok().filter(|f| f.is_finite())?;
    serde_json::Number::from_f64(f).map(Value::Number)
}

/// The field names of a config struct, as serde's derive declares them (`&'static`, in
/// declaration order), so errors can name a parameter without a hand-kept table.
pub(super) fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields = None;
    // The derive hands its field list to `deserialize_struct`; the error that follows is expected.
    let _ = T::deserialize(FieldNames(&mut fields));
    fields.unwrap_or(&[])
}

/// A deserializer that only records the field list of the struct asked of it.
struct FieldNames<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> de::Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(
        self,
        _visitor: V,
    ) -> std::result::Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> std::result::Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("field names recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}
