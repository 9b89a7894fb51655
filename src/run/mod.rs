//! Test runs on disk and their life: creation ([`create`]), builds ([`build`]), jobs and
//! kickoff ([`job`]), polling ([`poll`]) and waiting ([`watch`]), and the in-allocation runner
//! ([`inalloc`]). [`start`] strings them together for `loggia run`.

pub mod build;
pub mod create;
pub mod ids;
pub mod inalloc;
pub mod job;
pub mod local;
pub mod poll;
pub mod proc;
pub mod script;
pub mod signals;
pub mod status;
pub mod testrun;
pub mod watch;

use crate::config::site::Site;
use crate::resolve::proto::ProtoTest;
use testrun::TestRun;

/// What `start` did.
#[derive(Debug, Default)]
pub struct Started {
    pub tests: Vec<TestRun>,
    pub skipped: Vec<(String, String)>,
    /// Kickoff or build failures, already recorded on their tests.
    pub failures: Vec<String>,
}

/// The ids of the last `loggia run` of this working dir (default for status/wait/results).
pub fn last_run_path(site: &Site) -> std::path::PathBuf {
    site.working_dir.join("last_run")
}

/// Reads the last run's test ids.
pub fn last_run(site: &Site) -> Vec<TestRun> {
    let text = std::fs::read_to_string(last_run_path(site)).unwrap_or_default();
    text.split_whitespace()
        .filter_map(|s| TestRun::parse_full_id(s).ok())
        .map(|(l, i)| TestRun::new(&site.working_dir, &l, i))
        .collect()
}

/// Creates, builds and kicks off `protos`.
pub fn start(
    site: &Site,
    sched: &crate::advanced::SchedState,
    protos: &[ProtoTest],
    user: &str,
) -> Result<Started, String> {
    let mut out = Started::default();
    let runnable: Vec<&ProtoTest> = protos
        .iter()
        .filter(|p| match &p.skip_reason {
            Some(r) => {
                out.skipped.push((p.full_name(), r.clone()));
                false
            }
            None => true,
        })
        .collect();
    if runnable.is_empty() {
        return Ok(out);
    }
    let lib = create::install_lib(&site.working_dir).map_err(|e| e.to_string())?;
    let test_runs = site.working_dir.join("test_runs");
    let first = ids::allocate(&test_runs, runnable.len() as u64)
        .map_err(|e| format!("allocating test ids: {e}"))?;
    let cenv = create::CreateEnv {
        site,
        lib_path: lib,
    };
    let mut created: Vec<(TestRun, &ProtoTest)> = Vec::new();
    for (i, p) in runnable.iter().enumerate() {
        let tr = create::create(&cenv, p, first + i as u64, user)?;
        created.push((tr, p));
    }
    let ids: Vec<String> = created.iter().map(|(t, _)| t.full_id()).collect();
    // Written before building and kickoff, so `loggia wait` finds these tests even if this
    // process dies halfway.
    let last = format!("{}\n", ids.join(" "));
    crate::fsutil::write_atomic(&last_run_path(site), last.as_bytes())
        .map_err(|e| format!("recording the run: {e}"))?;
    let mut ready: Vec<(TestRun, &ProtoTest)> = Vec::new();
    for (tr, p) in created {
        out.tests.push(tr.clone());
        if !p.sched_errors.is_empty() {
            // SCHEDULING §3.5: a test with scheduler errors exists but cannot run.
            let msg = p.sched_errors.join("\n");
            crate::results::record::fail(&tr, &site.result_log, "CREATION_ERROR", &msg);
            out.failures.push(format!("{}: {msg}", p.full_name()));
            continue;
        }
        let on_nodes = create::parse_bool(p.cfg.build.on_nodes.as_deref(), false).unwrap_or(false);
        if on_nodes {
            let _ = tr.set_status("BUILD_DEFERRED", "builds in the allocation");
            ready.push((tr, p));
            continue;
        }
        match build::build_test(&tr, &site.working_dir, &site.config_dirs, &p.cfg.build) {
            Ok(build::BuildOutcome::Built) | Ok(build::BuildOutcome::Reused) => {
                if tr.status().ok().flatten().map(|s| s.state) != Some("BUILD_REUSED".to_string()) {
                    let _ = tr.set_status("BUILD_DONE", "build complete");
                }
                ready.push((tr, p));
            }
            Ok(build::BuildOutcome::Failed(m)) | Err(m) => {
                crate::results::record::fail(
                    &tr,
                    &site.result_log,
                    "BUILD_FAILED",
                    &format!("build failed: {m}"),
                );
                out.failures.push(format!("{}: {m}", p.full_name()));
            }
            Ok(build::BuildOutcome::TimedOut(m)) => {
                crate::results::record::fail(
                    &tr,
                    &site.result_log,
                    "BUILD_TIMEOUT",
                    &format!("build timed out: {m}"),
                );
                out.failures.push(format!("{}: {m}", p.full_name()));
            }
        }
    }
    out.failures
        .extend(crate::schedvars::kickoff(site, sched, &ready));
    Ok(out)
}
