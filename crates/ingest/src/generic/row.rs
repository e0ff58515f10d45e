//! One row of a generic file, whether it came from CSV or JSON Lines: typed access to its fields
//! by name, so each record kind is built by one function. Not a reader of files.

use std::borrow::Cow;

use aisle_domain::{AttributeValue, Attributes, Timestamp};
use serde_json::Value;

use crate::input::{excerpt, Problem};

pub(crate) type Res<T> = std::result::Result<T, Problem>;

/// A row: CSV fields with their (lower-cased) header, or a JSON object.
pub(crate) enum Row<'a> {
    Csv { header: &'a [String], fields: &'a [&'a str] },
    Json(&'a serde_json::Map<String, Value>),
}

impl<'a> Row<'a> {
    /// A field as text; `None` when absent, empty or JSON `null`.
    pub(crate) fn text(&self, name: &str) -> Res<Option<Cow<'a, str>>> {
        match self {
            Row::Csv { header, fields } => Ok(header
                .iter()
                .position(|h| h == name)
                .and_then(|i| fields.get(i))
                .map(|f| f.trim())
                .filter(|f| !f.is_empty())
                .map(Cow::Borrowed)),
            Row::Json(map) => match map.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
                Some(Value::String(s)) => Ok(Some(Cow::Borrowed(s.as_str()))),
                Some(Value::Number(n)) => Ok(Some(Cow::Owned(n.to_string()))),
                Some(Value::Bool(b)) => Ok(Some(Cow::Owned(b.to_string()))),
                Some(other) => Err(Problem::new(
                    name,
                    format!("expected a string or a number, found {}", excerpt(&other.to_string())),
                )),
            },
        }
    }

    /// A required text field.
    pub(crate) fn required(&self, name: &str) -> Res<Cow<'a, str>> {
        self.text(name)?
            .ok_or_else(|| Problem::new(name, format!("`{name}` is required; give it a value")))
    }

    pub(crate) fn number(&self, name: &str) -> Res<Option<f64>> {
        self.text(name)?.map(|t| crate::input::number(name, &t)).transpose()
    }

    pub(crate) fn int(&self, name: &str) -> Res<Option<i64>> {
        self.text(name)?.map(|t| crate::input::int(name, &t)).transpose()
    }

    pub(crate) fn timestamp(&self, name: &str) -> Res<Option<Timestamp>> {
        self.text(name)?
            .map(|t| {
                Timestamp::parse(&t).map_err(|e| {
                    let mut problem = Problem::domain(e);
                    problem.field = Some(name.to_string());
                    problem
                })
            })
            .transpose()
    }

    pub(crate) fn bool(&self, name: &str) -> Res<Option<bool>> {
        let Some(text) = self.text(name)? else { return Ok(None) };
        match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Ok(Some(true)),
            "false" | "no" | "n" | "0" => Ok(Some(false)),
            _ => Err(Problem::new(name, format!("`{}` is not true or false", excerpt(&text)))),
        }
    }

    /// A list: a JSON array of strings, or text split on `separator` (CSV).
    pub(crate) fn list(&self, name: &str, separator: char) -> Res<Vec<String>> {
        if let Row::Json(map) = self {
            if let Some(Value::Array(values)) = map.get(name) {
                return values
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s.trim().to_string()),
                        Value::Number(n) => Ok(n.to_string()),
                        _ => Err(Problem::new(name, "expected a list of strings")),
                    })
                    .collect();
            }
        }
        Ok(match self.text(name)? {
            Some(text) => text
                .split(separator)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            None => Vec::new(),
        })
    }

    /// Attributes: every column or key not in `known`, plus the entries of an `attributes`
    /// object (JSON, or a JSON object written in a CSV `attributes` column).
    pub(crate) fn attributes(&self, known: &[&str]) -> Res<Attributes> {
        let mut attributes = Attributes::new();
        match self {
            Row::Csv { header, fields } => {
                for (name, value) in header.iter().zip(fields.iter()) {
                    let value = value.trim();
                    if known.contains(&name.as_str()) || value.is_empty() {
                        continue;
                    }
                    if name == "attributes" {
                        let object: serde_json::Map<String, Value> = serde_json::from_str(value)
                            .map_err(|e| {
                                Problem::new("attributes", format!("not a JSON object: {e}"))
                            })?;
                        json_attributes(&object, &mut attributes)?;
                    } else {
                        attributes.insert(name.clone(), infer(value));
                    }
                }
            }
            Row::Json(map) => {
                for (key, value) in map.iter() {
                    if known.contains(&key.as_str()) {
                        continue;
                    }
                    if key == "attributes" {
                        match value {
                            Value::Object(object) => json_attributes(object, &mut attributes)?,
                            Value::Null => {}
                            _ => return Err(Problem::new("attributes", "expected a JSON object")),
                        }
                    } else if let Some(v) = json_value(key, value)? {
                        attributes.insert(key.clone(), v);
                    }
                }
            }
        }
        Ok(attributes)
    }
}

fn json_attributes(object: &serde_json::Map<String, Value>, into: &mut Attributes) -> Res<()> {
    for (key, value) in object {
        if let Some(v) = json_value(key, value)? {
            into.insert(key.clone(), v);
        }
    }
    Ok(())
}

fn json_value(key: &str, value: &Value) -> Res<Option<AttributeValue>> {
    Ok(Some(match value {
        Value::Null => return Ok(None),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Number(n) => AttributeValue::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => AttributeValue::Text(s.clone()),
        Value::Array(values) => AttributeValue::List(
            values
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    Value::Bool(b) => Ok(b.to_string()),
                    _ => Err(Problem::new(key, "an attribute list holds strings or numbers")),
                })
                .collect::<Res<Vec<String>>>()?,
        ),
        Value::Object(_) => {
            return Err(Problem::new(
                key,
                "nested objects are not attributes; flatten them (`size_eu`, `size_us`)",
            ))
        }
    }))
}

/// A CSV attribute value: a number when it is written like one (`42`, `-1.5`; not `007`, which
/// stays text so codes keep their zeros), else text.
pub(crate) fn infer(value: &str) -> AttributeValue {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let numeric = plain(whole)
        && (whole == "0" || !whole.starts_with('0'))
        && frac.is_none_or(plain)
        && whole.len() <= 15;
    match value.parse::<f64>() {
        Ok(n) if numeric && n.is_finite() => AttributeValue::Number(n),
        _ => AttributeValue::Text(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: &str, expected: AttributeValue) {
        assert_eq!(infer(value), expected, "{value:?}");
    }

    #[test]
    fn csv_values_become_numbers_only_when_written_as_numbers() {
        check("42", AttributeValue::Number(42.0));
        check("-1.5", AttributeValue::Number(-1.5));
        check("0.25", AttributeValue::Number(0.25));
        check("007", AttributeValue::Text("007".into()));
        check("1e5", AttributeValue::Text("1e5".into()));
        check("NaN", AttributeValue::Text("NaN".into()));
        check("red", AttributeValue::Text("red".into()));
    }
}
