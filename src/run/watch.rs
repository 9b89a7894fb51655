//! Waiting for tests (`loggia run -w`, `loggia wait`): completion is read from the test run
//! directories (the in-allocation runner writes it), and the scheduler is asked about the
//! distinct jobs of the incomplete tests — one batched poll per plugin — at a cadence that backs
//! off while nothing changes (SCHEDULING.md §5.6–§5.7). A job that ended without completing its tests fails them only
//! after `completion_grace`; a failed status query never decides a test.

use super::job;
use super::poll::{self, LiveJob};
use super::testrun::TestRun;
use crate::config::site::Site;
use crate::fsutil;
use crate::results::record::{complete, fail, Outcome};
use loggia_sched::{JobState, SchedulerRegistration};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How often test states are re-read while waiting.
const SCAN_INTERVAL: Duration = Duration::from_millis(250);

/// What the waiting loop tells the user about.
pub trait Reporter {
    fn begin(&mut self, total: usize, already_done: usize);
    fn test_done(&mut self, full_id: &str, name: &str, result: &str);
    fn note(&mut self, msg: &str);
    fn end(&mut self);
}

/// Final tally of a wait.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub results: BTreeMap<String, usize>,
    pub incomplete: usize,
}

impl Tally {
    pub fn count(&self, r: &str) -> usize {
        self.results.get(r).copied().unwrap_or(0)
    }
}

fn result_of(t: &TestRun) -> String {
    t.attributes()
        .ok()
        .and_then(|a| a.result)
        .unwrap_or_else(|| "ERROR".to_string())
}

fn pid_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// States before kickoff: only the creating process moves a test on from these.
fn before_kickoff(state: &str) -> bool {
    matches!(
        state,
        "CREATED"
            | "BUILDING"
            | "BUILD_CREATED"
            | "BUILD_WAIT"
            | "BUILD_REUSED"
            | "BUILD_COPIED"
            | "BUILD_DONE"
            | "BUILD_SUCCESS"
            | "BUILD_DEFERRED"
    )
}

/// A test not yet kicked off whose creating process is gone will never be: ends it as
/// ABORTED. True when it did.
fn abandoned(site: &Site, t: &TestRun) -> bool {
    let Ok(Some(st)) = t.status() else {
        return false;
    };
    if !before_kickoff(&st.state) {
        return false;
    }
    let creator = t.attributes().ok().and_then(|a| a.creator);
    if creator.is_some_and(|(pid, _)| pid != std::process::id() && !pid_alive(pid)) {
        fail(
            t,
            &site.result_log,
            "ABORTED",
            "the loggia process that created this test ended before kicking it off",
        );
        return true;
    }
    false
}

