//! Shared helpers of the `raw` plugin's integration tests: a context, kickoff requests for bash
//! scripts in temporary job directories, and `/proc` looks at a job's session.

#![allow(dead_code)] // each test binary uses a different subset

use loggia_sched::{
    Context, KickoffRequest, NodeSpec, SchedSettings, ScheduleConfig, SystemRunner,
};
use loggia_sched_raw::procfs::{self, ProcStat};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const SYS: &str = "testsys";
pub const HOST: &str = "testhost";

static RUNNER: SystemRunner = SystemRunner;

/// Owns what a [`Context`] borrows.
pub struct World {
    pub dir: tempfile::TempDir,
    pub settings: SchedSettings,
    pub host: String,
}

impl World {
    pub fn new() -> World {
        World::on_host(HOST)
    }

    pub fn on_host(host: &str) -> World {
        World {
            dir: tempfile::tempdir().unwrap(),
            settings: SchedSettings::default(),
            host: host.to_string(),
        }
    }

    pub fn cx(&self) -> Context<'_> {
        Context {
            runner: &RUNNER,
            working_dir: self.dir.path(),
            sys_name: SYS,
            host: &self.host,
            settings: &self.settings,
        }
    }

    /// A job directory `name` holding an executable `kickoff` with `body` after a bash shebang.
    pub fn job(&self, name: &str, body: &str) -> KickoffRequest {
        let job_dir = self.dir.path().join(name);
        std::fs::create_dir_all(&job_dir).unwrap();
        let script = job_dir.join("kickoff");
        std::fs::write(&script, format!("#!/bin/bash\n{body}")).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        request(&job_dir, &script)
    }
}

pub fn request(job_dir: &Path, script: &Path) -> KickoffRequest {
    KickoffRequest {
        job_id: "0123456789abcdef0123456789abcdef".to_string(),
        job_dir: job_dir.to_path_buf(),
        script_path: script.to_path_buf(),
        job_name: "loggia-test".to_string(),
        tests: vec!["main.1".to_string()],
        schedule: ScheduleConfig::default(),
        node_spec: NodeSpec::Range {
            min: 1,
            max: Some(1),
            include: vec![],
            exclude: vec![],
        },
        time_limit_s: 3600,
        env_strip: vec!["SBATCH_*".to_string()],
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

/// Live (non-zombie) processes whose session id is `sid`.
pub fn live_in_session(sid: i32) -> Vec<ProcStat> {
    procfs::scan()
        .unwrap()
        .into_iter()
        .filter(|p| p.session == sid && p.is_live())
        .collect()
}

pub fn stat(pid: i32) -> ProcStat {
    procfs::read_stat(pid).unwrap().unwrap()
}

pub fn path_in(req: &KickoffRequest, name: &str) -> PathBuf {
    req.job_dir.join(name)
}
