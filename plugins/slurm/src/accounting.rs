//! The batched accounting query (SCHEDULING.md §5.3, §5.4): one `sacct` for the jobs missing
//! from the queue, with steps folded into exit info and usage.
//!
//! When sacct reports `accounting storage is disabled` (or is not installed) the plugin answers
//! with an empty map and remembers it: [`crate::Slurm::has_accounting`] then returns `false`
//! for the rest of the process, so the core stops asking.

use crate::parse::{accounting_disabled, parse_sacct, SacctJob};
use crate::states::map_state;
use crate::status::{foreign, node_names, query_cmd};
use crate::TRANSIENT;
use loggia_sched::{
    CmdError, Context, ExitInfo, JobInfo, JobState, JobStatus, SchedError, StatusSource, Usage,
};
use std::collections::{BTreeMap, HashSet};

/// The sacct fields, in the order the parser expects them.
pub const SACCT_FORMAT: &str =
    "--format=JobIDRaw,State,ExitCode,Start,End,Elapsed,TotalCPU,MaxRSS,NodeList";

/// The exact §5.3 argv for `ids`.
pub fn sacct_argv(ids: &[&str]) -> Vec<String> {
    vec![
        "sacct".into(),
        "--noheader".into(),
        "--parsable2".into(),
        "--noconvert".into(),
        format!("--jobs={}", ids.join(",")),
        SACCT_FORMAT.into(),
    ]
}

/// `ExitCode` → (exit code, signal): a signal means the code is not an exit status. A job row
/// of `0:0` takes the batch step's signal (a timed-out or cancelled batch shell).
fn exit_of(job: &SacctJob) -> (Option<i32>, Option<i32>) {
    let batch_sig = job.batch_exit.map(|e| e.signal).filter(|&s| s != 0);
    match job.exit {
        Some(e) if e.signal != 0 => (None, Some(e.signal)),
        Some(e) if e.code == 0 => match batch_sig {
            Some(s) => (None, Some(s)),
            None => (Some(0), None),
        },
        Some(e) => (Some(e.code), None),
        None => (None, batch_sig),
    }
}

/// One folded sacct job → status. Started = a node list and `Elapsed` > 0 (§5.1).
pub fn job_status(job: &SacctJob) -> JobStatus {
    let started = job.nodes.is_some() && job.elapsed_ms.is_some_and(|e| e > 0);
    let m = map_state(&job.state_text, None, started);
    let mut s = JobStatus::new(m.state, job.state_text.clone(), StatusSource::Accounting);
    s.reason = m.reason;
    let flagged = m.timed_out || m.oom || m.node_fail || m.preempted;
    let ran = started && (m.state.is_terminal() || m.state == JobState::Running);
    if (m.state.is_terminal() && started) || flagged {
        let (exit_code, signal) = if started { exit_of(job) } else { (None, None) };
        s.exit = Some(ExitInfo {
            exit_code,
            signal,
            core_dumped: None,
            timed_out: m.timed_out,
            oom: m.oom,
            node_fail: m.node_fail,
            preempted: m.preempted,
            usage: ran.then(|| Usage {
                cpu_time_s: job.cpu_ms.map(|ms| ms as f64 / 1000.0),
                max_rss_bytes: job.max_rss,
                walltime_s: job.elapsed_ms.map(|ms| ms as f64 / 1000.0),
            }),
        });
    }
    s.nodes = node_names(job.nodes.as_deref());
    s.start = job.start.filter(|_| started);
    s.end = job.end;
    s
}

/// What one accounting call found.
#[derive(Debug)]
pub enum Outcome {
    Found(BTreeMap<String, JobStatus>),
    /// Accounting is off on this cluster (or sacct is missing).
    Disabled,
}

/// Runs the one sacct for `jobs` (other clusters' jobs are answered `unknown`).
pub fn accounting_status(cx: &Context, jobs: &[JobInfo]) -> Result<Outcome, SchedError> {
    let mut out = BTreeMap::new();
    let mut ids = Vec::new();
    let mut seen = HashSet::new();
    for j in jobs {
        match foreign(j, cx.sys_name) {
            Some(reason) => {
                out.insert(
                    j.id.clone(),
                    JobStatus::unknown(reason, StatusSource::Accounting),
                );
            }
            None => {
                if seen.insert(j.id.as_str()) {
                    ids.push(j.id.as_str());
                }
            }
        }
    }
    if ids.is_empty() {
        return Ok(Outcome::Found(out));
    }
    let res = match cx.runner.run(&query_cmd(cx, sacct_argv(&ids))) {
        Ok(r) => r,
        Err(CmdError::Spawn { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Outcome::Disabled)
        }
        Err(e) => return Err(e.into()),
    };
    if accounting_disabled(&res.stderr) || accounting_disabled(&res.stdout) {
        return Ok(Outcome::Disabled);
    }
    if !res.success() {
        return Err(SchedError::from_output(
            "the Slurm accounting query failed",
            &res,
            TRANSIENT,
        ));
    }
    for job in parse_sacct(&res.stdout) {
        if seen.contains(job.id.as_str()) {
            out.insert(job.id.clone(), job_status(&job));
        }
    }
    Ok(Outcome::Found(out))
}

#[cfg(test)]
#[path = "accounting_tests.rs"]
mod tests;
