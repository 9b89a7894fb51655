//! Process hygiene and crash safety on `raw`: cancel leaves no process behind, `kill -9` of
//! `loggia run -w` loses nothing, and concurrent `loggia run`s never share ids.

mod common;
use common::*;
use std::time::Duration;

#[test]
fn cancel_kills_every_grandchild() {
    // A marker unique to this test run, so we count only our own sleeps.
    let marker = format!("{}", 300_000 + std::process::id() % 100_000);
    let suite = format!("bg:\n  run:\n    timeout: 600\n    cmds: ['sleep {marker} & sleep {marker} & (set -m; sleep {marker} &) ; wait']\n");
    let s = Site::new(&[("hold", &suite)]);
    let o = s.run(&["run", "hold"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let needle = format!("sleep {marker}");
    assert!(
        eventually(Duration::from_secs(20), || processes_with(&needle).len()
            == 3),
        "sleeps never started: {:?}",
        processes_with(&needle)
    );
    let o = s.run(&["cancel"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        eventually(Duration::from_secs(10), || processes_with(&needle)
            .is_empty()),
        "left behind: {:?}",
        processes_with(&needle)
    );
    assert!(eventually(Duration::from_secs(10), || s.state(1) == "COMPLETE"));
    let status = std::fs::read_to_string(s.wd().join("test_runs/1/status")).unwrap();
    assert!(status.contains("SCHED_CANCELLED"), "{status}");
    assert_eq!(s.result(1).unwrap()["result"], "ERROR");
}

#[test]
fn kill_9_of_the_waiting_process_loses_nothing() {
    let mut suite = String::new();
    for i in 0..6 {
        suite.push_str(&format!("t{i}:\n  schedule:\n    share_allocation: false\n  run:\n    cmds: ['sleep 2', 'echo done {i}']\n"));
    }
    let s = Site::new(&[("slow", &suite)]);
    let mut child = s
        .cmd(&["run", "-w", "slow"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(eventually(Duration::from_secs(20), || (1..=6).all(
        |i| matches!(
            s.state(i).as_str(),
            "RUNNING" | "SCHEDULED" | "FINALIZED" | "COMPLETE"
        )
    )));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let _ = child.wait();
    let o = s.run(&["wait", "--timeout", "60"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for i in 1..=6u64 {
        let r = s
            .result(i)
            .unwrap_or_else(|| panic!("test {i} has no results"));
        assert_eq!(r["result"], "PASS", "test {i}: {r}");
    }
    let log = std::fs::read_to_string(s.wd().join("results.log")).unwrap();
    assert_eq!(log.lines().count(), 6);
}

#[test]
fn concurrent_runs_get_distinct_ids_and_intact_status_files() {
    let mut suite = String::new();
    for i in 0..10 {
        suite.push_str(&format!("t{i}:\n  run:\n    cmds: [true]\n"));
    }
    let s = Site::new(&[("many", &suite)]);
    let children: Vec<_> = (0..4)
        .map(|_| s.cmd(&["run", "-w", "many"]).output_spawn())
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let mut ids = Vec::new();
    for e in std::fs::read_dir(s.wd().join("test_runs"))
        .unwrap()
        .flatten()
    {
        if let Ok(id) = e.file_name().to_string_lossy().parse::<u64>() {
            ids.push(id);
            let status = std::fs::read_to_string(e.path().join("status")).unwrap();
            for line in status.lines() {
                let mut parts = line.splitn(3, ' ');
                let t = parts.next().unwrap();
                assert!(t.parse::<f64>().is_ok(), "bad line in test {id}: {line:?}");
                let state = parts.next().unwrap_or("");
                assert!(
                    !state.is_empty() && state.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                    "bad line in test {id}: {line:?}"
                );
            }
            assert!(
                status.lines().next().unwrap().contains(" CREATED "),
                "{status}"
            );
            assert!(
                status.lines().last().unwrap().contains(" COMPLETE "),
                "{status}"
            );
        }
    }
    ids.sort();
    assert_eq!(ids, (1..=40).collect::<Vec<u64>>());
}

trait SpawnOut {
    fn output_spawn(&mut self) -> std::process::Child;
}

impl SpawnOut for std::process::Command {
    fn output_spawn(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }
}
