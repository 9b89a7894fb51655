//! Result parsers (CONFIG.md §10): values read from a test's output files (or a command, or
//! a constant) into result keys, before `result_evaluate` runs.
//!
//! ```text
//! config::ResultParse ──layered()──▶ (parser, key, options) ──spec::build──▶ KeySpec
//!   KeySpec ──files::glob_files──▶ files ──scan::parse_lines (+ table/json)──▶ value per file
//!   values per file ──action::apply + per_file::combine──▶ stored under the (multi-)key
//! ```
//!
//! The same checks run at config time ([`check::check_result_parse`], located errors) and in
//! the allocation (after deferred values are resolved), where any problem becomes a message in
//! `pav_result_errors` and a null value: parsing never fails a test run's bookkeeping.

pub mod action;
pub mod check;
pub mod command;
pub mod config;
pub mod files;
pub mod json;
pub mod per_file;
pub mod scan;
pub mod spec;
pub mod table;

pub use check::check_result_parse;
pub use config::ResultParse;

use crate::expr::Value;
use per_file::{FileValue, Stored};
use spec::{KeySpec, ParserKind};
use std::collections::BTreeMap;
use std::path::Path;

/// What the parsers produced for one test run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// Result keys (multi-keys spread).
    pub values: BTreeMap<String, Value>,
    /// `per_file: name` values: file name → key → value.
    pub per_file: BTreeMap<String, BTreeMap<String, Value>>,
    /// Messages for `pav_result_errors`.
    pub errors: Vec<String>,
    /// What was read and found, for the test run's `results.log`.
    pub trace: Vec<String>,
}

/// Runs every configured parser. `build` is the test run's `build/` directory (globs are
/// relative to it, commands run in it); `run_dir` is the test run directory (scratch files,
/// and file names in messages are shown relative to it).
pub fn parse_results(cfg: &ResultParse, build: &Path, run_dir: &Path) -> Parsed {
    let mut out = Parsed::default();
    for (parser, key, opts) in cfg.layered() {
        match spec::build(parser, &key, &opts) {
            Ok(spec) => parse_key(&spec, parser, build, run_dir, &mut out),
            Err(e) => {
                out.errors
                    .push(format!("result_parse.{parser}.{key}: {}", e.text()));
                for name in spec::key_names(&key).into_iter().flatten() {
                    out.values.insert(name, Value::Null);
                }
            }
        }
    }
    out
}

