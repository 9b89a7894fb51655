//! Showing progress while waiting: a live bar on a terminal, plain lines otherwise (CI logs).

use crate::run::watch::Reporter;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// A reporter for the user's terminal or a log.
pub struct Progress {
    bar: Option<ProgressBar>,
    passed: usize,
    failed: usize,
    errors: usize,
    quiet_passes: bool,
}

impl Progress {
    /// A bar when stderr is a terminal; plain lines otherwise.
    pub fn new() -> Self {
        Progress {
            bar: None,
            passed: 0,
            failed: 0,
            errors: 0,
            quiet_passes: false,
        }
    }

    /// Plain mode prints every result line; with many tests, only non-passes are interesting.
    pub fn quiet_passes(mut self, yes: bool) -> Self {
        self.quiet_passes = yes;
        self
    }
}

impl Reporter for Progress {
    fn begin(&mut self, total: usize, done: usize) {
        if std::io::stderr().is_terminal() {
            let b = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            ) {
                b.set_style(style);
            }
            b.set_position(done as u64);
            self.bar = Some(b);
        }
    }

    fn test_done(&mut self, full_id: &str, name: &str, result: &str) {
        match result {
            "PASS" => self.passed += 1,
            "FAIL" => self.failed += 1,
            _ => self.errors += 1,
        }
        let line = format!("{full_id:>10}  {name}  {result}");
        match &self.bar {
            Some(b) => {
                if result != "PASS" {
                    b.println(line);
                }
                b.inc(1);
                b.set_message(format!(
                    "passed {} failed {} errors {}",
                    self.passed, self.failed, self.errors
                ));
            }
            None => {
                if result != "PASS" || !self.quiet_passes {
                    eprintln!("{line}");
                }
            }
        }
    }

    fn note(&mut self, msg: &str) {
        match &self.bar {
            Some(b) => b.println(msg),
            None => eprintln!("{msg}"),
        }
    }

    fn end(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}

/// Exit code for a finished wait.
pub fn exit_for(t: &crate::run::watch::Tally) -> crate::exit::Exit {
    let bad = t
        .results
        .iter()
        .filter(|(r, _)| r.as_str() != "PASS")
        .map(|(_, n)| n)
        .sum::<usize>();
    if bad == 0 && t.incomplete == 0 {
        crate::exit::Exit::Success
    } else {
        crate::exit::Exit::TestsFailed
    }
}

/// One-line summary of a tally.
pub fn summary(t: &crate::run::watch::Tally, total: usize) -> String {
    let mut s = format!(
        "{total} tests: {} passed, {} failed, {} errors",
        t.count("PASS"),
        t.count("FAIL"),
        t.count("ERROR")
    );
    if t.incomplete > 0 {
        s.push_str(&format!(", {} not complete", t.incomplete));
    }
    s
}
