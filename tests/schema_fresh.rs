//! The published JSON schemas: the committed copies under `configs/schema/` are what the binary
//! generates, every example suite carries the yaml-language-server modeline, and every example
//! config validates against its schema (so the schema is never stricter than the loader on
//! configs we know are good).

mod schema_check;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const MODELINE: &str = "# yaml-language-server: $schema=../../configs/schema/test.schema.json";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generated(kind: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_loggia"))
        .args(["schema", kind])
        .output()
        .expect("running loggia schema");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("utf-8 schema")
}

fn committed(kind: &str) -> String {
    let p = root().join(format!("configs/schema/{kind}.schema.json"));
    std::fs::read_to_string(&p).unwrap_or_default()
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"));
    v.sort();
    v
}

fn as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn committed_schemas_are_fresh() {
    for kind in ["test", "site"] {
        assert!(
            generated(kind) == committed(kind),
            "configs/schema/{kind}.schema.json is stale; regenerate it with\n  \
             cargo run -- schema {kind} --output configs/schema/{kind}.schema.json"
        );
    }
}

#[test]
fn schema_command_writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.json");
    let o = Command::new(env!("CARGO_BIN_EXE_loggia"))
        .args(["schema", "site", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), committed("site"));
    let bad = Command::new(env!("CARGO_BIN_EXE_loggia"))
        .args(["schema", "site", "-o"])
        .arg(dir.path().join("no/such/dir/s.json"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cannot write"));
}

#[test]
fn every_example_suite_has_the_modeline() {
    let suites = yaml_files(&root().join("test_suites/tests"));
    assert!(!suites.is_empty());
    for p in suites {
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(
            text.lines().next(),
            Some(MODELINE),
            "{} must start with the line\n{MODELINE}",
            p.display()
        );
    }
}

#[test]
fn example_configs_validate() {
    let test: Value = serde_json::from_str(&committed("test")).unwrap();
    let site: Value = serde_json::from_str(&committed("site")).unwrap();
    for p in yaml_files(&root().join("test_suites/tests")) {
        let errors = schema_check::validate(&test, &as_json(&p));
        assert!(errors.is_empty(), "{}:\n{}", p.display(), errors.join("\n"));
    }
    // Host and mode configs are one test config each.
    let mut one_test = test.clone();
    one_test["$ref"] = Value::from("#/definitions/TestConfig");
    for k in [
        "type",
        "patternProperties",
        "additionalProperties",
        "description",
    ] {
        one_test.as_object_mut().unwrap().remove(k);
    }
    for dir in [
        "test_suites/hosts",
        "test_suites/modes",
        "configs/hosts",
        "configs/modes",
    ] {
        for p in yaml_files(&root().join(dir)) {
            let errors = schema_check::validate(&one_test, &as_json(&p));
            assert!(errors.is_empty(), "{}:\n{}", p.display(), errors.join("\n"));
        }
    }
    let errors = schema_check::validate(&site, &as_json(&root().join("configs/loggia.yaml")));
    assert!(
        errors.is_empty(),
        "configs/loggia.yaml:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    let test: Value = serde_json::from_str(&committed("test")).unwrap();
    let check = |yaml: &str| schema_check::validate(&test, &serde_yaml::from_str(yaml).unwrap());
    assert!(
        check("t:\n  run:\n    cmds: [true]\n  schedule:\n    nodes: '{{var.n}}'\n").is_empty()
    );
    assert!(check(
        "t:\n  run:\n    cmds+: echo\n  schedule:\n    nodes: 50%\n    time_limit: 1h30m\n"
    )
    .is_empty());
    assert!(
        check("t:\n  scheduler: slurm\n  schedule:\n    slurm:\n      exclusive: no\n").is_empty()
    );
    for bad in [
        "t:\n  summery: x\n",
        "t:\n  run:\n    cmd: [true]\n",
        "t:\n  run:\n    source_path: x\n",
        "t:\n  schedule:\n    partiton: x\n",
        "t:\n  schedule:\n    nodes: 0\n",
        "t:\n  schedule:\n    time_limit: '30:00'\n",
        "t:\n  schedule:\n    slurm:\n      exclusiv: true\n",
        "t:\n  schedule:\n    chunking:\n      node_selection: roundrobin\n",
        "t:\n  variables:\n    1st: x\n",
        "bad.name:\n  run:\n    cmds: [true]\n",
    ] {
        assert!(!check(bad).is_empty(), "accepted:\n{bad}");
    }
}
