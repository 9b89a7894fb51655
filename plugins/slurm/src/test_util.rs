//! Shared helpers of the unit tests: a context over a scripted runner, jobs, recorded files.

use loggia_sched::scripted::ScriptedRunner;
use loggia_sched::{Context, JobInfo, SchedSettings};
use std::path::{Path, PathBuf};

/// A recorded Slurm 22.05 file (`testdata/slurm-22.05/<name>`), or `""` when it does not exist.
pub fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/slurm-22.05")
        .join(name);
    std::fs::read_to_string(p).unwrap_or_default()
}

/// Runs `f` with a context on `runner` for cluster `alpha`, host `login1`.
pub fn with_cx<R>(runner: &ScriptedRunner, f: impl FnOnce(&Context) -> R) -> R {
    let settings = SchedSettings::default();
    let cx = Context {
        runner,
        working_dir: Path::new("/tmp/wd"),
        sys_name: "alpha",
        host: "login1",
        settings: &settings,
    };
    f(&cx)
}

/// A slurm job of cluster `alpha`.
pub fn job(id: &str) -> JobInfo {
    JobInfo {
        plugin: "slurm".into(),
        id: id.into(),
        sys_name: "alpha".into(),
        host: "login1".into(),
        submitted: 0.0,
        job_dir: PathBuf::from(format!("/tmp/wd/jobs/{id}")),
        extra: Default::default(),
    }
}
