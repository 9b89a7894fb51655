//! `loggia results`: a table of results, JSON lines for CI, or JUnit XML.

use crate::exit::Exit;
use crate::results::junit::{self, Case};
use crate::run::testrun::TestRun;

#[derive(clap::Args)]
pub struct Args {
    /// Test ids (`N` or `label.N`); default: the tests of the last `loggia run`.
    ids: Vec<String>,
    /// Print each test's full results.json as one JSON line.
    #[arg(long)]
    json: bool,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    junit: Option<std::path::PathBuf>,
}

fn results_json(t: &TestRun) -> Option<serde_json::Value> {
    crate::fsutil::read_json(&t.path("results.json")).ok()
}

/// The JUnit cases of `tests`.
fn cases(tests: &[TestRun]) -> Vec<Case> {
    tests
        .iter()
        .map(|t| {
            let r = results_json(t);
            let get = |k: &str| r.as_ref().and_then(|r| r.get(k)).cloned();
            Case {
                full_id: t.full_id(),
                name: t.attributes().map(|a| a.name).unwrap_or_default(),
                result: get("result").and_then(|v| v.as_str().map(str::to_string)),
                duration: get("duration").and_then(|v| v.as_f64()),
                errors: get("pav_result_errors")
                    .and_then(|v| {
                        v.as_array().map(|a| {
                            a.iter()
                                .filter_map(|e| e.as_str().map(str::to_string))
                                .collect()
                        })
                    })
                    .unwrap_or_default(),
                state: t
                    .status()
                    .ok()
                    .flatten()
                    .map(|s| s.state)
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// Writes the JUnit report of `tests` to `path`.
pub fn write_junit(path: &std::path::Path, tests: &[TestRun]) -> Result<(), Exit> {
    let xml = junit::render(&cases(tests)).map_err(|e| {
        eprintln!("error: building the JUnit report: {e}");
        Exit::InternalError
    })?;
    std::fs::write(path, xml).map_err(|e| {
        eprintln!("error: writing {}: {e}", path.display());
        Exit::InternalError
    })
}

pub fn run(a: Args) -> Result<Exit, Exit> {
    let site = super::load_site()?;
    let tests = super::select_tests(&site, &a.ids)?;
    if let Some(p) = &a.junit {
        write_junit(p, &tests)?;
    }
    let mut all_pass = true;
    if !a.json {
        println!(
            "{:>10}  {:<40} {:<7} {:>9}  ERRORS",
            "ID", "NAME", "RESULT", "DURATION"
        );
    }
    for c in cases(&tests) {
        all_pass &= c.result.as_deref() == Some("PASS");
        if a.json {
            let t = tests.iter().find(|t| t.full_id() == c.full_id);
            match t.and_then(results_json) {
                Some(j) => println!("{j}"),
                None => println!(
                    "{}",
                    serde_json::json!({"id": c.full_id, "name": c.name, "result": null, "state": c.state})
                ),
            }
        } else {
            let d = c.duration.map(|d| format!("{d:.2}s")).unwrap_or_default();
            let r = c.result.clone().unwrap_or_else(|| format!("({})", c.state));
            println!(
                "{:>10}  {:<40} {:<7} {:>9}  {}",
                c.full_id,
                c.name,
                r,
                d,
                c.errors.join("; ")
            );
        }
    }
    Ok(if all_pass {
        Exit::Success
    } else {
        Exit::TestsFailed
    })
}
