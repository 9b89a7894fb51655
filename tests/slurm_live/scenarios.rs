//! The scenarios of the live Slurm tier (issue #5 acceptance items 1–8), each against the real
//! cluster of `tests/slurm/cluster.sh`. Each returns the figures it measured, for the report.

use super::support::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::{Duration, Instant};

pub type Figures = Vec<String>;

const ALL_NODES: [&str; 8] = [
    "node01", "node02", "node03", "node04", "node05", "node06", "node07", "node08",
];

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Every test passed, and its srun tasks ran exactly on the nodes loggia gave it.
fn assert_ran_where_told(runs: &BTreeMap<String, TestRun>) {
    for (name, r) in runs {
        assert_eq!(r.result(), "PASS", "{name}: {:?}", r.results);
        assert!(!r.nodes.is_empty(), "{name}: no nodes= line");
        assert_eq!(
            r.host_set(),
            r.node_set(),
            "{name}: srun hosts vs sched.test_node_list"
        );
        assert_eq!(r.hosts.len(), r.nodes.len(), "{name}: one task per node");
    }
}

/// Scenario 1: Tests on 1, 2, 4 and 8 nodes.
pub fn node_counts(site: &LiveSite) -> Figures {
    let t = Instant::now();
    site.run_wait("slurm_nodes");
    let runs = site.runs("slurm_nodes.");
    assert_eq!(runs.len(), 4, "{:?}", runs.keys());
    assert_ran_where_told(&runs);
    let mut figs = Vec::new();
    for n in [1usize, 2, 4, 8] {
        let r = &runs[&format!("slurm_nodes.spread.{n}")];
        assert_eq!(r.nodes.len(), n);
        figs.push(format!(
            "{n} node(s): job {} on {}",
            r.job_id(),
            r.hosts.join(",")
        ));
    }
    figs.push(format!("wall {:.1}s", t.elapsed().as_secs_f64()));
    figs
}

/// Scenario 2: Chunks of 2: one test per chunk; together they cover every up node once.
pub fn chunks(site: &LiveSite) -> Figures {
    let t = Instant::now();
    let usable = site.kept("slurm_chunks.chunks.0");
    assert_eq!(usable, set(&ALL_NODES), "every node is up at this point");
    site.run_wait("slurm_chunks");
    let runs = site.runs("slurm_chunks.");
    assert_eq!(runs.len(), 4, "{:?}", runs.keys());
    assert_ran_where_told(&runs);
    let mut covered = BTreeSet::new();
    let mut figs = Vec::new();
    for (name, r) in &runs {
        assert_eq!(r.nodes.len(), 2, "{name}");
        let chunk = &r.fields["chunk"];
        assert!(
            name.ends_with(&format!(".{chunk}")),
            "{name} ran in chunk {chunk}"
        );
        for n in &r.nodes {
            assert!(
                covered.insert(n.clone()),
                "{name}: node {n} is in two chunks"
            );
        }
        figs.push(format!("chunk {chunk}: {}", r.nodes.join(",")));
    }
    assert_eq!(covered, usable);
    figs.push(format!("wall {:.1}s", t.elapsed().as_secs_f64()));
    figs
}

