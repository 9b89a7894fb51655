//! Shared helpers of the integration tests: a throwaway site (loggia.yaml, config dir, working
//! dir) in a temp directory, and running the real `loggia` binary against it. The environment
//! is set on each child only (never `std::env::set_var`).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// A site whose only config dir is the temp dir, with `suites` written to `tests/`.
    pub fn new(suites: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("tests")).unwrap();
        std::fs::write(
            dir.path().join("loggia.yaml"),
            "working_dir: wd\nscheduling:\n  status:\n    min_interval: 1\n    completion_grace: 1\n",
        )
        .unwrap();
        for (name, text) in suites {
            std::fs::write(dir.path().join("tests").join(format!("{name}.yaml")), text).unwrap();
        }
        Site { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn wd(&self) -> PathBuf {
        self.dir.path().join("wd")
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_loggia"));
        c.args(args)
            .current_dir(self.path())
            .env("LOGGIA_CONFIG_FILE", self.path().join("loggia.yaml"))
            .env_remove("LOGGIA_CONFIG_DIR");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("running loggia")
    }

    /// The current state of a test run (last status line).
    pub fn state(&self, id: u64) -> String {
        let text = std::fs::read_to_string(
            self.wd()
                .join("test_runs")
                .join(id.to_string())
                .join("status"),
        )
        .unwrap_or_default();
        text.lines()
            .last()
            .and_then(|l| l.split(' ').nth(1))
            .unwrap_or("")
            .to_string()
    }

    pub fn result(&self, id: u64) -> Option<serde_json::Value> {
        let p = self
            .wd()
            .join("test_runs")
            .join(id.to_string())
            .join("results.json");
        std::fs::read(p)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
    }
}

pub fn text(o: &Output) -> String {
    format!(
        "status: {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Polls `f` every 50 ms until it is true or `limit` passes; returns whether it became true.
pub fn eventually(limit: Duration, f: impl FnMut() -> bool) -> bool {
    eventually_every(limit, Duration::from_millis(50), f)
}

/// [`eventually`] with a given pause between polls (for checks that run commands).
pub fn eventually_every(limit: Duration, every: Duration, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(every);
    }
    f()
}

/// Live (not zombie) processes whose command line (NULs as spaces, argv[0] cut to its base
/// name, so `/usr/bin/sleep 9` reads `sleep 9`) satisfies `pred`, with that command line.
pub fn processes(pred: impl Fn(&str) -> bool) -> Vec<(i32, String)> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(cmd) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        let cmd = match cmd.split_once(' ') {
            Some((argv0, rest)) => format!("{} {rest}", argv0.rsplit('/').next().unwrap_or(argv0)),
            None => cmd,
        };
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        let zombie = stat
            .rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z'));
        if pred(&cmd) && !zombie {
            out.push((pid, cmd));
        }
    }
    out
}

/// Processes whose command line contains `needle` (excluding zombies).
pub fn processes_with(needle: &str) -> Vec<i32> {
    processes(|cmd| cmd.contains(needle))
        .into_iter()
        .map(|(pid, _)| pid)
        .collect()
}
