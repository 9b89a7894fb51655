//! The batched queue query (SCHEDULING.md §5.3): one `squeue` for every job, mapped per §5.2.
//! Jobs of another cluster are answered `unknown` without asking Slurm; jobs not in the output
//! are left out of the map (the core then asks accounting).

use crate::parse::{parse_squeue, SqueueRow};
use crate::states::map_state;
use crate::TRANSIENT;
use loggia_sched::{
    hostlist, Cmd, Context, ExitInfo, JobInfo, JobStatus, SchedError, StatusSource,
};
use std::collections::{BTreeMap, HashSet};

/// The format of the queue query: id, state, reason, nodes, start.
pub const SQUEUE_FORMAT: &str = "--format=%i|%T|%r|%N|%S";

/// The exact §5.3 argv; `user = None` uses `--me`.
pub fn squeue_argv(user: Option<&str>) -> Vec<String> {
    let who = match user {
        None => "--me".to_string(),
        Some(u) => format!("--user={u}"),
    };
    vec![
        "squeue".into(),
        who,
        "--noheader".into(),
        "--states=all".into(),
        SQUEUE_FORMAT.into(),
    ]
}

/// Whether squeue's stderr says that it does not know `--me` (Slurm before 20.11).
pub fn me_rejected(stderr: &str) -> bool {
    let low = stderr.to_ascii_lowercase();
    low.contains("--me") && (low.contains("unrecognized") || low.contains("invalid option"))
}

/// A command for status-type queries: the status timeout and Slurm times as unix seconds.
pub fn query_cmd(cx: &Context, argv: Vec<String>) -> Cmd {
    Cmd::new(argv)
        .timeout(cx.command_timeout())
        .env("SLURM_TIME_FORMAT", "%s")
}

/// The reason for refusing a job of another cluster, if it is one.
pub fn foreign(job: &JobInfo, sys_name: &str) -> Option<String> {
    (job.sys_name != sys_name).then(|| format!("job belongs to cluster '{}'", job.sys_name))
}

/// Expanded node names of a compressed hostlist; absent when it does not parse.
pub fn node_names(list: Option<&str>) -> Option<Vec<String>> {
    list.and_then(|l| hostlist::expand_dedup(l).ok())
}

/// One squeue line → status. "Started" here means the job has nodes (squeue shows none for a
/// job that never ran).
pub fn row_status(row: &SqueueRow) -> JobStatus {
    let started = row.nodes.is_some();
    let m = map_state(&row.state, row.reason.as_deref(), started);
    let mut s = JobStatus::new(m.state, row.state.clone(), StatusSource::Queue);
    s.reason = m.reason;
    if m.timed_out || m.oom || m.node_fail || m.preempted {
        s.exit = Some(ExitInfo {
            timed_out: m.timed_out,
            oom: m.oom,
            node_fail: m.node_fail,
            preempted: m.preempted,
            ..ExitInfo::default()
        });
    }
    s.nodes = node_names(row.nodes.as_deref());
    // squeue's %S is an estimate for pending jobs, so it is a start only once the job ran.
    if started {
        s.start = row.start;
    }
    s
}

/// The statuses of the `wanted` ids in `text` (first line per id wins).
pub fn statuses(text: &str, wanted: &HashSet<&str>) -> BTreeMap<String, JobStatus> {
    let mut out = BTreeMap::new();
    for row in parse_squeue(text) {
        if wanted.contains(row.id.as_str()) && !out.contains_key(&row.id) {
            out.insert(row.id.clone(), row_status(&row));
        }
    }
    out
}

/// Runs the one queue query (falling back once to `--user=<login>` when `--me` is rejected)
/// and maps every job. `login` is asked for only in that fallback.
pub fn job_status(
    cx: &Context,
    jobs: &[JobInfo],
    use_user: &std::sync::atomic::AtomicBool,
    login: &dyn Fn() -> Option<String>,
) -> Result<BTreeMap<String, JobStatus>, SchedError> {
    use std::sync::atomic::Ordering;
    let mut out = BTreeMap::new();
    let mut wanted = HashSet::new();
    for j in jobs {
        match foreign(j, cx.sys_name) {
            Some(reason) => {
                out.insert(
                    j.id.clone(),
                    JobStatus::unknown(reason, StatusSource::Queue),
                );
            }
            None => {
                wanted.insert(j.id.as_str());
            }
        }
    }
    if wanted.is_empty() {
        return Ok(out);
    }
    let user_argv = || -> Result<Vec<String>, SchedError> {
        let user = login().ok_or_else(|| {
            SchedError::msg("squeue rejected --me and neither USER nor LOGNAME is set")
        })?;
        Ok(squeue_argv(Some(&user)))
    };
    let argv = if use_user.load(Ordering::Relaxed) {
        user_argv()?
    } else {
        squeue_argv(None)
    };
    let mut res = cx.runner.run(&query_cmd(cx, argv))?;
    if !res.success() && me_rejected(&res.stderr) && !use_user.load(Ordering::Relaxed) {
        use_user.store(true, Ordering::Relaxed);
        res = cx.runner.run(&query_cmd(cx, user_argv()?))?;
    }
    if !res.success() {
        return Err(SchedError::from_output(
            "the Slurm queue query failed",
            &res,
            TRANSIENT,
        ));
    }
    out.extend(statuses(&res.stdout, &wanted));
    Ok(out)
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
