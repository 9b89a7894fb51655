//! List statistics and mapping filters of §7.5: `sum`, `min`, `max`, `avg`,
//! `high_pass_filter`, `low_pass_filter`, `outliers`.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::error::ExprError;
use super::functions::{arg_error, list_arg, num_arg, str_arg};
use super::ops::{num_cmp as num_order, to_num, Num};
use super::value::Value;

fn nums(func: &str, items: &[Value]) -> Result<Vec<Num>, ExprError> {
    items
        .iter()
        .map(|item| {
            num_arg(func, 0, item).map_err(|_| {
                ExprError::new(format!(
                    "{func}(): list items must be numbers, got {} {}",
                    item.type_name(),
                    item.describe()
                ))
            })
        })
        .collect()
}

/// Compensated (Neumaier) summation, as Python ≥ 3.12 does for floats.
fn float_sum(values: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut comp) = (0.0_f64, 0.0_f64);
    for x in values {
        let t = sum + x;
        comp += if sum.abs() >= x.abs() {
            (sum - t) + x
        } else {
            (x - t) + sum
        };
        sum = t;
    }
    if comp.is_finite() {
        sum + comp
    } else {
        sum
    }
}

fn all_ints(values: &[Num]) -> Option<Vec<i64>> {
    values
        .iter()
        .map(|n| match n {
            Num::Int(i) => Some(*i),
            Num::Float(_) => None,
        })
        .collect()
}

/// `sum(list)`: int if all items are ints, else float.
pub(super) fn sum(items: &[Value]) -> Result<Value, ExprError> {
    let values = nums("sum", items)?;
    if let Some(ints) = all_ints(&values) {
        return ints
            .iter()
            .try_fold(0_i64, |acc, &i| acc.checked_add(i))
            .map(Value::Int)
            .ok_or_else(|| {
                ExprError::new("sum(): integer overflow (the sum does not fit in 64 bits)")
            });
    }
    Ok(Value::Float(float_sum(values.iter().map(|n| n.as_f64()))))
}

/// `avg(list)`: float mean; an empty list is an error.
pub(super) fn avg(items: &[Value]) -> Result<Value, ExprError> {
    let values = nums("avg", items)?;
    if values.is_empty() {
        return Err(ExprError::new("avg(): the list is empty"));
    }
    let total = match all_ints(&values) {
        // Exact integer total first, like Python's int sum.
        Some(ints) => ints.iter().map(|&i| i as i128).sum::<i128>() as f64,
        None => float_sum(values.iter().map(|n| n.as_f64())),
    };
    Ok(Value::Float(total / values.len() as f64))
}

/// `min(list)` / `max(list)`: the first smallest/largest item.
pub(super) fn extreme(func: &str, items: &[Value]) -> Result<Value, ExprError> {
    let values = nums(func, items)?;
    let want = if func == "min" {
        Ordering::Less
    } else {
        Ordering::Greater
    };
    let mut best = *values
        .first()
        .ok_or_else(|| ExprError::new(format!("{func}(): the list is empty")))?;
    for &candidate in &values[1..] {
        if num_order(candidate, best) == Some(want) {
            best = candidate;
        }
    }
    Ok(best.value())
}

/// `high_pass_filter(map, limit[, subkey])` / `low_pass_filter(…)`: the entries whose
/// (sub-)value is numeric and above / below `limit`.
pub(super) fn pass_filter(func: &str, args: &[Value]) -> Result<Value, ExprError> {
    let map = match args.first() {
        Some(Value::Map(map)) => map,
        other => {
            return Err(arg_error(
                func,
                0,
                "a mapping",
                other.unwrap_or(&Value::Null),
            ))
        }
    };
    let limit = num_arg(func, 1, args.get(1).unwrap_or(&Value::Null))?;
    let subkey = args.get(2).map(|v| str_arg(func, 2, v)).transpose()?;
    let want = if func == "high_pass_filter" {
        Ordering::Greater
    } else {
        Ordering::Less
    };
    let mut out = BTreeMap::new();
    for (key, entry) in map {
        let value = match (entry, &subkey) {
            (Value::Map(sub), Some(sk)) => match sub.get(sk) {
                Some(v) => v,
                None => continue,
            },
            (Value::Map(_), None) => {
                return Err(ExprError::new(format!(
                    "{func}(): the value of '{key}' is a mapping, so a sub-key must be given"
                )))
            }
            (_, Some(sk)) => {
                return Err(ExprError::new(format!(
                    "{func}(): sub-key '{sk}' given, but the value of '{key}' is not a mapping"
                )))
            }
            (v, None) => v,
        };
        let numeric = match value {
            Value::List(_) | Value::Map(_) | Value::Null => None,
            scalar => to_num(scalar, func).ok(),
        };
        if let Some(n) = numeric {
            if num_order(n, limit) == Some(want) {
                out.insert(key.clone(), entry.clone());
            }
        }
    }
    Ok(Value::Map(out))
}

/// `outliers(values, names, limit)`: name → |v − mean| / stddev (population) for deviations
/// above `limit`; a zero standard deviation gives an empty mapping.
pub(super) fn outliers(args: &[Value]) -> Result<Value, ExprError> {
    const F: &str = "outliers";
    let null = Value::Null;
    let values = nums(F, list_arg(F, 0, args.first().unwrap_or(&null))?)?;
    let names = list_arg(F, 1, args.get(1).unwrap_or(&null))?
        .iter()
        .map(|n| str_arg(F, 1, n))
        .collect::<Result<Vec<_>, _>>()?;
    let limit = num_arg(F, 2, args.get(2).unwrap_or(&null))?.as_f64();
    if values.len() != names.len() {
        return Err(ExprError::new(format!(
            "outliers(): values and names must have the same length (got {} and {})",
            values.len(),
            names.len()
        )));
    }
    if values.is_empty() {
        return Err(ExprError::new("outliers(): the lists are empty"));
    }
    let xs: Vec<f64> = values.iter().map(|n| n.as_f64()).collect();
    let count = xs.len() as f64;
    let mean = float_sum(xs.iter().copied()) / count;
    let variance = float_sum(xs.iter().map(|x| (x - mean) * (x - mean))) / count;
    let stddev = variance.sqrt();
    let mut out = BTreeMap::new();
    if stddev == 0.0 || !stddev.is_finite() {
        return Ok(Value::Map(out));
    }
    for (x, name) in xs.iter().zip(names) {
        let deviation = (x - mean).abs() / stddev;
        if deviation > limit {
            out.insert(name, Value::Float(deviation));
        }
    }
    Ok(Value::Map(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neumaier_sum_is_accurate() {
        assert_eq!(float_sum(std::iter::repeat_n(0.1, 10)), 1.0);
        assert_eq!(float_sum([1e100, 1.0, -1e100].into_iter()), 1.0);
    }
}
