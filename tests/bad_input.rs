//! Bad input never panics: each kind of mistake gives a one-screen error that names the file,
//! line and column where a file is involved, says what was expected, and exits with the
//! config-error code (2).

mod common;
use common::*;

fn check(suite: &str, request: &str, wanted: &[&str]) {
    let s = Site::new(&[("s", suite)]);
    let o = s.run(&["run", request]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(!err.contains("panicked"), "{err}");
    for w in wanted {
        assert!(err.contains(w), "expected {w:?} in:\n{err}");
    }
    assert!(err.lines().count() < 25, "not one screen:\n{err}");
}

#[test]
fn missing_suite() {
    check(
        "t:\n  run:\n    cmds: [true]\n",
        "nosuch",
        &["no suite 'nosuch'", "tests"],
    );
}

#[test]
fn unknown_scheduler_suggests() {
    check(
        "t:\n  scheduler: rwa\n  run:\n    cmds: [true]\n",
        "s",
        &["unknown scheduler 'rwa'", "available: raw", "s.yaml:2:14"],
    );
}

#[test]
fn malformed_yaml() {
    check("t:\n  run:\n    cmds: [true\n", "s", &["s.yaml:"]);
}

#[test]
fn unknown_key_with_did_you_mean() {
    check(
        "t:\n  run:\n    cmd: [true]\n",
        "s",
        &["cmd", "s.yaml:3:5", "cmds"],
    );
}

#[test]
fn wrong_type() {
    check(
        "t:\n  run:\n    cmds:\n      a: b\n",
        "s",
        &["s.yaml:4:7", "list"],
    );
}

#[test]
fn bad_schedule_value() {
    check(
        "t:\n  schedule:\n    time_limit: '12:61'\n  run:\n    cmds: [true]\n",
        "s",
        &["time_limit", "s.yaml:3:17"],
    );
}

#[test]
fn undefined_variable() {
    check(
        "t:\n  run:\n    cmds: ['echo {{nope}}']\n",
        "s",
        &["nope", "s.yaml:3:12"],
    );
}

#[test]
fn unknown_test_in_request() {
    check(
        "t:\n  run:\n    cmds: [true]\n",
        "s.x",
        &["no test in suite 's' matches 'x'"],
    );
}

#[test]
fn bad_cli_arguments() {
    let s = Site::new(&[]);
    let o = s.run(&["run", "--no-such-flag", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = s.run(&["status", "main.notanumber"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn bad_run_values_are_config_errors() {
    check(
        "t:\n  run:\n    timeout: soon\n    cmds: [true]\n",
        "s",
        &["invalid timeout 'soon'", "s.yaml:3:14", "seconds"],
    );
    check(
        "t:\n  build:\n    verbose: maybe\n",
        "s",
        &["maybe", "s.yaml:3:14", "true, false"],
    );
    check(
        "t:\n  run:\n    concurrent: 0\n    cmds: [true]\n",
        "s",
        &["invalid concurrency '0'", "s.yaml:3:17"],
    );
    check(
        "t:\n  run:\n    on_nodes: true\n",
        "s",
        &[
            "'on_nodes' is a 'build' key; 'run' does not accept it",
            "s.yaml:3:5",
        ],
    );
}
