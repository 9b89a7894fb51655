use super::*;
use crate::test_util::{fixture, job, with_cx};
use loggia_sched::scripted::{Reply, ScriptedRunner};
use loggia_sched::JobState;
use std::sync::atomic::{AtomicBool, Ordering};

fn no_login() -> Option<String> {
    None
}

fn root() -> Option<String> {
    Some("root".into())
}

const ARGV: [&str; 5] = [
    "squeue",
    "--me",
    "--noheader",
    "--states=all",
    "--format=%i|%T|%r|%N|%S",
];

#[test]
fn exact_argv() {
    assert_eq!(squeue_argv(None), ARGV);
    assert_eq!(squeue_argv(Some("bob"))[1], "--user=bob");
}

#[test]
fn pending_running_capture_mapped() {
    let text = fixture("squeue-pending-running.out");
    let ids = ["1", "4", "6", "7", "10", "12", "13", "14", "17", "99"];
    let wanted: HashSet<&str> = ids.into_iter().collect();
    let m = statuses(&text, &wanted);
    assert_eq!(m.len(), 9, "99 is not in the queue");
    let s = |id: &str| (m[id].state, m[id].reason.clone());
    assert_eq!(s("1"), (JobState::Completed, None));
    assert_eq!(
        m["1"].nodes.as_deref(),
        Some(&["node02".to_string(), "node05".into(), "node06".into()][..])
    );
    // Terminal states from the queue carry no exit details (accounting has them).
    assert_eq!(m["1"].exit, None);
    assert_eq!(s("4"), (JobState::Completed, None));
    assert_eq!(m["4"].native, "FAILED");
    assert_eq!(s("7"), (JobState::Running, None));
    assert_eq!(m["7"].source, StatusSource::Queue);
    assert_eq!(s("10"), (JobState::Queued, Some("Resources".into())));
    assert_eq!(m["10"].nodes, None);
    assert_eq!(m["10"].start, None);
    assert_eq!(
        s("12"),
        (
            JobState::Queued,
            Some("ReqNodeNotAvail, UnavailableNodes:node04".into())
        )
    );
    assert_eq!(s("13"), (JobState::Held, Some("JobHeldAdmin".into())));
    assert_eq!(s("14"), (JobState::Held, Some("JobHeldUser".into())));
    assert_eq!(s("17"), (JobState::Queued, Some("Dependency".into())));
}

#[test]
fn finished_and_dependency_captures() {
    let text = fixture("squeue-finished.out");
    let wanted: HashSet<&str> = ["6", "7", "13", "30"].into_iter().collect();
    let m = statuses(&text, &wanted);
    // Job 6 ran (it has a node): FAILED after start is completed.
    assert_eq!(m["6"].state, JobState::Completed);
    assert_eq!(m["7"].state, JobState::Completed);
    assert!(m["7"].exit.as_ref().unwrap().timed_out);
    assert_eq!(m["13"].state, JobState::Cancelled);
    // Rejected at submission, never ran.
    assert_eq!(m["30"].state, JobState::Failed);
    assert_eq!(m["30"].reason.as_deref(), Some("launch failed"));
    let text = fixture("squeue-dependency-never.out");
    let m = statuses(&text, &["17"].into_iter().collect());
    assert_eq!(m["17"].state, JobState::Queued);
    assert_eq!(m["17"].reason.as_deref(), Some("DependencyNeverSatisfied"));
}

#[test]
fn one_squeue_for_fifty_jobs() {
    let r = ScriptedRunner::new();
    r.once(&ARGV, Reply::ok(fixture("squeue-pending-running.out")));
    let jobs: Vec<_> = (1..=50).map(|i| job(&i.to_string())).collect();
    let flag = AtomicBool::new(false);
    let m = with_cx(&r, |cx| job_status(cx, &jobs, &flag, &no_login)).unwrap();
    assert_eq!(r.argvs(), [ARGV.map(String::from).to_vec()]);
    assert_eq!(m.len(), 20);
    assert!(!m.contains_key("21"));
    let call = &r.calls()[0];
    assert_eq!(
        call.env,
        [("SLURM_TIME_FORMAT".to_string(), "%s".to_string())]
    );
    assert_eq!(call.timeout, std::time::Duration::from_secs(60));
}

#[test]
fn foreign_jobs_are_refused_without_a_query() {
    let r = ScriptedRunner::new();
    let mut j = job("5");
    j.sys_name = "beta".into();
    let flag = AtomicBool::new(false);
    let m = with_cx(&r, |cx| job_status(cx, &[j], &flag, &no_login)).unwrap();
    assert_eq!(m["5"].state, JobState::Unknown);
    assert_eq!(
        m["5"].reason.as_deref(),
        Some("job belongs to cluster 'beta'")
    );
    assert_eq!(r.count("squeue"), 0);
}

#[test]
fn controller_down_is_a_transient_error() {
    let r = ScriptedRunner::new();
    let err = fixture("ctld-down-squeue.err");
    r.once(&ARGV, Reply::fail(1, err.clone()));
    let flag = AtomicBool::new(false);
    let e = with_cx(&r, |cx| job_status(cx, &[job("1")], &flag, &no_login)).unwrap_err();
    assert!(e.transient);
    assert_eq!(e.stderr, err);
    assert_eq!(e.exit_code, Some(1));
    assert_eq!(e.argv, ARGV);
    let r = ScriptedRunner::new();
    r.once(&ARGV, Reply::fail(1, "squeue: error: Invalid user: x\n"));
    let e = with_cx(&r, |cx| job_status(cx, &[job("1")], &flag, &no_login)).unwrap_err();
    assert!(!e.transient);
    let r = ScriptedRunner::new();
    r.once(
        &ARGV,
        Reply::Timeout {
            stderr: String::new(),
        },
    );
    let e = with_cx(&r, |cx| job_status(cx, &[job("1")], &flag, &no_login)).unwrap_err();
    assert!(e.transient);
}

#[test]
fn rejected_me_falls_back_to_user_once() {
    let r = ScriptedRunner::new();
    r.once(
        &ARGV,
        Reply::fail(
            1,
            "squeue: unrecognized option '--me'\nTry \"squeue --help\"\n",
        ),
    )
    .always(
        &["squeue", "--user=root"],
        Reply::ok(fixture("squeue-user.out")),
    );
    let flag = AtomicBool::new(false);
    let m = with_cx(&r, |cx| job_status(cx, &[job("7")], &flag, &root)).unwrap();
    assert_eq!(m["7"].state, JobState::Running);
    assert!(flag.load(Ordering::Relaxed));
    with_cx(&r, |cx| job_status(cx, &[job("7")], &flag, &root)).unwrap();
    let argvs = r.argvs();
    assert_eq!(argvs.len(), 3);
    assert_eq!(argvs[2][1], "--user=root");
    assert!(me_rejected("squeue: invalid option -- '--me'"));
    assert!(!me_rejected(&fixture("ctld-down-squeue.err")));
}
