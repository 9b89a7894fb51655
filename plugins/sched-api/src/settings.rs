//! Site settings for scheduling (`loggia.yaml` `scheduling:`, SCHEDULING.md §10).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StatusSettings {
    /// Seconds; minimum age of the shared status cache before re-querying.
    pub min_interval: f64,
    /// Seconds; upper bound of the growing poll interval.
    pub max_interval: f64,
    pub max_silent_polls: u32,
    /// Seconds after submission before a job can be declared disappeared.
    pub disappear_grace: f64,
    /// Seconds after a terminal job state before an incomplete test is failed.
    pub completion_grace: f64,
    pub retries: u32,
    pub backoff_base: f64,
    /// Seconds per status/cancel command.
    pub command_timeout: f64,
}

impl Default for StatusSettings {
    fn default() -> Self {
        StatusSettings {
            min_interval: 10.0,
            max_interval: 60.0,
            max_silent_polls: 5,
            disappear_grace: 120.0,
            completion_grace: 30.0,
            retries: 3,
            backoff_base: 2.0,
            command_timeout: 60.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SchedSettings {
    pub status: StatusSettings,
    /// Seconds per submission command.
    pub submit_timeout: f64,
    /// Environment variable globs removed for submission commands.
    pub env_strip: Vec<String>,
    /// Plugin name → extra regexes marking command errors transient.
    pub transient_patterns: BTreeMap<String, Vec<String>>,
    pub chunk_seed: Option<u64>,
    /// How far back `fewest_jobs` looks for live jobs, as a duration string.
    pub live_job_window: String,
    /// Most tests the `raw` scheduler runs at once on this host (the soma-workflow local
    /// scheduler's process limit); `None` = no site cap beyond `run.concurrent`.
    pub raw_max_concurrent: Option<u32>,
    /// Node inventory file of the `sim` scheduler (`scontrol show node -o` text, or a JSON/YAML
    /// list of NodeInfo). A relative path is relative to the site config's directory; the
    /// environment variable `LOGGIA_SIM_INVENTORY` overrides it.
    pub sim_inventory: Option<std::path::PathBuf>,
}

impl Default for SchedSettings {
    fn default() -> Self {
        SchedSettings {
            status: StatusSettings::default(),
            submit_timeout: 120.0,
            env_strip: vec!["SBATCH_*".to_string()],
            transient_patterns: BTreeMap::new(),
            chunk_seed: None,
            live_job_window: "7d".to_string(),
            raw_max_concurrent: None,
            sim_inventory: None,
        }
    }
}
