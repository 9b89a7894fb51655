//! Deciding what a `raw` job is from its `JobInfo` and its process's `/proc` entry
//! (SCHEDULING.md §5.2, raw): pure functions, so every rule is tested without processes.

use crate::procfs::ProcStat;
use loggia_sched::{JobInfo, JobState, JobStatus, StatusSource};

/// What identifies a raw job's process: its pid plus the start time recorded at kickoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ident {
    pub pid: i32,
    /// `None` when the process had already ended (and been reaped) before kickoff could read it.
    pub start_ticks: Option<u64>,
}

/// Which operation asks, for the wording of the "not here" reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Status,
    Cancel,
}

/// Why this host cannot look at `job`, if it cannot.
pub(crate) fn foreign_reason(job: &JobInfo, sys_name: &str, host: &str, op: Op) -> Option<String> {
    if job.sys_name != sys_name {
        return Some(format!("job belongs to cluster '{}'", job.sys_name));
    }
    if job.host != host {
        let verb = match op {
            Op::Status => "status can only be checked there",
            Op::Cancel => "it can only be cancelled there",
        };
        return Some(format!("started on host {}; {verb}", job.host));
    }
    None
}

/// The process identity stored in a raw `JobInfo`.
pub(crate) fn ident(job: &JobInfo) -> Result<Ident, String> {
    // Pids 0, 1 and negatives address process groups, every process or init: never a job.
    let pid = job
        .id
        .parse::<i32>()
        .ok()
        .filter(|&p| p > 1)
        .ok_or_else(|| format!("invalid raw job id '{}': expected a process id", job.id))?;
    let start_ticks = match job.extra.get("start_ticks") {
        None => None,
        Some(s) => Some(s.parse::<u64>().map_err(|_| {
            format!(
                "invalid start_ticks '{s}' of raw job {}: expected a number",
                job.id
            )
        })?),
    };
    Ok(Ident { pid, start_ticks })
}

/// Whether `st` is the very process kickoff started (alive or zombie), not a reuse of its pid.
pub(crate) fn is_job_process(id: &Ident, st: &ProcStat) -> bool {
    st.pid == id.pid && id.start_ticks == Some(st.start_ticks)
}

/// The job's status given its process entry; `None` (absent) when it no longer runs.
pub(crate) fn local_status(id: &Ident, st: Option<&ProcStat>, host: &str) -> Option<JobStatus> {
    let st = st.filter(|st| is_job_process(id, st) && st.is_live())?;
    let mut status = JobStatus::new(JobState::Running, st.state.to_string(), StatusSource::Local);
    status.nodes = Some(vec![host.to_string()]);
    Some(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn job(id: &str, ticks: Option<&str>) -> JobInfo {
        let mut extra = BTreeMap::new();
        if let Some(t) = ticks {
            extra.insert("start_ticks".to_string(), t.to_string());
        }
        JobInfo {
            plugin: "raw".into(),
            id: id.into(),
            sys_name: "alpha".into(),
            host: "n1".into(),
            submitted: 0.0,
            job_dir: "/tmp/j".into(),
            extra,
        }
    }

    fn proc(pid: i32, state: char, ticks: u64) -> ProcStat {
        ProcStat {
            pid,
            comm: "kickoff".into(),
            state,
            ppid: 1,
            pgrp: pid,
            session: pid,
            start_ticks: ticks,
        }
    }

    #[test]
    fn foreign_jobs() {
        let j = job("42", Some("7"));
        assert_eq!(foreign_reason(&j, "alpha", "n1", Op::Status), None);
        assert_eq!(
            foreign_reason(&j, "beta", "n1", Op::Status).unwrap(),
            "job belongs to cluster 'alpha'"
        );
        assert_eq!(
            foreign_reason(&j, "alpha", "n2", Op::Status).unwrap(),
            "started on host n1; status can only be checked there"
        );
        assert_eq!(
            foreign_reason(&j, "alpha", "n2", Op::Cancel).unwrap(),
            "started on host n1; it can only be cancelled there"
        );
        // The cluster wins when both differ.
        assert_eq!(
            foreign_reason(&j, "beta", "n2", Op::Cancel).unwrap(),
            "job belongs to cluster 'alpha'"
        );
    }

    #[test]
    fn idents() {
        assert_eq!(
            ident(&job("42", Some("7"))).unwrap(),
            Ident {
                pid: 42,
                start_ticks: Some(7)
            }
        );
        assert_eq!(
            ident(&job("42", None)).unwrap(),
            Ident {
                pid: 42,
                start_ticks: None
            }
        );
        for bad in ["0", "1", "-5", "abc", "", "4294967296"] {
            assert_eq!(
                ident(&job(bad, Some("7"))).unwrap_err(),
                format!("invalid raw job id '{bad}': expected a process id")
            );
        }
        assert_eq!(
            ident(&job("42", Some("x"))).unwrap_err(),
            "invalid start_ticks 'x' of raw job 42: expected a number"
        );
    }

    #[test]
    fn running_only_when_same_process_and_alive() {
        let id = Ident {
            pid: 42,
            start_ticks: Some(7),
        };
        let st = local_status(&id, Some(&proc(42, 'S', 7)), "n1").unwrap();
        assert_eq!(st.state, JobState::Running);
        assert_eq!(st.native, "S");
        assert_eq!(st.source, StatusSource::Local);
        assert_eq!(st.nodes, Some(vec!["n1".to_string()]));
        assert_eq!(
            local_status(&id, Some(&proc(42, 'D', 7)), "n1")
                .unwrap()
                .native,
            "D"
        );
        // Gone, zombie, dead, pid reused.
        assert_eq!(local_status(&id, None, "n1"), None);
        assert_eq!(local_status(&id, Some(&proc(42, 'Z', 7)), "n1"), None);
        assert_eq!(local_status(&id, Some(&proc(42, 'X', 7)), "n1"), None);
        assert_eq!(local_status(&id, Some(&proc(42, 'S', 8)), "n1"), None);
        // Without a recorded start time the process cannot be told apart from a reuse.
        let blind = Ident {
            pid: 42,
            start_ticks: None,
        };
        assert_eq!(local_status(&blind, Some(&proc(42, 'S', 7)), "n1"), None);
    }

    #[test]
    fn job_process_includes_zombies() {
        let id = Ident {
            pid: 42,
            start_ticks: Some(7),
        };
        assert!(is_job_process(&id, &proc(42, 'Z', 7)));
        assert!(!is_job_process(&id, &proc(43, 'S', 7)));
        assert!(!is_job_process(&id, &proc(42, 'S', 9)));
    }
}