/// Waits until every test in `tests` is complete, or `timeout` passes.
pub fn wait(
    site: &Site,
    tests: &[TestRun],
    rep: &mut dyn Reporter,
    timeout: Option<Duration>,
) -> Tally {
    let start = Instant::now();
    let mut tally = Tally::default();
    let mut pending: Vec<&TestRun> = Vec::new();
    for t in tests {
        if t.is_complete() {
            *tally.results.entry(result_of(t)).or_default() += 1;
        } else {
            pending.push(t);
        }
    }
    rep.begin(tests.len(), tests.len() - pending.len());
    let local = crate::run::local::Local::new();
    let cx = local.cx(site);
    let st = &site.scheduling.status;
    let mut next_poll: BTreeMap<&'static str, (Instant, Duration)> = BTreeMap::new();
    let mut nap = Duration::from_millis(5);
    // Completion is one stat per test and is checked every pass; states and jobs need file
    // reads per test, so they are looked at on a slower cadence.
    let mut next_scan = Instant::now();
    let mut job_of: HashMap<u64, PathBuf> = HashMap::new();
    // Plugins whose status queries currently fail (reported once, and again on recovery).
    let mut outages: BTreeSet<&'static str> = BTreeSet::new();
    let mut records: HashMap<PathBuf, job::JobRecord> = HashMap::new();
    // The last polled state of each job, to reset the poll interval when one changes.
    let mut job_states: HashMap<PathBuf, JobState> = HashMap::new();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|t| {
            if t.is_complete() {
                let attrs = t.attributes().ok();
                let r = attrs
                    .as_ref()
                    .and_then(|a| a.result.clone())
                    .unwrap_or_else(|| "ERROR".to_string());
                let name = attrs.map(|a| a.name).unwrap_or_default();
                rep.test_done(&t.full_id(), &name, &r);
                *tally.results.entry(r).or_default() += 1;
                false
            } else {
                true
            }
        });
        let mut changed = pending.len() != before;
        let scan = Instant::now() >= next_scan;
        if scan {
            next_scan = Instant::now() + SCAN_INTERVAL;
        }
        // Every distinct job of the pending tests, grouped by plugin for one batched poll
        // each. Job links and records are read once and remembered.
        let mut by_plugin: BTreeMap<
            &'static str,
            (&'static SchedulerRegistration, BTreeMap<PathBuf, LiveJob>),
        > = BTreeMap::new();
        for t in pending.iter().filter(|_| scan) {
            let dir = match job_of.entry(t.id) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => match t.job_dir() {
                    Some(dir) => v.insert(dir),
                    None => {
                        changed |= abandoned(site, t);
                        continue;
                    }
                },
            };
            if !records.contains_key(dir) {
                // Written right after submission; absent for a moment while kickoff finishes.
                let Some(rec) = job::read_record(dir) else {
                    continue;
                };
                records.insert(dir.clone(), rec);
            }
            let Some(rec) = records.get(dir) else {
                continue;
            };
            let Ok(reg) = loggia_sched::registry().get(&rec.info.plugin) else {
                continue;
            };
            by_plugin
                .entry(reg.name)
                .or_insert_with(|| (reg, BTreeMap::new()))
                .1
                .entry(dir.clone())
                .or_insert_with(|| LiveJob {
                    dir: dir.clone(),
                    record: rec.clone(),
                });
        }
        for (name, (reg, jobs)) in by_plugin {
            let min = reg.plugin.min_poll_interval(&cx);
            let (when, interval) = next_poll
                .get(name)
                .copied()
                .unwrap_or((Instant::now(), min));
            if Instant::now() < when {
                continue;
            }
            let jobs: Vec<LiveJob> = jobs.into_values().collect();
            let polled = poll::poll(reg, &cx, &jobs);
            report_outage(rep, name, &polled, &mut outages);
            let statuses = polled.statuses;
            let mut ended = false;
            for j in &jobs {
                let Some(s) = statuses.get(&j.dir) else {
                    continue;
                };
                if !(s.state.is_terminal() || s.disappeared) {
                    continue;
                }
                let bk = job::read_poll(&j.dir);
                let seen = bk.first_terminal_seen.unwrap_or_else(fsutil::unix_now);
                if !s.disappeared && fsutil::unix_now() - seen < st.completion_grace {
                    continue;
                }
                ended |= fail_incomplete(site, j, s);
            }
            let mut job_changed = false;
            for (dir, s) in &statuses {
                job_changed |= job_states.insert(dir.clone(), s.state) != Some(s.state);
            }
            let max = Duration::from_secs_f64(st.max_interval.max(0.001));
            let next = next_interval(interval, min, max, ended || job_changed || changed);
            let jitter = 0.9 + fsutil::unix_now().fract() * 0.2;
            next_poll.insert(name, (Instant::now() + interval.mul_f64(jitter), next));
            changed |= ended;
        }
        // Checked after one full pass, so a zero timeout still polls once (`loggia status`).
        if timeout.is_some_and(|t| start.elapsed() >= t) {
            break;
        }
        if changed {
            nap = Duration::from_millis(5);
        } else {
            std::thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(100));
        }
    }
    tally.incomplete = pending.len();
    rep.end();
    tally
}

/// The poll interval after one poll (SCHEDULING.md §5.6): back to `min` when a watched job or
/// test changed state, else ×1.5 up to `max`.
fn next_interval(interval: Duration, min: Duration, max: Duration, changed: bool) -> Duration {
    if changed {
        min
    } else {
        interval.mul_f64(1.5).min(max).max(min)
    }
}

/// Tells the user when a plugin's status queries start failing and when they work again; the
/// tests wait meanwhile (a failed query never decides a test).
fn report_outage(
    rep: &mut dyn Reporter,
    plugin: &'static str,
    polled: &poll::Polled,
    outages: &mut BTreeSet<&'static str>,
) {
    match (&polled.failure, outages.contains(plugin)) {
        (Some(why), false) => {
            rep.note(&format!(
                "{plugin}: {why}; tests keep waiting and polling backs off"
            ));
            outages.insert(plugin);
        }
        (None, true) if !polled.statuses.is_empty() => {
            outages.remove(plugin);
            rep.note(&format!("{plugin}: status queries work again"));
        }
        _ => {}
    }
}

