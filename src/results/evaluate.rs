//! `result_evaluate` (CONFIG.md §11): expressions over the result mapping, evaluated in
//! dependency order (a key may use other evaluation keys; cycles are errors), then the `result`
//! key decides PASS / FAIL / ERROR.

use crate::expr::{eval_expr, Expression, MapResolver, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The order to evaluate `evals` in: every key after the evaluation keys it references (the
/// first component of a reference). Keys on or behind a dependency cycle come second, in
/// written order. Unparsable expressions have no dependencies (they fail on their own).
pub fn order(evals: &[(String, String)]) -> (Vec<usize>, Vec<usize>) {
    let keys: BTreeSet<&str> = evals.iter().map(|(k, _)| k.as_str()).collect();
    let deps: Vec<BTreeSet<String>> = evals
        .iter()
        .map(|(k, e)| {
            Expression::parse(e)
                .map(|x| {
                    x.root_names()
                        .into_iter()
                        .filter(|n| keys.contains(n.as_str()) && n != k)
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::with_capacity(evals.len());
    let mut pending: Vec<usize> = (0..evals.len()).collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for i in pending {
            if deps[i].iter().all(|d| done.contains(d.as_str())) {
                done.insert(evals[i].0.as_str());
                out.push(i);
            } else {
                rest.push(i);
            }
        }
        if rest.len() == before {
            return (out, rest);
        }
        pending = rest;
    }
    (out, Vec::new())
}

/// The message for keys that depend on each other in a cycle.
pub fn cycle_message(names: &[&str]) -> String {
    format!(
        "result_evaluate keys depend on each other in a cycle: {}",
        names.join(", ")
    )
}

/// Evaluates `evals` (key → expression text, already string-resolved) into `results`.
/// Errors are appended to `errors`; a failed key is stored as null.
pub fn evaluate(
    results: &mut BTreeMap<String, Value>,
    evals: &[(String, String)],
    errors: &mut Vec<String>,
) {
    let mut evals: Vec<(String, String)> = evals.to_vec();
    if !evals.iter().any(|(k, _)| k == "result") && !results.contains_key("result") {
        evals.push(("result".to_string(), "return_value == 0".to_string()));
    }
    let (ordered, cyclic) = order(&evals);
    for i in ordered {
        let (k, e) = &evals[i];
        let v = match eval_expr(e, &MapResolver(results)) {
            Ok(v) => v,
            Err(err) => {
                errors.push(format!("error evaluating '{k}': {}", err.message));
                Value::Null
            }
        };
        results.insert(k.clone(), v);
    }
    if !cyclic.is_empty() {
        let names: Vec<&str> = cyclic.iter().map(|&i| evals[i].0.as_str()).collect();
        errors.push(cycle_message(&names));
        for i in cyclic {
            results.insert(evals[i].0.clone(), Value::Null);
        }
    }
}

/// PASS / FAIL / ERROR from the `result` value (and any errors).
pub fn verdict(results: &BTreeMap<String, Value>, errors: &mut Vec<String>) -> &'static str {
    if !errors.is_empty() {
        return "ERROR";
    }
    match results.get("result") {
        Some(Value::Bool(true)) => "PASS",
        Some(Value::Bool(false)) => "FAIL",
        other => {
            errors.push(format!(
                "'result' must be true or false, got {}",
                other
                    .map(|v| v.to_text().unwrap_or_default())
                    .unwrap_or_else(|| "nothing".into())
            ));
            "ERROR"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(rv: i64) -> BTreeMap<String, Value> {
        BTreeMap::from([("return_value".to_string(), Value::Int(rv))])
    }

    #[test]
    fn default_result_is_return_value_zero() {
        let mut r = base(0);
        let mut e = vec![];
        evaluate(&mut r, &[], &mut e);
        assert_eq!(verdict(&r, &mut e), "PASS");
        let mut r = base(2);
        evaluate(&mut r, &[], &mut e);
        assert_eq!(verdict(&r, &mut e), "FAIL");
    }

    #[test]
    fn keys_are_evaluated_in_dependency_order() {
        let mut r = base(0);
        let mut e = vec![];
        let evals = vec![
            ("result".to_string(), "doubled == 8".to_string()),
            ("doubled".to_string(), "x * 2".to_string()),
            ("x".to_string(), "4".to_string()),
        ];
        evaluate(&mut r, &evals, &mut e);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(r["doubled"], Value::Int(8));
        assert_eq!(verdict(&r, &mut e), "PASS");
    }

    #[test]
    fn cycles_and_non_bool_results_are_errors() {
        let mut r = base(0);
        let mut e = vec![];
        evaluate(
            &mut r,
            &[("a".into(), "b".into()), ("b".into(), "a".into())],
            &mut e,
        );
        assert!(e.iter().any(|m| m.contains("cycle")), "{e:?}");
        let mut r = base(0);
        let mut e = vec![];
        evaluate(&mut r, &[("result".into(), "5".into())], &mut e);
        assert_eq!(verdict(&r, &mut e), "ERROR");
    }
}
