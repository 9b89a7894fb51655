use super::*;
use crate::parse::parse_sacct;
use crate::test_util::{fixture, job, with_cx};
use loggia_sched::scripted::{Reply, ScriptedRunner};

fn core() -> BTreeMap<String, JobStatus> {
    parse_sacct(&fixture("sacct-core.out"))
        .iter()
        .map(|j| (j.id.clone(), job_status(j)))
        .collect()
}

fn exit(s: &JobStatus) -> &ExitInfo {
    s.exit.as_ref().unwrap()
}

#[test]
fn core_capture_exit_info_and_usage() {
    let m = core();
    let s3 = &m["3"];
    assert_eq!(
        (s3.state, s3.native.as_str()),
        (JobState::Completed, "COMPLETED")
    );
    assert_eq!(s3.source, StatusSource::Accounting);
    assert_eq!(exit(s3).exit_code, Some(0));
    assert_eq!(exit(s3).signal, None);
    assert_eq!(
        exit(s3).usage,
        Some(Usage {
            cpu_time_s: Some(0.002),
            max_rss_bytes: Some(1_822_720),
            walltime_s: Some(1.0),
        })
    );
    assert_eq!(s3.nodes.as_deref(), Some(&["node02".to_string()][..]));
    let s4 = &m["4"];
    assert_eq!(s4.state, JobState::Completed);
    assert_eq!((exit(s4).exit_code, exit(s4).signal), (Some(3), None));
    let s5 = &m["5"];
    assert_eq!(s5.nodes.as_ref().map(Vec::len), Some(3));
    assert_eq!(exit(s5).usage.as_ref().unwrap().cpu_time_s, Some(0.031));
    // Batch shell killed by SIGKILL: FAILED 0:9 after start.
    let s6 = &m["6"];
    assert_eq!(s6.state, JobState::Completed);
    assert_eq!((exit(s6).exit_code, exit(s6).signal), (None, Some(9)));
    assert_eq!(exit(s6).core_dumped, None);
    let s7 = &m["7"];
    assert_eq!(s7.state, JobState::Completed);
    assert!(exit(s7).timed_out);
    assert_eq!((exit(s7).exit_code, exit(s7).signal), (None, Some(15)));
    assert_eq!(exit(s7).usage.as_ref().unwrap().walltime_s, Some(85.0));
    assert_eq!(
        exit(s7).usage.as_ref().unwrap().max_rss_bytes,
        Some(3_366_912)
    );
    // Cancelled while pending: no exit info, no nodes.
    let s18 = &m["18"];
    assert_eq!(
        (s18.state, s18.native.as_str()),
        (JobState::Cancelled, "CANCELLED by 0")
    );
    assert_eq!(s18.exit, None);
    assert_eq!(s18.nodes, None);
    // Cancelled while running: the batch step's SIGTERM.
    let s19 = &m["19"];
    assert_eq!(s19.state, JobState::Cancelled);
    assert_eq!(exit(s19).signal, Some(15));
}

#[test]
fn running_capture() {
    let jobs = parse_sacct(&fixture("sacct-running.out"));
    let m: BTreeMap<String, JobStatus> =
        jobs.iter().map(|j| (j.id.clone(), job_status(j))).collect();
    assert_eq!(m["7"].state, JobState::Running);
    assert_eq!(m["7"].exit, None);
    assert_eq!(m["10"].state, JobState::Queued);
    assert_eq!(m["10"].reason, None);
}

const ARGV_FMT: &str =
    "--format=JobIDRaw,State,ExitCode,Start,End,Elapsed,TotalCPU,MaxRSS,NodeList";

#[test]
fn one_batched_sacct() {
    let r = ScriptedRunner::new();
    r.once(&["sacct"], Reply::ok(fixture("sacct-core.out")));
    let jobs: Vec<JobInfo> = ["3", "4", "5", "6", "7", "18", "19", "3", "999"]
        .iter()
        .map(|i| job(i))
        .collect();
    let Outcome::Found(m) = with_cx(&r, |cx| accounting_status(cx, &jobs)).unwrap() else {
        panic!("accounting reported disabled");
    };
    assert_eq!(
        r.argvs(),
        [vec![
            "sacct",
            "--noheader",
            "--parsable2",
            "--noconvert",
            "--jobs=3,4,5,6,7,18,19,999",
            ARGV_FMT
        ]]
    );
    assert_eq!(m.len(), 7);
    assert!(!m.contains_key("999"));
}

#[test]
fn unknown_id_and_foreign_jobs() {
    let r = ScriptedRunner::new();
    r.once(&["sacct"], Reply::ok(fixture("sacct-unknown-id.out")));
    let mut other = job("8");
    other.sys_name = "beta".into();
    let Outcome::Found(m) =
        with_cx(&r, |cx| accounting_status(cx, &[job("999999"), other])).unwrap()
    else {
        panic!("accounting reported disabled");
    };
    assert_eq!(m.len(), 1);
    assert_eq!(
        m["8"].reason.as_deref(),
        Some("job belongs to cluster 'beta'")
    );
}

#[test]
fn disabled_accounting_and_errors() {
    let r = ScriptedRunner::new();
    r.once(
        &["sacct"],
        Reply::fail(1, fixture("sacct-accounting-disabled.err")),
    );
    let out = with_cx(&r, |cx| accounting_status(cx, &[job("1")])).unwrap();
    assert!(matches!(out, Outcome::Disabled));
    let r = ScriptedRunner::new();
    r.once(&["sacct"], Reply::NotFound);
    let out = with_cx(&r, |cx| accounting_status(cx, &[job("1")])).unwrap();
    assert!(matches!(out, Outcome::Disabled));
    let r = ScriptedRunner::new();
    r.once(
        &["sacct"],
        Reply::fail(
            1,
            "sacct: error: Problem talking to the database: Connection refused",
        ),
    );
    let e = with_cx(&r, |cx| accounting_status(cx, &[job("1")])).unwrap_err();
    assert!(e.transient);
    assert_eq!(e.exit_code, Some(1));
}
