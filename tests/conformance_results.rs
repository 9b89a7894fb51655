//! Result parser conformance (CONFIG.md §10–§12): the suites `test_suites/tests/conf_results*.yaml`
//! run through the real `loggia` binary on the `raw` scheduler, and the parsed values, errors
//! and PASS/FAIL/ERROR results in `results.json` and the result log are checked exactly; the
//! configuration errors of `tests/fixtures/conf_results_bad.yaml` must stop `loggia run` at the offending
//! value's `file:line:col`.

mod common;
use common::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

fn suite_text(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_suites/tests")
        .join(format!("{name}.yaml"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Runs every test of suite `name` on a fresh site; returns the site (kept alive for its
/// files) and the results by test name (`suite.test`).
fn run_suite(name: &str, expect_exit: i32) -> (Site, BTreeMap<String, Value>) {
    let text = suite_text(name);
    let s = Site::new(&[(name, &text)]);
    let o = s.run(&["run", "-w", name]);
    assert_eq!(o.status.code(), Some(expect_exit), "{}", text_of(&o));
    let mut by_name = BTreeMap::new();
    let runs = std::fs::read_dir(s.wd().join("test_runs")).expect("test_runs");
    for e in runs.flatten() {
        let Ok(id) = e.file_name().to_string_lossy().parse::<u64>() else {
            continue;
        };
        let r = s
            .result(id)
            .unwrap_or_else(|| panic!("no results for test {id}"));
        let n = r["name"].as_str().unwrap_or_default().to_string();
        by_name.insert(n, r);
    }
    (s, by_name)
}

fn text_of(o: &std::process::Output) -> String {
    text(o)
}

/// Asserts that `r` has exactly `expected` for each listed key.
fn assert_keys(r: &Value, expected: Value) {
    let Value::Object(exp) = expected else {
        panic!("expected an object")
    };
    for (k, v) in exp {
        assert_eq!(r[&k], v, "key '{k}' of {}", r["name"]);
    }
}

fn no_errors(r: &Value) {
    assert_eq!(r["pav_result_errors"], json!([]), "{}", r["name"]);
}

#[test]
fn regex_match_select_positions_and_multi_keys() {
    let (_s, r) = run_suite("conf_results_regex", 0);
    let sel = &r["conf_results_regex.select"];
    no_errors(sel);
    assert_keys(
        sel,
        json!({
            "first_speed": 10, "last_speed": 7, "second": 12.5, "second_last": 10,
            "out_of_range": null, "every": [10, 12.5, 10, 7], "distinct": [10, 12.5, 7],
            "whole": "speed: 7 GB", "result": "PASS"
        }),
    );
    let pos = &r["conf_results_regex.positions"];
    no_errors(pos);
    assert_keys(
        pos,
        json!({
            "phase2_time": 8, "phase1_time": 5, "ranks_ok": 2, "passed": 3, "failed": 1,
            "only_passed": 3, "second_group": 1, "result": "PASS"
        }),
    );
    // Temporary keys are used by evaluations, then dropped.
    assert!(pos.get("_scratch").is_none(), "{pos}");
}

#[test]
fn actions_and_the_result_key() {
    let (_s, r) = run_suite("conf_results_actions", 1);
    let a = &r["conf_results_actions.actions"];
    no_errors(a);
    assert_keys(
        a,
        json!({
            "stored": ["values:", 4, "x", 1, 2.5, 10],
            "as_text": ["values:", "4", "x", "1", "2.5", "10"],
            "counted": 6, "total": 17.5, "smallest": 1, "largest": 10, "mean": 4.375,
            "median": 3.25, "app_id": 7, "app_id_text": "007", "done": true, "not_failed": true,
            "one_match": 1, "no_match": 0, "no_numbers": null, "result": "PASS"
        }),
    );
    let verdicts: Vec<(&str, &str)> = ["passes", "fails", "no_errors"]
        .iter()
        .map(|t| {
            let v = &r[&format!("conf_results_actions.{t}")];
            (*t, v["result"].as_str().unwrap_or_default())
        })
        .collect();
    assert_eq!(
        verdicts,
        vec![("passes", "PASS"), ("fails", "FAIL"), ("no_errors", "PASS")]
    );
}

#[test]
fn table_and_split() {
    let (_s, r) = run_suite("conf_results_table", 0);
    let t = &r["conf_results_table.tables"];
    no_errors(t);
    assert_keys(
        t,
        json!({
            "speeds": {
                "cn01": {"speed_gb_s_": 1.5, "errors": 0},
                "cn02": {"speed_gb_s_": 2.5, "errors": null}
            },
            "by_col": {
                "speed_gb_s_": {"cn01": 1.5, "cn02": 2.5},
                "errors": {"cn01": 0, "cn02": null}
            },
            "named": {
                "row_0": {"host": "cn01", "speed": 1.5},
                "row_1": {"host": "cn02", "speed": 2.5}
            },
            "words": ["after,", "the", "table"],
            "parts": ["after", "the table"],
            "total": 4.0,
            "result": "PASS"
        }),
    );
}

#[test]
fn json_command_constant_and_filecheck() {
    let (s, r) = run_suite("conf_results_json_command", 0);
    let j = &r["conf_results_json_command.json"];
    no_errors(j);
    assert_keys(
        j,
        json!({
            "everything": {
                "app": {"version": 1.2, "flops": 3.5e9, "ranks": [0, 1]},
                "debug": {"x": 1}, "ok": true
            },
            "app_only": {"app": {"flops": 3.5e9}, "ok": true},
            "no_debug": {"app": {"version": 1.2, "flops": 3.5e9}, "ok": true},
            "result": "PASS"
        }),
    );
    let c = &r["conf_results_json_command.command"];
    no_errors(c);
    assert_keys(
        c,
        json!({
            "status": 0, "failing": 4, "content": "made\noops", "quiet": "made",
            "result": "PASS"
        }),
    );
    let k = &r["conf_results_json_command.constant_filecheck"];
    no_errors(k);
    assert_keys(
        k,
        json!({
            "answer": 42, "text": "007", "from_var": 5, "outs": ["empty", "full"],
            "has_empty": true, "all_there": true, "result": "PASS"
        }),
    );
    // The command parser's scratch files do not stay behind.
    let id = c["id"].as_u64().unwrap();
    let dir = s.wd().join("test_runs").join(id.to_string());
    assert!(!dir.join(".result_command.sh").exists());
    assert!(!dir.join(".result_command.out").exists());
    let trace = std::fs::read_to_string(dir.join("results.log")).unwrap();
    assert!(
        trace.contains("command key 'failing':\n  stored: 4\n"),
        "{trace}"
    );
}

#[test]
fn per_file_modes() {
    let (s, r) = run_suite("conf_results_per_file", 0);
    let p = &r["conf_results_per_file.per_file"];
    no_errors(p);
    assert_keys(
        p,
        json!({
            "first_rate": 20, "last_rate": 30, "listed": [20, 10, 30],
            "names": ["node_4_data", "node1", "node2"],
            "all_rates": false, "any_rate": true,
            "per_file": {
                "node_4_data": {"each": 20}, "node1": {"each": 10},
                "node2": {"each": 30}, "node3": {"each": null}
            },
            "result": "PASS"
        }),
    );
    assert!(p.get("each").is_none(), "{p}");
    // The result log holds the same record.
    let log = std::fs::read_to_string(s.wd().join("results.log")).unwrap();
    let line: Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    assert_eq!(line["listed"], json!([20, 10, 30]));
    assert_eq!(line["per_file"]["node1"], json!({"each": 10}));
}

#[test]
fn runtime_problems_give_error_results() {
    let (_s, r) = run_suite("conf_results_errors", 1);
    let m = &r["conf_results_errors.missing_file"];
    assert_keys(
        m,
        json!({
            "found": "i", "absent": null, "result": "ERROR",
            "pav_result_errors": [
                "no files found for glob 'nothing*.txt' under key 'absent'",
                "no matches for key 'absent'"
            ]
        }),
    );
    let b = &r["conf_results_errors.bad_json"];
    assert_keys(b, json!({"data": null, "result": "ERROR"}));
    let errs = b["pav_result_errors"].as_array().unwrap();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0]
            .as_str()
            .unwrap()
            .starts_with("json parser, key 'data', file 'run.log': invalid JSON: "),
        "{errs:?}"
    );
    let k = &r["conf_results_errors.short_multi_key"];
    assert_keys(
        k,
        json!({
            "k1": "a", "k2": 1, "k3": null, "result": "ERROR",
            "pav_result_errors": [
                "multi-key 'k1, k2, k3' has 3 keys but the value has only 2 items; the rest are null"
            ]
        }),
    );
}

/// `(line, col)` (1-based) of the first `needle` after the line `test:` in `text`.
fn position_of(text: &str, test: &str, needle: &str) -> (usize, usize) {
    let start = text
        .find(&format!("\n{test}:\n"))
        .unwrap_or_else(|| panic!("no test {test}"));
    let at = start + text[start..].find(needle).expect("needle");
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, col)
}

#[test]
fn config_errors_are_located() {
    // Deliberately invalid, so it lives outside test_suites/ (whose suites must pass the schema).
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/conf_results_bad.yaml"),
    )
    .unwrap();
    let s = Site::new(&[("conf_results_bad", &text)]);
    let cases = [
        ("unknown_parser", "regx:", "unknown key 'regx'"),
        ("unknown_option", "regex: x", "unknown key 'regex'"),
        ("wrong_type", "{a: b}", "expected a list"),
        (
            "bad_regex",
            "'speed",
            "invalid regular expression 'speed: (\\d+'",
        ),
        ("bad_action", "stor", "unknown action 'stor'"),
        ("bad_per_file", "every", "unknown per_file 'every'"),
        (
            "bad_match_select",
            "second",
            "invalid match_select 'second'",
        ),
        (
            "bad_result_per_file",
            "list",
            "per_file for the 'result' key must give one true/false",
        ),
    ];
    for (test, needle, message) in cases {
        let o = s.run(&["run", &format!("conf_results_bad.{test}")]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{test}: {}", text_of(&o));
        let (line, col) = position_of(&text, test, needle);
        assert!(
            err.contains(&format!("conf_results_bad.yaml:{line}:{col}\n")),
            "{test}: expected {line}:{col}:\n{err}"
        );
        assert!(
            err.contains(message),
            "{test}: expected '{message}':\n{err}"
        );
        assert!(
            err.contains(&format!("conf_results_bad.{test}.result_parse")),
            "{test}: {err}"
        );
    }
    assert!(!s.wd().join("test_runs").join("1").exists());
}
