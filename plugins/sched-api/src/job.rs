//! Jobs as the harness sees them: the persisted identity of a submission ([`JobInfo`]), the
//! normalized state every scheduler's native states map to ([`JobState`], SCHEDULING.md §5.1),
//! and how a job ended ([`ExitInfo`], the soma-workflow exit info).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The persisted identity of one job (stored in the job directory's `info`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobInfo {
    pub plugin: String,
    /// The scheduler's job id, as a string.
    pub id: String,
    pub sys_name: String,
    /// The submit host.
    pub host: String,
    /// Unix time of the submission.
    pub submitted: f64,
    pub job_dir: PathBuf,
    #[serde(default)]
    pub extra: BTreeMap<String, String>,
}

/// The normalized job state (§5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Held,
    Running,
    Completed,
    Failed,
    Cancelled,
    Unknown,
}

impl JobState {
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobState::Completed | JobState::Failed | JobState::Cancelled
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Held => "held",
            JobState::Running => "running",
            JobState::Completed => "completed",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
            JobState::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a status came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusSource {
    Queue,
    Accounting,
    ExitRecord,
    Local,
}

/// Resource usage of a finished job or test.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_time_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rss_bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walltime_s: Option<f64>,
}

/// How a job (or a test's run script) ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExitInfo {
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    /// `None` when the source cannot tell.
    pub core_dumped: Option<bool>,
    #[serde(default)]
    pub timed_out: bool,
    #[serde(default)]
    pub oom: bool,
    #[serde(default)]
    pub node_fail: bool,
    #[serde(default)]
    pub preempted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

/// One job's status as reported by one poll (§5.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobStatus {
    pub state: JobState,
    /// The scheduler's own state string.
    pub native: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit: Option<ExitInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<f64>,
    pub source: StatusSource,
    #[serde(default)]
    pub by_loggia: bool,
    #[serde(default)]
    pub disappeared: bool,
}

impl JobStatus {
    pub fn new(state: JobState, native: impl Into<String>, source: StatusSource) -> Self {
        JobStatus {
            state,
            native: native.into(),
            reason: None,
            exit: None,
            nodes: None,
            submit: None,
            start: None,
            end: None,
            source,
            by_loggia: false,
            disappeared: false,
        }
    }

    /// An `unknown` status with its (required) reason.
    pub fn unknown(reason: impl Into<String>, source: StatusSource) -> Self {
        JobStatus::new(JobState::Unknown, "", source).with_reason(reason)
    }

    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    pub fn with_exit(mut self, exit: ExitInfo) -> Self {
        self.exit = Some(exit);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_states() {
        assert!(JobState::Completed.is_terminal());
        assert!(JobState::Failed.is_terminal());
        assert!(JobState::Cancelled.is_terminal());
        assert!(!JobState::Unknown.is_terminal());
        assert!(!JobState::Running.is_terminal());
    }

    #[test]
    fn status_json_uses_spec_names() {
        let s = JobStatus::new(JobState::Completed, "COMPLETED", StatusSource::ExitRecord)
            .with_exit(ExitInfo {
                exit_code: Some(0),
                ..Default::default()
            });
        let j = serde_json::to_value(&s).unwrap();
        assert_eq!(j["state"], "completed");
        assert_eq!(j["source"], "exit_record");
        assert_eq!(j["exit"]["exit_code"], 0);
        let back: JobStatus = serde_json::from_value(j).unwrap();
        assert_eq!(back, s);
    }
}
