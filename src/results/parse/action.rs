//! Actions (CONFIG.md §10.3): how a parsed value becomes the stored value.

use super::spec::Action;
use crate::expr::Value;
use std::cmp::Ordering;

/// Null or `[]`.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::List(items) => items.is_empty(),
        _ => false,
    }
}

/// Non-empty and not `false`.
pub fn is_match(v: &Value) -> bool {
    !is_empty(v) && *v != Value::Bool(false)
}

/// Strings auto-typed, inside lists and mappings too.
fn auto_type_deep(v: &Value) -> Value {
    match v {
        Value::Str(s) => Value::auto_type(s),
        Value::List(items) => Value::List(items.iter().map(auto_type_deep).collect()),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (k.clone(), auto_type_deep(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A number for the statistics actions (bools are not numbers here).
#[derive(Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    fn f(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    fn value(self) -> Value {
        match self {
            Num::Int(i) => Value::Int(i),
            Num::Float(f) => Value::Float(f),
        }
    }

    fn cmp(self, other: Num) -> Ordering {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => a.cmp(&b),
            _ => self.f().total_cmp(&other.f()),
        }
    }
}

/// The numeric items (auto-typed) of a list value; a single numeric value is a one-item list.
fn numbers(v: &Value) -> Vec<Num> {
    let one = |v: &Value| match v.auto_typed() {
        Value::Int(i) => Some(Num::Int(i)),
        Value::Float(f) => Some(Num::Float(f)),
        _ => None,
    };
    match v {
        Value::List(items) => items.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

fn sum(nums: &[Num]) -> Value {
    let ints: Option<i64> = nums.iter().try_fold(0i64, |acc, n| match n {
        Num::Int(i) => acc.checked_add(*i),
        Num::Float(_) => None,
    });
    match ints {
        Some(i) => Value::Int(i),
        // Floats present, or the integer sum does not fit in 64 bits.
        None => Value::Float(nums.iter().map(|n| n.f()).sum()),
    }
}

/// Applies `action` to a parsed value.
pub fn apply(action: Action, v: &Value) -> Value {
    let stat = |f: fn(&mut Vec<Num>) -> Value| {
        let mut nums = numbers(v);
        if nums.is_empty() {
            Value::Null
        } else {
            f(&mut nums)
        }
    };
    match action {
        Action::Store => auto_type_deep(v),
        Action::StoreStr => v.clone(),
        Action::StoreTrue => Value::Bool(is_match(v)),
        Action::StoreFalse => Value::Bool(!is_match(v)),
        Action::Count => match v {
            Value::List(items) => Value::Int(items.len() as i64),
            other => Value::Int(i64::from(is_match(other))),
        },
        Action::Sum => stat(|n| sum(n)),
        Action::Min => stat(|n| {
            n.iter()
                .copied()
                .reduce(|a, b| if b.cmp(a) == Ordering::Less { b } else { a })
                .map(Num::value)
                .unwrap_or(Value::Null)
        }),
        Action::Max => stat(|n| {
            n.iter()
                .copied()
                .reduce(|a, b| if b.cmp(a) == Ordering::Greater { b } else { a })
                .map(Num::value)
                .unwrap_or(Value::Null)
        }),
        Action::Mean => {
            stat(|n| Value::Float(n.iter().map(|x| x.f()).sum::<f64>() / n.len() as f64))
        }
        Action::Median => stat(|n| {
            n.sort_by(|a, b| a.cmp(*b));
            let mid = n.len() / 2;
            if n.len() % 2 == 1 {
                n[mid].value()
            } else {
                Value::Float((n[mid - 1].f() + n[mid].f()) / 2.0)
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::Str(x.to_string())
    }

    fn list(items: &[&str]) -> Value {
        Value::List(items.iter().map(|x| s(x)).collect())
    }

    #[test]
    fn store_auto_types_deeply() {
        let v = Value::Map(
            [("a".to_string(), list(&["1", "x", "2.5", "True"]))]
                .into_iter()
                .collect(),
        );
        assert_eq!(
            apply(Action::Store, &v).to_json(),
            serde_json::json!({"a": [1, "x", 2.5, true]})
        );
        assert_eq!(apply(Action::StoreStr, &s("10")), s("10"));
        assert_eq!(apply(Action::Store, &Value::Null), Value::Null);
    }

    #[test]
    fn truth_and_count() {
        assert_eq!(apply(Action::StoreTrue, &s("")), Value::Bool(true));
        assert_eq!(apply(Action::StoreTrue, &Value::Null), Value::Bool(false));
        assert_eq!(apply(Action::StoreTrue, &list(&[])), Value::Bool(false));
        assert_eq!(
            apply(Action::StoreFalse, &Value::Bool(false)),
            Value::Bool(true)
        );
        assert_eq!(apply(Action::Count, &list(&["a", "b"])), Value::Int(2));
        assert_eq!(apply(Action::Count, &s("a")), Value::Int(1));
        assert_eq!(apply(Action::Count, &Value::Null), Value::Int(0));
    }

    #[test]
    fn statistics() {
        let v = list(&["3", "x", "1", "2.5", "10"]);
        assert_eq!(apply(Action::Sum, &v), Value::Float(16.5));
        assert_eq!(apply(Action::Sum, &list(&["1", "2"])), Value::Int(3));
        assert_eq!(apply(Action::Min, &v), Value::Int(1));
        assert_eq!(apply(Action::Max, &v), Value::Int(10));
        assert_eq!(apply(Action::Mean, &v), Value::Float(4.125));
        assert_eq!(apply(Action::Median, &v), Value::Float(2.75));
        assert_eq!(
            apply(Action::Median, &list(&["5", "1", "3"])),
            Value::Int(3)
        );
        assert_eq!(apply(Action::Mean, &s("4")), Value::Float(4.0));
        assert_eq!(apply(Action::Max, &list(&["a", "True"])), Value::Null);
        assert_eq!(apply(Action::Sum, &Value::Null), Value::Null);
        let big = i64::MAX.to_string();
        assert_eq!(
            apply(Action::Sum, &list(&[&big, "1"])),
            Value::Float(i64::MAX as f64 + 1.0)
        );
    }
}
