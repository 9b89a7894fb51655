//! Shared helpers of the `sim` plugin's integration tests: a context whose settings point at an
//! inventory, kickoff requests for bash scripts in temporary job directories, and paths of the
//! saved inventories.

#![allow(dead_code)] // each test binary uses a different subset

use loggia_sched::advanced::Inventory;
use loggia_sched::scheduler::{RawExtra, RawNode};
use loggia_sched::{
    Context, KickoffRequest, NodeSpec, SchedSettings, ScheduleConfig, SystemRunner,
};
use loggia_sched_sim::{build_inventory, load_inventory, SIM};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const SYS: &str = "testsys";
pub const HOST: &str = "testhost";

static RUNNER: SystemRunner = SystemRunner;

/// `test_suites/inventories/` of the repository.
pub fn inventories_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_suites/inventories")
}

/// The saved inventory `name`, loaded and transformed by the registered plugin.
pub fn saved(name: &str) -> (Inventory, Vec<RawNode>, RawExtra) {
    let (raw, extra) = load_inventory(&inventories_dir().join(name)).unwrap();
    let inv = build_inventory(&SIM, &raw, &extra).unwrap();
    (inv, raw, extra)
}

/// Owns what a [`Context`] borrows.
pub struct World {
    pub dir: tempfile::TempDir,
    pub settings: SchedSettings,
}

impl World {
    /// A world whose site settings name `inventory`.
    pub fn new(inventory: &Path) -> World {
        World {
            dir: tempfile::tempdir().unwrap(),
            settings: SchedSettings {
                sim_inventory: Some(inventory.to_path_buf()),
                ..SchedSettings::default()
            },
        }
    }

    pub fn cx(&self) -> Context<'_> {
        Context {
            runner: &RUNNER,
            working_dir: self.dir.path(),
            sys_name: SYS,
            host: HOST,
            settings: &self.settings,
        }
    }

    /// A job directory `name` holding an executable `kickoff` with `body` after a bash shebang.
    pub fn job(&self, name: &str, body: &str, spec: NodeSpec) -> KickoffRequest {
        let job_dir = self.dir.path().join(name);
        std::fs::create_dir_all(&job_dir).unwrap();
        let script = job_dir.join("kickoff");
        std::fs::write(&script, format!("#!/bin/bash\n{body}")).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        KickoffRequest {
            job_id: "0123456789abcdef0123456789abcdef".to_string(),
            job_dir,
            script_path: script,
            job_name: "loggia-test".to_string(),
            tests: vec!["main.1".to_string()],
            schedule: ScheduleConfig::default(),
            node_spec: spec,
            time_limit_s: 5400,
            env_strip: vec![],
        }
    }
}

pub fn range(min: u64, include: &[&str], exclude: &[&str]) -> NodeSpec {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect();
    NodeSpec::Range {
        min,
        max: Some(min),
        include: v(include),
        exclude: v(exclude),
    }
}

/// Polls `cond` every 20 ms; fails the test after 60 s (a hang, not a speed requirement).
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