fn shown(path: &Path, run_dir: &Path) -> String {
    path.strip_prefix(run_dir)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The (pre-action) value of each file of a file-reading key.
fn file_values(
    spec: &KeySpec,
    parser: &str,
    build: &Path,
    run_dir: &Path,
    out: &mut Parsed,
) -> Vec<FileValue> {
    let mut seen = std::collections::BTreeSet::new();
    let mut values = Vec::new();
    let line_parser = scan::line_parser(&spec.kind);
    for glob in &spec.files {
        let found = files::glob_files(build, glob);
        if found.is_empty() {
            out.errors.push(format!(
                "no files found for glob '{glob}' under key '{}'",
                spec.key
            ));
            values.push(FileValue {
                name: None,
                value: Value::Null,
            });
        }
        for path in found {
            if !seen.insert(path.clone()) {
                continue;
            }
            let name = Some(per_file::normalise_file_name(&path));
            let value = match &line_parser {
                None => Value::Bool(true),
                Some(p) => match std::fs::read(&path) {
                    Err(e) => Err(format!("cannot read: {e}")),
                    Ok(bytes) => {
                        let text = String::from_utf8_lossy(&bytes);
                        scan::parse_lines(&scan::lines(&text), &spec.conds, spec.match_select, p)
                    }
                }
                .unwrap_or_else(|m| {
                    out.errors.push(format!(
                        "{parser} parser, key '{}', file '{}': {m}",
                        spec.key,
                        shown(&path, run_dir)
                    ));
                    Value::Null
                }),
            };
            out.trace
                .push(format!("  {}: {}", shown(&path, run_dir), value.to_json()));
            values.push(FileValue { name, value });
        }
    }
    values
}

fn parse_key(spec: &KeySpec, parser: &str, build: &Path, run_dir: &Path, out: &mut Parsed) {
    out.trace.push(format!("{parser} key '{}':", spec.key));
    let once = match &spec.kind {
        ParserKind::Constant(c) => Some(Ok(Value::Str(c.clone()))),
        ParserKind::Command {
            command,
            stdout,
            stderr_null,
        } => Some(command::run(
            command,
            build,
            run_dir,
            *stdout,
            *stderr_null,
            command::COMMAND_TIMEOUT,
        )),
        _ => None,
    };
    let stored = match once {
        Some(raw) => {
            let raw = raw.unwrap_or_else(|m| {
                out.errors
                    .push(format!("{parser} parser, key '{}': {m}", spec.key));
                Value::Null
            });
            Stored::Value(action::apply(spec.action, &raw))
        }
        None => {
            let values = file_values(spec, parser, build, run_dir, out);
            per_file::combine(
                &spec.key,
                spec.per_file,
                spec.action,
                &values,
                &mut out.errors,
            )
        }
    };
    match stored {
        Stored::Value(v) => {
            out.trace.push(format!("  stored: {}", v.to_json()));
            per_file::store(&spec.key, v, &mut out.values, &mut out.errors);
        }
        Stored::PerName(list) => {
            for (name, v) in list {
                out.trace
                    .push(format!("  stored for '{name}': {}", v.to_json()));
                let into = out.per_file.entry(name).or_default();
                per_file::store(&spec.key, v, into, &mut out.errors);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::yaml::{from_node, load_str};

    fn setup(files: &[(&str, &str)]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("build")).unwrap();
        for (name, text) in files {
            let p = d.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        d
    }

    fn run(d: &tempfile::TempDir, yaml: &str) -> Parsed {
        let node = load_str(std::path::Path::new("t.yaml"), yaml).unwrap();
        let cfg: ResultParse = from_node(&node, "t.result_parse").unwrap();
        parse_results(&cfg, &d.path().join("build"), d.path())
    }

    fn json(p: &Parsed) -> serde_json::Value {
        Value::Map(p.values.clone()).to_json()
    }

    #[test]
    fn keys_from_the_run_log() {
        let d = setup(&[(
            "run.log",
            "header\nspeed: 10 GB/s\nspeed: 12 GB/s\nn = 3 4 5\nPASSED\n",
        )]);
        let p = run(
            &d,
            "regex:\n  speed: {regex: 'speed: (\\d+)'}\n  speeds: {regex: 'speed: (\\d+)', match_select: all, action: store_sum}\n  result: {regex: '^PASSED$'}\n  'a, b, _':\n    regex: '(\\w+) (\\w+) (\\w+)'\n    for_lines_matching: '^n ='\nsplit:\n  nums: {for_lines_matching: '^n =', sep: ' '}\nconstant:\n  _tmp: {const: '7'}\n",
        );
        assert_eq!(p.errors, Vec::<String>::new());
        assert_eq!(
            json(&p),
            serde_json::json!({
                "speed": 10, "speeds": 22, "result": true, "a": 3, "b": 4,
                "nums": ["n", "=", 3, 4, 5], "_tmp": 7
            })
        );
    }

    #[test]
    fn per_file_names_and_missing_files() {
        let d = setup(&[
            ("build/n1.out", "ok 1\n"),
            ("build/n2.out", "bad\n"),
            ("build/N-3.out", "ok 3\n"),
        ]);
        let p = run(
            &d,
            "regex:\n  _defaults: {files: ['*.out']}\n  ok: {regex: 'ok (\\d)', per_file: name}\n  good: {regex: 'ok', per_file: name_list}\n  every: {regex: 'ok', per_file: all}\n  missing: {regex: 'x', files: ['none*.log', 'n1.out'], per_file: any}\n",
        );
        assert_eq!(
            p.errors,
            vec!["no files found for glob 'none*.log' under key 'missing'".to_string()]
        );
        assert_eq!(
            json(&p),
            serde_json::json!({"good": ["n_3", "n1"], "every": false, "missing": false})
        );
        let per: serde_json::Value = serde_json::to_value(
            p.per_file
                .iter()
                .map(|(k, m)| (k.clone(), Value::Map(m.clone()).to_json()))
                .collect::<BTreeMap<_, _>>(),
        )
        .unwrap();
        assert_eq!(
            per,
            serde_json::json!({"n1": {"ok": 1}, "n2": {"ok": null}, "n_3": {"ok": 3}})
        );
    }

    #[test]
    fn runtime_problems_become_errors_and_nulls() {
        let d = setup(&[("run.log", "{not json\n")]);
        let p = run(
            &d,
            "json:\n  j: {}\nregex:\n  r: {regex: '('}\ncommand:\n  c: {command: 'echo hi', output_type: stdout}\nfilecheck:\n  f: {files: ['../run.log', 'nope']}\n",
        );
        assert_eq!(p.values["j"], Value::Null);
        assert_eq!(p.values["c"], Value::Str("hi".into()));
        assert_eq!(p.values["f"], Value::Bool(true));
        assert_eq!(p.values["r"], Value::Null);
        assert_eq!(p.errors.len(), 3, "{:?}", p.errors);
        assert!(
            p.errors[0].starts_with("result_parse.regex.r: invalid regular expression '('"),
            "{:?}",
            p.errors
        );
        assert!(
            p.errors[1].starts_with("json parser, key 'j', file 'run.log': invalid JSON"),
            "{:?}",
            p.errors
        );
        assert_eq!(p.errors[2], "no files found for glob 'nope' under key 'f'");
    }
}
