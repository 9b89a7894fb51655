//! The result record of one test run (CONFIG.md §12): built from the test's attributes,
//! variables, job and exit info, completed by the result parsers (§10), evaluated, written to
//! `results.json` and appended to the shared result log; then the test is marked complete.
//! Every path that ends a test (the runner, a dead job, a cancel) goes through [`complete`],
//! guarded so it happens once.

use super::evaluate;
use super::parse::{self, ResultParse};
use crate::expr::Value;
use crate::fsutil::{self, FileLock};
use crate::resolve::vars::Item;
use crate::run::testrun::TestRun;
use loggia_sched::ExitInfo;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// How a test ended, as far as the caller knows.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub return_value: Option<i32>,
    pub exit: Option<ExitInfo>,
    pub started: Option<f64>,
    pub finished: Option<f64>,
    /// Set when the test cannot have a real result (scheduler error, cancel, build failure).
    pub forced_error: Option<String>,
    /// `result_parse`, string-resolved; run before the evaluations.
    pub result_parse: ResultParse,
    /// `(key, expression)` of `result_evaluate`, string-resolved.
    pub evaluations: Vec<(String, String)>,
    pub test_version: Option<String>,
}

/// `var`: single-item variables as their item, others as lists.
fn vars_value(vars: &BTreeMap<String, Vec<Item>>) -> Value {
    Value::Map(
        vars.iter()
            .map(|(k, items)| {
                let v = if items.len() == 1 {
                    items[0].to_value()
                } else {
                    Value::List(items.iter().map(Item::to_value).collect())
                };
                (k.clone(), v)
            })
            .collect(),
    )
}

/// `sched`: all but the node lists; `*_list` keys and multi-item values stay lists, other lists
/// become their first element or null (SCHEDULING §4.2).
fn sched_value(vars: &BTreeMap<String, Vec<Item>>) -> Value {
    Value::Map(
        vars.iter()
            .filter(|(k, _)| *k != "node_list" && *k != "test_node_list")
            .map(|(k, items)| {
                let v = if k.ends_with("_list") || items.len() > 1 {
                    Value::List(items.iter().map(Item::to_value).collect())
                } else {
                    items.first().map(Item::to_value).unwrap_or(Value::Null)
                };
                (k.clone(), v)
            })
            .collect(),
    )
}

/// Builds, evaluates and stores the results of `tr`, then marks it complete. Returns the result
/// (`PASS`/`FAIL`/`ERROR`), or `None` when another process completed the test first.
pub fn complete(tr: &TestRun, result_log: &Path, out: &Outcome) -> std::io::Result<Option<String>> {
    if !tr.claim_completion() {
        return Ok(None);
    }
    let mut attrs = tr.attributes()?;
    let vars = tr.vars().unwrap_or_default();
    let job_info: serde_json::Value = tr
        .job_dir()
        .and_then(|d| fsutil::read_json::<serde_json::Value>(&d.join("info")).ok())
        .map(|mut v| {
            if let Some(o) = v.as_object_mut() {
                o.retain(|k, _| {
                    matches!(
                        k.as_str(),
                        "plugin" | "id" | "sys_name" | "host" | "submitted" | "job_dir" | "extra"
                    )
                });
            }
            v
        })
        .unwrap_or_else(|| serde_json::json!({}));
    let finished = out.finished.unwrap_or_else(fsutil::unix_now);
    let mut r: BTreeMap<String, Value> = BTreeMap::new();
    let s = |x: &str| Value::Str(x.to_string());
    r.insert("name".into(), s(&attrs.name));
    r.insert("id".into(), Value::Int(attrs.id as i64));
    r.insert("uuid".into(), s(&attrs.uuid));
    r.insert(
        "test_version".into(),
        s(out.test_version.as_deref().unwrap_or("0.0")),
    );
    r.insert("pav_version".into(), s(env!("CARGO_PKG_VERSION")));
    r.insert("created".into(), Value::Float(attrs.created));
    r.insert(
        "started".into(),
        out.started.map(Value::Float).unwrap_or(Value::Null),
    );
    r.insert("finished".into(), Value::Float(finished));
    r.insert(
        "duration".into(),
        out.started
            .map(|s| Value::Float(finished - s))
            .unwrap_or(Value::Null),
    );
    r.insert("user".into(), s(&attrs.user));
    r.insert("sys_name".into(), s(&attrs.sys_name));
    r.insert("job_info".into(), Value::from_json(&job_info));
    r.insert(
        "permute_on".into(),
        Value::Map(
            vars.permute_on
                .iter()
                .map(|(k, v)| (k.clone(), s(v)))
                .collect(),
        ),
    );
    r.insert("sched".into(), sched_value(&vars.sched));
    r.insert("var".into(), vars_value(&vars.var));
    r.insert(
        "return_value".into(),
        out.return_value
            .map(|v| Value::Int(v.into()))
            .unwrap_or(Value::Null),
    );
    r.insert("per_file".into(), Value::Map(BTreeMap::new()));
    if let Some(e) = &out.exit {
        r.insert(
            "exit_info".into(),
            Value::from_json(&serde_json::to_value(e).unwrap_or_default()),
        );
    }
    let mut errors = Vec::new();
    let result = match &out.forced_error {
        Some(msg) => {
            errors.push(msg.clone());
            "ERROR"
        }
        None => {
            gather_parsed(tr, &out.result_parse, &mut r, &mut errors);
            evaluate::evaluate(&mut r, &out.evaluations, &mut errors);
            evaluate::verdict(&r, &mut errors)
        }
    };
    r.retain(|k, _| !k.starts_with('_'));
    r.insert(
        "pav_result_errors".into(),
        Value::List(errors.iter().map(|e| Value::Str(e.clone())).collect()),
    );
    r.insert("result".into(), s(result));
    let json = Value::Map(r).to_json();
    fsutil::write_json(&tr.path("results.json"), &json)?;
    append_log(result_log, &json)?;
    attrs.result = Some(result.to_string());
    attrs.started = out.started;
    attrs.finished = Some(finished);
    tr.write_attributes(&attrs)?;
    tr.set_status(
        "COMPLETE",
        &format!("The test completed with result: {result}"),
    )?;
    tr.mark_complete()?;
    Ok(Some(result.to_string()))
}

