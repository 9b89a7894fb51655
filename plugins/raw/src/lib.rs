//! The `raw` scheduler plugin: the local machine, no batch system (SCHEDULING.md §2.1).
//!
//! A job is the kickoff script started as a detached process leading its own session
//! (`spawn`); its identity is `(pid, start_ticks)` from `/proc` ([`procfs`]), so a reused pid is
//! never mistaken for the job. Status is a batched look at `/proc` (`status`); cancel stops every
//! process of the job's session (`cancel`). The plugin runs no external command, so it never
//! uses the context's command runner.

pub mod procfs;

mod cancel;
mod spawn;
mod status;

use loggia_sched::scheduler::CancelResults;
use loggia_sched::{
    Availability, Context, JobInfo, JobStatus, KickoffRequest, NodeInfo, PluginSchema, SchedError,
    Scheduler, SchedulerRegistration, StatusSource, Tier,
};
use status::Op;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The plugin's one-line description.
pub const DESCRIPTION: &str = "Runs each job as a detached local process session on this host";

/// How often the core may poll: a status is one small `/proc` read per job.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// The `raw` scheduler. Stateless: everything it needs is in the `JobInfo` and `/proc`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Raw;

static RAW: Raw = Raw;

loggia_sched::inventory::submit! {
    SchedulerRegistration {
        name: "raw",
        description: DESCRIPTION,
        tier: Tier::Basic,
        plugin: &RAW,
        config_schema: PluginSchema::default,
    }
}