/// Scenario 3: `share_allocation: max` — one job per compatible group, its tests concurrent;
/// groups that differ in partition, qos or reservation never share.
pub fn sharing(site: &LiveSite, guard: &mut ClusterGuard) -> Figures {
    let t = Instant::now();
    guard.reserve("live_share", "node[07-08]", &["node07", "node08"]);
    site.run_wait("slurm_share");
    let runs = site.runs("slurm_share.");
    assert_eq!(runs.len(), 16, "{:?}", runs.keys());
    let mut figs = Vec::new();
    let mut group_jobs = BTreeSet::new();
    for group in ["shared", "shared_debug", "shared_qos", "shared_resv"] {
        let g: Vec<&TestRun> = runs
            .iter()
            .filter(|(n, _)| n.starts_with(&format!("slurm_share.{group}.")))
            .map(|(_, r)| r)
            .collect();
        assert_eq!(g.len(), 4, "{group}");
        for r in &g {
            assert_eq!(r.result(), "PASS", "{group}: {:?}", r.results);
            assert_eq!(r.fields["job"], r.job_id(), "sched.job_id is the Slurm job");
        }
        let jobs: BTreeSet<String> = g.iter().map(|r| r.job_id()).collect();
        assert_eq!(jobs.len(), 1, "{group}: one Slurm job: {jobs:?}");
        let job = jobs.into_iter().next().unwrap();
        assert!(group_jobs.insert(job.clone()), "{group} shares job {job}");
        assert_eq!(g[0].nodes.len(), 2);
        assert!(
            g.iter().all(|r| r.nodes == g[0].nodes),
            "{group}: same allocation"
        );
        let last_start = g.iter().map(|r| r.num("start")).fold(f64::MIN, f64::max);
        let first_end = g.iter().map(|r| r.num("end")).fold(f64::MAX, f64::min);
        assert!(
            last_start < first_end,
            "{group}: the tests of the job overlap"
        );
        let spq = sh_ok(&[
            "sacct",
            "-X",
            "-n",
            "-P",
            "-j",
            &job,
            "-o",
            "Partition,QOS,Reservation",
        ]);
        figs.push(format!(
            "{group}: job {job} on {} (partition|qos|reservation {}), 4 tests overlapping {:.2}s",
            g[0].nodes.join(","),
            spq.trim(),
            first_end - last_start
        ));
        match group {
            "shared_debug" => assert!(spq.starts_with("debug|"), "{spq}"),
            "shared_resv" => {
                assert!(spq.trim().ends_with("|live_share"), "{spq}");
                assert_eq!(g[0].node_set(), set(&["node07", "node08"]));
            }
            _ => assert!(spq.starts_with("batch|"), "{spq}"),
        }
    }
    figs.push(format!("wall {:.1}s", t.elapsed().as_secs_f64()));
    figs
}

/// Scenario 4: Drained, down and reserved nodes; features and GRES.
pub fn filtering(site: &LiveSite, guard: &mut ClusterGuard) -> Figures {
    let t = Instant::now();
    guard.set_node("node03", "drain", "live-test-drain");
    guard.set_node("node04", "down", "live-test-down");
    guard.reserve("live_resv", "node[05-06]", &["node05", "node06"]);
    let explain = site.ok(&[
        "show",
        "nodes",
        "slurm",
        "--test",
        "slurm_filter.all",
        "--explain",
    ]);
    let row = |n: &str| -> String {
        explain
            .lines()
            .find(|l| l.starts_with(n))
            .unwrap_or_else(|| panic!("no row for {n}:\n{explain}"))
            .to_string()
    };
    assert!(
        row("node03").contains("filtered not up (state IDLE+DRAIN)"),
        "{explain}"
    );
    assert!(
        row("node04").contains("filtered not up (state DOWN"),
        "{explain}"
    );
    for n in ["node05", "node06"] {
        assert!(
            row(n).contains("filtered not up (state IDLE+RESERVED"),
            "{explain}"
        );
    }
    for n in ["node01", "node02", "node07", "node08"] {
        assert!(row(n).contains(" kept"), "{explain}");
    }
    let resv = site.kept("slurm_filter.resv");
    assert_eq!(resv, set(&["node05", "node06"]));
    let bigmem = site.kept("slurm_filter.bigmem");
    assert_eq!(bigmem, set(&["node07", "node08"]));

    site.run_wait("slurm_filter");
    let runs = site.runs("slurm_filter.");
    assert_eq!(runs.len(), 4, "{:?}", runs.keys());
    assert_ran_where_told(&runs);
    for (name, r) in &runs {
        for bad in ["node03", "node04"] {
            assert!(!r.host_set().contains(bad), "{name} ran on {bad}");
        }
    }
    let all = &runs["slurm_filter.all"];
    assert_eq!(
        all.host_set(),
        set(&["node01", "node02", "node07", "node08"])
    );
    assert_eq!(runs["slurm_filter.resv"].host_set(), resv);
    assert_eq!(runs["slurm_filter.bigmem"].host_set(), bigmem);
    assert_eq!(runs["slurm_filter.gpu"].host_set(), set(&["node08"]));
    let mut figs = vec![
        format!(
            "explain node03: {}",
            row("node03")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        ),
        format!(
            "explain node04: {}",
            row("node04")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        ),
    ];
    for (name, r) in &runs {
        figs.push(format!(
            "{name}: job {} on {}",
            r.job_id(),
            r.nodes.join(",")
        ));
    }
    figs.push(format!("wall {:.1}s", t.elapsed().as_secs_f64()));
    figs
}

