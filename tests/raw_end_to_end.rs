//! The `loggia` binary end to end on the `raw` scheduler: a suite runs and reports results, a
//! failing test fails, results are recorded in every output form.

mod common;
use common::*;

const SUITE: &str = r#"
ok:
  variables:
    word: [alpha]
  run:
    cmds: ['echo "{{word}} {{sys.sys_host}}"']
bad:
  run:
    cmds: ['exit 3']
evaluated:
  run:
    cmds: ['echo value']
  result_evaluate:
    doubled: 'return_value * 2 + 2'
    result: 'doubled == 2'
"#;

#[test]
fn a_suite_runs_and_reports_results() {
    let s = Site::new(&[("demo", SUITE)]);
    let junit = s.path().join("junit.xml");
    let o = s.run(&["run", "-w", "demo", "--junit", junit.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "one test fails, so exit 1:\n{}",
        text(&o)
    );
    let r1 = s.result(1).expect("results of test 1");
    assert_eq!(r1["name"], "demo.ok");
    assert_eq!(r1["result"], "PASS");
    assert_eq!(r1["return_value"], 0);
    assert_eq!(r1["var"]["word"], "alpha");
    assert!(r1["exit_info"]["usage"]["walltime_s"].as_f64().unwrap() >= 0.0);
    let r2 = s.result(2).unwrap();
    assert_eq!(
        (r2["result"].as_str(), r2["return_value"].as_i64()),
        (Some("FAIL"), Some(3))
    );
    let r3 = s.result(3).unwrap();
    assert_eq!(r3["doubled"], 2);
    assert_eq!(r3["result"], "PASS");
    let log = std::fs::read_to_string(s.wd().join("test_runs/1/run.log")).unwrap();
    assert!(log.starts_with("alpha "), "{log}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("tests=\"3\"") && xml.contains("failures=\"1\""),
        "{xml}"
    );
    let lines = std::fs::read_to_string(s.wd().join("results.log")).unwrap();
    assert_eq!(lines.lines().count(), 3);
    let o = s.run(&["results", "--json"]);
    let parsed: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed.len(), 3);
    assert_eq!(o.status.code(), Some(1));
    let o = s.run(&["status"]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("COMPLETE"),
        "{}",
        text(&o)
    );
    let o = s.run(&["log", "1"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("alpha"));
}

#[test]
fn all_passing_exits_zero_and_shows_schedulers() {
    let s = Site::new(&[("one", "t:\n  run:\n    cmds: [true]\n")]);
    let o = s.run(&["run", "-w", "one.t"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = s.run(&["show", "schedulers"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.lines()
            .any(|l| l.starts_with("raw") && l.contains("yes")),
        "{out}"
    );
}

#[test]
fn identical_builds_are_shared() {
    // Regression: the build script once embedded the test's own directory, so every test got
    // a different build id and nothing was ever shared.
    let suite = "a:\n  build:\n    cmds: ['echo built > out.txt']\n  run:\n    cmds: ['cat out.txt']\nb:\n  inherits_from: a\n";
    let s = Site::new(&[("shared", suite)]);
    let o = s.run(&["run", "-w", "shared"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let builds: Vec<_> = std::fs::read_dir(s.wd().join("builds"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .collect();
    assert_eq!(builds.len(), 1, "{builds:?}");
    let states: Vec<String> = (1..=2u64)
        .map(|i| std::fs::read_to_string(s.wd().join(format!("test_runs/{i}/status"))).unwrap())
        .collect();
    assert_eq!(
        states
            .iter()
            .filter(|t| t.contains(" BUILD_REUSED "))
            .count(),
        1,
        "{states:?}"
    );
    assert_eq!(
        std::fs::read_to_string(s.wd().join("test_runs/2/run.log")).unwrap(),
        "built\n"
    );
}

#[test]
fn keys_a_basic_scheduler_cannot_honour_are_ignored_with_one_warning_each() {
    let suite = "a:\n  chunk: 3\n  schedule:\n    chunking:\n      size: 2\n  run:\n    cmds: [true]\nb:\n  inherits_from: a\n";
    let s = Site::new(&[("w", suite)]);
    let o = s.run(&["run", "-w", "w"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(
        lines,
        [
            "warning: schedule.chunking: ignored by a basic-tier scheduler (w.a, w.b)",
            "warning: chunk: ignored by a basic-tier scheduler (w.a, w.b)"
        ]
    );
}
