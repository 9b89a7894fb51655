//! Test run directories (CONFIG.md §14): `test_runs/<id>/` with the resolved config, variables,
//! status file, attributes and scripts, and how a test run is completed exactly once.

use super::status;
use crate::fsutil::{self, read_json, write_atomic, write_json};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `attributes` (JSON).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Attributes {
    pub id: u64,
    pub uuid: String,
    pub name: String,
    pub cfg_label: String,
    pub suite_path: String,
    pub scheduler: String,
    pub created: f64,
    #[serde(default)]
    pub started: Option<f64>,
    #[serde(default)]
    pub finished: Option<f64>,
    pub sys_name: String,
    pub user: String,
    #[serde(default)]
    pub build_only: bool,
    #[serde(default)]
    pub build_name: Option<String>,
    #[serde(default)]
    pub rebuild: bool,
    #[serde(default)]
    pub skipped: bool,
    #[serde(default)]
    pub warnings: Vec<String>,
    #[serde(default)]
    pub result: Option<String>,
    /// pid and start time of the process that created the test (to spot abandoned tests).
    #[serde(default)]
    pub creator: Option<(u32, f64)>,
}

/// `variables` (JSON): every variable set, the deferred names and the deferred key paths.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoredVars {
    pub var: BTreeMap<String, Vec<crate::resolve::vars::Item>>,
    pub sys: BTreeMap<String, Vec<crate::resolve::vars::Item>>,
    pub pav: BTreeMap<String, Vec<crate::resolve::vars::Item>>,
    pub sched: BTreeMap<String, Vec<crate::resolve::vars::Item>>,
    /// `set.name` of deferred variables.
    pub deferred: Vec<String>,
    /// Dotted paths of config strings resolved in the allocation.
    pub deferred_paths: Vec<String>,
    pub permute_on: BTreeMap<String, String>,
}

/// A handle on one test run directory.
#[derive(Debug, Clone)]
pub struct TestRun {
    pub id: u64,
    pub label: String,
    pub dir: PathBuf,
}

impl TestRun {
    pub fn new(working_dir: &Path, label: &str, id: u64) -> Self {
        TestRun {
            id,
            label: label.to_string(),
            dir: working_dir.join("test_runs").join(id.to_string()),
        }
    }

    /// `label.id`.
    pub fn full_id(&self) -> String {
        format!("{}.{}", self.label, self.id)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub fn set_status(&self, state: &str, note: &str) -> std::io::Result<()> {
        status::append(&self.path("status"), state, note)
    }

    pub fn set_statuses(&self, changes: &[(&str, &str)]) -> std::io::Result<()> {
        status::append_many(&self.path("status"), changes)
    }

    pub fn status(&self) -> std::io::Result<Option<status::StatusEntry>> {
        status::current(&self.path("status"))
    }

    pub fn attributes(&self) -> std::io::Result<Attributes> {
        read_json(&self.path("attributes"))
    }

    pub fn write_attributes(&self, a: &Attributes) -> std::io::Result<()> {
        write_json(&self.path("attributes"), a)
    }

    pub fn vars(&self) -> std::io::Result<StoredVars> {
        read_json(&self.path("variables"))
    }

    pub fn is_complete(&self) -> bool {
        self.path("RUN_COMPLETE").exists()
    }

    pub fn cancel_requested(&self) -> bool {
        self.path("cancel").exists()
    }

    /// The job directory this test was kicked off in, if any.
    pub fn job_dir(&self) -> Option<PathBuf> {
        std::fs::read_link(self.path("job")).ok()
    }

    /// Claims the right to complete this test; only one process ever gets `true`.
    pub fn claim_completion(&self) -> bool {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.path(".completing"))
            .is_ok()
    }

    /// Writes `RUN_COMPLETE` (after results), the marker readers wait for.
    pub fn mark_complete(&self) -> std::io::Result<()> {
        let body = serde_json::json!({ "complete": fsutil::unix_now() });
        write_atomic(&self.path("RUN_COMPLETE"), body.to_string().as_bytes())
    }

    /// Parses `label.id` or a bare id (label `main`).
    pub fn parse_full_id(s: &str) -> Result<(String, u64), String> {
        let (label, id) = match s.rsplit_once('.') {
            Some((l, i)) => (l.to_string(), i),
            None => ("main".to_string(), s),
        };
        let id = id
            .parse::<u64>()
            .map_err(|_| format!("'{s}' is not a test id (expected N or label.N)"))?;
        Ok((label, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_ids_parse() {
        assert_eq!(
            TestRun::parse_full_id("main.42").unwrap(),
            ("main".to_string(), 42)
        );
        assert_eq!(
            TestRun::parse_full_id("7").unwrap(),
            ("main".to_string(), 7)
        );
        assert!(TestRun::parse_full_id("main.x").is_err());
    }

    #[test]
    fn completion_is_claimed_once() {
        let d = tempfile::tempdir().unwrap();
        let t = TestRun::new(d.path(), "main", 1);
        std::fs::create_dir_all(&t.dir).unwrap();
        assert!(t.claim_completion());
        assert!(!t.claim_completion());
        assert!(!t.is_complete());
        t.mark_complete().unwrap();
        assert!(t.is_complete());
    }
}
