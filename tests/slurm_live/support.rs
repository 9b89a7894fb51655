//! Helpers of the live Slurm tier: a private loggia site on the real cluster (with the
//! counting `squeue`/`sacct` first on PATH), reading its test runs back, Slurm commands, and
//! [`ClusterGuard`], which undoes every change a scenario makes to the shared cluster.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub use super::common::text;

/// Runs a command; its output whatever the exit status.
pub fn sh(argv: &[&str]) -> Output {
    Command::new(argv[0])
        .args(&argv[1..])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {argv:?}: {e}"))
}

/// Runs a command that must succeed; its stdout.
pub fn sh_ok(argv: &[&str]) -> String {
    let o = sh(argv);
    assert!(o.status.success(), "{argv:?}\n{}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Whether a Slurm controller answers.
pub fn cluster_answers() -> bool {
    Command::new("scontrol")
        .arg("ping")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("is UP"))
}

/// Polls `f` (which runs Slurm commands) every 200 ms until it is true or `limit` passes.
pub fn eventually(limit: Duration, f: impl FnMut() -> bool) -> bool {
    super::common::eventually_every(limit, Duration::from_millis(200), f)
}

/// `node → State=` of every node, from scontrol.
pub fn node_states() -> BTreeMap<String, String> {
    let out = sh_ok(&["scontrol", "--oneliner", "show", "node"]);
    let mut map = BTreeMap::new();
    for line in out.lines() {
        let field = |k: &str| {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(k))
                .map(str::to_string)
        };
        if let (Some(n), Some(s)) = (field("NodeName="), field("State=")) {
            map.insert(n, s);
        }
    }
    map
}