/// Completes the job's tests that are still incomplete after it ended; true if any were.
fn fail_incomplete(site: &Site, j: &LiveJob, s: &loggia_sched::JobStatus) -> bool {
    let mut any = false;
    for full in &j.record.tests {
        let Ok((label, id)) = TestRun::parse_full_id(full) else {
            continue;
        };
        let t = TestRun::new(&site.working_dir, &label, id);
        if t.is_complete() {
            continue;
        }
        let (state, msg) = if s.state == JobState::Cancelled || t.cancel_requested() {
            (
                "SCHED_CANCELLED",
                format!(
                    "job {} was cancelled before the test completed",
                    j.record.info.id
                ),
            )
        } else if s.disappeared {
            (
                "SCHED_ERROR",
                s.reason
                    .clone()
                    .unwrap_or_else(|| "job disappeared".to_string()),
            )
        } else {
            ("SCHED_ERROR", poll::describe_end(&j.record.info.id, s))
        };
        let _ = t.set_status(state, &msg);
        if let Err(e) = complete(&t, &site.result_log, &ended_outcome(msg, s)) {
            let _ = t.set_status("RESULTS_ERROR", &format!("could not record results: {e}"));
        }
        any = true;
    }
    any
}

/// The result of a test whose job ended under it: ERROR with `note`, keeping what the scheduler
/// said about the end (time limit, OOM, node failure, preemption, exit code) as `exit_info`,
/// since only the scheduler knows it (SCHEDULING.md §5.4). The job's exit code is not the
/// test's, so `return_value` stays empty.
fn ended_outcome(note: String, s: &loggia_sched::JobStatus) -> Outcome {
    Outcome {
        exit: s.exit.clone(),
        forced_error: Some(note),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use loggia_sched::{ExitInfo, JobStatus, StatusSource};

    #[derive(Default)]
    struct Notes(Vec<String>);

    impl Reporter for Notes {
        fn begin(&mut self, _: usize, _: usize) {}
        fn test_done(&mut self, _: &str, _: &str, _: &str) {}
        fn note(&mut self, msg: &str) {
            self.0.push(msg.to_string());
        }
        fn end(&mut self) {}
    }

    #[test]
    fn an_outage_is_reported_once_and_so_is_its_end() {
        let up = poll::Polled {
            statuses: [(
                PathBuf::from("j"),
                JobStatus::unknown("queued".to_string(), StatusSource::Queue),
            )]
            .into(),
            failure: None,
        };
        let down = poll::Polled {
            statuses: up.statuses.clone(),
            failure: Some("status query failed: timed out".to_string()),
        };
        let mut notes = Notes::default();
        let mut outages = BTreeSet::new();
        for p in [&up, &down, &down, &up, &up] {
            report_outage(&mut notes, "slurm", p, &mut outages);
        }
        assert_eq!(
            notes.0,
            [
                "slurm: status query failed: timed out; tests keep waiting and polling backs off",
                "slurm: status queries work again"
            ]
        );
    }

    #[test]
    fn the_poll_interval_grows_until_a_state_changes() {
        let (min, max) = (Duration::from_secs(1), Duration::from_secs(3));
        let mut i = min;
        let mut seen = Vec::new();
        for _ in 0..4 {
            i = next_interval(i, min, max, false);
            seen.push(i.as_millis());
        }
        assert_eq!(seen, [1500, 2250, 3000, 3000]);
        assert_eq!(next_interval(i, min, max, true), min);
    }

    #[test]
    fn a_timed_out_job_keeps_its_exit_info_in_the_result() {
        let exit = ExitInfo {
            timed_out: true,
            signal: Some(15),
            ..ExitInfo::default()
        };
        let s = JobStatus::new(JobState::Completed, "TIMEOUT", StatusSource::Queue)
            .with_exit(exit.clone());
        let out = ended_outcome("job 7 ended".to_string(), &s);
        assert_eq!(out.exit, Some(exit));
        assert_eq!(out.return_value, None);
        assert_eq!(out.forced_error.as_deref(), Some("job 7 ended"));
    }

    #[test]
    fn a_job_exit_code_is_not_the_return_value() {
        let exit = ExitInfo {
            exit_code: Some(3),
            ..ExitInfo::default()
        };
        let s = JobStatus::new(JobState::Completed, "FAILED", StatusSource::Accounting)
            .with_exit(exit.clone());
        let out = ended_outcome(String::new(), &s);
        assert_eq!((out.exit, out.return_value), (Some(exit), None));
        let none = JobStatus::new(JobState::Cancelled, "CANCELLED", StatusSource::Queue);
        assert_eq!(ended_outcome(String::new(), &none).exit, None);
    }
}
