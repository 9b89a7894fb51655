//! The result record of one test run (CONFIG.md §12): built from the test's attributes,
//! variables, job and exit info, evaluated, written to `results.json` and appended to the
//! shared result log; then the test is marked complete. Every path that ends a test (the
//! runner, a dead job, a cancel) goes through [`complete`], guarded so it happens once.

use super::evaluate;
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
    /// `(key, expression)` of `result_evaluate`, string-resolved.
    pub evaluations: Vec<(String, String)>,
    pub test_version: Option<String>,
}

fn item_value(it: &Item) -> Value {
    match it {
        Item::Str(s) => Value::Str(s.clone()),
        Item::Map(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (k.clone(), Value::Str(v.clone())))
                .collect(),
        ),
    }
}

/// `var`: single-item variables as their item, others as lists.
fn vars_value(vars: &BTreeMap<String, Vec<Item>>) -> Value {
    Value::Map(
        vars.iter()
            .map(|(k, items)| {
                let v = if items.len() == 1 {
                    item_value(&items[0])
                } else {
                    Value::List(items.iter().map(item_value).collect())
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
                    Value::List(items.iter().map(item_value).collect())
                } else {
                    items.first().map(item_value).unwrap_or(Value::Null)
                };
                (k.clone(), v)
            })
            .collect(),
    )
}

/// Converts a result value to JSON.
pub fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Str(s) => serde_json::Value::String(s.clone()),
        Value::List(l) => serde_json::Value::Array(l.iter().map(to_json).collect()),
        Value::Map(m) => {
            serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Value::Int)
            .unwrap_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0))),
        serde_json::Value::String(s) => Value::Str(s.clone()),
        serde_json::Value::Array(a) => Value::List(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            Value::Map(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
    }
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
    r.insert("job_info".into(), from_json(&job_info));
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
            from_json(&serde_json::to_value(e).unwrap_or_default()),
        );
    }
    let mut errors = Vec::new();
    let result = match &out.forced_error {
        Some(msg) => {
            errors.push(msg.clone());
            "ERROR"
        }
        None => {
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
    let json = to_json(&Value::Map(r));
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
        let v = to_json(&sched_value(&vars));
        assert_eq!(
            v,
            serde_json::json!({"chunk_ids": "0", "errors": null, "tasks_per_node": "4"})
        );
    }
}
