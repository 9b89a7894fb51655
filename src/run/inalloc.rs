//! The in-allocation runner, `loggia _run <full_id>…` (SCHEDULING.md §6.6): runs inside the
//! job, resolves deferred values with the allocation's facts, runs each test's `run.sh` in its
//! own process group under the concurrency rule, enforces silence timeouts and cancel markers,
//! reacts to forwarded signals, and records results.

use super::proc;
use super::signals;
use super::testrun::TestRun;
use crate::config::site::Site;
use crate::config::test::TestConfig;
use crate::config::yaml;
use crate::fsutil;
use crate::resolve::vars::VarSets;
use crate::results::record::{complete, fail, Outcome};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A test ready to run.
struct Ready {
    tr: TestRun,
    concurrent: u32,
    timeout: Option<Duration>,
    follow: PathBuf,
    evals: Vec<(String, String)>,
    result_parse: crate::results::parse::ResultParse,
    test_version: Option<String>,
}

struct Running {
    r: Ready,
    pid: i32,
    started: Instant,
    started_unix: f64,
    last_len: u64,
    last_change: Instant,
}

/// What every test of this allocation shares, computed once.
struct Shared {
    alloc: crate::schedvars::AllocFacts,
    sys: std::collections::BTreeMap<String, crate::resolve::facts::Fact>,
    lib: PathBuf,
}

/// Runs the tests `ids` (full ids) of this allocation; returns the process exit code.
pub fn run(site: &Site, ids: &[String]) -> Result<i32, String> {
    signals::install(&signals::RUNNER);
    wait_for_job_info();
    let mut tests = Vec::new();
    for id in ids {
        let (label, n) = TestRun::parse_full_id(id)?;
        tests.push(TestRun::new(&site.working_dir, &label, n));
    }
    tests.sort_by_key(|t| t.id);
    let Some(first) = tests.first() else {
        return Ok(0);
    };
    let attrs = first
        .attributes()
        .map_err(|e| format!("test {}: {e}", first.full_id()))?;
    let reg = loggia_sched::registry()
        .get(&attrs.scheduler)
        .map_err(|e| e.to_string())?;
    let local = crate::run::local::Local::new();
    let cx = local.cx(site);
    let shared = Shared {
        alloc: crate::schedvars::AllocFacts::gather(reg, &cx)?,
        sys: crate::resolve::facts::sys_vars(&site.sys_vars),
        lib: crate::run::create::install_lib(&site.working_dir).map_err(|e| e.to_string())?,
    };
    let mut queue = VecDeque::new();
    for tr in tests {
        if tr.is_complete() {
            continue;
        }
        if tr.cancel_requested() {
            fail(
                &tr,
                &site.result_log,
                "SCHED_CANCELLED",
                "cancelled before it started",
            );
            continue;
        }
        match finalize(site, &tr, reg, &shared) {
            Ok(r) => queue.push_back(r),
            Err(msg) => {
                fail(&tr, &site.result_log, "RUN_ERROR", &msg);
            }
        }
    }
    run_queue(site, queue)
}

