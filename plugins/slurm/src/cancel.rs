//! Cancellation (SCHEDULING.md §5.8): one `scancel <id…>` for every job. scancel prints nothing
//! and exits 0 for finished or unknown jobs, so those count as cancelled; a failure that names
//! job ids (`Kill job error on job id 15: Access/permission denied`) fails only those jobs, one
//! that names none (controller down) fails them all.

use crate::status::foreign;
use loggia_sched::scheduler::CancelResults;
use loggia_sched::{Cmd, Context, JobInfo};
use std::collections::HashSet;

/// Messages that mean the job is already gone, which counts as success.
const GONE: [&str; 3] = [
    "invalid job id specified",
    "already completing or completed",
    "job/step already completed",
];

/// The job id a scancel stderr line is about, if any (`… on job id 15: …`, `… job 15 …`).
fn line_job_id(line: &str) -> Option<&str> {
    let rest = line
        .split_once("job id ")
        .or_else(|| line.split_once("Job "))
        .map(|(_, r)| r)?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// Per-job results from scancel's exit status and stderr.
pub fn results(ids: &[&str], ok: bool, stderr: &str) -> CancelResults {
    let mut named: Vec<(&str, &str)> = Vec::new();
    for line in stderr.lines() {
        if let Some(id) = line_job_id(line) {
            named.push((id, line.trim()));
        }
    }
    let mut out = CancelResults::new();
    for id in ids {
        let mine: Vec<&str> = named
            .iter()
            .filter(|(i, _)| i == id)
            .map(|(_, l)| *l)
            .collect();
        let failed = mine.iter().find(|l| {
            let low = l.to_ascii_lowercase();
            !GONE.iter().any(|g| low.contains(g))
        });
        let r = match failed {
            Some(line) => Err(line.to_string()),
            None if ok || !named.is_empty() => Ok(()),
            None => Err(format!("scancel failed: {}", stderr.trim())),
        };
        out.insert((*id).to_string(), r);
    }
    out
}

/// Cancels `jobs` with one scancel (jobs of another cluster are refused).
pub fn cancel(cx: &Context, jobs: &[JobInfo]) -> CancelResults {
    let mut out = CancelResults::new();
    let mut ids: Vec<&str> = Vec::new();
    let mut seen = HashSet::new();
    for j in jobs {
        if let Some(reason) = foreign(j, cx.sys_name) {
            out.insert(j.id.clone(), Err(reason));
        } else if seen.insert(j.id.as_str()) {
            ids.push(j.id.as_str());
        }
    }
    if ids.is_empty() {
        return out;
    }
    let mut argv = vec!["scancel".to_string()];
    argv.extend(ids.iter().map(|s| s.to_string()));
    let cmd = Cmd::new(argv).timeout(cx.command_timeout());
    match cx.runner.run(&cmd) {
        Ok(res) => out.extend(results(&ids, res.success(), &res.stderr)),
        Err(e) => {
            for id in ids {
                out.insert(id.to_string(), Err(e.to_string()));
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "cancel_tests.rs"]
mod tests;
