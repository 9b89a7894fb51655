use super::*;
use crate::test_util::{fixture, job, with_cx};
use loggia_sched::scripted::{Reply, ScriptedRunner};

#[test]
fn one_scancel_for_all_jobs() {
    let r = ScriptedRunner::new();
    r.once(&["scancel"], Reply::ok(fixture("scancel-mixed.out")));
    let jobs = [job("3"), job("999999"), job("10"), job("3")];
    let res = with_cx(&r, |cx| cancel(cx, &jobs));
    assert_eq!(r.argvs(), [vec!["scancel", "3", "999999", "10"]]);
    assert_eq!(res.len(), 3);
    assert!(res.values().all(|v| v.is_ok()));
}

#[test]
fn nothing_to_cancel_runs_nothing() {
    let r = ScriptedRunner::new();
    let mut other = job("5");
    other.sys_name = "beta".into();
    let res = with_cx(&r, |cx| cancel(cx, &[other]));
    assert_eq!(res["5"], Err("job belongs to cluster 'beta'".to_string()));
    assert!(r.argvs().is_empty());
}

#[test]
fn recorded_failures() {
    // Permission denied names the job: only that job fails.
    let err = fixture("scancel-other-user.err");
    let res = results(&["15", "16"], false, &err);
    assert_eq!(
        res["15"],
        Err("scancel: error: Kill job error on job id 15: Access/permission denied".into())
    );
    assert_eq!(res["16"], Ok(()));
    // Unknown ids with -v: still success.
    let res = results(
        &["999999"],
        true,
        &fixture("scancel-nonexistent-verbose.err"),
    );
    assert_eq!(res["999999"], Ok(()));
    // Controller down (exit 8) names job 3 with a connection error.
    let err = fixture("ctld-down-scancel.err");
    let res = results(&["3"], false, &err);
    assert!(res["3"]
        .as_ref()
        .unwrap_err()
        .contains("Unable to contact slurm controller"));
    // A failure naming no job fails them all.
    let res = results(&["1", "2"], false, "scancel: fatal: something\n");
    assert_eq!(
        res["1"],
        Err("scancel failed: scancel: fatal: something".into())
    );
    assert_eq!(
        res["2"],
        Err("scancel failed: scancel: fatal: something".into())
    );
    let res = results(&["abc"], false, &fixture("scancel-bad-id.err"));
    assert!(res["abc"].is_err());
}

#[test]
fn spawn_errors_fail_every_job() {
    let r = ScriptedRunner::new();
    r.once(
        &["scancel"],
        Reply::Timeout {
            stderr: String::new(),
        },
    );
    let res = with_cx(&r, |cx| cancel(cx, &[job("1"), job("2")]));
    assert!(res["1"].as_ref().unwrap_err().contains("timed out"));
    assert!(res["2"].is_err());
}