/// Final variables, deferred strings, `run.sh` (→ FINALIZED).
fn finalize(
    site: &Site,
    tr: &TestRun,
    reg: &'static loggia_sched::SchedulerRegistration,
    shared: &Shared,
) -> Result<Ready, String> {
    let mut stored = tr.vars().map_err(|e| format!("reading variables: {e}"))?;
    let schedule: loggia_sched::ScheduleConfig = fsutil::read_json(&tr.path("schedule.json"))
        .map_err(|e| format!("reading schedule: {e}"))?;
    let final_sched = crate::schedvars::final_vars(reg, &schedule, &shared.alloc);
    for (k, v) in final_sched {
        stored.sched.insert(k, v);
    }
    let mut vars = VarSets::new();
    vars.set_all("var", stored.var.clone());
    vars.facts("sys", shared.sys.clone());
    vars.set_all("pav", stored.pav.clone());
    vars.set_all("sched", stored.sched.clone());
    let cfg_path = tr.path("config");
    let mut node = yaml::load_file(&cfg_path).map_err(|e| e.render())?;
    let name = tr
        .attributes()
        .map(|a| a.name)
        .unwrap_or_else(|_| tr.full_id());
    crate::resolve::strings::resolve_deferred(&mut node, &stored.deferred_paths, &vars, &name)
        .map_err(|e| e.render())?;
    let cfg: TestConfig = yaml::from_node(&node, &name).map_err(|e| e.render())?;
    // Record the final values (deferred variables now resolved) for the results.
    let resolved =
        crate::run::create::stored_vars(&vars, &stored.deferred_paths, &stored.permute_on);
    stored.var = resolved.var;
    stored.sched = resolved.sched;
    stored.deferred.clear();
    fsutil::write_json(&tr.path("variables"), &stored).map_err(|e| e.to_string())?;
    let shebang = cfg
        .shebang
        .clone()
        .unwrap_or_else(|| "#!/usr/bin/bash".to_string());
    let senv = super::script::ScriptEnv {
        shebang: &shebang,
        config_file: site.file.as_deref(),
        lib_path: &shared.lib,
    };
    let verbose = crate::run::create::parse_bool(cfg.run.verbose.as_deref(), false)
        .map_err(|e| format!("run.verbose: {e}"))?;
    let autoexit = crate::run::create::parse_bool(cfg.run.autoexit.as_deref(), true)
        .map_err(|e| format!("run.autoexit: {e}"))?;
    crate::run::create::write_script(
        &tr.path("run.sh"),
        &super::script::test_script(&cfg.run, &senv, verbose, autoexit),
    )
    .map_err(|e| e.to_string())?;
    if crate::run::create::parse_bool(cfg.build.on_nodes.as_deref(), false)
        .map_err(|e| format!("build.on_nodes: {e}"))?
    {
        match super::build::build_test(tr, &site.working_dir, &site.config_dirs, &cfg.build)? {
            super::build::BuildOutcome::Failed(m) | super::build::BuildOutcome::TimedOut(m) => {
                return Err(format!("build failed: {m}"))
            }
            _ => {}
        }
    }
    let concurrent = match cfg.run.concurrent.as_deref().map(str::trim) {
        None | Some("") => reg.plugin.concurrent_default(),
        Some(c) => c
            .parse::<u32>()
            .ok()
            .filter(|c| *c >= 1)
            .ok_or_else(|| format!("run.concurrent: expected an integer ≥ 1, found '{c}'"))?,
    };
    let timeout = match cfg.run.timeout.as_deref().map(str::trim) {
        None => Some(Duration::from_secs(300)),
        Some("") => None,
        Some(t) => {
            Some(Duration::from_secs(t.parse::<u64>().map_err(|_| {
                format!("run.timeout: expected seconds, found '{t}'")
            })?))
        }
    };
    let follow = match &cfg.run.timeout_file {
        Some(f) if !f.trim().is_empty() => tr.path("build").join(f.trim()),
        _ => tr.path("run.log"),
    };
    let _ = tr.set_status("FINALIZED", "deferred values resolved in the allocation");
    Ok(Ready {
        tr: tr.clone(),
        concurrent,
        timeout,
        follow,
        evals: cfg.result_evaluate.0.clone(),
        result_parse: cfg.result_parse.clone().unwrap_or_default(),
        test_version: cfg.test_version.clone(),
    })
}

fn finish(site: &Site, tr: &TestRun, out: Outcome) {
    if let Err(e) = complete(tr, &site.result_log, &out) {
        let _ = tr.set_status("RESULTS_ERROR", &format!("could not record results: {e}"));
    }
}

/// May `next` start while `running` run? (§6.6: every u in R ∪ {t} allows |R| + 1.)
fn may_start(running: &[Running], next: &Ready) -> bool {
    let n = running.len() as u64 + 1;
    u64::from(next.concurrent) >= n && running.iter().all(|r| u64::from(r.r.concurrent) >= n)
}

