//! Per-node facts of an advanced plugin's inventory (SCHEDULING.md §2.3). Memory is always bytes.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeInfo {
    pub name: String,
    /// Plugin-default classification: allocatable.
    pub up: bool,
    /// Plugin-default classification: up and not allocated.
    pub available: bool,
    /// Native state tokens, base state first (`["IDLE", "DRAIN"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpus: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mem_free: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpus: Option<u32>,
    /// Absent: the partition filter is skipped for this node; empty: in no partition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<Vec<String>>,
    /// Same absent/empty rule as `partitions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservations: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

impl NodeInfo {
    /// A node that is up and available, with nothing else known.
    pub fn named(name: impl Into<String>) -> Self {
        NodeInfo {
            name: name.into(),
            up: true,
            available: true,
            ..Default::default()
        }
    }
}