/// Runs the result parsers and merges their keys into `r` (never over a base key), their
/// `per_file` values into `r.per_file`, and their trace into the test run's `results.log`.
fn gather_parsed(
    tr: &TestRun,
    cfg: &ResultParse,
    r: &mut BTreeMap<String, Value>,
    errors: &mut Vec<String>,
) {
    if cfg.is_empty() {
        return;
    }
    let parsed = parse::parse_results(cfg, &tr.path("build"), &tr.dir);
    errors.extend(parsed.errors);
    for (k, v) in parsed.values {
        match r.entry(k) {
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(v);
            }
            std::collections::btree_map::Entry::Occupied(e) => errors.push(format!(
                "result key '{}' is set by loggia and cannot be parsed",
                e.key()
            )),
        }
    }
    if !parsed.per_file.is_empty() {
        r.insert(
            "per_file".into(),
            Value::Map(
                parsed
                    .per_file
                    .into_iter()
                    .map(|(name, m)| (name, Value::Map(m)))
                    .collect(),
            ),
        );
    }
    let mut trace = parsed.trace.join("\n");
    trace.push('\n');
    // The trace only helps people debug a parser; failing to write it changes no result.
    let _ = std::fs::write(tr.path("results.log"), trace);
}

/// Ends a test that cannot have a real result: records `state` with `note` in its status file
/// and completes it with result ERROR, `note` being the reason. A failure to record is itself
/// noted in the status file, since there is nobody else to tell.
pub fn fail(tr: &TestRun, result_log: &Path, state: &str, note: &str) {
    let _ = tr.set_status(state, note);
    let out = Outcome {
        forced_error: Some(note.to_string()),
        ..Default::default()
    };
    if let Err(e) = complete(tr, result_log, &out) {
        let _ = tr.set_status("RESULTS_ERROR", &format!("could not record results: {e}"));
    }
}

/// Appends one JSON line to the shared result log, under a lock.
pub fn append_log(path: &Path, json: &serde_json::Value) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fsutil::create_dir_all(parent)?;
    }
    let _lock = FileLock::acquire(&path.with_extension("lock"))?;
    let mut line = serde_json::to_string(json).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sched_rule_keeps_lists_only_where_asked() {
        let vars = BTreeMap::from([
            ("chunk_ids".to_string(), vec![Item::Str("0".into())]),
            ("test_node_list".to_string(), vec![Item::Str("n1".into())]),
            ("errors".to_string(), vec![]),
            ("tasks_per_node".to_string(), vec![Item::Str("4".into())]),
        ]);
        let v = sched_value(&vars).to_json();
        assert_eq!(
            v,
            serde_json::json!({"chunk_ids": "0", "errors": null, "tasks_per_node": "4"})
        );
    }
}
