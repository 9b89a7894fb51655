//! Typed checks of resolved `build:`/`run:` values (CONFIG.md §4.1, Y6) at resolution time, so a
//! bad `run.timeout` or `build.verbose` is a config error pointing at its line when `loggia run`
//! starts — not a failure inside the allocation. Values still holding deferred expressions are
//! checked by the in-allocation runner instead.

use crate::config::test::TestConfig;
use crate::config::yaml::{ConfigError, Node};
use crate::run::create::parse_bool;

/// Checks every typed key of `build` and `run`; `deferred` are the paths left for the runner.
pub fn check_sections(
    cfg: &TestConfig,
    node: &Node,
    test: &str,
    deferred: &[String],
) -> Result<(), ConfigError> {
    let err = |path: &str, msg: String, expected: &str| {
        ConfigError::at(&super::proto::span_at(node, path), msg)
            .with_path(format!("{test}.{path}"))
            .with_expected(expected)
    };
    let live = |path: &str| !deferred.iter().any(|d| d == path);
    for (name, sec) in [("build", &cfg.build), ("run", &cfg.run)] {
        for (key, v) in [("verbose", &sec.verbose), ("autoexit", &sec.autoexit)] {
            let path = format!("{name}.{key}");
            if live(&path) {
                parse_bool(v.as_deref(), false)
                    .map_err(|m| err(&path, m, "true, false, yes or no"))?;
            }
        }
        let path = format!("{name}.timeout");
        if let Some(t) = sec
            .timeout
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            if live(&path) && t.parse::<u64>().is_err() {
                return Err(err(
                    &path,
                    format!("invalid timeout '{t}'"),
                    "a whole number of seconds, or empty for none",
                ));
            }
        }
    }
    if live("build.on_nodes") {
        parse_bool(cfg.build.on_nodes.as_deref(), false)
            .map_err(|m| err("build.on_nodes", m, "true, false, yes or no"))?;
    }
    if let Some(c) = cfg
        .run
        .concurrent
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        if live("run.concurrent") && !c.parse::<u32>().is_ok_and(|n| n >= 1) {
            return Err(err(
                "run.concurrent",
                format!("invalid concurrency '{c}'"),
                "an integer ≥ 1",
            ));
        }
    }
    for (name, keys) in [
        ("build", crate::config::test::RUN_ONLY),
        ("run", crate::config::test::BUILD_ONLY),
    ] {
        for key in keys {
            let section = node.get(name).and_then(|s| match &s.kind {
                crate::config::yaml::NodeKind::Map(m) => m.iter().find(|(k, _)| k.name == *key),
                _ => None,
            });
            if let Some((k, _)) = section {
                let other = if name == "build" { "run" } else { "build" };
                return Err(ConfigError::at(
                    &k.span,
                    format!("'{key}' is a '{other}' key; '{name}' does not accept it"),
                )
                .with_path(format!("{test}.{name}"))
                .with_expected(format!("move it under '{other}:'")));
            }
        }
    }
    Ok(())
}

/// `result_evaluate` (CONFIG.md §11) at resolution time: every expression parses, and the keys
/// do not depend on each other in a cycle. Deferred values are left to the runner.
pub fn check_evaluations(
    cfg: &TestConfig,
    node: &Node,
    test: &str,
    deferred: &[String],
) -> Result<(), ConfigError> {
    let evals = &cfg.result_evaluate.0;
    for (k, text) in evals {
        let path = format!("result_evaluate.{k}");
        if deferred.contains(&path) {
            continue;
        }
        if let Err(e) = crate::expr::Expression::parse(text) {
            return Err(ConfigError::at(
                &super::proto::span_at(node, &path),
                format!("invalid expression for '{k}': {}", e.message),
            )
            .with_path(format!("{test}.{path}"))
            .with_expected("an expression over the result keys, e.g. 'return_value == 0'"));
        }
    }
    let (_, cyclic) = crate::results::evaluate::order(evals);
    if let Some(&first) = cyclic.first() {
        let names: Vec<&str> = cyclic.iter().map(|&i| evals[i].0.as_str()).collect();
        return Err(ConfigError::at(
            &super::proto::span_at(node, &format!("result_evaluate.{}", evals[first].0)),
            crate::results::evaluate::cycle_message(&names),
        )
        .with_path(format!("{test}.result_evaluate"))
        .with_expected("keys that refer only to result keys or to earlier evaluations"));
    }
    Ok(())
}
