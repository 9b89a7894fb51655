//! What a plugin is asked to submit ([`KickoffRequest`], SCHEDULING.md §2.2) and the facts it gets
//! to build a launcher command ([`LaunchInput`], §4.3).

use crate::schedule::ScheduleConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Which nodes a job gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum NodeSpec {
    /// Exactly these nodes (natural order, non-empty). Advanced tier only.
    Explicit { nodes: Vec<String> },
    /// The scheduler picks `min..=max` nodes; `max = None` is a task-only request.
    Range {
        min: u64,
        max: Option<u64>,
        include: Vec<String>,
        exclude: Vec<String>,
    },
}

/// One submission: the kickoff script is already written at `script_path`.
#[derive(Debug, Clone)]
pub struct KickoffRequest {
    /// loggia job UUID, 32 lowercase hex.
    pub job_id: String,
    pub job_dir: PathBuf,
    pub script_path: PathBuf,
    pub job_name: String,
    /// Full test ids (`main.42`).
    pub tests: Vec<String>,
    /// Validated config of the job's first test, `time_limit` replaced by the job's.
    pub schedule: ScheduleConfig,
    pub node_spec: NodeSpec,
    pub time_limit_s: u64,
    /// Environment globs removed for the submission command (site `env_strip`).
    pub env_strip: Vec<String>,
}

/// Resolved allocation facts for `test_cmd`.
#[derive(Debug, Clone)]
pub struct LaunchInput {
    pub schedule: ScheduleConfig,
    pub nodes: Vec<String>,
    pub tasks_per_node: u64,
    pub tasks_total: u64,
    /// Per-node cpus/mem where known.
    pub node_info: BTreeMap<String, crate::NodeInfo>,
}