/// Scenario 5: `loggia cancel` of a running and a pending job.
pub fn cancel(site: &LiveSite) -> Figures {
    let t = Instant::now();
    let needle = "sleep 4321";
    let o = site.run(&["run", "slurm_cancel"]);
    assert!(o.status.success(), "{}", text(&o));
    let runs = site.runs("slurm_cancel.");
    let (running, waiting) = (&runs["slurm_cancel.running"], &runs["slurm_cancel.waiting"]);
    let (rj, wj) = (
        running.submitted_job().expect("running job id"),
        waiting.submitted_job().expect("waiting job id"),
    );
    // Whichever Slurm started first holds the nodes; the other waits.
    let started = eventually(Duration::from_secs(60), || {
        !processes_with(needle).is_empty()
    });
    assert!(started, "the test's sleep never started");
    let states = (squeue_state(&rj), squeue_state(&wj));
    let (run_job, pend_job) = if states.0 == "RUNNING" {
        (&rj, &wj)
    } else {
        (&wj, &rj)
    };
    let before = (squeue_state(run_job), squeue_state(pend_job));
    assert_eq!(before, ("RUNNING".to_string(), "PENDING".to_string()));
    let c = Instant::now();
    let out = site.ok(&["cancel", &running.id.to_string(), &waiting.id.to_string()]);
    let ended = eventually(Duration::from_secs(60), || {
        squeue_state(&rj) == "CANCELLED" && squeue_state(&wj) == "CANCELLED"
    });
    assert!(ended, "squeue: {} {}", squeue_state(&rj), squeue_state(&wj));
    let gone = eventually(Duration::from_secs(30), || {
        processes_with(needle).is_empty()
    });
    let gone_after = c.elapsed().as_secs_f64();
    assert!(gone, "left on the nodes: {:?}", processes_with(needle));
    let acct = eventually(Duration::from_secs(30), || {
        sacct_state(&rj).starts_with("CANCELLED") && sacct_state(&wj).starts_with("CANCELLED")
    });
    assert!(acct, "sacct: {} / {}", sacct_state(&rj), sacct_state(&wj));
    let w = site.run(&["wait", "--timeout", "60"]);
    let runs = site.runs("slurm_cancel.");
    for r in runs.values() {
        assert!(
            r.states().iter().any(|s| s == "CANCELLED"),
            "{:?}",
            r.states()
        );
        assert!(
            r.results.is_some(),
            "{}: no results.json\n{}",
            r.id,
            text(&w)
        );
    }
    vec![
        format!(
            "running job {run_job} and pending job {pend_job} cancelled: {}",
            out.trim().replace('\n', "; ")
        ),
        format!(
            "squeue CANCELLED/CANCELLED, sacct '{}' / '{}'",
            sacct_state(&rj),
            sacct_state(&wj)
        ),
        format!(
            "loggia states: {:?} / {:?}; results {} / {}",
            runs["slurm_cancel.running"].states(),
            runs["slurm_cancel.waiting"].states(),
            runs["slurm_cancel.running"].result(),
            runs["slurm_cancel.waiting"].result()
        ),
        format!("'{needle}' gone {gone_after:.1}s after loggia cancel"),
        format!("wall {:.1}s", t.elapsed().as_secs_f64()),
    ]
}

