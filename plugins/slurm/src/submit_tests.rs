use super::*;
use crate::test_util::{fixture, with_cx};
use loggia_sched::scripted::{Reply, ScriptedRunner};
use loggia_sched::{NodeSpec, ScheduleConfig};
use std::path::PathBuf;
use std::time::Duration;

fn req() -> KickoffRequest {
    KickoffRequest {
        job_id: "0123abcd000000000000000000000000".into(),
        job_dir: PathBuf::from("/w/jobs/0123abcd"),
        script_path: PathBuf::from("/w/jobs/0123abcd/kickoff"),
        job_name: "loggia.0123abcd.suite.test".into(),
        tests: vec!["suite.test".into()],
        schedule: ScheduleConfig::default(),
        node_spec: NodeSpec::Explicit {
            nodes: vec!["node01".into()],
        },
        time_limit_s: 60,
        env_strip: vec!["SBATCH_*".into(), "SLURM_MEM_PER_CPU".into()],
    }
}

const ARGV: [&str; 5] = [
    "sbatch",
    "--parsable",
    "--output=/w/jobs/0123abcd/sched.log",
    "--chdir=/w/jobs/0123abcd",
    "/w/jobs/0123abcd/kickoff",
];

#[test]
fn submits_with_the_exact_argv() {
    let r = ScriptedRunner::new();
    r.once(&ARGV, Reply::ok(fixture("sbatch-kickoff-ok.out")));
    let info = with_cx(&r, |cx| kickoff(cx, &req())).unwrap();
    assert_eq!(info.id, "24");
    assert_eq!(info.plugin, "slurm");
    assert_eq!(info.sys_name, "alpha");
    assert_eq!(info.host, "login1");
    assert_eq!(info.job_dir, PathBuf::from("/w/jobs/0123abcd"));
    assert!(info.extra.is_empty());
    assert!(info.submitted > 1.0e9);
    let calls = r.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].argv, ARGV);
    assert_eq!(calls[0].cwd, Some(PathBuf::from("/w/jobs/0123abcd")));
    assert_eq!(calls[0].env_remove, ["SBATCH_*", "SLURM_MEM_PER_CPU"]);
    assert_eq!(calls[0].timeout, Duration::from_secs(120));
}

#[test]
fn cluster_goes_to_extra() {
    let r = ScriptedRunner::new();
    r.once(&["sbatch"], Reply::ok("4711;alpha\n"));
    let info = with_cx(&r, |cx| kickoff(cx, &req())).unwrap();
    assert_eq!(info.id, "4711");
    assert_eq!(info.extra.get("cluster").map(String::as_str), Some("alpha"));
}

#[test]
fn recorded_errors_are_surfaced_verbatim() {
    let cases = [
        ("sbatch-err-partition", 1, false),
        ("sbatch-err-nodelist", 1, false),
        ("sbatch-err-constraint", 1, false),
        ("sbatch-err-reservation", 1, false),
        ("sbatch-err-gres", 1, false),
        ("sbatch-err-time", 255, false),
        ("sbatch-err-script", 1, false),
        ("ctld-down-sbatch", 1, true),
    ];
    for (name, code, transient) in cases {
        let stderr = fixture(&format!("{name}.err"));
        assert!(!stderr.is_empty(), "{name}");
        let r = ScriptedRunner::new();
        r.once(&["sbatch"], Reply::fail(code, stderr.clone()));
        let e = with_cx(&r, |cx| kickoff(cx, &req())).unwrap_err();
        assert_eq!(e.stderr, stderr, "{name}");
        assert_eq!(e.exit_code, Some(code), "{name}");
        assert_eq!(e.argv, ARGV, "{name}");
        assert_eq!(e.transient, transient, "{name}");
        assert_eq!(e.message, "sbatch could not submit the job");
        assert_eq!(r.count("squeue"), 0, "{name}: no adoption query");
    }
}

#[test]
fn garbage_stdout_is_a_permanent_error() {
    let r = ScriptedRunner::new();
    r.once(&["sbatch"], Reply::ok("Submitted batch job 12\n"));
    let e = with_cx(&r, |cx| kickoff(cx, &req())).unwrap_err();
    assert!(!e.transient);
    assert!(e.message.contains("printed no job id"), "{}", e.message);
    assert!(
        e.message.contains("Submitted batch job 12"),
        "{}",
        e.message
    );
}

#[test]
fn a_timeout_adopts_the_job_with_our_name() {
    let r = ScriptedRunner::new();
    r.once(
        &["sbatch"],
        Reply::Timeout {
            stderr: String::new(),
        },
    )
    .once(
        &[
            "squeue",
            "--me",
            "--noheader",
            "--name=loggia.0123abcd.suite.test",
            "--format=%i",
        ],
        Reply::ok("31\n"),
    );
    let info = with_cx(&r, |cx| kickoff(cx, &req())).unwrap();
    assert_eq!(info.id, "31");
    assert_eq!(info.extra.get("adopted").map(String::as_str), Some("true"));
    assert_eq!(r.unused(), 0);
}

#[test]
fn a_timeout_without_a_job_is_transient() {
    let r = ScriptedRunner::new();
    r.once(
        &["sbatch"],
        Reply::Timeout {
            stderr: String::new(),
        },
    )
    .once(&["squeue"], Reply::ok(fixture("squeue-name-none.out")));
    let e = with_cx(&r, |cx| kickoff(cx, &req())).unwrap_err();
    assert!(e.transient);
    assert_eq!(e.argv, ARGV);
    let r = ScriptedRunner::new();
    r.once(&["sbatch"], Reply::NotFound);
    let e = with_cx(&r, |cx| kickoff(cx, &req())).unwrap_err();
    assert!(!e.transient);
}
