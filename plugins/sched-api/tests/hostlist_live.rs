//! Live Slurm conformance (SCHEDULING.md §7.4): when `scontrol` is on `PATH`, ask it about every
//! generated case and apply the same rules as the fixture test. Without `scontrol` the test says
//! it was skipped, unless `LOGGIA_REQUIRE_LIVE=1`, which makes that a failure.
//!
//! `scontrol show hostnames|hostlist|hostlistsorted` are local operations, but scontrol still
//! wants a configuration; when none is found a minimal one in a temporary directory is passed
//! through `SLURM_CONF` to these calls only. Most cases go through one interactive scontrol
//! process (commands on stdin, a marker command after each); cases that need quoting or produce
//! no output are re-run one by one to see stderr.
//!
//! `LOGGIA_HOSTLIST_WRITE_FIXTURE=1` writes the answers to `testdata/hostlist/slurm-<x.y>.txt`.
//! Otherwise, when a fixture for the same Slurm release exists, the answers must match it.

mod hostlist_common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hostlist_common::cases::generate;
use hostlist_common::fixture::{self, Expansion, Record};
use hostlist_common::rules;

const MARK: &str = "__loggia_mark_";

struct Scontrol {
    path: PathBuf,
    /// `SLURM_CONF` for our calls, when the machine has no usable configuration.
    conf: Option<PathBuf>,
}

struct Output {
    stdout: String,
    stderr: String,
}

impl Scontrol {
    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.path);
        if let Some(conf) = &self.conf {
            cmd.env("SLURM_CONF", conf);
        }
        cmd
    }

    /// `scontrol show <what> -- <arg>` (`--` so that an argument starting with `-` is not an
    /// option).
    fn show(&self, what: &str, arg: &str) -> Output {
        let out = self
            .command()
            .args(["show", what, "--", arg])
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.path.display()));
        Output {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs `show <what> <arg>` for every command in one interactive scontrol; returns each
    /// command's stdout lines, or `None` when the markers did not come back as expected.
    fn show_batch(&self, commands: &[(&str, &str)]) -> Option<Vec<Vec<String>>> {
        let mut script = String::new();
        for (i, (what, arg)) in commands.iter().enumerate() {
            script.push_str(&format!("show {what} {arg}\nshow hostnames {MARK}{i}__\n"));
        }
        script.push_str("quit\n");
        let mut child = self
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.path.display()));
        let stdin = child.stdin.take();
        // Write from a thread: scontrol's output may fill the pipe before it has read all input.
        let writer = std::thread::spawn(move || match stdin {
            Some(mut stdin) => stdin.write_all(script.as_bytes()),
            None => Err(std::io::Error::other("no stdin pipe")),
        });
        let out = child.wait_with_output().ok()?;
        writer.join().ok()?.ok()?;
        let stdout = String::from_utf8_lossy(&out.stdout);

        let mut results = vec![Vec::new()];
        for line in stdout.lines() {
            // Interactive scontrol prints its prompt (and, with readline, echoes the command).
            let mut rest = line;
            let prompted = rest.starts_with("scontrol: ");
            while let Some(r) = rest.strip_prefix("scontrol: ") {
                rest = r;
            }
            if prompted && (rest.is_empty() || rest.starts_with("show ") || rest == "quit") {
                continue;
            }
            if rest == format!("{MARK}{}__", results.len() - 1) {
                results.push(Vec::new());
            } else if let Some(last) = results.last_mut() {
                last.push(rest.to_owned());
            }
        }
        (results.len() == commands.len() + 1).then(|| {
            results.pop();
            results
        })
    }
}