/// Scenario 6: A job that hits its time limit and a failing test.
pub fn exits(site: &LiveSite) -> Figures {
    let t = Instant::now();
    let o = site.run(&["run", "-w", "slurm_exit"]);
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    let runs = site.runs("slurm_exit.");
    let to = runs["slurm_exit.timeout"]
        .results
        .clone()
        .expect("timeout results");
    let fails = runs["slurm_exit.fails"]
        .results
        .clone()
        .expect("fails results");
    assert_eq!(to["exit_info"]["timed_out"], Value::Bool(true), "{to}");
    assert_ne!(to["result"], "PASS", "{to}");
    assert_eq!(fails["result"], "FAIL", "{fails}");
    assert_eq!(fails["return_value"], 3, "{fails}");
    let job = to["job_info"]["id"].as_str().unwrap().to_string();
    let acct = sacct_state(&job);
    assert!(acct.starts_with("TIMEOUT"), "sacct: {acct}");
    vec![
        format!(
            "timeout: job {job} sacct {acct}, result {}, exit_info {}",
            to["result"], to["exit_info"]
        ),
        format!(
            "fails: result {}, return_value {}, exit_info {}",
            fails["result"], fails["return_value"], fails["exit_info"]
        ),
        format!("wall {:.1}s", t.elapsed().as_secs_f64()),
    ]
}

/// Gaps between consecutive times, in seconds.
fn gaps(times: &[f64]) -> Vec<f64> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

fn summary(g: &[f64]) -> String {
    if g.is_empty() {
        return "none".into();
    }
    let mut s = g.to_vec();
    s.sort_by(f64::total_cmp);
    format!(
        "min {:.2}s median {:.2}s max {:.2}s",
        s[0],
        s[s.len() / 2],
        s[s.len() - 1]
    )
}

/// Scenario 7: 50 jobs in flight: one squeue per poll cycle of `loggia run -w`.
pub fn load(site: &LiveSite) -> Figures {
    let t = Instant::now();
    let before = site.calls().len();
    site.run_wait("slurm_load");
    let calls: Vec<Call> = site.calls().split_off(before);
    let runs = site.runs("slurm_load.");
    assert_eq!(runs.len(), 50);
    let jobs: BTreeSet<String> = runs.values().map(|r| r.job_id()).collect();
    assert_eq!(jobs.len(), 50, "50 distinct Slurm jobs");
    // In flight together: every job was submitted before the first test finished.
    let submitted = runs
        .values()
        .map(|r| {
            r.results.as_ref().unwrap()["job_info"]["submitted"]
                .as_f64()
                .unwrap()
        })
        .fold(f64::MIN, f64::max);
    let first_end = runs
        .values()
        .map(|r| r.results.as_ref().unwrap()["finished"].as_f64().unwrap())
        .fold(f64::MAX, f64::min);
    assert!(submitted < first_end, "the 50 jobs were in flight together");
    let outer: Vec<&Call> = calls.iter().filter(|c| c.outer()).collect();
    let polls: Vec<f64> = outer
        .iter()
        .filter(|c| c.command == "squeue" && c.args.contains("--states=all"))
        .map(|c| c.at)
        .collect();
    let other: Vec<&&Call> = outer
        .iter()
        .filter(|c| !(c.command == "squeue" && c.args.contains("--states=all")))
        .collect();
    assert!(other.is_empty(), "only the batched queue query: {other:?}");
    assert!(polls.len() >= 2, "{calls:?}");
    // One query per cycle: cycles are min_interval (1 s) apart with ±10 % jitter, so two
    // queries of one cycle would be much closer than 0.9 s.
    let g = gaps(&polls);
    let close: Vec<&f64> = g.iter().filter(|d| **d < 0.85).collect();
    assert!(
        close.is_empty(),
        "two squeue calls in one cycle: gaps {g:?}"
    );
    let in_flight = polls
        .iter()
        .filter(|p| **p > submitted && **p < first_end)
        .count();
    let inside = calls.iter().filter(|c| !c.outer()).count();
    vec![
        format!(
            "{} outer squeue calls (1 per poll cycle; {in_flight} while all 50 were in flight), 0 sacct, {inside} calls inside allocations",
            polls.len()
        ),
        format!("cadence: {}", summary(&g)),
        format!("intervals: {}", g.iter().map(|d| format!("{d:.2}")).collect::<Vec<_>>().join(" ")),
        format!("wall {:.1}s", t.elapsed().as_secs_f64()),
    ]
}