/// The host name up to its first `.`.
fn short_host(host: &str) -> &str {
    host.split('.').next().unwrap_or(host)
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

impl Scheduler for Raw {
    fn name(&self) -> &'static str {
        "raw"
    }

    fn description(&self) -> &'static str {
        DESCRIPTION
    }

    fn available(&self, _cx: &Context) -> Availability {
        Availability::Available
    }

    /// Starts `req.script_path` detached (own session, stdin `/dev/null`, output appended to
    /// `<job_dir>/sched.log`, cwd = job dir, `req.env_strip` removed from its environment).
    fn kickoff(&self, cx: &Context, req: &KickoffRequest) -> Result<JobInfo, SchedError> {
        let log = req.job_dir.join("sched.log");
        let launch = spawn::Launch {
            script: &req.script_path,
            cwd: &req.job_dir,
            log: &log,
            env_strip: &req.env_strip,
        };
        let pid = spawn::spawn_detached(&launch)?;
        let mut extra = BTreeMap::from([("host".to_string(), cx.host.to_string())]);
        match procfs::read_stat(pid) {
            // sid = pid: still the session leader we started (a reused pid would rarely lead a session).
            Ok(Some(st)) if st.session == pid => {
                extra.insert("pgid".into(), st.pgrp.to_string());
                extra.insert("sid".into(), st.session.to_string());
                extra.insert("start_ticks".into(), st.start_ticks.to_string());
            }
            // Without start_ticks the job counts as finished and its exit record decides.
            other => tracing::debug!(pid, ?other, "raw job ended before its start could be read"),
        }
        Ok(JobInfo {
            plugin: "raw".to_string(),
            id: pid.to_string(),
            sys_name: cx.sys_name.to_string(),
            host: cx.host.to_string(),
            submitted: unix_now(),
            job_dir: req.job_dir.clone(),
            extra,
        })
    }

    /// One `/proc/<pid>/stat` read per job; jobs whose process ended are absent.
    fn job_status(
        &self,
        cx: &Context,
        jobs: &[JobInfo],
    ) -> Result<BTreeMap<String, JobStatus>, SchedError> {
        let mut out = BTreeMap::new();
        for job in jobs {
            let unknown = |reason: String| JobStatus::unknown(reason, StatusSource::Local);
            if let Some(reason) = status::foreign_reason(job, cx.sys_name, cx.host, Op::Status) {
                out.insert(job.id.clone(), unknown(reason));
                continue;
            }
            let id = match status::ident(job) {
                Ok(id) => id,
                Err(reason) => {
                    out.insert(job.id.clone(), unknown(reason));
                    continue;
                }
            };
            match procfs::read_stat(id.pid) {
                Ok(st) => {
                    if let Some(s) = status::local_status(&id, st.as_ref(), short_host(cx.host)) {
                        out.insert(job.id.clone(), s);
                    }
                }
                Err(e) => {
                    let reason = format!("cannot read /proc/{}/stat: {e}", id.pid);
                    out.insert(job.id.clone(), unknown(reason));
                }
            }
        }
        Ok(out)
    }

    /// Stops every process of each job's session: SIGTERM, up to 5 s, then SIGKILL. A job whose
    /// process is gone (or whose pid now belongs to another process) counts as cancelled.
    fn cancel(&self, cx: &Context, jobs: &[JobInfo]) -> CancelResults {
        let mut results = CancelResults::new();
        let mut targets = Vec::new();
        for job in jobs {
            if let Some(reason) = status::foreign_reason(job, cx.sys_name, cx.host, Op::Cancel) {
                results.insert(job.id.clone(), Err(reason));
                continue;
            }
            let id = match status::ident(job) {
                Ok(id) => id,
                Err(reason) => {
                    results.insert(job.id.clone(), Err(reason));
                    continue;
                }
            };
            match procfs::read_stat(id.pid) {
                // A zombie leader still pins its pid, so its session is still provably ours.
                Ok(Some(st)) if status::is_job_process(&id, &st) => {
                    if st.session == id.pid {
                        targets.push((job.id.clone(), id.pid));
                    } else {
                        let reason = format!(
                            "process {} does not lead its own session, so it is not a raw job; \
                             not signalled",
                            id.pid
                        );
                        results.insert(job.id.clone(), Err(reason));
                    }
                }
                Ok(_) => {
                    results.insert(job.id.clone(), Ok(()));
                }
                Err(e) => {
                    let reason = format!("cannot read /proc/{}/stat: {e}", id.pid);
                    results.insert(job.id.clone(), Err(reason));
                }
            }
        }
        tracing::debug!(sessions = targets.len(), "cancelling raw jobs");
        results.extend(cancel::kill_sessions(&targets, &cancel::Timing::DEFAULT));
        results
    }

    fn alloc_nodes(&self, cx: &Context) -> Result<Vec<String>, SchedError> {
        match short_host(cx.host) {
            "" => Err(SchedError::msg("the host name of this machine is empty")),
            h => Ok(vec![h.to_string()]),
        }
    }

    /// CPUs and total memory (bytes) of this host; `None` for any other node name.
    fn alloc_node_info(&self, cx: &Context, node: &str) -> Option<NodeInfo> {
        if node != short_host(cx.host) {
            return None;
        }
        let mut sys = match sysinfo::System::new() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read this host's cpus and memory");
                return None;
            }
        };
        sys.refresh_memory();
        sys.refresh_cpu_list(sysinfo::CpuRefreshKind::nothing());
        let mut info = NodeInfo::named(node);
        info.cpus = u32::try_from(sys.cpus().len()).ok().filter(|&c| c > 0);
        info.mem = Some(sys.total_memory()).filter(|&m| m > 0);
        Some(info)
    }

    fn test_cmd_deferred(&self) -> bool {
        false
    }

    fn concurrent_default(&self) -> u32 {
        100
    }

    fn uses_node_counts(&self) -> bool {
        false
    }

    fn min_poll_interval(&self, _cx: &Context) -> Duration {
        MIN_POLL_INTERVAL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_host_names() {
        assert_eq!(short_host("cn07.cluster.example.org"), "cn07");
        assert_eq!(short_host("cn07"), "cn07");
        assert_eq!(short_host(""), "");
        assert_eq!(short_host(".x"), "");
    }
}
