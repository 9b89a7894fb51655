//! Polling jobs with the status fallback chain (SCHEDULING.md §5.4): one batched queue query per
//! plugin, accounting for the jobs it misses, then the job's exit record, and "disappeared"
//! only after N silent polls. A failed query never decides a test.

use super::job::{self, JobRecord};
use crate::fsutil;
use loggia_sched::{Context, ExitInfo, JobState, JobStatus, SchedulerRegistration, StatusSource};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A live job as the poller tracks it.
#[derive(Debug, Clone)]
pub struct LiveJob {
    pub dir: PathBuf,
    pub record: JobRecord,
}

/// One poll of a plugin's jobs.
#[derive(Debug, Default)]
pub struct Polled {
    /// Each job dir's status.
    pub statuses: BTreeMap<PathBuf, JobStatus>,
    /// Why the queue or accounting query failed, when it did (the jobs it concerned are
    /// `unknown`; a failed query never decides a test).
    pub failure: Option<String>,
}

/// Polls `jobs` (all of one plugin) and persists their bookkeeping.
pub fn poll(reg: &'static SchedulerRegistration, cx: &Context, jobs: &[LiveJob]) -> Polled {
    let mut out = BTreeMap::new();
    let infos: Vec<_> = jobs.iter().map(|j| j.record.info.clone()).collect();
    let st = &cx.settings.status;
    let q = job::with_retries(cx.settings, reg.name, || reg.plugin.job_status(cx, &infos));
    let mut q = match q {
        Ok(q) => q,
        Err(e) => {
            let why = format!("status query failed: {}", e.detail());
            for j in jobs {
                out.insert(
                    j.dir.clone(),
                    JobStatus::unknown(why.clone(), StatusSource::Queue),
                );
            }
            return Polled {
                statuses: out,
                failure: Some(why),
            };
        }
    };
    let mut failure = None;
    let missing: Vec<&LiveJob> = jobs
        .iter()
        .filter(|j| !q.contains_key(&j.record.info.id))
        .collect();
    if !missing.is_empty() && reg.plugin.has_accounting() {
        let infos: Vec<_> = missing.iter().map(|j| j.record.info.clone()).collect();
        match job::with_retries(cx.settings, reg.name, || {
            reg.plugin.accounting_status(cx, &infos)
        }) {
            Ok(a) => q.extend(a),
            Err(e) => {
                let why = format!("accounting query failed: {}", e.detail());
                for j in &missing {
                    out.insert(
                        j.dir.clone(),
                        JobStatus::unknown(why.clone(), StatusSource::Accounting),
                    );
                }
                failure = Some(why);
            }
        }
    }
    let now = fsutil::unix_now();
    for j in jobs {
        if out.contains_key(&j.dir) {
            continue;
        }
        let mut bk = job::read_poll(&j.dir);
        let status = match q.remove(&j.record.info.id) {
            Some(s) => {
                bk.silent_polls = 0;
                s
            }
            None => match job::read_exit_record(&j.dir) {
                Some(rec) => {
                    bk.silent_polls = 0;
                    let exit = ExitInfo {
                        exit_code: Some(rec.exit_code),
                        signal: rec.signal,
                        ..Default::default()
                    };
                    let mut s =
                        JobStatus::new(JobState::Completed, "EXITED", StatusSource::ExitRecord)
                            .with_exit(exit);
                    s.start = rec.start;
                    s.end = rec.end;
                    s
                }
                None => {
                    bk.silent_polls += 1;
                    let age = now - j.record.info.submitted;
                    if bk.silent_polls >= st.max_silent_polls && age >= st.disappear_grace {
                        let mut s = JobStatus::unknown(
                            format!(
                                "job disappeared: not in the queue ({}), no exit record at {}; {} polls over {:.0}s",
                                reg.name,
                                j.dir.join("exit_record.json").display(),
                                bk.silent_polls,
                                age
                            ),
                            StatusSource::Local,
                        );
                        s.disappeared = true;
                        s
                    } else {
                        JobStatus::unknown(
                            format!(
                                "not found yet (poll {}/{})",
                                bk.silent_polls, st.max_silent_polls
                            ),
                            StatusSource::Local,
                        )
                    }
                }
            },
        };
        let mut status = status;
        if status.state.is_terminal() && j.dir.join("cancel_requested").exists() {
            status.state = JobState::Cancelled;
            status.by_loggia = true;
        }
        if status.state == JobState::Running {
            bk.seen_running = true;
        }
        if status.state.is_terminal() && bk.first_terminal_seen.is_none() {
            bk.first_terminal_seen = Some(now);
        }
        bk.last = Some(status.clone());
        job::write_poll(&j.dir, &bk);
        out.insert(j.dir.clone(), status);
    }
    Polled {
        statuses: out,
        failure,
    }
}

/// Human text for how a job ended, for the test's SCHED_ERROR note.
pub fn describe_end(id: &str, s: &JobStatus) -> String {
    let mut t = format!("job {id} ended before the test completed: {}", s.state);
    if let Some(e) = &s.exit {
        if let Some(c) = e.exit_code {
            t.push_str(&format!(" (exit {c})"));
        }
        if let Some(sig) = e.signal {
            t.push_str(&format!(" (signal {sig})"));
        }
        if e.timed_out {
            t.push_str(" (time limit)");
        }
    }
    if let Some(r) = &s.reason {
        t.push_str(&format!(": {r}"));
    }
    t
}