/// Scenario 8: slurmctld stops while tests are queued and running; `loggia run -w` is killed
/// with SIGKILL and a later `loggia wait` finishes every test.
pub fn fault(site: &LiveSite, guard: &mut ClusterGuard) -> Figures {
    let t = Instant::now();
    let cluster = repo().join("tests/slurm/cluster.sh");
    let cluster = cluster.to_str().unwrap();
    let mut run = site
        .cmd(&["run", "-w", "slurm_fault"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = eventually(Duration::from_secs(60), || {
        !processes_with("sleep 12").is_empty()
    });
    assert!(started, "the first test never ran");
    // All three jobs are submitted (the other two wait behind the first).
    let submitted = eventually(Duration::from_secs(30), || {
        site.runs("slurm_fault.")
            .values()
            .all(|r| r.submitted_job().is_some())
    });
    assert!(submitted);
    run.kill().unwrap();
    let _ = run.wait();
    let before = site.calls().len();
    let err_file = site.path().join("wait.stderr");
    let mut wait = site
        .cmd(&["wait", "--timeout", "240"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_file).unwrap())
        .spawn()
        .unwrap();
    let stderr = || std::fs::read_to_string(&err_file).unwrap_or_default();
    std::thread::sleep(Duration::from_secs(1));
    guard.ctld_stopped = true;
    sh_ok(&[cluster, "ctld-stop"]);
    let down_at = Instant::now();
    let reported = eventually(Duration::from_secs(90), || {
        stderr().contains("status query failed")
    });
    assert!(
        reported,
        "loggia wait did not report the outage:\n{}",
        stderr()
    );
    let reported_after = down_at.elapsed().as_secs_f64();
    // A few more failing polls, to see the interval grow.
    let more = eventually(Duration::from_secs(90), || {
        site.calls()[before..]
            .iter()
            .filter(|c| c.outer() && !c.ok())
            .count()
            >= 6
    });
    assert!(
        more,
        "polling stopped during the outage: {:?}",
        &site.calls()[before..]
    );
    sh_ok(&[cluster, "ctld-start"]);
    guard.ctld_stopped = false;
    let outage = down_at.elapsed().as_secs_f64();
    let status = wait.wait().unwrap();
    let err = stderr();
    assert!(
        err.contains("status queries work again"),
        "stderr of loggia wait:\n{err}"
    );
    let runs = site.runs("slurm_fault.");
    let result = |n: &str| runs[&format!("slurm_fault.{n}")].result().to_string();
    assert_eq!(
        (result("first"), result("queued"), result("fails")),
        ("PASS".into(), "PASS".into(), "FAIL".into()),
        "{err}"
    );
    assert_eq!(
        runs["slurm_fault.fails"].results.as_ref().unwrap()["return_value"],
        5
    );
    assert_eq!(status.code(), Some(1), "{err}");
    let calls: Vec<Call> = site.calls().split_off(before);
    let failed: Vec<f64> = calls
        .iter()
        .filter(|c| c.outer() && !c.ok())
        .map(|c| c.at)
        .collect();
    let note = err
        .lines()
        .filter(|l| l.contains("status quer"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" / ");
    vec![
        format!("outage {outage:.1}s, reported by loggia wait after {reported_after:.1}s: {} failed outer squeue calls, start gaps {}", failed.len(),
            gaps(&failed).iter().map(|d| format!("{d:.2}")).collect::<Vec<_>>().join(" ")),
        format!("loggia wait stderr: {note}"),
        format!("results after kill -9 of run -w + wait: first PASS, queued PASS, fails FAIL (5); wait exit {:?}", status.code()),
        format!("wall {:.1}s", t.elapsed().as_secs_f64()),
    ]
}
