//! The malformed-config corpus (`tests/config_errors/`): every case goes through the real
//! `loggia run`, must exit with the config-error code (2) without panicking, and its output is
//! snapshot-tested (`tests/snapshots/config_errors__<case>.snap`) so that a change in any error
//! message is reviewed. Temp paths are replaced by `<site>` to keep snapshots stable.
//!
//! A case is `NN-name.yaml` (the suite `s`) or a folder `NN-name/` whose files are copied over
//! the site (its suite is `tests/s.yaml`; it may add `hosts/`, `modes/` or its own
//! `loggia.yaml`). A first line `# args: …` gives the arguments after `loggia run`
//! (whitespace-separated; default `s`). Update snapshots with `INSTA_UPDATE=always`.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/config_errors")
}

fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The `# args:` line of a case's suite, split on whitespace.
fn args_of(suite: &str) -> Vec<String> {
    match suite.lines().next().and_then(|l| l.strip_prefix("# args:")) {
        Some(a) => a.split_whitespace().map(str::to_string).collect(),
        None => vec!["s".to_string()],
    }
}

/// Runs one case; returns the normalised output.
fn run_case(path: &Path) -> String {
    let site = if path.is_dir() {
        let s = Site::new(&[]);
        copy_tree(path, s.path());
        s
    } else {
        Site::new(&[("s", &std::fs::read_to_string(path).unwrap())])
    };
    let suite = std::fs::read_to_string(site.path().join("tests/s.yaml")).unwrap_or_default();
    let args = args_of(&suite);
    let mut argv = vec!["run".to_string()];
    argv.extend(args.iter().cloned());
    let refs: Vec<&str> = argv.iter().map(String::as_str).collect();
    let o = site.run(&refs);
    let mut out = format!("args: {}\nexit: {:?}\n", args.join(" "), o.status.code());
    let stdout = String::from_utf8_lossy(&o.stdout);
    if !stdout.trim().is_empty() {
        out.push_str(&format!("stdout:\n{stdout}"));
    }
    out.push_str(&format!("stderr:\n{}", String::from_utf8_lossy(&o.stderr)));
    let mut roots = vec![site.path().display().to_string()];
    if let Ok(c) = site.path().canonicalize() {
        roots.push(c.display().to_string());
    }
    for r in roots {
        out = out.replace(&r, "<site>");
    }
    assert_eq!(o.status.code(), Some(2), "{}: {out}", path.display());
    assert!(!out.contains("panicked"), "{}: {out}", path.display());
    out
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    v.sort();
    v
}

#[test]
fn corpus_is_large_and_well_named() {
    let v = cases();
    assert!(v.len() >= 70, "only {} cases", v.len());
    for p in &v {
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        let (num, rest) = name.split_once('-').unwrap_or(("", ""));
        assert!(
            num.len() >= 2 && num.bytes().all(|b| b.is_ascii_digit()) && !rest.is_empty(),
            "case {name} is not NN-name"
        );
        if p.is_dir() {
            assert!(
                p.join("tests/s.yaml").is_file(),
                "{name} has no tests/s.yaml"
            );
        }
    }
}

#[test]
fn every_case_is_a_located_config_error() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/config_errors");
    settings.bind(|| {
        for p in cases() {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let out = run_case(&p);
            insta::assert_snapshot!(name, out);
        }
    });
}