/// The submitting process writes the job's `info` right after the scheduler accepts the job; a
/// fast scheduler (raw) starts us before that. Results name the job, so wait for it (bounded).
fn wait_for_job_info() {
    let Some(dir) = std::env::var_os("LOGGIA_JOB_DIR").map(PathBuf::from) else {
        return;
    };
    let end = Instant::now() + Duration::from_secs(60);
    while !dir.join("info").exists() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn job_cancelled() -> bool {
    std::env::var_os("LOGGIA_JOB_DIR")
        .map(|d| PathBuf::from(d).join("cancel_requested").exists())
        .unwrap_or(false)
}

fn run_queue(site: &Site, mut queue: VecDeque<Ready>) -> Result<i32, String> {
    let mut running: Vec<Running> = Vec::new();
    let mut nap = Duration::from_millis(1);
    let mut last_check = Instant::now();
    loop {
        let sig = signals::last();
        if sig != 0 {
            return Ok(on_signal(site, sig, running, queue));
        }
        while let Some(next) = queue.front() {
            if !may_start(&running, next) {
                break;
            }
            let Some(r) = queue.pop_front() else { break };
            let tr = r.tr.clone();
            let _ = tr.set_statuses(&[
                ("RUN_READY", "ready to run"),
                ("PREPPING_RUN", "starting run.sh"),
            ]);
            let build = tr.path("build");
            let _ = fsutil::create_dir_all(&build);
            match proc::spawn_logged(
                &tr.path("run.sh"),
                &tr.full_id(),
                &build,
                &tr.path("run.log"),
                &super::build::test_dir_env(&tr),
            ) {
                Ok(pid) => {
                    let _ = tr.set_status("RUNNING", &format!("run.sh started (pid {pid})"));
                    let len = proc::file_len(&r.follow);
                    running.push(Running {
                        r,
                        pid,
                        started: Instant::now(),
                        started_unix: fsutil::unix_now(),
                        last_len: len,
                        last_change: Instant::now(),
                    });
                }
                Err(e) => {
                    let msg = format!("could not start run.sh: {e}");
                    fail(&tr, &site.result_log, "RUN_ERROR", &msg);
                }
            }
        }
        if running.is_empty() && queue.is_empty() {
            return Ok(0);
        }
        let mut progressed = false;
        let mut i = 0;
        while i < running.len() {
            match proc::wait4(running[i].pid, false) {
                Ok(Some(info)) => {
                    let done = running.swap_remove(i);
                    complete_ran(site, done, info, false);
                    progressed = true;
                }
                Ok(None) => i += 1,
                Err(e) => {
                    let done = running.swap_remove(i);
                    let msg = format!("lost track of run.sh: {e}");
                    fail(&done.r.tr, &site.result_log, "RUN_ERROR", &msg);
                }
            }
        }
        // Timeouts and cancel markers need a file look per test; a few times a second is plenty.
        if last_check.elapsed() >= Duration::from_millis(200) {
            last_check = Instant::now();
            let mut i = 0;
            while i < running.len() {
                let len = proc::file_len(&running[i].r.follow);
                if len != running[i].last_len {
                    running[i].last_len = len;
                    running[i].last_change = Instant::now();
                }
                let timed_out = running[i]
                    .r
                    .timeout
                    .is_some_and(|t| running[i].last_change.elapsed() > t);
                if timed_out || running[i].r.tr.cancel_requested() {
                    let done = running.swap_remove(i);
                    proc::kill_group(done.pid, Duration::from_secs(5));
                    let info = proc::wait4(done.pid, true)
                        .ok()
                        .flatten()
                        .unwrap_or_default();
                    complete_ran(
                        site,
                        done,
                        loggia_sched::ExitInfo { timed_out, ..info },
                        !timed_out,
                    );
                    progressed = true;
                } else {
                    i += 1;
                }
            }
        }
        if progressed {
            nap = Duration::from_millis(1);
        } else {
            std::thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(20));
        }
    }
}

