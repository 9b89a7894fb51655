//! The value model of expressions (§7.3): types, auto-typing, truthiness and conversion to text.

use std::collections::BTreeMap;

use super::error::ExprError;
use super::pyfloat::float_repr;

/// A value produced by an expression. Mappings only come from function results and result
/// evaluations; variable items are `Str` (or `Map` of `Str` for items with sub-keys).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Null,
}

/// `^[+-]?[0-9]+$`
fn looks_int(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit())
}

/// `^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`
fn looks_float(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
            digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

impl Value {
    /// Converts text to the type it looks like (§7.3): int, float, exactly `True`/`False` → bool,
    /// anything else stays a string. Texts containing `_`, `inf`/`nan` and floats too large to
    /// be finite stay strings; integers too large for 64 bits become floats.
    pub fn auto_type(s: &str) -> Value {
        if s.contains('_') {
            return Value::Str(s.to_string());
        }
        if looks_int(s) {
            if let Ok(i) = s.parse::<i64>() {
                return Value::Int(i);
            }
        }
        if looks_float(s) {
            if let Ok(f) = s.parse::<f64>() {
                if f.is_finite() {
                    return Value::Float(f);
                }
            }
        }
        match s {
            "True" => Value::Bool(true),
            "False" => Value::Bool(false),
            _ => Value::Str(s.to_string()),
        }
    }

    /// `self` with a string auto-typed; other values unchanged.
    pub fn auto_typed(&self) -> Value {
        match self {
            Value::Str(s) => Value::auto_type(s),
            other => other.clone(),
        }
    }

    /// Python truthiness of the value as it is: 0, 0.0, `""`, `[]`, `{}`, False and null are
    /// false. (Operators auto-type strings first, so there `"0"` is false too.)
    pub fn truthy(&self) -> bool {
        match self {
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Bool(b) => *b,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Null => false,
        }
    }

    /// Conversion to text (§7.3): ints in decimal, floats like Python's `repr`, bools as
    /// `True`/`False`, null as `None`. Lists and mappings cannot become text.
    pub fn to_text(&self) -> Result<String, ExprError> {
        match self {
            Value::Int(i) => Ok(i.to_string()),
            Value::Float(f) => Ok(float_repr(*f)),
            Value::Bool(true) => Ok("True".to_string()),
            Value::Bool(false) => Ok("False".to_string()),
            Value::Str(s) => Ok(s.clone()),
            Value::Null => Ok("None".to_string()),
            Value::List(_) => Err(ExprError::new("value resolved to a list")),
            Value::Map(_) => Err(ExprError::new("value resolved to a mapping")),
        }
    }

    /// The type name used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Bool(_) => "bool",
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "mapping",
            Value::Null => "null",
        }
    }

    /// A short rendering for error messages (`'abc'`, `5`, `[1, 2]`).
    pub fn describe(&self) -> String {
        match self {
            Value::Str(s) => format!("'{s}'"),
            Value::List(items) => {
                let inner: Vec<String> = items.iter().map(Value::describe).collect();
                format!("[{}]", inner.join(", "))
            }
            Value::Map(map) => {
                let inner: Vec<String> = map
                    .iter()
                    .map(|(k, v)| format!("'{k}': {}", v.describe()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
            other => other.to_text().unwrap_or_default(),
        }
    }

    /// Converts a JSON value (e.g. a result mapping) to a `Value`. Integers that do not fit in
    /// 64 bits become floats.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Array(items) => {
                Value::List(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Converts to JSON. Non-finite floats have no JSON form and become null.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Map(map) => serde_json::Value::Object(
                map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
            ),
            Value::Null => serde_json::Value::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_type_follows_the_spec_patterns() {
        assert_eq!(Value::auto_type("42"), Value::Int(42));
        assert_eq!(Value::auto_type("-7"), Value::Int(-7));
        assert_eq!(Value::auto_type("+7"), Value::Int(7));
        assert_eq!(Value::auto_type("010"), Value::Int(10));
        assert_eq!(Value::auto_type("1.5"), Value::Float(1.5));
        assert_eq!(Value::auto_type("1."), Value::Float(1.0));
        assert_eq!(Value::auto_type(".5"), Value::Float(0.5));
        assert_eq!(Value::auto_type("-1e3"), Value::Float(-1000.0));
        assert_eq!(Value::auto_type("2E-2"), Value::Float(0.02));
        assert_eq!(Value::auto_type("True"), Value::Bool(true));
        assert_eq!(Value::auto_type("False"), Value::Bool(false));
        for text in [
            "true", "1_000", "inf", "nan", "-inf", "1e", ".", "", " 5", "5 ", "1e999", "0x10",
            "e5", "1.2.3", "+",
        ] {
            assert_eq!(Value::auto_type(text), Value::Str(text.into()), "{text:?}");
        }
        assert_eq!(
            Value::auto_type("99999999999999999999"),
            Value::Float(99999999999999999999.0)
        );
    }

    #[test]
    fn truthiness_is_pythons() {
        assert!(!Value::Int(0).truthy());
        assert!(!Value::Float(0.0).truthy());
        assert!(!Value::Float(-0.0).truthy());
        assert!(Value::Float(f64::NAN).truthy());
        assert!(!Value::Str(String::new()).truthy());
        assert!(Value::Str("0".into()).truthy());
        assert!(!Value::List(vec![]).truthy());
        assert!(Value::List(vec![Value::Int(0)]).truthy());
        assert!(!Value::Map(BTreeMap::new()).truthy());
        assert!(!Value::Null.truthy());
        assert!(!Value::Bool(false).truthy());
    }

    #[test]
    fn text_conversion() {
        assert_eq!(Value::Int(-3).to_text().unwrap(), "-3");
        assert_eq!(Value::Float(1.0).to_text().unwrap(), "1.0");
        assert_eq!(Value::Float(1e-5).to_text().unwrap(), "1e-05");
        assert_eq!(Value::Bool(true).to_text().unwrap(), "True");
        assert_eq!(Value::Null.to_text().unwrap(), "None");
        assert_eq!(Value::Str("010".into()).to_text().unwrap(), "010");
        assert_eq!(
            Value::List(vec![]).to_text().unwrap_err().message,
            "value resolved to a list"
        );
        assert_eq!(
            Value::Map(BTreeMap::new()).to_text().unwrap_err().message,
            "value resolved to a mapping"
        );
    }

    #[test]
    fn json_round_trip() {
        let json: serde_json::Value = serde_json::from_str(
            r#"{"a": [1, 2.5, "x", null, true], "b": {"c": 18446744073709551615}}"#,
        )
        .unwrap();
        let value = Value::from_json(&json);
        let Value::Map(map) = &value else {
            panic!("not a map: {value:?}")
        };
        assert_eq!(
            map["a"],
            Value::List(vec![
                Value::Int(1),
                Value::Float(2.5),
                Value::Str("x".into()),
                Value::Null,
                Value::Bool(true)
            ])
        );
        assert_eq!(
            value.to_json()["a"],
            serde_json::json!([1, 2.5, "x", null, true])
        );
        assert_eq!(
            Value::Float(f64::INFINITY).to_json(),
            serde_json::Value::Null
        );
    }
}
