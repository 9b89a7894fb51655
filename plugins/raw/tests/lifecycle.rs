//! Kickoff and status of real processes: detachment, output, environment, surviving the starter,
//! and start errors.

mod common;

use common::{live_in_session, path_in, stat, wait_until, World, HOST, SYS};
use loggia_sched::{JobInfo, JobState, Scheduler, StatusSource};
use loggia_sched_raw::Raw;
use std::process::Command;

/// Waits (at most a minute) for a `go` file, records its cwd and stdin, then ends.
const GATED: &str = "echo started\necho to-stderr >&2\nreadlink /proc/$$/fd/0 > stdin_was\n\
    for _ in $(seq 3000); do [ -e go ] && break; sleep 0.02; done\npwd > cwd_was\necho finished\n";

#[test]
fn kickoff_starts_a_detached_session_leader() {
    let w = World::new();
    let req = w.job("j1", GATED);
    std::fs::write(path_in(&req, "sched.log"), "earlier line\n").unwrap();
    let info = Raw.kickoff(&w.cx(), &req).unwrap();
    let pid: i32 = info.id.parse().unwrap();

    let st = stat(pid);
    assert_eq!(info.plugin, "raw");
    assert_eq!((info.sys_name.as_str(), info.host.as_str()), (SYS, HOST));
    assert_eq!(info.job_dir, req.job_dir);
    assert_eq!(info.extra["pgid"], pid.to_string());
    assert_eq!(info.extra["sid"], pid.to_string());
    assert_eq!(info.extra["host"], HOST);
    assert_eq!(info.extra["start_ticks"], st.start_ticks.to_string());
    assert_eq!(info.extra.len(), 4);
    assert_eq!((st.session, st.pgrp), (pid, pid));
    assert_ne!(
        st.ppid,
        std::process::id() as i32,
        "the job must not be our child"
    );

    let status = Raw
        .job_status(&w.cx(), std::slice::from_ref(&info))
        .unwrap();
    let s = &status[&info.id];
    assert_eq!(s.state, JobState::Running);
    assert_eq!(s.source, StatusSource::Local);
    assert!(["R", "S"].contains(&s.native.as_str()), "{}", s.native);
    assert_eq!(s.nodes, Some(vec![HOST.to_string()]));
    assert_eq!(status.len(), 1);

    wait_until("the script reported its stdin", || {
        path_in(&req, "stdin_was").exists()
    });
    std::fs::write(path_in(&req, "go"), "").unwrap();
    wait_until("the job ended", || {
        Raw.job_status(&w.cx(), std::slice::from_ref(&info))
            .unwrap()
            .is_empty()
    });
    assert!(live_in_session(pid).is_empty());

    let read = |name: &str| std::fs::read_to_string(path_in(&req, name)).unwrap();
    assert_eq!(
        read("sched.log"),
        "earlier line\nstarted\nto-stderr\nfinished\n"
    );
    assert_eq!(read("stdin_was"), "/dev/null\n");
    let cwd = std::fs::canonicalize(&req.job_dir).unwrap();
    assert_eq!(read("cwd_was"), format!("{}\n", cwd.display()));
}

const STARTER_ENV: &str = "LOGGIA_RAW_TEST_STARTER_DIR";

/// Run twice: normally it re-executes this test binary as a short-lived starter (selected by
/// [`STARTER_ENV`]) that kicks a job off and exits; then it checks the job outlived the starter.
#[test]
fn job_outlives_its_starter_and_strips_env() {
    if let Ok(dir) = std::env::var(STARTER_ENV) {
        let w = World::new();
        let job_dir = std::path::PathBuf::from(dir);
        let req = common::request(&job_dir, &job_dir.join("kickoff"));
        let info = Raw.kickoff(&w.cx(), &req).unwrap();
        std::fs::write(
            job_dir.join("info.json"),
            serde_json::to_string(&info).unwrap(),
        )
        .unwrap();
        drop(w); // `exit` skips destructors
        std::process::exit(0);
    }

    let w = World::new();
    let body = "env | grep -E '^(SBATCH_|KEEP_ME)' | sort > env_seen\n\
        for _ in $(seq 3000); do [ -e go ] && break; sleep 0.02; done\necho survived > done\n";
    let job_dir = w.job("outlive", body).job_dir;
    let mut starter = Command::new(std::env::current_exe().unwrap())
        .args([
            "job_outlives_its_starter_and_strips_env",
            "--exact",
            "--test-threads=1",
        ])
        .env(STARTER_ENV, &job_dir)
        .env("SBATCH_ACCOUNT", "acct")
        .env("SBATCH_PARTITION", "part")
        .env("KEEP_ME", "kept")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let starter_pid = starter.id() as i32;
    assert!(starter.wait().unwrap().success());

    let info: JobInfo =
        serde_json::from_str(&std::fs::read_to_string(job_dir.join("info.json")).unwrap()).unwrap();
    let pid: i32 = info.id.parse().unwrap();
    let st = stat(pid);
    assert!(st.is_live(), "state {}", st.state);
    assert_ne!(st.ppid, starter_pid);
    let status = Raw
        .job_status(&w.cx(), std::slice::from_ref(&info))
        .unwrap();
    assert_eq!(status[&info.id].state, JobState::Running);

    wait_until("the job wrote its environment", || {
        job_dir.join("env_seen").exists()
    });
    std::fs::write(job_dir.join("go"), "").unwrap();
    wait_until("the job ended", || {
        Raw.job_status(&w.cx(), std::slice::from_ref(&info))
            .unwrap()
            .is_empty()
    });
    assert_eq!(
        std::fs::read_to_string(job_dir.join("done")).unwrap(),
        "survived\n"
    );
    assert_eq!(
        std::fs::read_to_string(job_dir.join("env_seen")).unwrap(),
        "KEEP_ME=kept\n"
    );
}

#[test]
fn missing_script_is_an_error_naming_it() {
    let w = World::new();
    let mut req = w.job("j2", "exit 0\n");
    req.script_path = req.job_dir.join("no-such-kickoff");
    let err = Raw.kickoff(&w.cx(), &req).unwrap_err();
    assert_eq!(
        err.message,
        format!(
            "cannot start kickoff script '{}' (working directory '{}'): \
             No such file or directory (os error 2)",
            req.script_path.display(),
            req.job_dir.display()
        )
    );
    assert!(!err.transient);
}

#[test]
fn unexecutable_script_is_an_error() {
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    let req = w.job("j3", "exit 0\n");
    std::fs::set_permissions(&req.script_path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = Raw.kickoff(&w.cx(), &req).unwrap_err();
    assert!(err.message.starts_with(&format!(
        "cannot start kickoff script '{}'",
        req.script_path.display()
    )));
    assert!(
        err.message.ends_with("Permission denied (os error 13)"),
        "{}",
        err.message
    );
}

#[test]
fn missing_job_dir_is_an_error_naming_the_log() {
    let w = World::new();
    let req = common::request(
        &w.dir.path().join("gone"),
        &w.dir.path().join("gone/kickoff"),
    );
    let err = Raw.kickoff(&w.cx(), &req).unwrap_err();
    assert_eq!(
        err.message,
        format!(
            "cannot open '{}' for the job's output: No such file or directory (os error 2)",
            w.dir.path().join("gone/sched.log").display()
        )
    );
}