/// Arguments interactive scontrol passes through unchanged (it splits at whitespace and
/// treats quotes specially).
fn batchable(arg: &str) -> bool {
    !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "[],-_.".contains(c))
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Finds a configuration scontrol accepts; writes a minimal one when there is none.
fn setup(path: PathBuf) -> (Scontrol, Option<PathBuf>) {
    let works = |s: &Scontrol| s.show("hostnames", "loggia[1-2]").stdout == "loggia1\nloggia2\n";
    let plain = Scontrol { path, conf: None };
    if works(&plain) {
        return (plain, None);
    }
    let stderr = plain.show("hostnames", "loggia[1-2]").stderr;
    assert!(
        std::env::var_os("SLURM_CONF").is_none(),
        "scontrol fails with the configured SLURM_CONF: {stderr}"
    );
    let dir = std::env::temp_dir().join(format!("loggia-hostlist-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("slurm.conf");
    std::fs::write(
        &conf,
        "ClusterName=loggia-hostlist\nSlurmctldHost=localhost\n\
         NodeName=localhost CPUs=1 State=UNKNOWN\n\
         PartitionName=debug Nodes=localhost Default=YES State=UP\n",
    )
    .unwrap();
    let with_conf = Scontrol {
        path: plain.path,
        conf: Some(conf),
    };
    assert!(
        works(&with_conf),
        "scontrol fails without a controller, even with a minimal slurm.conf: {stderr}"
    );
    (with_conf, Some(dir))
}

/// `slurm-wlm 22.05.8` → (`slurm-wlm 22.05.8`, `22.05`).
fn version(s: &Scontrol) -> (String, String) {
    let out = s.command().arg("--version").output().unwrap();
    let line = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let number = line.split_whitespace().last().unwrap_or_default();
    let major_minor: Vec<&str> = number.split('.').take(2).collect();
    (line.clone(), major_minor.join("."))
}

fn expansion(s: &Scontrol, input: &str) -> Expansion {
    let out = s.show("hostnames", input);
    let rejected = out.stdout.is_empty() && !out.stderr.is_empty();
    assert!(
        !out.stderr.contains("fatal") && (out.stderr.is_empty() || out.stdout.is_empty()),
        "unexpected scontrol answer for {input:?}: stdout {:?}, stderr {:?}",
        out.stdout,
        out.stderr
    );
    if rejected {
        Expansion::Rejected
    } else {
        Expansion::Names(out.stdout.lines().map(str::to_owned).collect())
    }
}

fn one_line(s: &Scontrol, what: &str, arg: &str) -> String {
    let out = s.show(what, arg);
    assert!(
        out.stderr.is_empty(),
        "scontrol show {what} {arg:?}: {}",
        out.stderr
    );
    out.stdout.trim_end_matches('\n').to_owned()
}

fn ask_slurm(s: &Scontrol) -> Vec<Record> {
    let cases = generate();
    let dedup = |names: &[String]| {
        let mut seen = std::collections::HashSet::new();
        let unique: Vec<&str> = names
            .iter()
            .filter(|n| seen.insert(n.as_str()))
            .map(String::as_str)
            .collect();
        unique.join(",")
    };
    let compress_args: Vec<(String, String)> = cases
        .compress
        .iter()
        .map(|names| (dedup(names), names.join(",")))
        .collect();

    let mut commands: Vec<(&str, &str)> = Vec::new();
    for input in cases.expand.iter().filter(|i| batchable(i)) {
        commands.push(("hostnames", input));
    }
    for (unique, all) in &compress_args {
        commands.push(("hostlistsorted", unique));
        commands.push(("hostlist", all));
    }
    let batch = s.show_batch(&commands).unwrap_or_default();
    let answers: std::collections::HashMap<(&str, &str), &Vec<String>> =
        commands.iter().copied().zip(batch.iter()).collect();

    let mut records = Vec::new();
    for input in &cases.expand {
        let slurm = match answers.get(&("hostnames", input.as_str())) {
            Some(lines) if !lines.is_empty() => Expansion::Names(lines.to_vec()),
            _ => expansion(s, input),
        };
        records.push(Record::Expand {
            input: input.clone(),
            slurm,
        });
    }
    for (names, (unique, all)) in cases.compress.iter().zip(&compress_args) {
        let answer = |what: &str, arg: &str| match answers.get(&(what, arg)) {
            Some(lines) if lines.len() == 1 => lines[0].clone(),
            _ => one_line(s, what, arg),
        };
        records.push(Record::Compress {
            names: names.clone(),
            sorted: answer("hostlistsorted", unique),
            unsorted: answer("hostlist", all),
        });
    }
    records
}

#[test]
fn live_slurm_agrees_with_loggia() {
    let required = std::env::var("LOGGIA_REQUIRE_LIVE").is_ok_and(|v| v == "1");
    let Some(path) = find_on_path("scontrol") else {
        assert!(
            !required,
            "LOGGIA_REQUIRE_LIVE=1 but scontrol is not on PATH"
        );
        println!("hostlist_live: skipped, scontrol is not on PATH");
        return;
    };
    let (scontrol, temp_dir) = setup(path);
    let (version_line, major_minor) = version(&scontrol);
    let records = ask_slurm(&scontrol);
    if let Some(dir) = temp_dir {
        let _ = std::fs::remove_dir_all(dir);
    }

    let fixture_path = fixture::path(&major_minor);
    if std::env::var("LOGGIA_HOSTLIST_WRITE_FIXTURE").is_ok_and(|v| v == "1") {
        std::fs::write(&fixture_path, fixture::render(&version_line, &records)).unwrap();
        println!("hostlist_live: wrote {}", fixture_path.display());
    } else if Path::new(&fixture_path).exists() {
        let text = std::fs::read_to_string(&fixture_path).unwrap();
        let recorded = fixture::parse(&text).unwrap();
        let differences: Vec<String> = records
            .iter()
            .zip(&recorded)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("live {a:?}\nfixture {b:?}"))
            .collect();
        assert!(
            differences.is_empty() && records.len() == recorded.len(),
            "{version_line} answers differently from {}:\n{}",
            fixture_path.display(),
            differences.join("\n")
        );
    }

    let outcome = rules::check(&records);
    println!(
        "hostlist_live ({version_line}, {} cases): {}",
        records.len(),
        outcome.summary()
    );
    assert!(
        outcome.violations.is_empty(),
        "{} violation(s):\n{}",
        outcome.violations.len(),
        outcome.violations.join("\n")
    );
}
