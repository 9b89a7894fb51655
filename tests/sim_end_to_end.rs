//! The advanced tier end to end through the binary on the `sim` scheduler (issue #4): the suite
//! `test_suites/tests/sim_cluster.yaml` runs against the 300-node inventory
//! `test_suites/inventories/cluster300.txt`; each test prints the nodes it was given, and these
//! tests check them against `loggia show nodes --json` (what the filter keeps for that test) and
//! against each other (chunk coverage, sharing, distinct picks).

mod common;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site whose config dir is the repository's `test_suites/` and whose `sim` inventory is
/// `cluster300.txt`; the working dir is private.
struct SimSite {
    dir: tempfile::TempDir,
}

impl SimSite {
    fn new() -> SimSite {
        let dir = tempfile::tempdir().unwrap();
        let suites = repo().join("test_suites");
        let text = format!(
            "config_dirs: [{}]\nworking_dir: wd\nscheduling:\n  sim_inventory: {}\n  chunk_seed: 7\n  status:\n    min_interval: 1\n    completion_grace: 1\n",
            suites.display(),
            suites.join("inventories/cluster300.txt").display()
        );
        std::fs::write(dir.path().join("loggia.yaml"), text).unwrap();
        SimSite { dir }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_loggia"));
        c.args(args)
            .current_dir(self.dir.path())
            .env("LOGGIA_CONFIG_FILE", self.dir.path().join("loggia.yaml"))
            .env_remove("LOGGIA_SIM_INVENTORY");
        c
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.cmd(args).output().unwrap();
        assert!(o.status.success(), "{args:?}\n{}", common::text(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn wd(&self) -> PathBuf {
        self.dir.path().join("wd")
    }

    /// Name → (nodes, fields) of every test run, from its run log's first line.
    fn runs(&self) -> BTreeMap<String, Run> {
        let mut out = BTreeMap::new();
        for e in std::fs::read_dir(self.wd().join("test_runs"))
            .unwrap()
            .flatten()
        {
            if !e.path().join("results.json").exists() {
                continue;
            }
            let res: Value =
                serde_json::from_slice(&std::fs::read(e.path().join("results.json")).unwrap())
                    .unwrap();
            let name = res["name"].as_str().unwrap().to_string();
            assert_eq!(res["result"], "PASS", "{name}: {res}");
            let log = std::fs::read_to_string(e.path().join("run.log")).unwrap();
            out.insert(name, Run::parse(&log));
        }
        out
    }

    /// The nodes the filter keeps for `request` (one test), from the explain view.
    fn kept(&self, request: &str) -> BTreeSet<String> {
        let out = self.ok(&["show", "nodes", "sim", "--test", request, "--json"]);
        let v: Value = serde_json::from_str(&out).unwrap();
        let rows = v[0]["nodes"].as_array().unwrap();
        rows.iter()
            .filter(|r| r["kept"] == true)
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    }
}

#[derive(Debug, Default)]
struct Run {
    nodes: Vec<String>,
    fields: BTreeMap<String, String>,
}

impl Run {
    /// `nodes=a,b, job=… x=… start=…` (the suite's echo) plus `end=…` on a later line.
    fn parse(log: &str) -> Run {
        let mut r = Run::default();
        for word in log.split_whitespace() {
            let Some((k, v)) = word.split_once('=') else {
                continue;
            };
            if k == "nodes" {
                r.nodes = v
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect();
            } else {
                r.fields.insert(k.to_string(), v.to_string());
            }
        }
        r
    }

    fn num(&self, k: &str) -> f64 {
        self.fields[k].parse().unwrap()
    }
}

fn run_suite(site: &SimSite, request: &str) -> BTreeMap<String, Run> {
    let o = site.cmd(&["run", "-w", request]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", common::text(&o));
    site.runs()
}

#[test]
fn chunks_are_full_and_cover_every_usable_node() {
    let site = SimSite::new();
    let runs = run_suite(&site, "sim_cluster.chunks");
    let usable = site.kept("sim_cluster.chunks.0");
    // 283 of the 300 nodes are up: 300 − 3 drained − 3 down − 3 draining − 4 not responding − 4
    // reserved (maintenance) = 283.
    assert_eq!(usable.len(), 283);
    assert_eq!(runs.len(), 283usize.div_ceil(64), "{:?}", runs.keys());
    let mut covered = BTreeSet::new();
    for (name, r) in &runs {
        let distinct: BTreeSet<&String> = r.nodes.iter().collect();
        assert_eq!(
            r.nodes.len(),
            64,
            "{name}: every chunk is back-filled to 64 nodes"
        );
        assert_eq!(distinct.len(), 64, "{name}: nodes are distinct");
        for n in &r.nodes {
            assert!(usable.contains(n), "{name} ran on filtered node {n}");
        }
        covered.extend(r.nodes.iter().cloned());
        let chunk = &r.fields["chunk"];
        assert!(
            name.ends_with(&format!(".{chunk}")),
            "{name} ran in chunk {chunk}"
        );
    }
    assert_eq!(
        covered, usable,
        "the chunks together cover every usable node"
    );
}

#[test]
fn sharing_puts_compatible_tests_in_one_job_and_runs_them_at_once() {
    let site = SimSite::new();
    let runs = run_suite(&site, "sim_cluster.shared*");
    let group = |prefix: &str| -> Vec<&Run> {
        runs.iter()
            .filter(|(n, _)| n.starts_with(prefix) && n.matches('.').count() == 2)
            .map(|(_, r)| r)
            .collect()
    };
    let shared = group("sim_cluster.shared.");
    let debug = group("sim_cluster.shared_debug.");
    assert_eq!((shared.len(), debug.len()), (4, 4));
    for g in [&shared, &debug] {
        let jobs: BTreeSet<&String> = g.iter().map(|r| &r.fields["job"]).collect();
        assert_eq!(jobs.len(), 1, "one job per share group: {jobs:?}");
        // Concurrent: every test started before any of them ended.
        let last_start = g.iter().map(|r| r.num("start")).fold(f64::MIN, f64::max);
        let first_end = g.iter().map(|r| r.num("end")).fold(f64::MAX, f64::min);
        assert!(last_start < first_end, "tests of a shared job overlap");
        assert_eq!(g[0].nodes.len(), 2);
        assert!(g.iter().all(|r| r.nodes == g[0].nodes), "same allocation");
    }
    assert_ne!(
        shared[0].fields["job"], debug[0].fields["job"],
        "different partitions never share a job"
    );
    let debug_nodes = site.kept("sim_cluster.shared_debug.a");
    assert!(debug[0].nodes.iter().all(|n| debug_nodes.contains(n)));
}

#[test]
fn individual_tests_in_one_chunk_get_distinct_nodes() {
    let site = SimSite::new();
    let runs = run_suite(&site, "sim_cluster.picked");
    assert_eq!(runs.len(), 3);
    let mut seen = BTreeSet::new();
    for (name, r) in &runs {
        assert_eq!(r.nodes.len(), 3, "{name}");
        for n in &r.nodes {
            assert!(
                seen.insert(n.clone()),
                "{name}: node {n} was already picked"
            );
        }
    }
    let usable = site.kept("sim_cluster.picked.1");
    assert!(seen.iter().all(|n| usable.contains(n)));
}

#[test]
fn features_reservations_and_partitions_choose_the_nodes() {
    let site = SimSite::new();
    let runs = run_suite(&site, "sim_cluster.bigmem");
    let bigmem = site.kept("sim_cluster.bigmem");
    // Every kept node really has the feature, per the inventory file itself.
    let inventory =
        std::fs::read_to_string(repo().join("test_suites/inventories/cluster300.txt")).unwrap();
    let has_bigmem = |n: &str| {
        inventory.lines().any(|l| {
            l.starts_with(&format!("NodeName={n} "))
                && l.split_whitespace()
                    .any(|w| w.starts_with("ActiveFeatures=") && w.contains("bigmem"))
        })
    };
    assert!(!bigmem.is_empty() && bigmem.iter().all(|n| has_bigmem(n)));
    let r = &runs["sim_cluster.bigmem"];
    assert_eq!(r.nodes.len(), 3);
    assert!(r.nodes.iter().all(|n| bigmem.contains(n)), "{:?}", r.nodes);

    let runs = run_suite(&site, "sim_cluster.reserved");
    let maint: BTreeSet<String> = ["cn295", "cn296", "cn297", "cn298"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(site.kept("sim_cluster.reserved"), maint);
    let r = &runs["sim_cluster.reserved"];
    assert!(r.nodes.len() == 2 && r.nodes.iter().all(|n| maint.contains(n)));

    let runs = run_suite(&site, "sim_cluster.debug_partition");
    let debug = site.kept("sim_cluster.debug_partition");
    let r = &runs["sim_cluster.debug_partition"];
    assert!(r.nodes.len() == 4 && r.nodes.iter().all(|n| debug.contains(n)));
}

#[test]
fn explain_names_every_reason_of_a_filtered_node() {
    let site = SimSite::new();
    let out = site.ok(&[
        "show",
        "nodes",
        "sim",
        "--test",
        "sim_cluster.debug_partition",
        "--explain",
    ]);
    // A drained node outside the debug partition fails two steps, listed in filter order.
    let line = out
        .lines()
        .find(|l| l.contains(" IDLE+DRAIN ") && l.split_whitespace().nth(4) == Some("batch"))
        .unwrap_or_else(|| panic!("no drained node row:\n{out}"));
    assert!(line.contains("filtered"), "{line}");
    let not_up = line.find("not up (state IDLE+DRAIN)").expect(line);
    let not_in = line.find("not in partition 'debug'").expect(line);
    assert!(not_up < not_in, "{line}");
}

#[test]
fn show_chunks_previews_the_jobs_of_a_run() {
    let site = SimSite::new();
    let out = site.ok(&["show", "chunks", "--test", "sim_cluster.chunks", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let sets = v["chunk_sets"].as_array().unwrap();
    assert_eq!(sets.len(), 1);
    let chunks = sets[0]["chunks"].as_array().unwrap();
    assert_eq!(chunks.len(), 5);
    assert!(chunks
        .iter()
        .all(|c| c["nodes"].as_array().unwrap().len() == 64));
    let jobs = v["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 5);
    for (i, j) in jobs.iter().enumerate() {
        assert_eq!(j["chunk"]["index"], i);
        assert_eq!(j["node_spec"]["kind"], "explicit");
        assert_eq!(j["node_spec"]["nodes"], chunks[i]["nodes"]);
    }
    // A preview submits nothing.
    assert!(!Path::new(&site.wd().join("jobs")).exists());
}

#[test]
fn a_reader_that_goes_away_ends_the_report_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let site = SimSite::new();
    let mut child = site
        .cmd(&["show", "nodes", "sim", "--explain"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The pipe's read end is dropped here, like `loggia show nodes | head -1`.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(first.contains("nodes kept"), "{first}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn explain_shows_the_schedulers_own_reason() {
    let site = SimSite::new();
    let out = site.ok(&["show", "nodes", "sim", "--explain"]);
    let line = out.lines().find(|l| l.starts_with("cn089 ")).expect(&out);
    assert!(
        line.ends_with(
            "not up (state IDLE+DRAIN) [scheduler: bad DIMM [root@2026-11-20T09:12:00]]"
        ),
        "{line}"
    );
}