/// Slurm's state name of a job (`squeue --states=all`), empty when squeue does not list it.
pub fn squeue_state(job: &str) -> String {
    let o = sh(&["squeue", "--states=all", "-h", "-j", job, "-o", "%T"]);
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// The accounting state of a job's allocation (`sacct -X`), e.g. `CANCELLED by 0`.
pub fn sacct_state(job: &str) -> String {
    let o = sh(&["sacct", "-X", "-n", "-P", "-j", job, "-o", "State"]);
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Processes whose command line is exactly `needle` (srun starts `/usr/bin/sleep 4321` for
/// `sleep 4321`).
pub fn processes_with(needle: &str) -> Vec<(i32, String)> {
    super::common::processes(|cmd| cmd.trim_end() == needle)
}

/// A loggia site in a temp dir on the real cluster: suites from `test_suites/`, polling at
/// 1 s, a short outage cycle (squeue waits about 9 s for a stopped controller: the 4 s command
/// timeout and one retry after 1 s keep a failed poll near 9 s instead of about 50 s), and `squeue`/`sacct` wrapped by `tests/slurm/squeue-counter.sh` (log: [`Self::calls`]).
pub struct LiveSite {
    pub dir: tempfile::TempDir,
}

impl LiveSite {
    pub fn new() -> LiveSite {
        let dir = tempfile::tempdir().unwrap();
        let suites = repo().join("test_suites");
        let text = format!(
            "config_dirs: [{}]\nworking_dir: wd\nscheduling:\n  status:\n    min_interval: 1\n    completion_grace: 1\n    retries: 1\n    backoff_base: 1\n    command_timeout: 4\n",
            suites.display()
        );
        std::fs::write(dir.path().join("loggia.yaml"), text).unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let counter = repo().join("tests/slurm/squeue-counter.sh");
        for name in ["squeue", "sacct"] {
            std::os::unix::fs::symlink(&counter, bin.join(name)).unwrap();
        }
        LiveSite { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn wd(&self) -> PathBuf {
        self.path().join("wd")
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let path = format!(
            "{}:{}",
            self.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut c = Command::new(env!("CARGO_BIN_EXE_loggia"));
        c.args(args)
            .current_dir(self.path())
            .env("PATH", path)
            .env("LOGGIA_SQUEUE_LOG", self.calls_file())
            .env("LOGGIA_CONFIG_FILE", self.path().join("loggia.yaml"))
            .env_remove("LOGGIA_CONFIG_DIR");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(o.status.success(), "loggia {args:?}\n{}", text(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// `loggia run -w <request>`, which must pass every test.
    pub fn run_wait(&self, request: &str) -> Output {
        let o = self.run(&["run", "-w", request]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        o
    }

    pub fn calls_file(&self) -> PathBuf {
        self.path().join("squeue-calls.log")
    }

    /// Every wrapped squeue/sacct call so far, in start order.
    pub fn calls(&self) -> Vec<Call> {
        let text = std::fs::read_to_string(self.calls_file()).unwrap_or_default();
        let mut calls: Vec<Call> = Vec::new();
        // pid → index of its call still waiting for its end line.
        let mut open: BTreeMap<String, usize> = BTreeMap::new();
        for line in text.lines() {
            let f: Vec<&str> = line.splitn(6, ' ').collect();
            if f.len() < 5 {
                continue;
            }
            let Ok(ns) = f[0].parse::<u128>() else {
                continue;
            };
            if f[4] == "start" {
                open.insert(f[2].to_string(), calls.len());
                calls.push(Call {
                    at: ns as f64 / 1e9,
                    command: f[1].to_string(),
                    place: f[3].to_string(),
                    status: None,
                    args: f.get(5).unwrap_or(&"").to_string(),
                });
            } else if let Some(i) = open.remove(f[2]) {
                calls[i].status = f[4].parse().ok();
            }
        }
        calls
    }

    /// Every test run of the site whose name starts with `prefix`, by name.
    pub fn runs(&self, prefix: &str) -> BTreeMap<String, TestRun> {
        let mut out = BTreeMap::new();
        let Ok(dir) = std::fs::read_dir(self.wd().join("test_runs")) else {
            return out;
        };
        for e in dir.flatten() {
            let Ok(id) = e.file_name().to_string_lossy().parse::<u64>() else {
                continue;
            };
            let attrs: Value =
                serde_json::from_slice(&std::fs::read(e.path().join("attributes")).unwrap())
                    .unwrap();
            let name = attrs["name"].as_str().unwrap().to_string();
            if name.starts_with(prefix) {
                out.insert(name, TestRun::read(id, &e.path()));
            }
        }
        out
    }

    /// The nodes the filter keeps for `request` (one test), from `show nodes --json`.
    pub fn kept(&self, request: &str) -> BTreeSet<String> {
        let out = self.ok(&["show", "nodes", "slurm", "--test", request, "--json"]);
        let v: Value = serde_json::from_str(&out).unwrap();
        v[0]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kept"] == true)
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    }
}

/// One test run read back from its directory.
#[derive(Debug, Clone)]
pub struct TestRun {
    pub id: u64,
    pub dir: PathBuf,
    /// `results.json`, once complete.
    pub results: Option<Value>,
    /// `nodes=` of the run log: the nodes loggia gave the test.
    pub nodes: Vec<String>,
    /// `host=` lines of the run log: where srun's tasks ran.
    pub hosts: Vec<String>,
    /// Every other `key=value` word of the run log.
    pub fields: BTreeMap<String, String>,
}

impl TestRun {
    pub fn read(id: u64, dir: &Path) -> TestRun {
        let results = std::fs::read(dir.join("results.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let log = std::fs::read_to_string(dir.join("run.log")).unwrap_or_default();
        let mut r = TestRun {
            id,
            dir: dir.to_path_buf(),
            results,
            nodes: Vec::new(),
            hosts: Vec::new(),
            fields: BTreeMap::new(),
        };
        for word in log.split_whitespace() {
            let Some((k, v)) = word.split_once('=') else {
                continue;
            };
            match k {
                "nodes" => {
                    r.nodes = v
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect()
                }
                "host" => r.hosts.push(v.to_string()),
                _ => {
                    r.fields.insert(k.to_string(), v.to_string());
                }
            }
        }
        r
    }

    pub fn result(&self) -> &str {
        self.results
            .as_ref()
            .and_then(|r| r["result"].as_str())
            .unwrap_or("")
    }

    /// The Slurm job id recorded in results.json.
    pub fn job_id(&self) -> String {
        let r = self.results.as_ref().expect("results.json");
        r["job_info"]["id"].as_str().unwrap_or("").to_string()
    }

    /// The Slurm job id from the job record (available as soon as the job is submitted).
    pub fn submitted_job(&self) -> Option<String> {
        let info: Value =
            serde_json::from_slice(&std::fs::read(self.dir.join("job/info")).ok()?).ok()?;
        info["id"].as_str().map(str::to_string)
    }

    /// The states of the test's status file, in order.
    pub fn states(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("status"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split(' ').nth(1).map(str::to_string))
            .collect()
    }

    pub fn num(&self, k: &str) -> f64 {
        self.fields[k].parse().unwrap()
    }

    pub fn host_set(&self) -> BTreeSet<String> {
        self.hosts.iter().cloned().collect()
    }

    pub fn node_set(&self) -> BTreeSet<String> {
        self.nodes.iter().cloned().collect()
    }
}

/// One call logged by squeue-counter.sh.
#[derive(Debug, Clone)]
pub struct Call {
    /// Unix time of the start, in seconds.
    pub at: f64,
    pub command: String,
    /// `outer` or `alloc:<job id>`.
    pub place: String,
    /// Exit status; `None` when the call never ended (killed on the command timeout).
    pub status: Option<i32>,
    pub args: String,
}

impl Call {
    pub fn outer(&self) -> bool {
        self.place == "outer"
    }

    pub fn ok(&self) -> bool {
        self.status == Some(0)
    }
}

/// Undoes a scenario's changes to the shared cluster when dropped, even on a failed assert:
/// resumes the nodes it drained or downed, deletes its reservations, starts slurmctld again
/// if it was stopped, and cancels the site's jobs still in the queue.
pub struct ClusterGuard {
    site_dir: PathBuf,
    nodes: Vec<String>,
    reservations: Vec<String>,
    pub ctld_stopped: bool,
}

impl ClusterGuard {
    pub fn new(site: &LiveSite) -> ClusterGuard {
        ClusterGuard {
            site_dir: site.path().to_path_buf(),
            nodes: Vec::new(),
            reservations: Vec::new(),
            ctld_stopped: false,
        }
    }

    /// `scontrol update nodename=<node> state=<state> reason=<reason>`.
    pub fn set_node(&mut self, node: &str, state: &str, reason: &str) {
        self.nodes.push(node.to_string());
        sh_ok(&[
            "scontrol",
            "update",
            &format!("nodename={node}"),
            &format!("state={state}"),
            &format!("reason={reason}"),
        ]);
    }

    /// Creates a reservation for root on `nodes` (an hostlist) and waits until Slurm flags
    /// those nodes RESERVED: right after `create reservation` node records still lack the flag
    /// for a moment, and the filter reads node states.
    pub fn reserve(&mut self, name: &str, nodes: &str, expanded: &[&str]) {
        self.reservations.push(name.to_string());
        sh_ok(&[
            "scontrol",
            "create",
            "reservation",
            &format!("reservationname={name}"),
            "starttime=now",
            "duration=30",
            "users=root",
            "flags=ignore_jobs",
            &format!("nodes={nodes}"),
        ]);
        let flagged = eventually(Duration::from_secs(30), || {
            let states = node_states();
            expanded
                .iter()
                .all(|n| states.get(*n).is_some_and(|s| s.contains("RESERVED")))
        });
        assert!(
            flagged,
            "nodes {nodes} never got RESERVED: {:?}",
            node_states()
        );
    }

    /// Cancels the jobs of this site still in the queue (found by their working directory).
    fn cancel_site_jobs(&self) {
        let o = sh(&["squeue", "-h", "-o", "%i %Z"]);
        let site = self.site_dir.display().to_string();
        for line in String::from_utf8_lossy(&o.stdout).lines() {
            if let Some((id, dir)) = line.split_once(' ') {
                if dir.starts_with(&site) {
                    let _ = sh(&["scancel", id]);
                }
            }
        }
    }
}

impl Drop for ClusterGuard {
    fn drop(&mut self) {
        if self.ctld_stopped || !cluster_answers() {
            let _ = sh(&[
                repo().join("tests/slurm/cluster.sh").to_str().unwrap_or(""),
                "ctld-start",
            ]);
        }
        self.cancel_site_jobs();
        for node in &self.nodes {
            let _ = sh(&[
                "scontrol",
                "update",
                &format!("nodename={node}"),
                "state=resume",
            ]);
        }
        for r in &self.reservations {
            let _ = sh(&["scontrol", "delete", &format!("reservation={r}")]);
        }
        // The next scenario counts on idle nodes (a resumed node may take a moment).
        let idle = eventually(Duration::from_secs(30), || {
            node_states()
                .values()
                .all(|s| !s.contains("DRAIN") && !s.contains("DOWN") && !s.contains("RESERVED"))
        });
        if !idle {
            eprintln!(
                "live: nodes still not all back after cleanup: {:?}",
                node_states()
            );
        }
    }
}