fn complete_ran(site: &Site, done: Running, mut info: loggia_sched::ExitInfo, cancelled: bool) {
    let tr = &done.r.tr;
    if let Some(u) = info.usage.as_mut() {
        u.walltime_s = Some(done.started.elapsed().as_secs_f64());
    }
    let mut out = Outcome {
        return_value: info.exit_code,
        started: Some(done.started_unix),
        finished: Some(fsutil::unix_now()),
        evaluations: done.r.evals.clone(),
        result_parse: done.r.result_parse.clone(),
        test_version: done.r.test_version.clone(),
        ..Default::default()
    };
    if cancelled {
        let _ = tr.set_status("SCHED_CANCELLED", "cancelled while running");
        out.forced_error = Some("the test was cancelled".into());
    } else if info.timed_out {
        let secs = done.r.timeout.map(|t| t.as_secs()).unwrap_or(0);
        let _ = tr.set_status(
            "RUN_TIMEOUT",
            &format!("no output for {secs}s in {}", done.r.follow.display()),
        );
        out.forced_error = Some(format!("run timed out: no output for {secs}s"));
    } else {
        let done = format!("run.sh exited with {}", info.exit_code.unwrap_or(-1));
        let _ = tr.set_statuses(&[("RUN_DONE", &done), ("RESULTS", "gathering results")]);
    }
    out.exit = Some(info);
    finish(site, tr, out);
}

/// SIGTERM every running test's group, 5 s, SIGKILL; mark every unfinished test; exit 128 + n.
fn on_signal(site: &Site, sig: i32, running: Vec<Running>, queue: VecDeque<Ready>) -> i32 {
    use nix::sys::signal::{killpg, Signal};
    use nix::unistd::Pid;
    for r in &running {
        let _ = killpg(Pid::from_raw(r.pid), Signal::SIGTERM);
    }
    let end = Instant::now() + Duration::from_secs(5);
    let mut left: Vec<&Running> = running.iter().collect();
    while !left.is_empty() && Instant::now() < end {
        left.retain(|r| matches!(proc::wait4(r.pid, false), Ok(None)));
        std::thread::sleep(Duration::from_millis(20));
    }
    for r in &left {
        let _ = killpg(Pid::from_raw(r.pid), Signal::SIGKILL);
        let _ = proc::wait4(r.pid, true);
    }
    let job_cancel = job_cancelled();
    let all = running.into_iter().map(|r| r.r).chain(queue);
    for r in all {
        let tr = &r.tr;
        match signal_end(tr.is_complete(), job_cancel || tr.cancel_requested(), sig) {
            SignalEnd::AlreadyComplete => {}
            SignalEnd::Cancelled(msg) => fail(tr, &site.result_log, "SCHED_CANCELLED", &msg),
            SignalEnd::LeftToPoller(msg) => {
                let _ = tr.set_status("SCHED_ERROR", &msg);
            }
        }
    }
    128 + sig
}

/// What the signal handler does with an unfinished test.
#[derive(Debug, PartialEq)]
enum SignalEnd {
    /// Completed meanwhile (e.g. by `loggia cancel`): no status line after COMPLETE.
    AlreadyComplete,
    /// Cancelled by loggia: completed here (result ERROR).
    Cancelled(String),
    /// Time limit, preemption or an external scancel: only the scheduler can tell which, so the
    /// test gets the status line but is completed by the poller once the job has ended, with
    /// the scheduler's exit info (`timed_out`, …) in its results.
    LeftToPoller(String),
}

fn signal_end(complete: bool, cancelled: bool, sig: i32) -> SignalEnd {
    if complete {
        SignalEnd::AlreadyComplete
    } else if cancelled {
        SignalEnd::Cancelled("the test was cancelled".to_string())
    } else {
        SignalEnd::LeftToPoller(format!(
            "allocation received signal {sig} before the test completed (time limit or external cancel)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_completed_test_gets_no_status_after_the_signal() {
        assert_eq!(signal_end(true, true, 15), SignalEnd::AlreadyComplete);
        assert_eq!(signal_end(true, false, 15), SignalEnd::AlreadyComplete);
    }

    #[test]
    fn a_cancelled_test_completes_and_others_wait_for_the_scheduler() {
        assert_eq!(
            signal_end(false, true, 15),
            SignalEnd::Cancelled("the test was cancelled".to_string())
        );
        assert_eq!(
            signal_end(false, false, 15),
            SignalEnd::LeftToPoller(
                "allocation received signal 15 before the test completed (time limit or external cancel)"
                    .to_string()
            )
        );
    }
}
